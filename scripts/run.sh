#!/usr/bin/env bash
# make run / make stop / make status: the local stack without Docker.
#   scripts/run.sh          install what is missing, build (release), start infra, migrate,
#                           seed an empty database, (re)start the services, print the URLs
#   scripts/run.sh stop     stop the services, then the infrastructure
#   scripts/run.sh status   what is running
# A second `run` reuses the infrastructure and its data and restarts the services on the new build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$NP_ROOT"

PRESET="${NP_RUN_PRESET:-release}"
STATE="$NP_ROOT/.state/run"
SERVICES_DIR="$STATE/services"
BFF_PORT="${PORT:-8081}"

BFF_GRPC_PORT="${NP_BFF_GRPC_PORT:-50051}"
REPORTING_METRICS_PORT="${NP_REPORTING_METRICS_PORT:-8082}"
REPORTING_GRPC_PORT="${NP_REPORTING_GRPC_PORT:-50052}"
INGESTION_METRICS_PORT="${NP_INGESTION_METRICS_PORT:-8083}"
INGESTION_GRPC_PORT="${NP_INGESTION_GRPC_PORT:-50053}"
SCHEDULER_METRICS_PORT="${NP_SCHEDULER_METRICS_PORT:-8084}"
SCHEDULER_GRPC_PORT="${NP_SCHEDULER_GRPC_PORT:-50054}"
KUBEPULSE_PORT="${NP_KUBEPULSE_PORT:-8090}"
# Offline by default: ingestion reads the bundled snapshot (data/SOURCES.md). NP_INGESTION_SOURCE=oecd
# fetches the live OECD API instead.
if [[ "${NP_INGESTION_SOURCE:-snapshot}" == oecd ]]; then
  INGESTION_SOURCE_ENV=""
else
  INGESTION_SOURCE_ENV="SNAPSHOT_DIR=$NP_ROOT/data/oecd"
fi

# name|binary (relative to the build dir)|per-service environment (space-separated NAME=value)
SERVICES=(
  "bff|services/bff/np-bff|PORT=$BFF_PORT GRPC_PORT=$BFF_GRPC_PORT"
  "reporting|services/reporting/np-reporting|METRICS_PORT=$REPORTING_METRICS_PORT GRPC_PORT=$REPORTING_GRPC_PORT"
  "ingestion|services/ingestion/np-ingestion|METRICS_PORT=$INGESTION_METRICS_PORT GRPC_PORT=$INGESTION_GRPC_PORT $INGESTION_SOURCE_ENV"
  "scheduler|services/scheduler/np-scheduler|METRICS_PORT=$SCHEDULER_METRICS_PORT GRPC_PORT=$SCHEDULER_GRPC_PORT GRPC_SERVER_ADDR=127.0.0.1:$INGESTION_GRPC_PORT"
  "kubepulse|services/kubepulse/np-kubepulse|KUBEPULSE_PORT=$KUBEPULSE_PORT BFF_ADDR=127.0.0.1:$BFF_GRPC_PORT REPORTING_ADDR=127.0.0.1:$REPORTING_GRPC_PORT INGESTION_ADDR=127.0.0.1:$INGESTION_GRPC_PORT CRONJOB_ADDR=127.0.0.1:$SCHEDULER_GRPC_PORT KUBEPULSE_PROBE_INFRA=true"
)

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_service() {
  local name="$1" pidfile="$SERVICES_DIR/$1.pid" i
  if pid_alive "$pidfile"; then
    local pid
    pid="$(cat "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      np_log "$name did not stop within 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    np_log "$name stopped"
  fi
  rm -f "$pidfile"
}

start_service() {
  local name="$1" binary="$NP_ROOT/build/$PRESET/$2" service_env="${3:-}"
  [[ -x "$binary" ]] || np_die "$binary is missing: the build did not produce it"
  mkdir -p "$SERVICES_DIR" "$STATE/logs"
  stop_service "$name"
  # setsid: the service outlives this script and the terminal that ran make.
  # From the repository root, so an operator's .env there (git-ignored) is read by every service.
  # shellcheck disable=SC2086 # service_env is a list of NAME=value words
  (cd "$NP_ROOT" && exec env $service_env setsid "$binary" >>"$STATE/logs/$name.log" 2>&1 </dev/null) &
  echo $! >"$SERVICES_DIR/$name.pid"
}

# Dev secrets are generated once and kept in the ignored state folder, so sessions survive a
# restart of the services; an operator's own ACCESS_SECRET/REFRESH_SECRET take precedence.
load_secrets() {
  local file="$STATE/secrets.env"
  if [[ ! -f "$file" ]]; then
    mkdir -p "$STATE"
    (umask 077 && printf 'ACCESS_SECRET=%s\nREFRESH_SECRET=%s\n' "$(np_random_secret)" "$(np_random_secret)" >"$file")
    np_log "generated dev token secrets in $file"
  fi
  local a r
  a="$(sed -n 's/^ACCESS_SECRET=//p' "$file")"
  r="$(sed -n 's/^REFRESH_SECRET=//p' "$file")"
  export ACCESS_SECRET="${ACCESS_SECRET:-$a}" REFRESH_SECRET="${REFRESH_SECRET:-$r}"
}

