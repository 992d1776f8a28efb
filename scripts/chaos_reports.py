#!/usr/bin/env python3
"""Report requester and result analyser of `make chaos` (scripts/chaos.sh). Standard library only.

  chaos_reports.py request --port P --dir D [--rate 5] [--drain 60]
      Signs in as `woman` (passwordless, AUTH_ALLOW_PASSWORDLESS=true), keeps one SSE stream of
      route 6 open (reconnecting whenever it ends), and publishes reports through route 5 at
      --rate per second, each with its own exportID (`<table>:<country>:chaos-<n>`), so that each
      accepted request can be matched with its `export-status` event. Every attempt and every
      event goes to D/reports.jsonl (one JSON object per line, wall-clock `t`).
      Before the main loop it publishes warm-up reports until one is delivered, then creates
      D/requester.ready and waits for D/requester.go. When D/requester.stop appears it stops
      publishing, waits up to --drain seconds until every accepted report was delivered, and exits.

  chaos_reports.py analyse --dir D --doc FILE [--meta D/meta.json]
      Reads D/phases.tsv, D/wrk-<phase>-<route>.txt, D/reports.jsonl and D/crashes.txt, prints the
      per-phase table, checks the pass criteria, rewrites the generated part of the
      `## Fault injection under load` section of FILE, and exits 1 when a criterion fails.
"""
import argparse
import http.client
import json
import os
import re
import socket
import sys
import threading
import time

TABLES = ["population", "health", "economy:gov", "economy:gdp", "growth:gdp", "growth:population"]
COUNTRIES = ["USA", "FRA", "DEU", "JPN", "ITA", "CAN", "GBR", "KOR"]
CONN_ERRORS = (OSError, http.client.HTTPException, socket.timeout)


# ------------------------------------------------------------------------------------ requester --

class Recorder:
    def __init__(self, path):
        self._f = open(path, "a", buffering=1)
        self._lock = threading.Lock()

    def log(self, kind, **fields):
        fields = {"t": round(time.time(), 4), "kind": kind, **fields}
        with self._lock:
            self._f.write(json.dumps(fields, separators=(",", ":")) + "\n")


