#!/usr/bin/env python3
"""Build the committed OECD snapshot data/oecd/*.csv from the real OECD SDMX-CSV files.

Usage (from the repository root):

    python3 scripts/build-snapshot.py /work/shared/data/oecd data/oecd

    python3 scripts/build-snapshot.py SOURCE_DIR OUTPUT_DIR

SOURCE_DIR is the directory of real OECD files described in its README.md (population/,
health/, economy-gov/, economy-gdp/, growth/); OUTPUT_DIR receives one file per ingestion
feed of data-model.md §7.1:

    population.csv         Population        (poptable)
    health.csv             Health            (htable)
    economy-gdp.csv        EconomyGDP        (egdptable)
    economy-gov.csv        EconomyGov        (egovtable)
    growth-gdp.csv         GrowthGDP         (ggdptable)
    growth-population.csv  GrowthPopulation  (gpopulationtable)

Each output is in the `csvfilewithlabels` layout, reduced to the columns the feed reads
(data-model.md §7.3, libs/sdmx FeedSpecFor): UTF-8 without BOM, "\\n" line ends, RFC 4180
quoting only where needed. Values taken directly from a source are copied as text; derived
values are computed exactly (decimal arithmetic), rounded once to the nearest double and printed
with at most 15 significant digits, never with an exponent. data/SOURCES.md documents every
filter and derivation; keep it in step with this script.

Deterministic (same inputs -> byte-identical outputs), standard library only. Fails loudly
(exit status 1, message on stderr) when an input file is missing or does not look as expected.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path

# The original ingestion asks for startPeriod = <calendar year at start> - 16 (data-model.md
# §6 step 2). It is pinned here to the spec's own example (a job started in 2026 -> 2010) so
# that the output does not depend on the day the script runs.
START_PERIOD = 2010

INPUTS = {
    "pop": "population/DF_POP_HIST.labels.csv",
    "le": "health/DF_LE.LFEXP.labels.csv",
    "inm": "health/DF_HEALTH_STATUS.INM.labels.csv",
    "gov": "economy-gov/DF_GOV_PF_YU.labels.csv",
    "gdp": "economy-gdp/DF_REFSERIES_GLOBAL.B1GQ_V.codes.csv",
    "eo": "growth/DF_EO.USA.GDPV_USD.csv2-labels-both.csv",
}

# Output columns per feed: exactly the CSV columns the feed reads (data-model.md §7.3).
COLUMNS = {
    "Population": ["REF_AREA", "Reference area", "MEASURE", "Measure", "SEX", "Sex", "Age",
                   "TIME_PERIOD", "OBS_VALUE"],
    "Health": ["REF_AREA", "Reference area", "MEASURE", "Measure", "SEX", "Sex", "Cause of death",
               "Unit of measure", "TIME_PERIOD", "OBS_VALUE"],
    "EconomyGDP": ["REF_AREA", "Reference area", "TRANSACTION", "Transaction", "TIME_PERIOD",
                   "OBS_VALUE"],
    "EconomyGov": ["REF_AREA", "Reference area", "MEASURE", "Measure", "TIME_PERIOD", "OBS_VALUE"],
    "GrowthGDP": ["REF_AREA", "Reference area", "MEASURE", "Measure", "TIME_PERIOD", "OBS_VALUE"],
    "GrowthPopulation": ["REF_AREA", "Reference area", "MEASURE", "Measure", "TIME_PERIOD",
                         "OBS_VALUE"],
}

OUTPUTS = {
    "Population": "population.csv",
    "Health": "health.csv",
    "EconomyGDP": "economy-gdp.csv",
    "EconomyGov": "economy-gov.csv",
    "GrowthGDP": "growth-gdp.csv",
    "GrowthPopulation": "growth-population.csv",
}

# DF_POP_HIST five-year age bands 15-74 (their sum is the derived POP1574).
BANDS_15_74 = ["Y15T19", "Y20T24", "Y25T29", "Y30T34", "Y35T39", "Y40T44", "Y45T49", "Y50T54",
               "Y55T59", "Y60T64", "Y65T69", "Y70T74"]

# Codes and labels of the derived series, as the original dataflows name them (SOURCES.md).
EO_POP = ("POP", "Total population")
EO_POP1574 = ("POP1574", "Working-age population, age 15-74")
EO_GDPV_ANNPCT = ("GDPV_ANNPCT", "Gross domestic product, volume, growth")
QNA_GDP_PER_CAPITA = ("B1GQ_POP", "Gross domestic product per capita")


class SnapshotError(Exception):
    pass


# ------------------------------------------------------------------------------ reading

def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of one RFC 4180 file (UTF-8; a BOM is an error)."""
    if not path.is_file():
        raise SnapshotError(f"input file missing: {path}")
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise SnapshotError(f"{path}: unexpected UTF-8 BOM")
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True)
    records = list(reader)
    if not records:
        raise SnapshotError(f"{path}: empty file")
    header = records[0]
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if len(record) != len(header):
            raise SnapshotError(f"{path}:{number}: {len(record)} fields, header has {len(header)}")
        rows.append(dict(zip(header, record)))
    if not rows:
        raise SnapshotError(f"{path}: no data rows")
    return header, rows


