#!/usr/bin/env python3
"""Build the NationPulse development seed from the bundled real OECD files.

Writes db/seed/dev_seed.sql (idempotent SQL: one transaction that, per table, deletes
the seeded countries' rows and inserts the seed rows) and db/seed/SOURCES.md
(provenance of every table, derivations, licence).

The committed output is what the stack uses; this script only exists to regenerate it.
Standard library only.

Usage: scripts/build-dev-seed.py [DATA_DIR] [--out-dir DIR]
  DATA_DIR  the OECD snapshot directory (default: ../shared/data/oecd relative to the
            repository root)
  --out-dir where to write dev_seed.sql and SOURCES.md (default: <repo>/db/seed)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "oecd"

# ---------------------------------------------------------------------------- choices
# The six countries every route example uses, plus enough others for the top-10
# dashboards (14 in total). All 14 have data in every source file used below.
COUNTRIES = ["USA", "FRA", "DEU", "EST", "JPN", "GBR",
             "AUS", "CAN", "CHE", "ESP", "ITA", "KOR", "MEX", "NOR"]

POP_YEARS = ["2020", "2021", "2022"]          # DF_POP_HIST ends in 2022
POP_AGES = ["_T", "Y15T64", "Y_GE65"]          # Total, 15-64, 65+
LATEST_N_YEARS = 3                             # health / government: per-country latest years

# Derived indicator codes (documented in SOURCES.md and in the SQL).
GPOP_TOTAL_CODE, GPOP_TOTAL_NAME = "POP", "Population"
GPOP_1574_CODE, GPOP_1574_NAME = "POP1574", "Population aged 15-74"
GDPPC_CODE = "B1GQ_R_POP"
GDPPC_NAME = "Gross domestic product per capita (derived)"

FILES = {
    "pop": "population/DF_POP_HIST.labels.csv",
    "lfexp": "health/DF_LE.LFEXP.labels.csv",
    "inm": "health/DF_HEALTH_STATUS.INM.labels.csv",
    "gov": "economy-gov/DF_GOV_PF_YU.labels.csv",
    "gdp": "economy-gdp/DF_REFSERIES_GLOBAL.B1GQ_V.codes.csv",
    "eo": "growth/DF_EO.USA.GDPV_USD.csv2-labels-both.csv",
}

TABLE_COLUMNS = {
    "poptable": ["country_code", "country_name", "indicator_code", "indicator",
                 "sex_code", "sex_name", "age", "year", "value"],
    "htable": ["country_code", "country_name", "indicator_code", "indicator",
               "sex_code", "sex_name", "cause", "unit_range", "year", "value"],
    "egdptable": ["country_code", "country_name", "indicator_code", "indicator", "year", "value"],
    "egovtable": ["country_code", "country_name", "indicator_code", "indicator", "year", "value"],
    "ggdptable": ["country_code", "country_name", "indicator_code", "indicator", "year", "value"],
    "gpopulationtable": ["country_code", "country_name", "indicator_code", "indicator", "year", "value"],
}
INT_YEAR_TABLES = {"poptable", "htable"}


class SeedError(Exception):
    pass


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_number(text: str, where: str) -> str | None:
    """OBS_VALUE text → canonical numeric literal, or None for an empty cell."""
    text = text.strip()
    if text == "":
        return None
    try:
        d = Decimal(text)
    except Exception as exc:  # noqa: BLE001
        raise SeedError(f"{where}: OBS_VALUE {text!r} is not a number") from exc
    if not d.is_finite():
        raise SeedError(f"{where}: OBS_VALUE {text!r} is not finite")
    return text


def one(rows: list[dict[str, str]], where: str) -> dict[str, str]:
    if len(rows) != 1:
        raise SeedError(f"{where}: expected exactly one source row, found {len(rows)}")
    return rows[0]


def latest_years(years: set[str], n: int) -> list[str]:
    return sorted(years, key=int)[-n:]


# --------------------------------------------------------------------------- builders
def build_population(data: Path, notes: dict) -> tuple[list, list, dict]:
    """poptable rows, gpopulationtable rows (derived), country names."""
    src = read_csv(data / FILES["pop"])
    idx: dict[tuple[str, str, str], list] = defaultdict(list)
    names: dict[str, str] = {}
    ages_seen: dict[str, str] = {}
    for r in src:
        if r["MEASURE"] != "POP" or r["SEX"] != "_T" or r["UNIT_MULT"] != "0":
            raise SeedError(f"unexpected DF_POP_HIST row: {r['MEASURE']} {r['SEX']} {r['UNIT_MULT']}")
        idx[(r["REF_AREA"], r["AGE"], r["TIME_PERIOD"])].append(r)
        names.setdefault(r["REF_AREA"], r["Reference area"])
        ages_seen[r["AGE"]] = r["Age"]

    # 5-year bands that tile 15..74 exactly.
    bands = []
    for code in ages_seen:
        m = re.fullmatch(r"Y(\d+)T(\d+)", code)
        if m and int(m.group(2)) - int(m.group(1)) == 4 and int(m.group(1)) >= 15 and int(m.group(2)) <= 74:
            bands.append((int(m.group(1)), int(m.group(2)), code))
    bands.sort()
    tiles = bool(bands) and bands[0][0] == 15 and bands[-1][1] == 74 and all(
        b[0] == a[1] + 1 for a, b in zip(bands, bands[1:]))
    band_codes = [b[2] for b in bands] if tiles else []
    if not tiles:
        print("warning: DF_POP_HIST age bands do not tile 15-74; POP1574 not derived", file=sys.stderr)
    notes["pop1574_bands"] = band_codes

    pop_rows, gpop_rows = [], []
    max_gap = Decimal(0)
    for cc in COUNTRIES:
        for year in POP_YEARS:
            for age in POP_AGES:
                r = one(idx[(cc, age, year)], f"DF_POP_HIST {cc} {age} {year}")
                pop_rows.append([cc, r["Reference area"], r["MEASURE"], r["Measure"], r["SEX"],
                                 r["Sex"], r["Age"], year,
                                 check_number(r["OBS_VALUE"], f"DF_POP_HIST {cc} {age} {year}")])
            total = one(idx[(cc, "_T", year)], f"DF_POP_HIST {cc} _T {year}")
            total_v = check_number(total["OBS_VALUE"], f"DF_POP_HIST {cc} _T {year}")
            gpop_rows.append([cc, names[cc], GPOP_TOTAL_CODE, GPOP_TOTAL_NAME, year, total_v])
            if band_codes:
                parts = [check_number(one(idx[(cc, b, year)], f"DF_POP_HIST {cc} {b} {year}")["OBS_VALUE"],
                                      f"DF_POP_HIST {cc} {b} {year}") for b in band_codes]
                if any(p is None for p in parts):
                    raise SeedError(f"DF_POP_HIST {cc} {year}: empty value in a 15-74 band")
                s = sum((Decimal(p) for p in parts), Decimal(0))
                gpop_rows.append([cc, names[cc], GPOP_1574_CODE, GPOP_1574_NAME, year, fmt_decimal(s)])
                # Sanity check: all-ages partition vs the _T row.
                full = ["Y_LE4", "Y5T9", "Y10T14", *band_codes, "Y75T79", "Y80T84", "Y_GE85"]
                if all(idx.get((cc, b, year)) for b in full) and total_v is not None:
                    allsum = sum((Decimal(one(idx[(cc, b, year)], b)["OBS_VALUE"] or 0) for b in full), Decimal(0))
                    gap = abs(allsum - Decimal(total_v)) / Decimal(total_v)
                    max_gap = max(max_gap, gap)
    notes["pop_partition_max_rel_gap"] = max_gap
    return pop_rows, gpop_rows, names


def build_health(data: Path) -> list:
    rows = []
    # INM has two series per country and year that differ only in GESTATION_THRESHOLD
    # (a dimension the ingestion mapping drops): keep the headline "NONE" series.
    for key, measure, extra in (("lfexp", "LFEXP", {}), ("inm", "INM", {"GESTATION_THRESHOLD": "NONE"})):
        src = read_csv(data / FILES[key])
        idx: dict[tuple[str, str, str], list] = defaultdict(list)
        years: dict[tuple[str, str], set] = defaultdict(set)
        for r in src:
            if r["MEASURE"] != measure or any(r[k] != v for k, v in extra.items()):
                continue
            idx[(r["REF_AREA"], r["SEX"], r["TIME_PERIOD"])].append(r)
            years[(r["REF_AREA"], r["SEX"])].add(r["TIME_PERIOD"])
        sexes = ["_T", "F", "M"] if measure == "LFEXP" else ["_T"]
        for cc in COUNTRIES:
            for sex in sexes:
                if not years[(cc, sex)]:
                    raise SeedError(f"{FILES[key]}: no {measure} {sex} rows for {cc}")
                for year in latest_years(years[(cc, sex)], LATEST_N_YEARS):
                    where = f"{FILES[key]} {cc} {sex} {year}"
                    r = one(idx[(cc, sex, year)], where)
                    rows.append([cc, r["Reference area"], r["MEASURE"], r["Measure"], r["SEX"], r["Sex"],
                                 r["Cause of death"], r["Unit of measure"], year,
                                 check_number(r["OBS_VALUE"], where)])
    return rows


def build_gov(data: Path) -> list:
    src = read_csv(data / FILES["gov"])
    idx: dict[tuple[str, str], list] = defaultdict(list)
    years: dict[str, set] = defaultdict(set)
    for r in src:
        idx[(r["REF_AREA"], r["TIME_PERIOD"])].append(r)
        years[r["REF_AREA"]].add(r["TIME_PERIOD"])
    rows = []
    for cc in COUNTRIES:
        if not years[cc]:
            raise SeedError(f"{FILES['gov']}: no rows for {cc}")
        for year in latest_years(years[cc], LATEST_N_YEARS):
            where = f"{FILES['gov']} {cc} {year}"
            r = one(idx[(cc, year)], where)
            rows.append([cc, r["Reference area"], r["MEASURE"], r["Measure"], year,
                         check_number(r["OBS_VALUE"], where)])
    return rows


def build_gdp_per_capita(data: Path, pop_rows: list, names: dict, notes: dict) -> list:
    """GDP (USD, × 10^UNIT_MULT) ÷ total population of the same year, 1 decimal."""
    src = read_csv(data / FILES["gdp"])
    idx: dict[tuple[str, str], list] = defaultdict(list)
    for r in src:
        if r["MEASURE"] == "B1GQ_V" and r["UNIT_MEASURE"] == "USD":
            idx[(r["REF_AREA"], r["TIME_PERIOD"])].append(r)
    totals = {(r[0], r[7]): r[8] for r in pop_rows if r[2] == "POP" and r[4] == "_T" and r[6] == "Total"}
    rows = []
    for cc in COUNTRIES:
        for year in POP_YEARS:
            where = f"{FILES['gdp']} {cc} USD {year}"
            g = one(idx[(cc, year)], where)
            gv = check_number(g["OBS_VALUE"], where)
            notes.setdefault("gdp_unit_mults", set()).add(g["UNIT_MULT"])
            pv = totals.get((cc, year))
            if gv is None or pv is None or Decimal(pv) == 0:
                value = None
            else:
                gdp = Decimal(gv) * (Decimal(10) ** int(g["UNIT_MULT"]))
                value = fmt_decimal((gdp / Decimal(pv)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
            rows.append([cc, names[cc], GDPPC_CODE, GDPPC_NAME, year, value])
    return rows


def split_label(cell: str) -> tuple[str, str]:
    """SDMX-CSV 2.0 labels=both cell 'CODE: Label' → (code, label)."""
    code, sep, label = cell.partition(": ")
    return (code, label) if sep else (cell, "")


def build_growth_gdp(data: Path) -> list:
    path = data / FILES["eo"]
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = [split_label(h)[0] for h in next(reader)]
        recs = [dict(zip(header, rec)) for rec in reader if rec]
    rows = []
    for r in recs:
        cc, cname = split_label(r["REF_AREA"])
        mcode, mname = split_label(r["MEASURE"])
        year = split_label(r["TIME_PERIOD"])[0]
        rows.append([cc, cname, mcode, mname, year,
                     check_number(r["OBS_VALUE"], f"{FILES['eo']} {cc} {year}")])
    rows.sort(key=lambda x: (x[0], x[2], x[4]))
    return rows


# ------------------------------------------------------------------------------ output
def fmt_decimal(d: Decimal) -> str:
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def sql_row(table: str, row: list) -> str:
    out = []
    for col, v in zip(TABLE_COLUMNS[table], row):
        if col == "value":
            out.append("NULL" if v is None else v)
        elif col == "year" and table in INT_YEAR_TABLES:
            out.append(str(int(v)))
        else:
            out.append(sql_str(v))
    return "(" + ", ".join(out) + ")"


TABLE_NOTES = {
    "poptable": "population/DF_POP_HIST.labels.csv: MEASURE POP, SEX _T, AGE _T / Y15T64 / Y_GE65, years "
                + ", ".join(POP_YEARS) + ".",
    "htable": "health/DF_LE.LFEXP.labels.csv (LFEXP, SEX _T/F/M) and health/DF_HEALTH_STATUS.INM.labels.csv "
              f"(INM, SEX _T, GESTATION_THRESHOLD NONE): the latest {LATEST_N_YEARS} years of each country and sex.",
    "egovtable": f"economy-gov/DF_GOV_PF_YU.labels.csv (GGD, % of GDP): the latest {LATEST_N_YEARS} years of each country.",
    "gpopulationtable": f"DERIVED from population/DF_POP_HIST.labels.csv: {GPOP_TOTAL_CODE} = the AGE _T row; "
                        f"{GPOP_1574_CODE} = sum of the 5-year age bands 15-74. Not Economic Outlook data.",
    "egdptable": f"DERIVED: {GDPPC_CODE} = DF_REFSERIES_GLOBAL B1GQ_V (USD, x 10^UNIT_MULT) / DF_POP_HIST total "
                 "population of the same year, rounded to 0.1 USD. Annual, not quarterly; not DF_QNA data.",
    "ggdptable": "growth/DF_EO.USA.GDPV_USD.csv2-labels-both.csv: USA GDPV_USD (GDP volume in USD, a level, "
                 "not a growth rate), all 5 rows; 2025-2027 are Economic Outlook projections.",
}


def write_sql(path: Path, tables: dict[str, list], data_files: dict[str, Path]) -> None:
    lines = [
        "-- NationPulse development seed — GENERATED by scripts/build-dev-seed.py; do not edit by hand.",
        "-- Real OECD data (CC BY 4.0, source: OECD Data Explorer / SDMX API), see db/seed/SOURCES.md",
        "-- for the files, selections and derivations. Some tables hold DERIVED values (marked below).",
        "--",
        "-- Idempotent: one transaction; for each table the rows of the seeded countries are",
        "-- deleted, then the seed rows are inserted. Do not load into a database whose data",
        "-- you want to keep for these countries: their ingested rows would be replaced.",
        "-- Load with: scripts/migrate.sh --seed db/seed/dev_seed.sql   (or psql -f).",
        "",
        "SET client_encoding = 'UTF8';",
        "BEGIN;",
        "",
    ]
    for table, rows in tables.items():
        codes = sorted({r[0] for r in rows})
        lines.append(f"-- {table}: {len(rows)} rows. {TABLE_NOTES[table]}")
        lines.append(f"DELETE FROM {table} WHERE country_code IN ({', '.join(sql_str(c) for c in codes)});")
        if rows:
            lines.append(f"INSERT INTO {table} ({', '.join(TABLE_COLUMNS[table])}) VALUES")
            lines.append(",\n".join("    " + sql_row(table, r) for r in rows) + ";")
        lines.append("")
    lines.append("COMMIT;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_sources(path: Path, tables: dict[str, list], data_files: dict[str, Path], notes: dict,
                  sql_path: Path) -> None:
    def years(rows, col=4):
        ys = sorted({str(r[col]) for r in rows})
        return f"{ys[0]}–{ys[-1]}" if ys else "–"

    counts = {t: len(r) for t, r in tables.items()}
    total = sum(counts.values())
    bands = notes.get("pop1574_bands") or []
    gap = notes.get("pop_partition_max_rel_gap", Decimal(0))
    gap_text = ("equals the `_T` row exactly" if gap == 0
                else f"differs from the `_T` row by at most {float(gap) * 100:.2g} % (rounding in the source)")
    mults = ", ".join(sorted(notes.get("gdp_unit_mults", set())))
    md = f"""# Development seed — sources