class Requester:
    def __init__(self, args):
        self.host, self.port = "127.0.0.1", args.port
        self.dir = args.dir
        self.rate = args.rate
        self.drain = args.drain
        self.rec = Recorder(os.path.join(args.dir, "reports.jsonl"))
        self.token = None
        self.token_lock = threading.Lock()
        self.accepted = {}  # exportID -> publish time
        self.delivered = {}  # exportID -> first event time
        self.state_lock = threading.Lock()
        self.finished = threading.Event()
        self.inflight = threading.BoundedSemaphore(32)
        self.threads = []

    def flag(self, name):
        return os.path.exists(os.path.join(self.dir, "requester." + name))

    def call(self, method, path, body=None, token=None, timeout=15):
        """Returns (status, body bytes); raises one of CONN_ERRORS when no answer came."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            headers = {}
            data = None
            if body is not None:
                data = json.dumps(body)
                headers["Content-Type"] = "application/json"
            if token:
                headers["Authorization"] = "Bearer " + token
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read(), resp.getheader("Retry-After")
        finally:
            conn.close()

    # One valid access token, shared by the publisher and the stream. A 401 drops it (the next
    # user signs in again); sign-in is retried until it works or the run ends.
    def get_token(self):
        with self.token_lock:
            while self.token is None and not self.finished.is_set():
                try:
                    status, body, retry = self.call("POST", "/api/u/signin",
                                                    {"name": "woman", "email": "woman@edu.io"})
                    self.rec.log("signin", status=status)
                    if status == 200:
                        self.token = json.loads(body)["data"]["access_token"]
                        break
                    time.sleep(float(retry) if retry and retry.isdigit() else 1.0)
                except CONN_ERRORS as e:
                    self.rec.log("signin", status="conn_error", error=type(e).__name__)
                    time.sleep(0.5)
            return self.token

    def drop_token(self, token):
        with self.token_lock:
            if self.token == token:
                self.token = None

    # ----------------------------------------------------------------------------- the stream --
    def stream_loop(self):
        while not self.finished.is_set():
            token = self.get_token()
            if token is None:
                return
            conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
            try:
                conn.request("GET", "/api/uu/reports/subscribe/event",
                             headers={"Authorization": "Bearer " + token, "Accept": "text/event-stream"})
                resp = conn.getresponse()
                self.rec.log("stream_open", status=resp.status)
                if resp.status != 200:
                    resp.read()
                    if resp.status == 401:
                        self.drop_token(token)
                    time.sleep(0.5)
                    continue
                self.read_events(resp)
            except CONN_ERRORS as e:
                self.rec.log("stream_error", error=type(e).__name__)
                time.sleep(0.25)
            finally:
                conn.close()

    def read_events(self, resp):
        buf, event = b"", None
        while not self.finished.is_set():
            chunk = resp.read1(65536)
            if not chunk:
                self.rec.log("stream_end")
                return
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if line.startswith(b"event:"):
                    event = line[6:].strip()
                elif line.startswith(b"data:") and event == b"export-status":
                    try:
                        msg = json.loads(line[5:])
                    except ValueError:
                        self.rec.log("event_malformed", data=line[:200].decode("utf-8", "replace"))
                        continue
                    export_id = msg.get("exportID")
                    self.rec.log("event", exportID=export_id, requestID=msg.get("requestID"),
                                 status=msg.get("Status"), bytes=len(msg.get("Data") or ""))
                    with self.state_lock:
                        self.delivered.setdefault(export_id, time.time())
                elif line == b"":
                    event = None

    # -------------------------------------------------------------------------- publishing --
    def publish(self, n, warmup=False):
        table, country = TABLES[n % len(TABLES)], COUNTRIES[(n // len(TABLES)) % len(COUNTRIES)]
        export_id = "%s:%s:chaos-%s%d" % (table, country, "w" if warmup else "", n)
        token = self.get_token()
        if token is None:
            return
        t0 = time.time()
        try:
            status, _, _ = self.call("POST", "/api/uu/reports/publish",
                                     {"exportID": export_id, "requestTableString": table,
                                      "requestCountryCode": country}, token=token)
        except CONN_ERRORS as e:
            self.rec.log("publish", sent=t0, exportID=export_id, status="conn_error", error=type(e).__name__)
            return
        self.rec.log("publish", sent=t0, exportID=export_id, status=status, ms=round((time.time() - t0) * 1000, 1))
        if status == 200:
            with self.state_lock:
                self.accepted[export_id] = t0
        elif status == 401:
            self.drop_token(token)

    def publish_async(self, n):
        self.inflight.acquire()

        def run():
            try:
                self.publish(n)
            finally:
                self.inflight.release()

        th = threading.Thread(target=run, daemon=True)
        th.start()
        self.threads.append(th)

    def undelivered(self):
        with self.state_lock:
            return [e for e in self.accepted if e not in self.delivered]

    def run(self):
        streamer = threading.Thread(target=self.stream_loop, daemon=True)
        streamer.start()
        # warm-up: topics created, consumers assigned, one report through the whole path
        n = 0
        deadline = time.time() + 120
        while time.time() < deadline:
            n += 1
            self.publish(n, warmup=True)
            t_wait = time.time() + 3
            while time.time() < t_wait and self.undelivered():
                time.sleep(0.1)
            with self.state_lock:
                if self.accepted and not [e for e in self.accepted if e not in self.delivered]:
                    break
        else:
            self.rec.log("warmup_failed")
            print("requester: no report delivered within 120 s of warm-up", file=sys.stderr)
            return 1
        open(os.path.join(self.dir, "requester.ready"), "w").close()
        while not self.flag("go"):
            time.sleep(0.05)
        start, n = time.time(), 0
        while not self.flag("stop"):
            target = start + n / self.rate
            now = time.time()
            if target > now:
                time.sleep(target - now)
            n += 1
            self.publish_async(n)
        for th in self.threads:
            th.join(timeout=20)
        deadline = time.time() + self.drain
        while self.undelivered() and time.time() < deadline:
            time.sleep(0.2)
        missing = self.undelivered()
        self.rec.log("drain", waited=round(self.drain - max(0.0, deadline - time.time()), 1),
                     undelivered=len(missing), missing=missing[:50])
        self.finished.set()
        return 0


# ------------------------------------------------------------------------------------- analyser --

def parse_wrk(path):
    """RESULT line of scripts/chaos_wrk.lua -> dict (None when wrk produced none)."""
    try:
        text = open(path).read()
    except OSError:
        return None
    m = re.search(r"^RESULT (.*)$", text, re.M)
    if not m:
        return None
    out = {}
    for part in m.group(1).split():
        k, _, v = part.partition("=")
        if k == "statuses":
            out[k] = {int(c): int(n) for c, n in (x.split(":") for x in v.split(",") if x)}
        else:
            out[k] = float(v)
    out["sockerr"] = int(out["connect"] + out["read"] + out["write"] + out["timeout"])
    return out


def fmt_counts(d):
    return ", ".join("%s %s" % (k, v) for k, v in sorted(d.items(), key=lambda kv: str(kv[0]))) or "–"


def analyse(args):
    d = args.dir
    phases = []
    with open(os.path.join(d, "phases.tsv")) as f:
        for line in f:
            name, start, end, down, fault = line.rstrip("\n").split("\t")
            phases.append({"name": name, "start": float(start), "end": float(end),
                           "down": set(x for x in down.split(",") if x), "fault": fault})
    records = []
    with open(os.path.join(d, "reports.jsonl")) as f:
        for line in f:
            try:
                records.append(json.loads(line))
            except ValueError:
                pass
    crashes = []
    if os.path.exists(os.path.join(d, "crashes.txt")):
        crashes = [l.strip() for l in open(os.path.join(d, "crashes.txt")) if l.strip()]
    meta = json.load(open(args.meta)) if args.meta and os.path.exists(args.meta) else {}

    def phase_of(t):
        for p in phases:
            if p["start"] <= t < p["end"]:
                return p["name"]
        if t < phases[0]["start"]:
            return "warm-up"
        # between two phases (restore still running) or after the last one: the previous phase
        prev = [p for p in phases if p["start"] <= t]
        return prev[-1]["name"] if prev else "warm-up"

    rows = {p["name"]: {"phase": p, "wrk": {}, "sent": 0, "accepted": 0, "pub_non2xx": {},
                        "pub_conn": 0, "other_non2xx": {}, "other_conn": 0, "delivered": 0,
                        "slowest": 0.0, "accepted_ids": []} for p in phases}
    rows_order = [p["name"] for p in phases]
    warm = {"phase": {"name": "warm-up", "down": set(), "fault": "before the baseline"}, "wrk": {},
            "sent": 0, "accepted": 0, "pub_non2xx": {}, "pub_conn": 0, "other_non2xx": {},
            "other_conn": 0, "delivered": 0, "slowest": 0.0, "accepted_ids": []}
    rows["warm-up"] = warm
    for p in phases:
        for route in ("public", "country"):
            rows[p["name"]]["wrk"][route] = parse_wrk(os.path.join(d, "wrk-%s-%s.txt" % (p["name"], route)))

    first_event = {}
    duplicates = 0
    for r in records:
        if r["kind"] == "event":
            if r["exportID"] in first_event:
                duplicates += 1
            else:
                first_event[r["exportID"]] = r["t"]
    drain = next((r for r in records if r["kind"] == "drain"), None)

    failures = []
    for r in records:
        kind = r["kind"]
        if kind not in ("publish", "signin", "stream_open", "stream_error"):
            continue
        t = r.get("sent", r["t"])
        row = rows[phase_of(t)]
        status = r.get("status")
        if kind == "publish":
            row["sent"] += 1
            if status == 200:
                row["accepted"] += 1
                row["accepted_ids"].append((r["exportID"], t))
            elif status == "conn_error":
                row["pub_conn"] += 1
            else:
                row["pub_non2xx"][status] = row["pub_non2xx"].get(status, 0) + 1
        elif kind == "stream_error" or status == "conn_error":
            row["other_conn"] += 1
        elif not (200 <= status < 300):
            key = "%s %s" % ("stream" if kind == "stream_open" else "signin", status)
            row["other_non2xx"][key] = row["other_non2xx"].get(key, 0) + 1

    undelivered = []
    for row in rows.values():
        for export_id, t in row["accepted_ids"]:
            if export_id in first_event:
                row["delivered"] += 1
                row["slowest"] = max(row["slowest"], first_event[export_id] - t)
            else:
                undelivered.append((row["phase"]["name"], export_id))

    # ---------------------------------------------------------------------------- criteria --
    checks = []

    def check(ok, text):
        checks.append((ok, text))
        if not ok:
            failures.append(text)

    check(not crashes, "no service process exited on its own" +
          ("" if not crashes else ": " + "; ".join(crashes)))
    bad500, bad503, bad_other, bad_sock = [], [], [], []
    for name in ["warm-up"] + rows_order:
        row = rows[name]
        down = row["phase"]["down"]
        bff_down = "bff" in down
        # status counts per class of route: public reads need Postgres only (Redis is a cache);
        # everything behind the token gate needs Redis too (the allow-list, docs/security.md).
        classes = []
        for route in ("public", "country"):
            w = row["wrk"].get(route)
            if w:
                classes.append((route, w["statuses"], w["sockerr"]))
        classes.append(("publish", row["pub_non2xx"], row["pub_conn"]))
        other = {}
        for key, n in row["other_non2xx"].items():
            other[int(key.split()[1])] = other.get(int(key.split()[1]), 0) + n
        classes.append(("stream/signin", other, row["other_conn"]))
        for route, statuses, sockerr in classes:
            needs = {"pg"} if route == "public" else {"pg", "redis"}
            for code, n in statuses.items():
                if 200 <= code < 300:
                    continue
                if code == 503:
                    if not (needs & down):
                        bad503.append("%s: %s 503 x%d" % (name, route, n))
                elif code >= 500:
                    bad500.append("%s: %s %d x%d" % (name, route, code, n))
                else:
                    bad_other.append("%s: %s %d x%d" % (name, route, code, n))
            if sockerr and not bff_down:
                bad_sock.append("%s: %s x%d" % (name, route, sockerr))
    check(not bad500, "no 5xx other than 503" + ("" if not bad500 else ": " + "; ".join(bad500)))
    check(not bad503, "503 only while a dependency the route needs is down (public reads: Postgres; "
          "routes behind the token gate: Postgres or Redis)" + ("" if not bad503 else ": " + "; ".join(bad503)))
    check(not bad_other, "no other non-2xx answer" + ("" if not bad_other else ": " + "; ".join(bad_other)))
    check(not bad_sock, "socket errors only while the BFF is down" +
          ("" if not bad_sock else ": " + "; ".join(bad_sock)))
    for p in phases:
        if "redis" in p["down"]:
            w = rows[p["name"]]["wrk"].get("public")
            ok = bool(w) and w["requests"] > 0 and all(200 <= c < 300 for c in w["statuses"])
            check(ok, "public reads answer 200 while Redis is down (%s: %s)" %
                  (p["name"], "no wrk result" if not w else fmt_counts(w["statuses"])))
    for p in phases:
        w = rows[p["name"]]["wrk"]
        check(all(w.get(r) and w[r]["requests"] > 0 for r in ("public", "country")),
              "wrk ran in phase %s" % p["name"])
    total_acc = sum(r["accepted"] for r in rows.values())
    check(total_acc > 0 and not undelivered,
          "every accepted report delivered after recovery (%d accepted, %d undelivered%s)" %
          (total_acc, len(undelivered), "" if not undelivered else
           ": " + ", ".join("%s/%s" % u for u in undelivered[:10])))
    for p in phases:
        if p["name"] == "bff" or "bff" in p["down"]:
            continue
        if rows[p["name"]]["accepted"] == 0:
            check(False, "reports accepted in phase %s" % p["name"])

    # ------------------------------------------------------------------------------ output --
    def wcell(w, key):
        return "–" if not w else ("%d" % w[key] if key == "requests" else "%.1f" % w[key])

    lines = ["| phase | fault | wrk requests public / country | non-2xx (route status ×n) | socket errors "
             "| p99 ms public / country | reports sent | accepted | delivered | slowest delivery s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name in ["warm-up"] + rows_order:
        row = rows[name]
        wp, wc = row["wrk"].get("public"), row["wrk"].get("country")
        non2xx = []
        for route, w in (("public", wp), ("country", wc)):
            if w:
                non2xx += ["%s %d ×%d" % (route, c, n) for c, n in sorted(w["statuses"].items())
                           if not 200 <= c < 300]
        non2xx += ["publish %s ×%d" % (c, n) for c, n in sorted(row["pub_non2xx"].items(), key=str)]
        non2xx += ["%s ×%d" % (k, n) for k, n in sorted(row["other_non2xx"].items())]
        sock = []
        if wp and wp["sockerr"]:
            sock.append("public %d" % wp["sockerr"])
        if wc and wc["sockerr"]:
            sock.append("country %d" % wc["sockerr"])
        if row["pub_conn"]:
            sock.append("publish %d" % row["pub_conn"])
        if row["other_conn"]:
            sock.append("stream/signin %d" % row["other_conn"])
        lines.append("| %s | %s | %s / %s | %s | %s | %s / %s | %d | %d | %d | %s |" % (
            name, row["phase"]["fault"], wcell(wp, "requests"), wcell(wc, "requests"),
            "; ".join(non2xx) or "–", "; ".join(sock) or "–", wcell(wp, "p99_ms"), wcell(wc, "p99_ms"),
            row["sent"], row["accepted"], row["delivered"],
            "%.1f" % row["slowest"] if row["accepted"] else "–"))
    table = "\n".join(lines)
    verdict = "PASS" if not failures else "FAIL"
    check_lines = "\n".join("* %s %s" % ("pass:" if ok else "**FAIL**:", text) for ok, text in checks)
    extra = ("Duplicate `export-status` events (the same report delivered again, e.g. after a restart): %d. "
             "Final wait for deliveries after the recovery phase: %s s." %
             (duplicates, drain["waited"] if drain else "?"))
    print(table)
    print()
    print(check_lines)
    print(extra)
    print("verdict: " + verdict)
    if args.doc:
        write_doc(args.doc, meta, table, check_lines, extra, verdict)
    return 0 if not failures else 1


BEGIN = "<!-- chaos:begin (generated by scripts/chaos.sh; edits between these markers are lost) -->"
END = "<!-- chaos:end -->"
HEADING = "## Fault injection under load"
INTRO = """\
`make chaos` (`scripts/chaos.sh`) checks what the BFF and reporting do when their dependencies fail
under load. Loopback only and bounded in time (about 6 minutes with the defaults). It builds the
`release` binaries, starts the `run` profile's Postgres, Redis and a **three-broker** Kafka
(`scripts/infra.sh start --profile run --kafka-brokers 3`), migrates (and loads the dev seed into
an empty database), then starts one BFF and one reporting process on ports of their own
(`CHAOS_BFF_PORT`, default 18181; reporting 18183/18184), `LOG_LEVEL=warn`, logs and raw results in
`.state/chaos/`, with fresh report topics (created by the services with replication factor 3) and
groups. It refuses to run while `make run` (or anything of the `run` profile) is running, and
stops what it started on exit.