def require_columns(path: Path, header: list[str], names: list[str]) -> None:
    missing = [n for n in names if n not in header]
    if missing:
        raise SnapshotError(f"{path}: missing column(s) {', '.join(missing)}")


def require_values(path: Path, rows: list[dict[str, str]], column: str, allowed: set[str]) -> None:
    seen = {r[column] for r in rows}
    if not seen <= allowed:
        raise SnapshotError(f"{path}: unexpected {column} value(s) {sorted(seen - allowed)}")


def year_of(path: Path, period: str) -> int:
    if len(period) != 4 or not period.isdigit():
        raise SnapshotError(f"{path}: TIME_PERIOD {period!r} is not an annual period")
    return int(period)


def number(path: Path, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise SnapshotError(f"{path}: {text!r} is not a number") from None
    if not value.is_finite():
        raise SnapshotError(f"{path}: {text!r} is not a finite number")
    return value


def unique_keys(path: Path, rows: list[list[str]], key_width: int) -> None:
    """Fails when two output rows share all cells but the value (indistinguishable in the DB)."""
    seen = set()
    for row in rows:
        key = tuple(row[:key_width])
        if key in seen:
            raise SnapshotError(f"{path}: duplicate output row for {key}")
        seen.add(key)


# ------------------------------------------------------------------------------ writing

def format_derived(value: Decimal) -> str:
    """Nearest double of an exactly computed value, at most 15 significant digits, no exponent."""
    text = f"{float(value):.15g}"
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, strict=True)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


# ------------------------------------------------------------------------------ feeds

def load_population(src: Path):
    """DF_POP_HIST (labels): the rows and lookups shared by several feeds."""
    path = src / INPUTS["pop"]
    header, rows = read_csv(path)
    require_columns(path, header, ["REF_AREA", "Reference area", "MEASURE", "Measure", "UNIT_MEASURE",
                                   "SEX", "Sex", "AGE", "Age", "TIME_PERIOD", "OBS_VALUE",
                                   "UNIT_MULT"])
    # The Population feed key `.POP.PS._T..` selects MEASURE POP, UNIT_MEASURE PS, SEX _T, all
    # ages; UNIT_MULT 0 (persons) is what the derivations below rely on.
    require_values(path, rows, "UNIT_MULT", {"0"})
    selected = [r for r in rows
                if r["MEASURE"] == "POP" and r["UNIT_MEASURE"] == "PS" and r["SEX"] == "_T"
                and year_of(path, r["TIME_PERIOD"]) >= START_PERIOD]
    if not selected:
        raise SnapshotError(f"{path}: no POP/PS/_T rows from {START_PERIOD}")
    values: dict[tuple[str, str, str], str] = {}
    names: dict[str, str] = {}
    for r in selected:
        key = (r["REF_AREA"], r["TIME_PERIOD"], r["AGE"])
        if key in values:
            raise SnapshotError(f"{path}: duplicate observation {key}")
        if r["OBS_VALUE"] == "":
            raise SnapshotError(f"{path}: empty value for {key}")
        number(path, r["OBS_VALUE"])
        values[key] = r["OBS_VALUE"]
        if names.setdefault(r["REF_AREA"], r["Reference area"]) != r["Reference area"]:
            raise SnapshotError(f"{path}: two names for {r['REF_AREA']}")
    return path, selected, values, names


def build_population(pop) -> list[list[str]]:
    _, selected, _, _ = pop
    return [[r["REF_AREA"], r["Reference area"], r["MEASURE"], r["Measure"], r["SEX"], r["Sex"],
             r["Age"], r["TIME_PERIOD"], r["OBS_VALUE"]] for r in selected]


