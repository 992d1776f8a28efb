#!/usr/bin/env python3
"""Rewrites the generated blocks of docs/benchmarks.md from the outputs of bench/all.sh.

  bench/update_doc.py --dir .state/bench --doc docs/benchmarks.md

Reads DIR/meta.json and whichever of DIR/http.txt, DIR/reports.txt, DIR/ingestion.txt exist (the
tee'd output of bench/run.sh, bench/reports.sh and bench/ingestion.sh), and replaces the text
between `<!-- bench:<name>:begin ... -->` and `<!-- bench:<name>:end -->` for `summary` and for each
benchmark that ran. Everything outside the markers (the prose) is left as it is. Standard library
only.
"""
import argparse
import json
import os
import re
import sys


def median(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        return None
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def fields(text):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", text)}


def results(line):
    """'RESULT a x=1 RESULT b y=2' -> {'a': {...}, 'b': {...}}"""
    out = {}
    for part in line.split("RESULT ")[1:]:
        name, _, rest = part.partition(" ")
        out[name] = fields(rest)
    return out


def num(x, digits=1):
    if x is None:
        return "–"
    if abs(x) >= 1000:
        return "{:,.0f}".format(x)
    return ("{:.%df}" % digits).format(x)


def runs_header(n):
    return " | ".join("run %d" % (i + 1) for i in range(n))


def http_block(text, meta):
    runs = {}
    for m in re.finditer(r"^(\S+) run (\d+): (RESULT .*)$", text, re.M):
        runs.setdefault(m.group(1), []).append(fields(m.group(3)))
    targets = [t for t in ("livez", "cached", "redis-cached", "uncached") if t in runs]
    if not targets:
        raise SystemExit("update_doc: no runs in http.txt")
    n = max(len(runs[t]) for t in targets)
    med = {t: {k: median([r[k] for r in runs[t]]) for k in ("rps", "p50_ms", "p99_ms")} for t in targets}
    lines = ["Command: `%s` (through `make bench`)." % meta["commands"]["http"], "",
             "| target | req/s | p50 ms | p99 ms | req/s of each run |",
             "|---|---|---|---|---|"]
    for t in targets:
        lines.append("| %s | **%s** | %s | %s | %s |" % (
            t, num(med[t]["rps"]), num(med[t]["p50_ms"], 3), num(med[t]["p99_ms"], 3),
            ", ".join(num(r["rps"]) for r in runs[t])))
    ratio = lambda a, b: ("%.2f" % (med[a]["rps"] / med[b]["rps"])) if a in med and b in med and med[b]["rps"] else "–"
    lines += ["", "Medians of %d run(s) each. Ratios of the median req/s: **cached / livez = %s** (aim of issue 3: "
              "≥ 0.60), redis-cached / livez = %s, cached / uncached = %s." %
              (n, ratio("cached", "livez"), ratio("redis-cached", "livez"), ratio("cached", "uncached"))]
    return lines


def reports_block(text, meta):
    rows = [results(m.group(1)) for m in re.finditer(r"^run \d+: (.*)$", text, re.M)]
    rows = [r for r in rows if "roundtrip" in r and "burst" in r]
    if not rows:
        raise SystemExit("update_doc: no runs in reports.txt")
    n = len(rows)
    burst = int(rows[0]["burst"].get("n", 0))
    figs = [("round trip p50 ms", "roundtrip", "p50_ms", True), ("round trip p95 ms", "roundtrip", "p95_ms", True),
            ("round trip max ms", "roundtrip", "max_ms", False),
            ("reporting reports/s (burst of %d)" % burst, "burst", "reports_per_s", True)]
    lines = ["Command: `%s` (through `make bench`)." % meta["commands"]["reports"], "",
             "| figure | %s | median |" % runs_header(n), "|---|" + "---|" * (n + 1)]
    meds = {}
    for label, part, key, with_median in figs:
        vals = [r[part].get(key) for r in rows]
        m = median([v for v in vals if v is not None]) if with_median else None
        meds[key] = m
        lines.append("| %s | %s | %s |" % (label, " | ".join(num(v) for v in vals),
                                           "**%s**" % num(m) if with_median else "–"))
    p50 = meds.get("p50_ms")
    lines += ["", "Median round trip p50 / the issue's aim of 100 ms = %s; p95 / p50 = %s." % (
        "%.2f" % (p50 / 100) if p50 else "–",
        "%.1f" % (meds["p95_ms"] / p50) if p50 and meds.get("p95_ms") else "–")]
    return lines


def ingestion_block(text, meta):
    rows = [results(m.group(1)) for m in re.finditer(r"^run \d+: (.*)$", text, re.M)]
    rows = [r for r in rows if "snapshot" in r and "generated" in r]
    if not rows:
        raise SystemExit("update_doc: no runs in ingestion.txt")
    n = len(rows)
    lines = ["Command: `%s` (through `make bench`)." % meta["commands"]["ingestion"], "",
             "| part | %s | median |" % runs_header(n), "|---|" + "---|" * (n + 1)]
    meds = {}
    parts = [("snapshot", "snapshot (%s rows) rows/s"), ("generated", "generated (%s rows) rows/s")]
    if all("reload" in r for r in rows):
        parts.append(("reload", "reload of the generated feed (%s rows) rows/s"))
    if all("parse" in r for r in rows):
        parts.append(("parse", "parse only, generated (%s rows) rows/s"))
    for part, label in parts:
        vals = [r[part]["rows_per_s"] for r in rows]
        meds[part] = median(vals)
        lines.append("| %s | %s | **%s** |" % (label % "{:,}".format(int(rows[0][part]["rows"])),
                                               " | ".join(num(v) for v in vals), num(meds[part])))
    lines += ["", "Median generated rows/s / the issue's aim of 200,000 rows/s = %.2f; generated / snapshot = %.2f." %
              (meds["generated"] / 200000, meds["generated"] / meds["snapshot"] if meds["snapshot"] else 0)]
    return lines


def summary_block(meta):
    return ["Last `make bench`: %s, commit %s, %s s in all." % (meta["date"], meta["commit"], meta["seconds"]),
            "", "* Command: `%s` (the command behind each figure is named in its section)." % meta["command"],
            "* Machine: %s." % meta["machine"],
            "* Data: %s." % meta["data"]]


def replace_block(text, name, lines, meta):
    begin_re = re.compile(r"<!-- bench:%s:begin[^>]*-->" % re.escape(name))
    end = "<!-- bench:%s:end -->" % name
    m = begin_re.search(text)
    if not m or end not in text[m.end():]:
        raise SystemExit("update_doc: the markers of block '%s' are missing in the document" % name)
    stop = text.index(end, m.end())
    head = "<!-- bench:%s:begin (generated by bench/all.sh: edits up to the end marker are lost) -->" % name
    body = lines if name == "summary" else ["#### `make bench` of %s" % meta["date"], ""] + lines
    return text[:m.start()] + head + "\n" + "\n".join(body) + "\n" + text[stop:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--doc", required=True)
    args = ap.parse_args()
    meta = json.load(open(os.path.join(args.dir, "meta.json")))
    text = open(args.doc).read()
    builders = {"http": http_block, "reports": reports_block, "ingestion": ingestion_block}
    done = []
    for name, build in builders.items():
        path = os.path.join(args.dir, name + ".txt")
        if name in meta.get("commands", {}) and os.path.exists(path):
            text = replace_block(text, name, build(open(path).read(), meta), meta)
            done.append(name)
    text = replace_block(text, "summary", summary_block(meta), meta)
    tmp = args.doc + ".tmp-bench"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, args.doc)
    print("update_doc: rewrote %s in %s" % (", ".join(["summary"] + done), args.doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
