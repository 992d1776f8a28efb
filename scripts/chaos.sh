#!/usr/bin/env bash
# make chaos: fault injection under load (issue 10), loopback only, bounded in time (~6 min).
#   scripts/chaos.sh     (PHASE_SECONDS=25 WRK_CONNECTIONS=4 WRK_DELAY_MS=5 REPORT_RATE=5 DRAIN_SECONDS=60)
# Builds the release binaries, starts the run profile's Postgres, Redis and a 3-broker Kafka, one
# BFF and one reporting process on ports of their own, drives them with wrk and a report requester
# (scripts/chaos_reports.py) and, phase by phase, stops and restarts Postgres, Redis, one Kafka
# broker, reporting (SIGKILL) and the BFF (SIGKILL). Checks the pass criteria, writes the results
# into docs/reliability.md (CHAOS_DOC), exits 1 when a criterion fails. Logs and raw results:
# .state/chaos/. Refuses to run while `make run` (or anything of the run profile) is running, and
# stops on exit what it started. See docs/reliability.md, "Fault injection under load".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$NP_ROOT"

PHASE_SECONDS="${PHASE_SECONDS:-25}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-4}"
WRK_DELAY_MS="${WRK_DELAY_MS:-5}"
REPORT_RATE="${REPORT_RATE:-5}"
DRAIN_SECONDS="${DRAIN_SECONDS:-60}"
KAFKA_VICTIM="${KAFKA_VICTIM:-2}" # node (1-3) of the Kafka cluster that is stopped
CHAOS_BFF_PORT="${CHAOS_BFF_PORT:-18181}"
CHAOS_BFF_GRPC_PORT="${CHAOS_BFF_GRPC_PORT:-18182}"
CHAOS_REPORTING_METRICS_PORT="${CHAOS_REPORTING_METRICS_PORT:-18183}"
CHAOS_REPORTING_GRPC_PORT="${CHAOS_REPORTING_GRPC_PORT:-18184}"
CHAOS_DOC="${CHAOS_DOC:-$NP_ROOT/docs/reliability.md}"

STATE="$NP_ROOT/.state/chaos"
BIN="$NP_ROOT/build/release/services"
BASE="http://127.0.0.1:$CHAOS_BFF_PORT"
PUBLIC_ROUTE="/api/dashboard/health"
COUNTRY_ROUTE="/api/population/country?countryCode=USA"

[[ "$PHASE_SECONDS" =~ ^[0-9]+$ ]] && ((PHASE_SECONDS >= 10)) || np_die "PHASE_SECONDS must be a whole number >= 10"
[[ "$KAFKA_VICTIM" =~ ^[123]$ ]] || np_die "KAFKA_VICTIM must be 1, 2 or 3"
command -v wrk >/dev/null || np_die "wrk is missing (scripts/install-deps.sh installs it)"
command -v python3 >/dev/null || np_die "python3 is missing"

# ------------------------------------------------------------------------------ refuse to disturb --
mkdir -p "$STATE"
exec 8>"$NP_ROOT/.state/chaos.lock"
flock -n 8 || np_die "another scripts/chaos.sh is running (lock .state/chaos.lock)"
status_out="$("$NP_ROOT/scripts/run.sh" status 2>/dev/null || true)"
busy="$(grep -E 'running|starting' <<<"$status_out" || true)"
if [[ -n "$busy" ]]; then
  printf '%s\n' "$busy" >&2
  np_die "make run (or part of the run profile's infrastructure) is running; make chaos stops and" \
    "restarts that infrastructure, so it refuses to disturb it. Stop it first with: make stop"