service_env() {
  eval "$("$NP_ROOT/scripts/infra.sh" env --profile run)"
  load_secrets
  # The original frontend has no password field: users without a password sign in with name and
  # e-mail in the dev stack only (docs/security.md).
  export AUTH_ALLOW_PASSWORDLESS="${AUTH_ALLOW_PASSWORDLESS:-true}"
  export LOG_LEVEL="${LOG_LEVEL:-info}"
  export CORS_ALLOWED_ORIGINS="${CORS_ALLOWED_ORIGINS:-http://localhost:5173,http://localhost:3000}"
}

cmd_run() {
  "$NP_ROOT/scripts/install-deps.sh"
  np_build "$PRESET"
  "$NP_ROOT/scripts/infra.sh" start --profile run
  service_env
  "$NP_ROOT/scripts/migrate.sh"
  local entry name rest
  for entry in "${SERVICES[@]}"; do
    name="${entry%%|*}"
    rest="${entry#*|}"
    start_service "$name" "${rest%%|*}" "${rest#*|}"
  done
  if ! np_wait_http "http://127.0.0.1:$BFF_PORT/readyz" 20; then
    tail -n 20 "$STATE/logs/bff.log" >&2 || true
    np_die "the BFF did not become ready on port $BFF_PORT (log: $STATE/logs/bff.log)"
  fi
  local svc port
  for svc in reporting:$REPORTING_METRICS_PORT/livez ingestion:$INGESTION_METRICS_PORT/livez \
    scheduler:$SCHEDULER_METRICS_PORT/livez kubepulse:$KUBEPULSE_PORT/healthz; do
    name="${svc%%:*}" port="${svc#*:}"
    if ! np_wait_http "http://127.0.0.1:$port" 20; then
      tail -n 20 "$STATE/logs/$name.log" >&2 || true
      np_die "$name did not start (log: $STATE/logs/$name.log)"
    fi
  done
  # First run on this database: load the data once through the real path (scheduler CLI → gRPC
  # NotifyBFF → ingestion), so every page has data without internet access.
  if [[ "$(psql -XAtq -c 'SELECT count(*) FROM jobschedulelogs WHERE type = 1')" == "0" ]]; then
    np_log "no successful ingestion yet: loading the data through the ingestion service"
    if ! "$NP_ROOT/build/$PRESET/services/scheduler/np-scheduler" --run-now \
      --target "127.0.0.1:$INGESTION_GRPC_PORT" --timeout 10m; then
      np_die "the initial ingestion failed (log: $STATE/logs/ingestion.log)"
    fi
  fi
  cat <<MSG

NationPulse is running.
  Health         http://localhost:$KUBEPULSE_PORT/   (kubepulse dashboard; JSON at /api/status)
  BFF API        http://localhost:$BFF_PORT/api/dashboard/population
  BFF metrics    http://localhost:$BFF_PORT/metrics
  BFF probes     http://localhost:$BFF_PORT/livez  http://localhost:$BFF_PORT/readyz   gRPC health 127.0.0.1:$BFF_GRPC_PORT
  Reporting      metrics http://localhost:$REPORTING_METRICS_PORT/metrics   gRPC health 127.0.0.1:$REPORTING_GRPC_PORT
  Ingestion      metrics http://localhost:$INGESTION_METRICS_PORT/metrics   gRPC 127.0.0.1:$INGESTION_GRPC_PORT (NotifyBFF, health)
  Scheduler      metrics http://localhost:$SCHEDULER_METRICS_PORT/metrics   gRPC health 127.0.0.1:$SCHEDULER_GRPC_PORT
  Ingest now     build/$PRESET/services/scheduler/np-scheduler --run-now --target 127.0.0.1:$INGESTION_GRPC_PORT
  Postgres       $PG_DB_ADDR (db $PG_DB_NAME)   Redis $REDIS_ADDR   Kafka $KAFKA_BROKERS
  Logs           $STATE/logs/
Stop everything with: make stop
MSG
}

cmd_stop() {
  local entry
  for entry in "${SERVICES[@]}"; do stop_service "${entry%%|*}"; done
  "$NP_ROOT/scripts/infra.sh" stop --profile run
}

cmd_status() {
  local entry name rc=0
  for entry in "${SERVICES[@]}"; do
    name="${entry%%|*}"
    if pid_alive "$SERVICES_DIR/$name.pid"; then
      echo "$name: running (pid $(cat "$SERVICES_DIR/$name.pid"))"
    else
      echo "$name: stopped"
      rc=1
    fi
  done
  "$NP_ROOT/scripts/infra.sh" status --profile run || rc=1
  return "$rc"
}

case "${1:-run}" in
  run) cmd_run ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) np_die "usage: scripts/run.sh [run|stop|status]" ;;
esac
