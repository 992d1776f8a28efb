#!/usr/bin/env bash
# make bench: every benchmark under bench/, then the figures of docs/benchmarks.md are rewritten.
#   bench/all.sh      runs bench/run.sh (BFF HTTP read path, wrk), bench/reports.sh (report round
#                     trip) and bench/ingestion.sh (parse + COPY), one after another, and
#                     bench/update_doc.py replaces the generated blocks (between the
#                     `<!-- bench:... -->` markers) of BENCH_DOC (default docs/benchmarks.md).
# Knobs (each benchmark keeps its own; see the scripts):
#   RUNS            runs of every benchmark (default: each script's own, 5 / 5 / 3)
#   HTTP_RUNS DURATION CONNECTIONS THREADS          bench/run.sh    (5, 10s, 32, 1)
#   REPORT_RUNS SEQUENTIAL BURST                    bench/reports.sh (5, 50, 100)
#   INGEST_RUNS ROWS                                bench/ingestion.sh (3, 1000000)
#   BENCH_ONLY=http,reports,ingestion               a subset (the other blocks stay as they are)
#   BENCH_DOC=/tmp/benchmarks.md                    write another copy (e.g. for a short trial)
#   BENCH_BUILD_JOBS=1                              parallel jobs of the build (default: the preset's)
# Raw outputs: .state/bench/. The run profile's infrastructure is stopped again at the end if it
# was not running before.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$NP_ROOT"

BENCH_ONLY="${BENCH_ONLY:-http,reports,ingestion}"
BENCH_DOC="${BENCH_DOC:-$NP_ROOT/docs/benchmarks.md}"
OUT="$NP_ROOT/.state/bench"
HTTP_RUNS="${HTTP_RUNS:-${RUNS:-5}}"
REPORT_RUNS="${REPORT_RUNS:-${RUNS:-5}}"
INGEST_RUNS="${INGEST_RUNS:-${RUNS:-3}}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
SEQUENTIAL="${SEQUENTIAL:-50}"
BURST="${BURST:-100}"
ROWS="${ROWS:-1000000}"

want() { [[ ",$BENCH_ONLY," == *",$1,"* ]]; }
for b in ${BENCH_ONLY//,/ }; do
  [[ "$b" =~ ^(http|reports|ingestion)$ ]] || np_die "BENCH_ONLY: unknown benchmark '$b' (http, reports, ingestion)"
done
[[ -f "$BENCH_DOC" ]] || np_die "BENCH_DOC=$BENCH_DOC does not exist (copy docs/benchmarks.md there first)"
command -v wrk >/dev/null || np_die "wrk is missing (scripts/install-deps.sh installs it)"
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/meta.json

# Stop the run profile's infrastructure at the end only if this script brought it up.
infra_before="$("$NP_ROOT/scripts/infra.sh" status --profile run 2>/dev/null || true)"
cleanup() {
  if ! grep -qE 'running|starting' <<<"$infra_before"; then
    np_log "stopping the run profile's infrastructure (it was not running before)"
    "$NP_ROOT/scripts/infra.sh" stop --profile run >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

started=$SECONDS
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
np_log "building the release binaries the benchmarks use"
if [[ ! -f "$NP_ROOT/build/release/build.ninja" ]]; then
  cmake --preset release -S "$NP_ROOT" >/dev/null || np_die "cmake configure (release) failed"
fi
cmake --build --preset release ${BENCH_BUILD_JOBS:+-j "$BENCH_BUILD_JOBS"} \
  --target np-bff np-reporting np-bench-reports np-bench-ingest || np_die "build (release) failed"
export BENCH_SKIP_BUILD=1

declare -A commands
if want http; then
  commands[http]="RUNS=$HTTP_RUNS DURATION=$DURATION CONNECTIONS=$CONNECTIONS THREADS=$THREADS bench/run.sh"
  np_log "${commands[http]}"
  RUNS="$HTTP_RUNS" DURATION="$DURATION" CONNECTIONS="$CONNECTIONS" THREADS="$THREADS" \
    bench/run.sh | tee "$OUT/http.txt"
fi
if want reports; then
  commands[reports]="RUNS=$REPORT_RUNS SEQUENTIAL=$SEQUENTIAL BURST=$BURST bench/reports.sh"
  np_log "${commands[reports]}"
  RUNS="$REPORT_RUNS" SEQUENTIAL="$SEQUENTIAL" BURST="$BURST" bench/reports.sh | tee "$OUT/reports.txt"
fi
if want ingestion; then
  commands[ingestion]="RUNS=$INGEST_RUNS ROWS=$ROWS bench/ingestion.sh"
  np_log "${commands[ingestion]}"
  RUNS="$INGEST_RUNS" ROWS="$ROWS" bench/ingestion.sh | tee "$OUT/ingestion.txt"
fi

# ----------------------------------------------------------------------- machine and data --
eval "$("$NP_ROOT/scripts/infra.sh" env --profile run)"
data="$(psql -XAtq -c "SELECT format('htable %s rows, poptable %s rows', (SELECT count(*) FROM htable), (SELECT count(*) FROM poptable))" 2>/dev/null || echo unknown)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]] || commit+=" with uncommitted changes"
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
mem="$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
knobs=""
for k in RUNS HTTP_RUNS REPORT_RUNS INGEST_RUNS DURATION CONNECTIONS THREADS SEQUENTIAL BURST ROWS BENCH_ONLY; do
  [[ -n "$(printenv "$k" || true)" ]] && knobs+="$k=$(printenv "$k") "
done
python3 - "$OUT/meta.json" <<PY
import json, sys
json.dump({
  "date": "$(date +%Y-%m-%d)",
  "commit": "$commit",
  "command": "${knobs}make bench",
  "machine": "$(uname -m) $cpu, $(nproc) cores, $mem GiB RAM, Linux $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?'), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); load average at the start $load_at_start",
  "data": "$data (database nationPulseDB of the run profile)",
  "seconds": $((SECONDS - started)),
  "commands": {$(for k in "${!commands[@]}"; do printf '"%s": "%s", ' "$k" "${commands[$k]}"; done)},
}, open(sys.argv[1], "w"))
PY
python3 "$NP_ROOT/bench/update_doc.py" --dir "$OUT" --doc "$BENCH_DOC"
np_log "figures written to $BENCH_DOC ($((SECONDS - started)) s; raw outputs in .state/bench/)"