fi
for port in "$CHAOS_BFF_PORT" "$CHAOS_BFF_GRPC_PORT" "$CHAOS_REPORTING_METRICS_PORT" "$CHAOS_REPORTING_GRPC_PORT"; do
  if (: <>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    np_die "port $port on 127.0.0.1 is in use (CHAOS_*_PORT variables choose others)"
  fi
done
rm -rf "${STATE:?}"/*
T_BEGIN=$SECONDS

# ------------------------------------------------------------------------------- state + cleanup --
STARTED_INFRA=0
BFF_PID="" REPORTING_PID="" REQUESTER_PID=""
BFF_EXPECT_DOWN=0 REPORTING_EXPECT_DOWN=0
WRK_PIDS=()
CURRENT_PHASE=setup

now() { date +%s.%N; }
log() { printf '%s chaos: %s\n' "$(date +%T)" "$*" >&2; }

STOP_RC=0
stop_pid() { # pid seconds: SIGTERM, then SIGKILL; the exit status goes to STOP_RC
  local pid="$1" i
  STOP_RC=0
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || STOP_RC=$?
}

cleanup() {
  local rc=$? pid
  set +e
  trap - EXIT INT TERM
  touch "$STATE/requester.stop"
  for pid in "${WRK_PIDS[@]}" "$REQUESTER_PID"; do [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; done
  [[ -n "$BFF_PID" ]] && stop_pid "$BFF_PID" 10
  [[ -n "$REPORTING_PID" ]] && stop_pid "$REPORTING_PID" 10
  if ((STARTED_INFRA)); then
    log "stopping the infrastructure it started"
    "$NP_ROOT/scripts/infra.sh" stop --profile run >>"$STATE/infra.log" 2>&1
  fi
  log "done in $((SECONDS - T_BEGIN)) s (logs: .state/chaos/)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------- build --
log "building the release binaries (np-bff, np-reporting)"
if [[ ! -f "$NP_ROOT/build/release/build.ninja" ]]; then
  cmake --preset release -S "$NP_ROOT" >/dev/null || np_die "cmake configure (release) failed"
fi
cmake --build --preset release -j1 --target np-bff np-reporting >"$STATE/build.log" 2>&1 ||
  { tail -n 30 "$STATE/build.log" >&2; np_die "build failed (log: .state/chaos/build.log)"; }

# --------------------------------------------------------------------------------------- infra --
log "starting Postgres, Redis and a 3-broker Kafka (profile run)"
STARTED_INFRA=1
"$NP_ROOT/scripts/infra.sh" start --profile run --kafka-brokers 3 >>"$STATE/infra.log" 2>&1 ||
  { tail -n 30 "$STATE/infra.log" >&2; np_die "infra start failed (log: .state/chaos/infra.log)"; }
eval "$("$NP_ROOT/scripts/infra.sh" env --profile run --kafka-brokers 3)"
[[ "$KAFKA_TOPIC_REPLICATION" == 3 ]] || np_die "expected KAFKA_TOPIC_REPLICATION=3, got $KAFKA_TOPIC_REPLICATION"
"$NP_ROOT/scripts/migrate.sh" >>"$STATE/infra.log" 2>&1 || np_die "migration failed (log: .state/chaos/infra.log)"
if [[ "$(psql -XAtq -c 'SELECT count(*) FROM htable')" == "0" ]]; then
  "$NP_ROOT/scripts/migrate.sh" --seed "$NP_ROOT/db/seed/dev_seed.sql" >>"$STATE/infra.log" 2>&1 ||
    np_die "seeding failed"
fi

# ------------------------------------------------------------------------------------ services --
STAMP="$(date +%Y%m%d%H%M%S)-$$"
export ACCESS_SECRET REFRESH_SECRET
ACCESS_SECRET="$(np_random_secret)" REFRESH_SECRET="$(np_random_secret)"
export AUTH_ALLOW_PASSWORDLESS=true LOG_LEVEL=warn
export CORS_ALLOWED_ORIGINS="http://localhost:5173,http://localhost:3000"
REQ_TOPIC="np-chaos-$STAMP-requests" RES_TOPIC="np-chaos-$STAMP-results"

start_bff() {
  env KAFKA_WRITER_TOPIC="$REQ_TOPIC" KAFKA_READER_TOPIC="$RES_TOPIC" KAFKA_GROUP_ID="np-chaos-$STAMP-bff" \
    PORT="$CHAOS_BFF_PORT" BFF_LISTEN_ADDRESS=127.0.0.1 GRPC_ADDRESS=127.0.0.1 GRPC_PORT="$CHAOS_BFF_GRPC_PORT" \
    SSE_HEARTBEAT_INTERVAL=2s "$BIN/bff/np-bff" >>"$STATE/bff.log" 2>&1 </dev/null &
  BFF_PID=$!
  BFF_EXPECT_DOWN=0
  echo "$(now) start bff pid $BFF_PID" >>"$STATE/events.log"
  np_wait_http "$BASE/livez" 20 || np_die "the BFF did not start (log: .state/chaos/bff.log)"
}
start_reporting() {
  env KAFKA_READER_TOPIC="$REQ_TOPIC" KAFKA_WRITER_TOPIC="$RES_TOPIC" KAFKA_GROUP_ID="np-chaos-$STAMP-reporting" \
    GRPC_ADDRESS=127.0.0.1 GRPC_PORT="$CHAOS_REPORTING_GRPC_PORT" HTTP_ADDRESS=127.0.0.1 \
    METRICS_PORT="$CHAOS_REPORTING_METRICS_PORT" "$BIN/reporting/np-reporting" >>"$STATE/reporting.log" 2>&1 </dev/null &
  REPORTING_PID=$!
  REPORTING_EXPECT_DOWN=0
  echo "$(now) start reporting pid $REPORTING_PID" >>"$STATE/events.log"
  np_wait_http "http://127.0.0.1:$CHAOS_REPORTING_METRICS_PORT/livez" 20 ||
    np_die "reporting did not start (log: .state/chaos/reporting.log)"
}

# A service that is gone although we did not kill it crashed: record it (with its exit status and
# the end of its log) and start it again, so that the run goes on.
check_services() {
  local name pid rc
  for name in bff reporting; do
    if [[ "$name" == bff ]]; then pid="$BFF_PID"; else pid="$REPORTING_PID"; fi
    [[ -n "$pid" ]] || continue
    kill -0 "$pid" 2>/dev/null && continue
    if [[ "$name" == bff && "$BFF_EXPECT_DOWN" == 1 ]] || [[ "$name" == reporting && "$REPORTING_EXPECT_DOWN" == 1 ]]; then
      continue
    fi
    rc=0
    wait "$pid" 2>/dev/null || rc=$?
    log "CRASH: $name (pid $pid) exited on its own with status $rc during phase $CURRENT_PHASE"
    echo "$name (pid $pid) exited with status $rc during phase $CURRENT_PHASE, log: .state/chaos/$name.log" >>"$STATE/crashes.txt"
    tail -n 20 "$STATE/$name.log" >&2 || true
    if [[ "$name" == bff ]]; then start_bff; else start_reporting; fi
  done
}

log "starting np-bff (:$CHAOS_BFF_PORT) and np-reporting (:$CHAOS_REPORTING_METRICS_PORT), topics $REQ_TOPIC / $RES_TOPIC (RF 3)"
: >"$STATE/crashes.txt"
start_reporting
start_bff
np_wait_http "$BASE/readyz" 30 || np_die "the BFF is not ready (log: .state/chaos/bff.log)"

# ------------------------------------------------------------------------------------------ load --
python3 "$NP_ROOT/scripts/chaos_reports.py" request --port "$CHAOS_BFF_PORT" --dir "$STATE" \
  --rate "$REPORT_RATE" --drain "$DRAIN_SECONDS" >"$STATE/requester.log" 2>&1 &
REQUESTER_PID=$!
log "report requester (pid $REQUESTER_PID): warm-up until one report makes the whole round trip"
for ((i = 0; i < 1300; i++)); do
  [[ -f "$STATE/requester.ready" ]] && break
  kill -0 "$REQUESTER_PID" 2>/dev/null || { cat "$STATE/requester.log" >&2; np_die "the report requester ended"; }
  sleep 0.1
done
[[ -f "$STATE/requester.ready" ]] || np_die "no report made the round trip within the warm-up"

TOKEN="$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"name":"woman","email":"woman@edu.io"}' \
  "$BASE/api/u/signin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])')" ||
  np_die "cannot sign in for the country route"
curl -fsS -o /dev/null "$BASE$PUBLIC_ROUTE" && curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE$COUNTRY_ROUTE" ||
  np_die "the routes under test do not answer 200 before any fault"

# ---------------------------------------------------------------------------------------- phases --
sleep_until() {
  local d
  d="$(awk -v a="$1" -v b="$(now)" 'BEGIN { d = a - b; if (d < 0) d = 0; printf "%.3f", d }')"
  sleep "$d"
}

fault_pg() { "$NP_ROOT/scripts/infra.sh" stop --profile run --only pg >>"$STATE/infra.log" 2>&1; }
repair_pg() { "$NP_ROOT/scripts/infra.sh" start --profile run --only pg >>"$STATE/infra.log" 2>&1; }
fault_redis() { "$NP_ROOT/scripts/infra.sh" stop --profile run --only redis >>"$STATE/infra.log" 2>&1; }
repair_redis() { "$NP_ROOT/scripts/infra.sh" start --profile run --only redis >>"$STATE/infra.log" 2>&1; }
fault_kafka() {
  local pidfile="$NP_ROOT/.state/run/kafka/cluster-3/node-$KAFKA_VICTIM/kafka.pid" pid i
  pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "kafka node $KAFKA_VICTIM still alive after 30 s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}
repair_kafka() { "$NP_ROOT/scripts/infra.sh" start --profile run --kafka-brokers 3 --only kafka >>"$STATE/infra.log" 2>&1; }
fault_reporting() {
  REPORTING_EXPECT_DOWN=1
  kill -KILL "$REPORTING_PID"
  wait "$REPORTING_PID" 2>/dev/null || true
}
repair_reporting() { start_reporting; }
fault_bff() {
  BFF_EXPECT_DOWN=1
  kill -KILL "$BFF_PID"
  wait "$BFF_PID" 2>/dev/null || true
}
repair_bff() { start_bff; }

# run_phase NAME DOWN FAULT-TEXT [fault-function repair-function]
# DOWN: what is unavailable during the phase (pg, redis, kafka, reporting, bff), for the criteria.
run_phase() {
  local name="$1" down="$2" text="$3" fault="${4:-}" repair="${5:-}" start end
  CURRENT_PHASE="$name"
  start="$(now)"
  log "phase $name: $text"
  [[ "$name" == baseline ]] && touch "$STATE/requester.go"
  CHAOS_DELAY_MS="$WRK_DELAY_MS" wrk -t1 -c"$WRK_CONNECTIONS" -d"${PHASE_SECONDS}s" --timeout 10s \
    -s "$NP_ROOT/scripts/chaos_wrk.lua" "$BASE$PUBLIC_ROUTE" >"$STATE/wrk-$name-public.txt" 2>&1 &
  WRK_PIDS=("$!")
  CHAOS_TOKEN="$TOKEN" CHAOS_DELAY_MS="$WRK_DELAY_MS" wrk -t1 -c"$WRK_CONNECTIONS" -d"${PHASE_SECONDS}s" --timeout 10s \
    -s "$NP_ROOT/scripts/chaos_wrk.lua" "$BASE$COUNTRY_ROUTE" >"$STATE/wrk-$name-country.txt" 2>&1 &
  WRK_PIDS+=("$!")
  if [[ -n "$fault" ]]; then
    sleep 2
    check_services
    echo "$(now) $name fault" >>"$STATE/events.log"
    "$fault" || log "fault of phase $name failed"
    sleep_until "$(awk -v s="$start" -v p="$PHASE_SECONDS" 'BEGIN { printf "%.3f", s + 0.4 * p }')"
    echo "$(now) $name repair" >>"$STATE/events.log"
    "$repair" || np_die "repair of phase $name failed (logs: .state/chaos/)"
    echo "$(now) $name repaired" >>"$STATE/events.log"
  fi
  wait "${WRK_PIDS[@]}" || true
  WRK_PIDS=()
  end="$(now)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$start" "$end" "$down" "$text" >>"$STATE/phases.tsv"
  check_services
  grep -h '^RESULT' "$STATE/wrk-$name-public.txt" "$STATE/wrk-$name-country.txt" | sed 's/^/  /' >&2 || true
}

: >"$STATE/phases.tsv"
run_phase baseline "" "none"
run_phase postgres pg "Postgres stopped, restarted" fault_pg repair_pg
run_phase redis redis "Redis stopped, restarted" fault_redis repair_redis
run_phase kafka kafka "Kafka broker $KAFKA_VICTIM of 3 stopped (SIGTERM), restarted" fault_kafka repair_kafka
run_phase reporting reporting "np-reporting killed (SIGKILL), restarted" fault_reporting repair_reporting
run_phase bff bff "np-bff killed (SIGKILL), restarted" fault_bff repair_bff
run_phase recovery "" "none"

log "waiting (at most ${DRAIN_SECONDS} s) until every accepted report is delivered"
touch "$STATE/requester.stop"
wait "$REQUESTER_PID" || log "the report requester ended with status $?"
REQUESTER_PID=""
CURRENT_PHASE=shutdown
check_services
for name in bff reporting; do
  if [[ "$name" == bff ]]; then pid="$BFF_PID"; BFF_PID=""; else pid="$REPORTING_PID"; REPORTING_PID=""; fi
  stop_pid "$pid" 10
  ((STOP_RC == 0)) || echo "$name (pid $pid) ended with status $STOP_RC on SIGTERM at the end of the run" >>"$STATE/crashes.txt"
done

# -------------------------------------------------------------------------------------- results --
defaults="PHASE_SECONDS=25 WRK_CONNECTIONS=4 WRK_DELAY_MS=5 REPORT_RATE=5 DRAIN_SECONDS=60 KAFKA_VICTIM=2"
changed=""
for kv in $defaults; do
  k="${kv%%=*}"
  [[ "${!k}" == "${kv#*=}" ]] || changed+="$k=${!k} "
done
if [[ -n "${MAKELEVEL:-}" ]]; then cmd="${changed}make chaos"; else cmd="${changed}scripts/chaos.sh"; fi
commit="$(git -C "$NP_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git -C "$NP_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]] || commit+=" with uncommitted changes"
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
mem="$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
machine="$(uname -m) $cpu, $(nproc) cores, $mem GiB RAM, Linux $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?'); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); load average at the start $(cut -d' ' -f1-3 /proc/loadavg) (other builds may share the cores)"
python3 - "$STATE/meta.json" "$(date +%Y-%m-%d)" "$commit" "$cmd" "$machine" \
  "$(for kv in $defaults; do k="${kv%%=*}"; printf '%s=%s ' "$k" "${!k}"; done)" <<'PY'
import json, sys
out, date, commit, cmd, machine, settings = sys.argv[1:7]
json.dump({"date": date, "commit": commit, "command": cmd, "machine": machine,
           "settings": "`" + settings.strip() + "`"}, open(out, "w"))
PY
echo >&2
rc=0
python3 "$NP_ROOT/scripts/chaos_reports.py" analyse --dir "$STATE" --meta "$STATE/meta.json" --doc "$CHAOS_DOC" |
  tee "$STATE/results.md" || rc=$?
log "results written to ${CHAOS_DOC#"$NP_ROOT"/} (section \"Fault injection under load\")"
exit "$rc"