Load during every phase: two wrk processes (`scripts/chaos_wrk.lua` counts answers by status), one
on the public dashboard `/api/dashboard/health` and one on the country route
`/api/population/country?countryCode=USA` behind the token gate, each with `WRK_CONNECTIONS`
connections pausing `WRK_DELAY_MS` between requests; and `scripts/chaos_reports.py`, which signs
in as `woman`, keeps one report stream (SSE) open, reconnecting whenever it ends, and publishes
`REPORT_RATE` reports per second, each with its own `exportID`, so that each accepted request
(200) can be matched with its `export-status` event.

Phases, `PHASE_SECONDS` each (default 25): the fault starts 2 s into the phase and is repaired at
40 % of it (`scripts/infra.sh stop|start --only pg|redis`; the Kafka broker gets `SIGTERM` and
is started again by `scripts/infra.sh start --only kafka`, which returns once it is up; reporting
and the BFF get `SIGKILL` and are started again, with the same settings and consumer groups).
After the last phase the requester stops publishing and waits up to `DRAIN_SECONDS` (60) for the
remaining deliveries. Other knobs: `KAFKA_VICTIM` (the broker that is stopped, default 2),
`REPORT_RATE` (5), `WRK_CONNECTIONS` (4), `WRK_DELAY_MS` (5), `CHAOS_DOC` (this file).

