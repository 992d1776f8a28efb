#!/usr/bin/env bash
# Report round trip: publish → Kafka → reporting → Kafka → BFF → SSE event, measured by
# build/release/bench/np-bench-reports against one BFF and one reporting process on loopback, with the
# run profile's Postgres, Redis and single Kafka broker. Each run uses fresh topics and groups.
#   bench/reports.sh            (RUNS=5 SEQUENTIAL=50 BURST=100)
# Prints the median over runs of: round-trip p50/p95 (sequential requests, one at a time) and
# reporting throughput in reports/s (BURST requests published back to back, until the last event).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$NP_ROOT"

RUNS="${RUNS:-5}"
SEQUENTIAL="${SEQUENTIAL:-50}"
BURST="${BURST:-100}"
BFF_PORT=18091
REPORTING_GRPC=18092
REPORTING_HTTP=18093

# bench/all.sh builds the binaries once and sets BENCH_SKIP_BUILD=1.
[[ -n "${BENCH_SKIP_BUILD:-}" ]] || np_build release
"$NP_ROOT/scripts/infra.sh" start --profile run >/dev/null
eval "$("$NP_ROOT/scripts/infra.sh" env --profile run)"
"$NP_ROOT/scripts/migrate.sh" >/dev/null
if [[ "$(psql -XAtq -c 'SELECT count(*) FROM poptable')" == "0" ]]; then
  "$NP_ROOT/scripts/migrate.sh" --seed "$NP_ROOT/db/seed/dev_seed.sql" >/dev/null
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

p50s=() p95s=() rates=()
for ((i = 1; i <= RUNS; i++)); do
  run="bench-$$-$i"
  common=(KAFKA_WRITER_TOPIC="np-$run-req" KAFKA_READER_TOPIC="np-$run-res" KAFKA_TOPIC_PARTITIONS=3
          LOG_LEVEL=warn)
  env "${common[@]}" KAFKA_READER_TOPIC="np-$run-req" KAFKA_WRITER_TOPIC="np-$run-res" \
    KAFKA_GROUP_ID="np-$run-reporting" GRPC_ADDRESS=127.0.0.1 GRPC_PORT="$REPORTING_GRPC" \
    HTTP_ADDRESS=127.0.0.1 METRICS_PORT="$REPORTING_HTTP" \
    "$NP_ROOT/build/release/services/reporting/np-reporting" >/dev/null 2>&1 &
  pids+=("$!")
  env "${common[@]}" KAFKA_GROUP_ID="np-$run-bff" GRPC_ADDRESS=127.0.0.1 GRPC_PORT=0 PORT="$BFF_PORT" BFF_LISTEN_ADDRESS=127.0.0.1 \
    AUTH_ALLOW_PASSWORDLESS=true ACCESS_SECRET="$(np_random_secret)" REFRESH_SECRET="$(np_random_secret)" \
    "$NP_ROOT/build/release/services/bff/np-bff" >/dev/null 2>&1 &
  pids+=("$!")
  np_wait_http "http://127.0.0.1:$BFF_PORT/livez" 15 || np_die "bench BFF did not start"
  np_wait_http "http://127.0.0.1:$REPORTING_HTTP/livez" 15 || np_die "bench reporting did not start"
  out="$("$NP_ROOT/build/release/bench/np-bench-reports" "$BFF_PORT" "$SEQUENTIAL" "$BURST")"
  echo "run $i: $(echo "$out" | tr '\n' ' ')"
  p50s+=("$(echo "$out" | grep 'RESULT roundtrip' | field p50_ms)")
  p95s+=("$(echo "$out" | grep 'RESULT roundtrip' | field p95_ms)")
  rates+=("$(echo "$out" | grep 'RESULT burst' | field reports_per_s)")
  cleanup
  pids=()
  sleep 1
done
echo
echo "median over $RUNS runs (SEQUENTIAL=$SEQUENTIAL BURST=$BURST):"
echo "  round trip p50 ms     $(printf '%s\n' "${p50s[@]}" | median)"
echo "  round trip p95 ms     $(printf '%s\n' "${p95s[@]}" | median)"
echo "  reporting reports/s   $(printf '%s\n' "${rates[@]}" | median)"