def build_growth_population(pop) -> list[list[str]]:
    path, _, values, names = pop
    out = []
    for area, year in sorted({(a, y) for (a, y, _) in values}):
        total = values.get((area, year, "_T"))
        if total is None:
            raise SnapshotError(f"{path}: no total (_T) for {area} {year}")
        # POP is the DF_POP_HIST total itself: copied as text, not re-formatted.
        out.append([area, names[area], EO_POP[0], EO_POP[1], year, total])
        bands = [values.get((area, year, band)) for band in BANDS_15_74]
        if any(b is None for b in bands):
            continue  # POP1574 only where every band 15-74 exists
        with localcontext() as ctx:
            ctx.prec = 50
            working_age = sum((number(path, b) for b in bands), Decimal(0))
        out.append([area, names[area], EO_POP1574[0], EO_POP1574[1], year, format_derived(working_age)])
    out.sort(key=lambda row: (row[0], row[2], row[4]))
    return out


def build_health(src: Path) -> list[list[str]]:
    wanted = COLUMNS["Health"]
    out = []
    # LFEXP (life expectancy) from the DF_LE extract: same DSD_HEALTH_STAT and MEASURE code as the
    # configured DF_HEALTH_STATUS measure LFEXP. LFEXPDFM/LFEXPDMF are not configured: dropped.
    path = src / INPUTS["le"]
    header, rows = read_csv(path)
    require_columns(path, header, wanted + ["FREQ", "AGE"])
    lfexp = [r for r in rows if r["MEASURE"] == "LFEXP"]
    if not lfexp:
        raise SnapshotError(f"{path}: no LFEXP rows")
    require_values(path, lfexp, "FREQ", {"A"})
    require_values(path, lfexp, "AGE", {"Y0"})  # at birth: htable has no age column
    out += [[r[c] for c in wanted] for r in lfexp if year_of(path, r["TIME_PERIOD"]) >= START_PERIOD]
    # INM (infant mortality) from DF_HEALTH_STATUS. Not among the configured measures
    # (IRTA+CSEM+LFEXP), kept because gethealthcasesbycountry returns every htable row.
    # Only the series without a gestation threshold: htable cannot tell NONE from WK22 apart.
    path = src / INPUTS["inm"]
    header, rows = read_csv(path)
    require_columns(path, header, wanted + ["FREQ", "GESTATION_THRESHOLD"])
    require_values(path, rows, "MEASURE", {"INM"})
    require_values(path, rows, "FREQ", {"A"})
    out += [[r[c] for c in wanted] for r in rows
            if r["GESTATION_THRESHOLD"] == "NONE" and year_of(path, r["TIME_PERIOD"]) >= START_PERIOD]
    unique_keys(path, out, len(wanted) - 1)
    return out


def build_economy_gov(src: Path) -> list[list[str]]:
    path = src / INPUTS["gov"]
    header, rows = read_csv(path)
    wanted = COLUMNS["EconomyGov"]
    require_columns(path, header, wanted + ["FREQ", "UNIT_MEASURE"])
    # Feed key `A...PT_B1GQ...`: annual, percentage of GDP.
    out = [[r[c] for c in wanted] for r in rows
           if r["FREQ"] == "A" and r["UNIT_MEASURE"] == "PT_B1GQ"
           and year_of(path, r["TIME_PERIOD"]) >= START_PERIOD]
    if not out:
        raise SnapshotError(f"{path}: no A/PT_B1GQ rows from {START_PERIOD}")
    unique_keys(path, out, len(wanted) - 1)
    return out