`dev_seed.sql` is **generated** by `scripts/build-dev-seed.py` from the real OECD files of the
project's data snapshot (`shared/data/oecd/`, see its README). Regenerate with

    python3 scripts/build-dev-seed.py [DATA_DIR]      # default DATA_DIR: ../shared/data/oecd

The repository only needs the committed `dev_seed.sql`; the data directory is needed only to
regenerate it. Load it after the migrations:

    scripts/migrate.sh --seed db/seed/dev_seed.sql

It is idempotent (one transaction: per table `DELETE … WHERE country_code IN (<seeded codes>)`,
then `INSERT`). It replaces whatever rows those countries had, so load it into development
databases only, never over ingested production data.

## Licence

OECD data, © OECD, licensed under **Creative Commons Attribution 4.0 International (CC BY 4.0)**
(OECD's terms since 2024). Source: OECD Data Explorer / OECD SDMX API, dataflows listed below.
Derived values (marked DERIVED) are our computations from those data, not OECD figures.

## Selection

* Countries ({len(COUNTRIES)}): {", ".join(COUNTRIES)}.
  USA, FRA, DEU, EST, JPN, GBR are the ones used in route examples; the others make the
  top-10 dashboards meaningful. Every source file has data for all of them.
* Column mapping = the ingestion's (data-model.md §7.3): `country_code` = `REF_AREA`,
  `country_name` = `Reference area` label, `indicator_code` = `MEASURE`, `indicator` = `Measure`
  label, `sex_code`/`sex_name` = `SEX`/`Sex`, `age` = `Age` label, `cause` = `Cause of death`
  label, `unit_range` = `Unit of measure` label, `year` = `TIME_PERIOD`, `value` = `OBS_VALUE`
  (empty → NULL; none of the selected cells is empty). Values of real rows are copied verbatim.

## Tables

| table | rows | years | source and selection |
|---|---|---|---|
| `poptable` | {counts['poptable']} | {years(tables['poptable'], 7)} | {TABLE_NOTES['poptable']} |
| `htable` | {counts['htable']} | {years(tables['htable'], 8)} | {TABLE_NOTES['htable']} |
| `egovtable` | {counts['egovtable']} | {years(tables['egovtable'])} | {TABLE_NOTES['egovtable']} |
| `gpopulationtable` | {counts['gpopulationtable']} | {years(tables['gpopulationtable'])} | {TABLE_NOTES['gpopulationtable']} |
| `egdptable` | {counts['egdptable']} | {years(tables['egdptable'])} | {TABLE_NOTES['egdptable']} |
| `ggdptable` | {counts['ggdptable']} | {years(tables['ggdptable'])} | {TABLE_NOTES['ggdptable']} |
| **total** | **{total}** | | |

### Details

* **poptable** — `indicator_code` `POP` "Population", `sex_code` `_T` "Total", `age` labels
  "Total", "From 15 to 64 years", "65 years or over"; year as integer.
* **htable** — `LFEXP` "Life expectancy" (unit "Years", cause "Not applicable", age 0 i.e. at birth)
  for `_T`, `F`, `M`, and `INM` "Infant mortality" (unit "Deaths per 1 000 live births") for `_T`.
  Dataflows: `OECD.ELS.HD:DSD_HEALTH_STAT@DF_LE(1.1)` and `…@DF_HEALTH_STATUS(1.0)`. The live
  feed's `CSEM`/`IRTA` measures have no real file in the snapshot, so none are seeded;
  `get_healthstatus_dashboard()` falls back to `LFEXP` when no `CSEM` rows exist.
  The INM file holds two series per country and year that differ only in `GESTATION_THRESHOLD`
  (a dimension the table does not keep); the seed takes `NONE` ("No minimum threshold of gestation
  period or birthweight"), the one available for all {len(COUNTRIES)} countries. The live ingestion
  will meet the same duplication.
* **egovtable** — `OECD.GOV.GIP:DSD_GOV@DF_GOV_PF_YU(1.0)`, `GGD` "Government gross debt",
  unit "Percentage of GDP", general government (S13); year as text.
* **gpopulationtable** — **DERIVED**, standing in for the Economic Outlook population feed
  (no real DF_EO POP/POP1574 file exists in the snapshot):
  * `{GPOP_TOTAL_CODE}` "{GPOP_TOTAL_NAME}" = the DF_POP_HIST `AGE=_T` (total) row, persons.
  * `{GPOP_1574_CODE}` "{GPOP_1574_NAME}" = sum of the DF_POP_HIST 5-year bands
    {", ".join(bands) if bands else "(not derived: bands do not tile 15-74)"} (they tile 15–74 exactly).
    Check: for the selection, `Y_LE4+Y5T9+Y10T14+(15–74 bands)+Y75T79+Y80T84+Y_GE85` {gap_text}.
  * year as text (`"2022"`). Used by `get_perfgrowthpopulation_dashboard` (indicator `POP`).
* **egdptable** — **DERIVED**, standing in for the quarterly DF_QNA_EXPENDITURE_CAPITA feed (no real
  file in the snapshot): `indicator_code` `{GDPPC_CODE}`, `indicator` "{GDPPC_NAME}",
  value = `OECD.CTP.TPS:DSD_REF_GLOBAL@DF_REFSERIES_GLOBAL(1.1)` `B1GQ_V` with `UNIT_MEASURE=USD`
  (nominal GDP, current USD) × 10^`UNIT_MULT` (selected rows: UNIT_MULT {mults}) ÷ DF_POP_HIST total population
  of the same country and year, rounded half-up to 0.1 USD. Annual periods (`"2022"`), not quarters.
  Country names from the DF_POP_HIST labels. Used by `get_highest_gdppercapita_countries_dashboard`.
* **ggdptable** — `OECD.ECO.MAD:DSD_EO@DF_EO(1.4)`, USA only (the only real DF_EO file):
  `GDPV_USD` "Gross domestic product, volume in USD, constant exchange rates", 2023–2027
  (2025–2027 are projections of that Economic Outlook edition). SDMX-CSV 2.0 `labels=both`
  cells such as `USA: United States` are split at the first `": "` into code and label. Note this
  is a level (USD), not one of the growth-rate measures the live feed requests.

Nothing else is seeded: no values were invented.

## Input files (sha256)

| file | sha256 |
|---|---|
""" + "".join(f"| `{rel}` | `{sha256(p)}` |\n" for rel, p in data_files.items()) + f"""
Output: `{sql_path.name}`, {sql_path.stat().st_size / 1024:.1f} KB, {total} rows.
"""
    path.write_text(md, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", nargs="?", default=str(DEFAULT_DATA_DIR))
    ap.add_argument("--out-dir", default=str(REPO_ROOT / "db" / "seed"))
    args = ap.parse_args()

    data = Path(args.data_dir)
    out = Path(args.out_dir)
    data_files = {rel: data / rel for rel in FILES.values()}
    missing = [str(p) for p in data_files.values() if not p.is_file()]
    if missing:
        print("error: missing input file(s):\n  " + "\n  ".join(missing), file=sys.stderr)
        return 2

    notes: dict = {}
    try:
        pop_rows, gpop_rows, names = build_population(data, notes)
        tables = {
            "poptable": pop_rows,
            "htable": build_health(data),
            "egovtable": build_gov(data),
            "gpopulationtable": gpop_rows,
            "egdptable": build_gdp_per_capita(data, pop_rows, names, notes),
            "ggdptable": build_growth_gdp(data),
        }
    except SeedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    out.mkdir(parents=True, exist_ok=True)
    sql_path = out / "dev_seed.sql"
    write_sql(sql_path, tables, data_files)
    write_sources(out / "SOURCES.md", tables, data_files, notes, sql_path)
    total = sum(len(r) for r in tables.values())
    print(f"wrote {sql_path} ({sql_path.stat().st_size / 1024:.1f} KB, {total} rows: "
          + ", ".join(f"{t} {len(r)}" for t, r in tables.items()) + ")")
    print(f"wrote {out / 'SOURCES.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
