#!/usr/bin/env bash
# BFF HTTP benchmark of one read route (/api/dashboard/health) against /livez, each RUNS times
# with wrk; prints medians and ratios. Three BFFs share Postgres and Redis:
#   cached        default settings: hot keys answered from the in-process cache (CACHE_LOCAL_TTL)
#   redis-cached  CACHE_LOCAL_TTL=0: every request does a Redis GET
#   uncached      CACHE_ENABLED=false: every request runs the Postgres function Loopback only, bounded by DURATION per run.
#   bench/run.sh                 (RUNS=5 DURATION=10s CONNECTIONS=32 THREADS=1)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$NP_ROOT"

RUNS="${RUNS:-5}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
CACHED_PORT=18081
UNCACHED_PORT=18082
REDIS_PORT=18083
ROUTE="/api/dashboard/health"

command -v wrk >/dev/null || np_die "wrk is missing (scripts/install-deps.sh installs it)"
# bench/all.sh builds the binaries once and sets BENCH_SKIP_BUILD=1.
[[ -n "${BENCH_SKIP_BUILD:-}" ]] || np_build release
"$NP_ROOT/scripts/infra.sh" start --profile run --only pg,redis >/dev/null
eval "$("$NP_ROOT/scripts/infra.sh" env --profile run)"
"$NP_ROOT/scripts/migrate.sh" >/dev/null
if [[ "$(psql -XAtq -c 'SELECT count(*) FROM htable')" == "0" ]]; then
  "$NP_ROOT/scripts/migrate.sh" --seed "$NP_ROOT/db/seed/dev_seed.sql" >/dev/null
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start_bff() {
  GRPC_ADDRESS=127.0.0.1 GRPC_PORT=0 PORT="$1" CACHE_ENABLED="$2" CACHE_LOCAL_TTL="$3" LOG_LEVEL=warn BFF_LISTEN_ADDRESS=127.0.0.1 \
    ACCESS_SECRET="$(np_random_secret)" REFRESH_SECRET="$(np_random_secret)" \
    "$NP_ROOT/build/release/services/bff/np-bff" >/dev/null 2>&1 &
  pids+=("$!")
  np_wait_http "http://127.0.0.1:$1/livez" 10 || np_die "bench BFF on :$1 did not start"
}
start_bff "$CACHED_PORT" true 5s
start_bff "$UNCACHED_PORT" false 0
start_bff "$REDIS_PORT" true 0
curl -fsS -o /dev/null "http://127.0.0.1:$CACHED_PORT$ROUTE"  # warm the caches
curl -fsS -o /dev/null "http://127.0.0.1:$REDIS_PORT$ROUTE"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

declare -A rps p50 p99
for name in livez cached redis-cached uncached; do
  case "$name" in
    livez) url="http://127.0.0.1:$CACHED_PORT/livez" ;;
    cached) url="http://127.0.0.1:$CACHED_PORT$ROUTE" ;;
    redis-cached) url="http://127.0.0.1:$REDIS_PORT$ROUTE" ;;
    uncached) url="http://127.0.0.1:$UNCACHED_PORT$ROUTE" ;;
  esac
  out=""
  for ((i = 1; i <= RUNS; i++)); do
    line="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/wrk_report.lua "$url" | grep '^RESULT')"
    [[ "$(echo "$line" | field non2xx)" == "0" && "$(echo "$line" | field errors)" == "0" ]] ||
      np_die "$name run $i had failures: $line"
    out+="$line"$'\n'
    echo "$name run $i: $line"
  done
  rps[$name]="$(echo -n "$out" | field rps | median)"
  p50[$name]="$(echo -n "$out" | field p50_ms | median)"
  p99[$name]="$(echo -n "$out" | field p99_ms | median)"
done

printf '\nmachine: %s, %s cores; wrk -t%s -c%s -d%s, %s runs each, medians\n' \
  "$(uname -m)" "$(nproc)" "$THREADS" "$CONNECTIONS" "$DURATION" "$RUNS"
printf '| target | req/s | p50 ms | p99 ms |\n|---|---|---|---|\n'
for name in livez cached redis-cached uncached; do
  printf '| %s | %s | %s | %s |\n' "$name" "${rps[$name]}" "${p50[$name]}" "${p99[$name]}"
done
awk -v c="${rps[cached]}" -v l="${rps[livez]}" -v u="${rps[uncached]}" -v r="${rps[redis-cached]}" \
  'BEGIN {printf "cached/livez = %.2f, redis-cached/livez = %.2f, cached/uncached = %.2f\n", c / l, r / l, c / u}'