def build_economy_gdp(src: Path, pop) -> list[list[str]]:
    pop_path, _, pop_values, names = pop
    path = src / INPUTS["gdp"]
    header, rows = read_csv(path)
    require_columns(path, header, ["REF_AREA", "MEASURE", "UNIT_MEASURE", "FREQ", "TIME_PERIOD",
                                   "OBS_VALUE", "UNIT_MULT"])
    require_values(path, rows, "MEASURE", {"B1GQ_V"})
    out = []
    seen = set()
    for r in rows:
        if r["UNIT_MEASURE"] != "USD" or r["FREQ"] != "A":
            continue
        area, year = r["REF_AREA"], r["TIME_PERIOD"]
        if year_of(path, year) < START_PERIOD:
            continue
        population = pop_values.get((area, year, "_T"))
        if population is None:
            continue  # no DF_POP_HIST total for this country-year: no per-capita value
        if (area, year) in seen:
            raise SnapshotError(f"{path}: duplicate USD observation {area} {year}")
        seen.add((area, year))
        if r["OBS_VALUE"] == "" or not r["UNIT_MULT"].isdigit():
            raise SnapshotError(f"{path}: unusable observation {area} {year}")
        with localcontext() as ctx:
            ctx.prec = 50
            gdp_usd = number(path, r["OBS_VALUE"]).scaleb(int(r["UNIT_MULT"]))
            per_capita = gdp_usd / number(pop_path, population)
        out.append([area, names[area], QNA_GDP_PER_CAPITA[0], QNA_GDP_PER_CAPITA[1], year,
                    format_derived(per_capita)])
    if not out:
        raise SnapshotError(f"{path}: no USD rows matching DF_POP_HIST totals")
    out.sort(key=lambda row: (row[0], row[4]))
    return out


def split_both(path: Path, cell: str) -> tuple[str, str]:
    code, sep, label = cell.partition(": ")
    if not sep:
        raise SnapshotError(f"{path}: cell {cell!r} is not 'CODE: Label'")
    return code, label


def build_growth_gdp(src: Path) -> list[list[str]]:
    path = src / INPUTS["eo"]
    header, rows = read_csv(path)
    require_columns(path, header, ["REF_AREA: Reference area", "MEASURE: Measure",
                                   "FREQ: Frequency of observation", "TIME_PERIOD: Time period",
                                   "OBS_VALUE", "UNIT_MULT: Unit multiplier"])
    series: dict[tuple[str, str], dict[int, Decimal]] = defaultdict(dict)
    names: dict[str, str] = {}
    for r in rows:
        area, area_name = split_both(path, r["REF_AREA: Reference area"])
        measure, _ = split_both(path, r["MEASURE: Measure"])
        freq, _ = split_both(path, r["FREQ: Frequency of observation"])
        if measure != "GDPV_USD" or freq != "A":
            raise SnapshotError(f"{path}: unexpected series {measure} {freq}")
        if split_both(path, r["UNIT_MULT: Unit multiplier"])[0] != "0":
            raise SnapshotError(f"{path}: unexpected UNIT_MULT")
        year = year_of(path, r["TIME_PERIOD: Time period"])
        if year in series[(area, measure)]:
            raise SnapshotError(f"{path}: duplicate year {year}")
        series[(area, measure)][year] = number(path, r["OBS_VALUE"])
        names[area] = area_name
    out = []
    for (area, _), by_year in sorted(series.items()):
        for year in sorted(by_year):
            previous = by_year.get(year - 1)
            if previous is None or year < START_PERIOD:
                continue  # growth needs the previous year's level
            with localcontext() as ctx:
                ctx.prec = 50
                growth = (by_year[year] / previous - 1) * 100
            out.append([area, names[area], EO_GDPV_ANNPCT[0], EO_GDPV_ANNPCT[1], str(year),
                        format_derived(growth)])
    if not out:
        raise SnapshotError(f"{path}: no consecutive years")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: build-snapshot.py SOURCE_DIR OUTPUT_DIR\n"
              "  e.g. python3 scripts/build-snapshot.py /work/shared/data/oecd data/oecd",
              file=sys.stderr)
        return 2
    src, dst = Path(argv[1]), Path(argv[2])
    try:
        for relative in INPUTS.values():
            if not (src / relative).is_file():
                raise SnapshotError(f"input file missing: {src / relative}")
        pop = load_population(src)
        feeds = {
            "Population": build_population(pop),
            "Health": build_health(src),
            "EconomyGDP": build_economy_gdp(src, pop),
            "EconomyGov": build_economy_gov(src),
            "GrowthGDP": build_growth_gdp(src),
            "GrowthPopulation": build_growth_population(pop),
        }
        dst.mkdir(parents=True, exist_ok=True)
        for key, rows in feeds.items():
            target = dst / OUTPUTS[key]
            write_csv(target, COLUMNS[key], rows)
            print(f"{target}: {len(rows)} rows, {target.stat().st_size} bytes")
    except SnapshotError as error:
        print(f"build-snapshot: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
