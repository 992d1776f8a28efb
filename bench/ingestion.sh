#!/usr/bin/env bash
# Ingestion load throughput: parse + COPY through the real loader (services/ingestion LoadFeed) with
# build/release/bench/np-bench-ingest, into a scratch database of the run profile's Postgres
# (nationPulseDB_bench, migrated, recreated each time). Per run: the six snapshot files, then a generated
# Population feed of ROWS rows, loaded twice (the second load replaces the first's rows, as every
# scheduled run does). Prints each run and the medians.
#   bench/ingestion.sh            (RUNS=3 ROWS=1000000)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$NP_ROOT"

RUNS="${RUNS:-3}"
ROWS="${ROWS:-1000000}"
DB=nationPulseDB_bench

# bench/all.sh builds the binaries once and sets BENCH_SKIP_BUILD=1.
[[ -n "${BENCH_SKIP_BUILD:-}" ]] || np_build release
"$NP_ROOT/scripts/infra.sh" start --profile run --only pg >/dev/null
eval "$("$NP_ROOT/scripts/infra.sh" env --profile run)"
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

snap=() gen=() reload=() parse=()
for ((i = 1; i <= RUNS; i++)); do
  dropdb --if-exists --force "$DB"
  PGDATABASE="$DB" "$NP_ROOT/scripts/migrate.sh" >/dev/null 2>&1
  out="$(PG_DB_NAME="$DB" "$NP_ROOT/build/release/bench/np-bench-ingest" "$NP_ROOT/data/oecd" "$ROWS")"
  echo "run $i: $(echo "$out" | tr '\n' ' ')"
  snap+=("$(echo "$out" | grep 'RESULT snapshot' | field rows_per_s)")
  gen+=("$(echo "$out" | grep 'RESULT generated' | field rows_per_s)")
  reload+=("$(echo "$out" | grep 'RESULT reload' | field rows_per_s)")
  parse+=("$(echo "$out" | grep 'RESULT parse' | field rows_per_s)")
done
dropdb --if-exists --force "$DB"
echo
echo "median over $RUNS runs:"
echo "  snapshot (6 files)        rows/s  $(printf '%s\n' "${snap[@]}" | median)"
echo "  generated ($ROWS rows)  rows/s  $(printf '%s\n' "${gen[@]}" | median)"
echo "  reload ($ROWS rows)     rows/s  $(printf '%s\n' "${reload[@]}" | median)"
echo "  parse only (generated)    rows/s  $(printf '%s\n' "${parse[@]}" | median)"