Pass criteria, checked by the script (exit status 1 when one fails): no service process exits on
its own (only the ones killed on purpose); no 5xx other than 503; 503 only in a phase where a
dependency the route needs is down — Postgres for the public reads (Redis is only their cache),
Postgres or Redis for the routes behind the token gate (sign-in, country data, report publish and
stream: the access-token allow-list lives in Redis, so they answer 503 while Redis is down, as
docs/security.md states); socket errors only while the BFF itself is down (counted separately,
not as statuses); the public reads answer 200 throughout the Redis outage; and every report
accepted with 200 is delivered by the end, including those accepted before reporting or the BFF
was killed. The table counts reports in the phase in which they were published; "delivered" is
counted at the end of the run, "slowest delivery" is the longest time from publish to event.
"""


def write_doc(path, meta, table, check_lines, extra, verdict):
    body = [BEGIN, "",
            "### Run of %s%s" % (meta.get("date", time.strftime("%Y-%m-%d")),
                                 ", commit %s" % meta["commit"] if meta.get("commit") else ""),
            "",
            "Command: `%s`" % meta.get("command", "make chaos"),
            "(settings: %s)." % meta.get("settings", "defaults"),
            "Machine: %s." % meta.get("machine", "unknown"),
            "",
            table, "",
            "Result: **%s**." % verdict, "",
            check_lines, "",
            extra, "",
            END]
    generated = "\n".join(body)
    # re-read right before writing: another section of the same file may have changed meanwhile
    text = open(path).read() if os.path.exists(path) else "# Reliability\n"
    if BEGIN.split(" (")[0] in text and END in text:
        start = text.index(BEGIN.split(" (")[0])
        stop = text.index(END, start) + len(END)
        text = text[:start] + generated + text[stop:]
    elif HEADING in text:
        # our heading without markers: put the generated block at the end of our section
        start = text.index(HEADING)
        nxt = text.find("\n## ", start + len(HEADING))
        stop = len(text) if nxt < 0 else nxt + 1
        section = text[start:stop].rstrip("\n") + "\n\n" + generated + "\n"
        text = text[:start] + section + ("\n" if nxt >= 0 else "") + text[stop:]
    else:
        text = text.rstrip("\n") + "\n\n" + HEADING + "\n\n" + INTRO + "\n" + generated + "\n"
    tmp = path + ".tmp-chaos"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    rq = sub.add_parser("request")
    rq.add_argument("--port", type=int, required=True)
    rq.add_argument("--dir", required=True)
    rq.add_argument("--rate", type=float, default=5.0)
    rq.add_argument("--drain", type=float, default=60.0)
    an = sub.add_parser("analyse")
    an.add_argument("--dir", required=True)
    an.add_argument("--doc")
    an.add_argument("--meta")
    args = ap.parse_args()
    if args.cmd == "request":
        return Requester(args).run()
    return analyse(args)


if __name__ == "__main__":
    sys.exit(main())
