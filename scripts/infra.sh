#!/usr/bin/env bash
# Local infrastructure for NationPulse without Docker: PostgreSQL, Redis and
# Apache Kafka (KRaft, no ZooKeeper), all on 127.0.0.1, all state under the
# git-ignored <repo>/.state/<profile>/.
#
# usage:
#   scripts/infra.sh start|stop|status|restart [--profile run|test]
#                    [--kafka-brokers 1|3] [--only pg,redis,kafka]
#   scripts/infra.sh env [--profile run|test] [--kafka-brokers 1|3]
#       prints `export` lines; use: eval "$(scripts/infra.sh env --profile test)"
#   scripts/infra.sh kafka-topics [--profile ...] -- <kafka-topics args>
#       runs org.apache.kafka.tools.TopicCommand against the profile's brokers
#       (--bootstrap-server is added), e.g. ... kafka-topics -- --list
#
# Profiles and default ports (each port overridable by its variable):
#               NP_PG_PORT NP_REDIS_PORT NP_KAFKA_PORT NP_KAFKA_CONTROLLER_PORT
#   run  (def.)      55432         56379         59092                    59192
#   test             55442         56389         59292                    59392
# Kafka brokers 2 and 3 use port+1 and port+2 (same for controller ports).
# The port variables are ignored when NP_PROFILE is set to another profile
# (so a shell that ran `eval "$(infra.sh env --profile test)"` can still
# start the run profile). NP_KAFKA_BROKERS sets the default broker count.
#
# Connection settings (see `env`): database nationPulseDB, user postgres,
# password postgres; Redis without password.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "${SCRIPT_DIR}/.." && pwd -P)"
KAFKA_FETCH="${SCRIPT_DIR}/kafka-fetch.sh"

PG_DB_NAME=nationPulseDB
PG_USER=postgres
PG_PASSWORD=postgres
# Fixed KRaft cluster id (base64url of the 16 bytes "NationPulse-dev!").
KAFKA_CLUSTER_ID=TmF0aW9uUHVsc2UtZGV2IQ
KAFKA_STARTED_MSG='Kafka Server started'

PG_READY_TIMEOUT=30
REDIS_READY_TIMEOUT=10
KAFKA_READY_TIMEOUT=60
KAFKA_STOP_TIMEOUT=20

# ---------------------------------------------------------------- helpers --

log() { printf 'infra: %s\n' "$*" >&2; }
die() {
  printf 'infra: error: %s\n' "$*" >&2
  exit 1
}

# the comment block at the top of this file
usage() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "${BASH_SOURCE[0]}"
}

# microseconds since the epoch (EPOCHREALTIME's separator follows the locale)
now_us() { printf '%s' "${EPOCHREALTIME//[!0-9]/}"; }
# elapsed seconds (two decimals) since a now_us value
elapsed_since() {
  local us=$(($(now_us) - $1))
  printf '%d.%02d' $((us / 1000000)) $(((us % 1000000) / 10000))
}

show_log_tail() {
  local file="$1" n="${2:-30}"
  if [[ -r "${file}" ]]; then
    printf -- '----- last %d lines of %s -----\n' "${n}" "${file}" >&2
    tail -n "${n}" -- "${file}" >&2 || true
    printf -- '-----\n' >&2
  else
    printf 'infra: (no log at %s)\n' "${file}" >&2
  fi
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# Prints the pid stored in file $1 if that process is alive and its command
# line contains every further argument.
pid_from_file_matching() {
  local file="$1" pid cmdline pattern
  shift
  [[ -r "${file}" ]] || return 1
  read -r pid <"${file}" 2>/dev/null || return 1
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  pid_alive "${pid}" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null)" || return 1
  for pattern in "$@"; do
    [[ "${cmdline}" == *"${pattern}"* ]] || return 1
  done
  printf '%s\n' "${pid}"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_answers() {
  (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when any process listens on TCP port $1 (any address).
port_in_use() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "sport = :${port}" 2>/dev/null)" ]] && return 0
  fi
  port_answers "${port}"
}

port_listener_info() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$1" 2>/dev/null | head -n 3 | tr -s ' ' || true
  fi
}

# die unless TCP port $1 (configured by variable $2) is free
require_free_port() {
  local port="$1" var="$2" what="$3" hint="${4:-}" info
  if port_in_use "${port}"; then
    info="$(port_listener_info "${port}")"
    die "${what}: port ${port} on 127.0.0.1 is already in use by another process${info:+ (${info})}." \
      "Stop that process or choose another port, e.g.: ${var}=<free port> $0 ${COMMAND} --profile ${PROFILE}${hint:+ (${hint})}"
  fi
}

# one line of `status`: NAME STATE ADDRESS [DETAILS]
status_line() {
  local line
  line="$(printf '%-9s %-8s 127.0.0.1:%-6s %s' "$1" "$2" "$3" "${4:-}")"
  printf '%s\n' "${line%"${line##*[! ]}"}"
}

# Poll "$@" every 0.25 s until it succeeds or $1 seconds pass.
# usage: wait_for SECONDS command args...
wait_for() {
  local timeout="$1" deadline
  shift
  deadline=$(($(now_us) + timeout * 1000000))
  while true; do
    "$@" && return 0
    (($(now_us) < deadline)) || return 1
    sleep 0.25
  done
}

# ------------------------------------------------------- argument parsing --

COMMAND="${1:-}"
[[ -n "${COMMAND}" ]] || {
  usage >&2
  exit 2
}
shift
case "${COMMAND}" in
  start | stop | status | restart | env | kafka-topics) ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  *)
    usage >&2
    die "unknown command '${COMMAND}'"
    ;;
esac

PROFILE=run
KAFKA_BROKERS_OPT=""
ONLY="pg,redis,kafka"
PASSTHROUGH=()
while (($# > 0)); do
  case "$1" in
    --profile)
      PROFILE="${2:?--profile needs a value (run|test)}"
      shift
      ;;
    --profile=*) PROFILE="${1#*=}" ;;
    --kafka-brokers)
      KAFKA_BROKERS_OPT="${2:?--kafka-brokers needs a value (1|3)}"
      shift
      ;;
    --kafka-brokers=*) KAFKA_BROKERS_OPT="${1#*=}" ;;
    --only)
      ONLY="${2:?--only needs a value (e.g. pg,redis,kafka)}"
      shift
      ;;
    --only=*) ONLY="${1#*=}" ;;
    -h | --help)
      usage
      exit 0
      ;;
    --)
      shift
      PASSTHROUGH=("$@")
      break
      ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
  shift
done

case "${PROFILE}" in
  run) def_pg=55432 def_redis=56379 def_kafka=59092 def_ctrl=59192 ;;
  test) def_pg=55442 def_redis=56389 def_kafka=59292 def_ctrl=59392 ;;
  *) die "unknown profile '${PROFILE}' (expected run or test)" ;;
esac

if [[ -n "${NP_PROFILE:-}" && "${NP_PROFILE}" != "${PROFILE}" ]]; then
  # The NP_*_PORT variables in this environment belong to another profile.
  PG_PORT=${def_pg} REDIS_PORT=${def_redis}
  KAFKA_PORT=${def_kafka} KAFKA_CTRL_PORT=${def_ctrl}
else
  PG_PORT="${NP_PG_PORT:-${def_pg}}"
  REDIS_PORT="${NP_REDIS_PORT:-${def_redis}}"
  KAFKA_PORT="${NP_KAFKA_PORT:-${def_kafka}}"
  KAFKA_CTRL_PORT="${NP_KAFKA_CONTROLLER_PORT:-${def_ctrl}}"
fi
for v in PG_PORT REDIS_PORT KAFKA_PORT KAFKA_CTRL_PORT; do
  if ! [[ "${!v}" =~ ^[1-9][0-9]{0,4}$ ]] || ((${!v} > 65533)); then
    die "NP_${v/CTRL/CONTROLLER}='${!v}' is not a valid TCP port"
  fi
done

WANT_PG=0 WANT_REDIS=0 WANT_KAFKA=0
IFS=',' read -r -a only_list <<<"${ONLY}"
for item in "${only_list[@]}"; do
  case "${item}" in
    pg | postgres | postgresql) WANT_PG=1 ;;
    redis) WANT_REDIS=1 ;;
    kafka) WANT_KAFKA=1 ;;
    "") ;;
    *) die "--only: unknown server '${item}' (expected a comma list of pg, redis, kafka)" ;;
  esac
done
((WANT_PG + WANT_REDIS + WANT_KAFKA > 0)) || die "--only selects no server"

if [[ -n "${KAFKA_BROKERS_OPT}" || -n "${NP_KAFKA_BROKERS:-}" ]]; then
  n="${KAFKA_BROKERS_OPT:-${NP_KAFKA_BROKERS}}"
  [[ "${n}" == 1 || "${n}" == 3 ]] || die "--kafka-brokers must be 1 or 3 (got '${n}')"
fi

STATE_DIR="${REPO_ROOT}/.state/${PROFILE}"

# ------------------------------------------------------------- PostgreSQL --

pg_find_bin() {
  local d
  if [[ -n "${NP_PG_BIN:-}" ]]; then
    [[ -x "${NP_PG_BIN}/pg_ctl" ]] || die "NP_PG_BIN=${NP_PG_BIN} has no pg_ctl"
    PG_BIN="${NP_PG_BIN}"
    return
  fi
  PG_BIN=""
  # the newest installed major version wins
  while IFS= read -r d; do
    if [[ -x "${d}/pg_ctl" && -x "${d}/initdb" ]]; then PG_BIN="${d}"; fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  [[ -n "${PG_BIN}" ]] ||
    die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin; run scripts/install-deps.sh"
}

# Run a PostgreSQL server program as the server's OS user. PostgreSQL
# refuses to run as root, so as root we use the `postgres` account.
as_pg() {
  if ((EUID == 0)); then
    # from / : postgres may not be allowed into the caller's cwd (all paths
    # given to it are absolute)
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Decide where the data directory lives (sets PG_HOME, PG_DATA, PG_LOG,
# PG_SOCK). Normally PG_HOME is .state/<profile>. As root the server runs as
# `postgres`, which must be able to traverse the path to its data dir; when
# the repo lives where it cannot (e.g. under /root, mode 700), the data dir
# goes to /var/tmp/nationpulse-<sha1(repo path):12>/<profile>/pg (owned by
# postgres) and .state/<profile>/pg and .state/<profile>/postgres.log are
# symlinks to it.
pg_paths() {
  local link="${STATE_DIR}/pg" hash
  if [[ -L "${link}" ]]; then
    PG_HOME="$(dirname -- "$(readlink -- "${link}")")"
  elif [[ -e "${link}" ]]; then
    PG_HOME="${STATE_DIR}"
  elif ((EUID == 0)) && ! runuser -u postgres -- test -x "${REPO_ROOT}" 2>/dev/null; then
    hash="$(printf '%s' "${REPO_ROOT}" | sha1sum | cut -c1-12)"
    PG_HOME="/var/tmp/nationpulse-${hash}/${PROFILE}"
  else
    PG_HOME="${STATE_DIR}"
  fi
  PG_DATA="${PG_HOME}/pg"
  PG_LOG="${PG_HOME}/postgres.log"
  # A unix socket path must fit in 107 bytes; the server normally only
  # listens on TCP 127.0.0.1, the socket is for local admin (createdb).
  PG_SOCK="${PG_DATA}"
  if ((${#PG_SOCK} + 20 > 107)); then
    PG_SOCK=/tmp
  fi
}

pg_running() {
  [[ -f "${PG_DATA}/PG_VERSION" ]] || return 1
  as_pg "${PG_BIN}/pg_ctl" -D "${PG_DATA}" status >/dev/null 2>&1
}

pg_pid() { head -n 1 -- "${PG_DATA}/postmaster.pid" 2>/dev/null || true; }

pg_ready() { "${PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "${PG_PORT}" -t 2 >/dev/null 2>&1; }

pg_psql() {
  PGPASSWORD="${PG_PASSWORD}" "${PG_BIN}/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "${PG_PORT}" -U "${PG_USER}" "$@"
}

pg_ensure_db() {
  local exists
  exists="$(pg_psql -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '${PG_DB_NAME}'")" ||
    die "postgres: cannot query 127.0.0.1:${PG_PORT} as ${PG_USER}"
  if [[ "${exists}" != 1 ]]; then
    PGPASSWORD="${PG_PASSWORD}" "${PG_BIN}/createdb" -h 127.0.0.1 -p "${PG_PORT}" \
      -U "${PG_USER}" "${PG_DB_NAME}" || die "postgres: createdb ${PG_DB_NAME} failed"
    log "postgres: created database ${PG_DB_NAME}"
  fi
}

pg_prepare_dirs() {
  mkdir -p -- "${STATE_DIR}"
  if ((EUID == 0)); then
    id -u postgres >/dev/null 2>&1 ||
      die "OS user 'postgres' does not exist; run scripts/install-deps.sh (package postgresql)"
    if [[ "${PG_HOME}" == "${STATE_DIR}" ]]; then
      # let the postgres user traverse .state/ and .state/<profile>/
      chmod go+x -- "${REPO_ROOT}/.state" "${STATE_DIR}"
      runuser -u postgres -- test -x "${STATE_DIR}" ||
        die "postgres: OS user postgres cannot traverse ${STATE_DIR}"
    else
      mkdir -p -- "${PG_HOME}"
      chmod 755 -- "${PG_HOME}" "$(dirname -- "${PG_HOME}")"
      ln -sfn -- "${PG_DATA}" "${STATE_DIR}/pg"
      ln -sfn -- "${PG_LOG}" "${STATE_DIR}/postgres.log"
    fi
  fi
  mkdir -p -- "${PG_DATA}"
  [[ -e "${PG_LOG}" ]] || : >"${PG_LOG}"
  if ((EUID == 0)); then
    chown postgres:postgres -- "${PG_DATA}" "${PG_LOG}"
  fi
  chmod 700 -- "${PG_DATA}"
}

pg_initdb() {
  local pwfile out
  if [[ -n "$(ls -A -- "${PG_DATA}")" ]]; then
    die "postgres: ${PG_DATA} is not empty but has no PG_VERSION (broken init?); delete it and retry"
  fi
  pwfile="$(mktemp "${PG_HOME}/.pgpass-init.XXXXXX")"
  printf '%s\n' "${PG_PASSWORD}" >"${pwfile}"
  ((EUID == 0)) && chown postgres -- "${pwfile}"
  log "postgres: initdb ${PG_DATA}"
  if ! out="$(as_pg "${PG_BIN}/initdb" -D "${PG_DATA}" -U "${PG_USER}" \
    --auth-local=trust --auth-host=scram-sha-256 --pwfile="${pwfile}" \
    --encoding=UTF8 --locale=C.UTF-8 --no-instructions 2>&1)"; then
    rm -f -- "${pwfile}"
    printf '%s\n' "${out}" >&2
    die "postgres: initdb failed"
  fi
  rm -f -- "${pwfile}"
  # Our settings live in nationpulse.conf, rewritten on every start.
  printf "\n# NationPulse (scripts/infra.sh)\ninclude_if_exists 'nationpulse.conf'\n" \
    >>"${PG_DATA}/postgresql.conf"
}

pg_write_conf() {
  local conf="${PG_DATA}/nationpulse.conf" sock="${PG_SOCK//\'/\'\'}"
  {
    printf '# generated by scripts/infra.sh on every start; edits are lost\n'
    printf "listen_addresses = '127.0.0.1'\n"
    printf 'port = %s\n' "${PG_PORT}"
    printf "unix_socket_directories = '%s'\n" "${sock}"
    printf 'max_connections = 200\n'
    if [[ "${PROFILE}" == test ]]; then
      # throw-away test data: durability off for speed (test profile only)
      printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n'
    fi
  } >"${conf}"
  ((EUID == 0)) && chown postgres:postgres -- "${conf}"
  return 0
}

pg_start() {
  local t0 pid
  t0="$(now_us)"
  if pg_running; then
    pid="$(pg_pid)"
    pg_ready || {
      show_log_tail "${PG_LOG}"
      die "postgres: our server (pid ${pid}, data ${PG_DATA}) runs but does not answer on" \
        "127.0.0.1:${PG_PORT} (port changed?); try: $0 restart --profile ${PROFILE} --only pg"
    }
    pg_ensure_db
    log "postgres: already running (pid ${pid}) on 127.0.0.1:${PG_PORT}"
    return 0
  fi
  require_free_port "${PG_PORT}" NP_PG_PORT postgres
  pg_prepare_dirs
  [[ -f "${PG_DATA}/PG_VERSION" ]] || pg_initdb
  pg_write_conf
  rm -f -- "${PG_DATA}/postmaster.pid" 2>/dev/null || true # stale (not running)
  if ! as_pg "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -l "${PG_LOG}" -W start >/dev/null 9>&-; then
    show_log_tail "${PG_LOG}"
    die "postgres: pg_ctl start failed"
  fi
  if ! wait_for "${PG_READY_TIMEOUT}" pg_ready; then
    show_log_tail "${PG_LOG}"
    die "postgres: not ready on 127.0.0.1:${PG_PORT} after ${PG_READY_TIMEOUT}s"
  fi
  pg_ensure_db
  log "postgres: ready on 127.0.0.1:${PG_PORT} (pid $(pg_pid), data ${PG_DATA}) in $(elapsed_since "${t0}")s"
}

pg_stop() {
  if ! pg_running; then
    log "postgres: not running"
    return 0
  fi
  if ! as_pg "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -m fast -w -t 30 stop >/dev/null; then
    show_log_tail "${PG_LOG}"
    die "postgres: pg_ctl stop failed"
  fi
  log "postgres: stopped"
}

pg_status() {
  local state=stopped extra=""
  if pg_running; then
    if pg_ready; then state=running; else state="running(not answering)"; fi
    extra="pid $(pg_pid)"
  fi
  status_line postgres "${state}" "${PG_PORT}" "${extra}"
  [[ "${state}" == running ]]
}

# ------------------------------------------------------------------ Redis --

REDIS_DIR="${STATE_DIR}/redis"
REDIS_PIDFILE="${STATE_DIR}/redis.pid"
REDIS_LOG="${STATE_DIR}/redis.log"

redis_pid() { pid_from_file_matching "${REDIS_PIDFILE}" redis-server; }

redis_ping() {
  [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "${REDIS_PORT}" ping 2>/dev/null)" == PONG ]]
}

redis_start() {
  local t0 pid appendonly=yes
  t0="$(now_us)"
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    die "redis-server/redis-cli not found; run scripts/install-deps.sh"
  fi
  if pid="$(redis_pid)"; then
    redis_ping || {
      show_log_tail "${REDIS_LOG}"
      die "redis: our server (pid ${pid}) runs but does not answer on 127.0.0.1:${REDIS_PORT}" \
        "(port changed?); try: $0 restart --profile ${PROFILE} --only redis"
    }
    log "redis: already running (pid ${pid}) on 127.0.0.1:${REDIS_PORT}"
    return 0
  fi
  require_free_port "${REDIS_PORT}" NP_REDIS_PORT redis
  mkdir -p -- "${REDIS_DIR}"
  rm -f -- "${REDIS_PIDFILE}"
  [[ "${PROFILE}" == test ]] && appendonly=no
  if ! redis-server --bind 127.0.0.1 --port "${REDIS_PORT}" --protected-mode yes \
    --dir "${REDIS_DIR}" --daemonize yes --pidfile "${REDIS_PIDFILE}" \
    --logfile "${REDIS_LOG}" --save "" --appendonly "${appendonly}" >/dev/null 9>&-; then
    show_log_tail "${REDIS_LOG}"
    die "redis: redis-server failed to start"
  fi
  if ! wait_for "${REDIS_READY_TIMEOUT}" redis_ping; then
    show_log_tail "${REDIS_LOG}"
    die "redis: not ready on 127.0.0.1:${REDIS_PORT} after ${REDIS_READY_TIMEOUT}s"
  fi
  log "redis: ready on 127.0.0.1:${REDIS_PORT} (pid $(redis_pid || echo '?')) in $(elapsed_since "${t0}")s"
}

redis_stop() {
  local pid
  if ! pid="$(redis_pid)"; then
    rm -f -- "${REDIS_PIDFILE}"
    log "redis: not running"
    return 0
  fi
  timeout 5 redis-cli -h 127.0.0.1 -p "${REDIS_PORT}" shutdown nosave >/dev/null 2>&1 || true
  if ! wait_for 10 not_alive "${pid}"; then
    kill -TERM "${pid}" 2>/dev/null || true
    wait_for 5 not_alive "${pid}" || kill -KILL "${pid}" 2>/dev/null || true
  fi
  rm -f -- "${REDIS_PIDFILE}"
  log "redis: stopped"
}

not_alive() { ! pid_alive "$1"; }

redis_status() {
  local state=stopped extra="" pid
  if pid="$(redis_pid)"; then
    if redis_ping; then state=running; else state="running(not answering)"; fi
    extra="pid ${pid}"
  fi
  status_line redis "${state}" "${REDIS_PORT}" "${extra}"
  [[ "${state}" == running ]]
}

# ------------------------------------------------------------------ Kafka --
# Layout: .state/<profile>/kafka/cluster-<N>/node-<i>/{server.properties,
# data/, kafka.log, kafka.pid}. The 1- and 3-broker clusters keep separate
# data (a KRaft quorum cannot change its static voter set in place); only one
# of them can run at a time since they share ports.

KAFKA_DIR="${STATE_DIR}/kafka"

kafka_node_dir() { printf '%s/cluster-%s/node-%s' "${KAFKA_DIR}" "$1" "$2"; }

# pid of node $2 of the $1-broker cluster, if it is alive and ours
kafka_node_pid() {
  local dir
  dir="$(kafka_node_dir "$1" "$2")"
  pid_from_file_matching "${dir}/kafka.pid" kafka.Kafka "${dir}/server.properties"
}

# prints the size of the cluster of this profile that has a live node
kafka_running_cluster() {
  local n i
  for n in 1 3; do
    for ((i = 1; i <= n; i++)); do
      if kafka_node_pid "${n}" "${i}" >/dev/null; then
        printf '%s\n' "${n}"
        return 0
      fi
    done
  done
  return 1
}

# Broker count: --kafka-brokers, else NP_KAFKA_BROKERS, else the running
# cluster's size, else 1.
kafka_broker_count() {
  if [[ -n "${KAFKA_BROKERS_OPT}" ]]; then
    printf '%s\n' "${KAFKA_BROKERS_OPT}"
  elif [[ -n "${NP_KAFKA_BROKERS:-}" ]]; then
    printf '%s\n' "${NP_KAFKA_BROKERS}"
  else
    kafka_running_cluster || printf '1\n'
  fi
}

kafka_bootstrap() {
  local n="$1" i list=""
  for ((i = 0; i < n; i++)); do
    list+="${list:+,}127.0.0.1:$((KAFKA_PORT + i))"
  done
  printf '%s\n' "${list}"
}

java_major() {
  "$1" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}

# Sets JAVA to a Java 17+ binary: NP_JAVA, else `java` on PATH, else
# Debian's OpenJDK 17.
kafka_find_java() {
  local c major
  for c in "${NP_JAVA:-}" "$(command -v java || true)" /usr/lib/jvm/java-17-openjdk-*/bin/java; do
    [[ -n "${c}" && -x "${c}" ]] || continue
    major="$(java_major "${c}")"
    if [[ "${major}" =~ ^[0-9]+$ ]] && ((major >= 17)); then
      JAVA="${c}"
      return 0
    fi
  done
  die "no Java 17+ found (tried NP_JAVA, java on PATH, /usr/lib/jvm/java-17-openjdk-*);" \
    "run scripts/install-deps.sh (package openjdk-17-jre-headless)"
}

kafka_classpath() {
  local cpfile
  [[ -x "${KAFKA_FETCH}" ]] || die "missing ${KAFKA_FETCH}"
  # No-op (no mvn) when the classpath file and all its jars exist.
  "${KAFKA_FETCH}" || die "kafka: could not resolve the Kafka jars (scripts/kafka-fetch.sh)"
  cpfile="$("${KAFKA_FETCH}" --path)"
  KAFKA_CP="$(<"${cpfile}")"
  [[ -n "${KAFKA_CP}" ]] || die "kafka: empty classpath file ${cpfile}"
}

kafka_write_tool_files() {
  mkdir -p -- "${KAFKA_DIR}"
  cat >"${KAFKA_DIR}/tools-log4j.properties" <<'EOF'
# generated by scripts/infra.sh: Kafka command-line tools log warnings to stderr
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  cat >"${KAFKA_DIR}/broker-log4j.properties" <<'EOF'
# generated by scripts/infra.sh: the broker logs to stdout (-> kafka.log)
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=INFO
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
EOF
  cat >"${KAFKA_DIR}/tools-client.properties" <<'EOF'
# generated by scripts/infra.sh: fail fast when the broker is not up yet
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

# Run a Kafka CLI class (JVM tuned for start-up time, not throughput).
# usage: kafka_tool [timeout-seconds] CLASS args...
kafka_tool() {
  local -a limit=()
  if [[ "$1" =~ ^[0-9]+$ ]]; then
    limit=(timeout "$1")
    shift
  fi
  "${limit[@]}" "${JAVA}" -Xms32m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:${KAFKA_DIR}/tools-log4j.properties" \
    -cp "${KAFKA_CP}" "$@"
}

kafka_write_server_properties() {
  local n="$1" i="$2" dir rf isr voters="" j
  dir="$(kafka_node_dir "${n}" "${i}")"
  rf=$((n < 3 ? n : 3))
  isr=$((rf < 2 ? rf : 2))
  for ((j = 1; j <= n; j++)); do
    voters+="${voters:+,}${j}@127.0.0.1:$((KAFKA_CTRL_PORT + j - 1))"
  done
  cat >"${dir}/server.properties" <<EOF
# generated by scripts/infra.sh on every start; edits are lost
process.roles=broker,controller
node.id=${i}
controller.quorum.voters=${voters}
listeners=PLAINTEXT://127.0.0.1:$((KAFKA_PORT + i - 1)),CONTROLLER://127.0.0.1:$((KAFKA_CTRL_PORT + i - 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$((KAFKA_PORT + i - 1))
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${dir}/data
num.partitions=3
default.replication.factor=${rf}
min.insync.replicas=1
offsets.topic.replication.factor=${rf}
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=${rf}
transaction.state.log.min.isr=${isr}
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
}

kafka_topics_list() {
  kafka_tool 30 org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$1" --command-config "${KAFKA_DIR}/tools-client.properties" \
    --list >/dev/null 2>&1
}

kafka_start() {
  local n t0 heap i dir pid other bootstrap deadline started=() pending=()
  t0="$(now_us)"
  n="$(kafka_broker_count)"
  if other="$(kafka_running_cluster)" && [[ "${other}" != "${n}" ]]; then
    die "kafka: a ${other}-broker cluster of profile ${PROFILE} is running;" \
      "stop it first: $0 stop --profile ${PROFILE} --only kafka"
  fi
  kafka_find_java
  kafka_classpath
  kafka_write_tool_files
  heap=512m
  ((n == 3)) && heap=384m

  # check every port before starting anything
  for ((i = 1; i <= n; i++)); do
    kafka_node_pid "${n}" "${i}" >/dev/null && continue
    require_free_port $((KAFKA_PORT + i - 1)) NP_KAFKA_PORT "kafka node ${i}" \
      "NP_KAFKA_PORT is node 1's port, node i uses NP_KAFKA_PORT+i-1"
    require_free_port $((KAFKA_CTRL_PORT + i - 1)) NP_KAFKA_CONTROLLER_PORT "kafka node ${i} (controller)" \
      "node i uses NP_KAFKA_CONTROLLER_PORT+i-1"
  done

  # All nodes are launched before waiting: a KRaft quorum of 3 needs a
  # majority of its controllers up before any broker can finish starting.
  for ((i = 1; i <= n; i++)); do
    dir="$(kafka_node_dir "${n}" "${i}")"
    if pid="$(kafka_node_pid "${n}" "${i}")"; then
      log "kafka: node ${i} already running (pid ${pid}) on 127.0.0.1:$((KAFKA_PORT + i - 1))"
      continue
    fi
    mkdir -p -- "${dir}/data"
    kafka_write_server_properties "${n}" "${i}"
    if [[ ! -f "${dir}/data/meta.properties" ]]; then
      if ! kafka_tool kafka.tools.StorageTool format -t "${KAFKA_CLUSTER_ID}" \
        -c "${dir}/server.properties" --ignore-formatted >"${dir}/format.log" 2>&1; then
        show_log_tail "${dir}/format.log"
        die "kafka: formatting storage of node ${i} failed"
      fi
    fi
    [[ -f "${dir}/kafka.log" ]] && mv -f -- "${dir}/kafka.log" "${dir}/kafka.log.prev"
    rm -f -- "${dir}/kafka.pid"
    # setsid: own session, so the broker survives the calling shell; the
    # inner bash writes its pid and then execs (same pid) the JVM.
    # shellcheck disable=SC2016 # $$ and $1 are for the inner bash
    setsid bash -c 'echo "$$" >"$1"; shift; exec nohup "$@"' _ "${dir}/kafka.pid" \
      "${JAVA}" "-Xms128m" "-Xmx${heap}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dlog4j.configuration="file:${KAFKA_DIR}/broker-log4j.properties" \
      -cp "${KAFKA_CP}" kafka.Kafka "${dir}/server.properties" \
      </dev/null >"${dir}/kafka.log" 2>&1 9>&- &
    started+=("${i}")
  done

  deadline=$(($(now_us) + KAFKA_READY_TIMEOUT * 1000000))
  pending=("${started[@]}")
  while ((${#pending[@]} > 0)); do
    local still=()
    for i in "${pending[@]}"; do
      dir="$(kafka_node_dir "${n}" "${i}")"
      if ! kafka_node_pid "${n}" "${i}" >/dev/null; then
        # the pid file may not be written yet in the first instants
        if [[ -s "${dir}/kafka.pid" ]] || (($(now_us) > deadline)); then
          show_log_tail "${dir}/kafka.log" 40
          die "kafka: node ${i} exited during start-up (log: ${dir}/kafka.log)"
        fi
        still+=("${i}")
      elif grep -qF "${KAFKA_STARTED_MSG}" -- "${dir}/kafka.log" 2>/dev/null &&
        port_answers $((KAFKA_PORT + i - 1)); then
        log "kafka: node ${i} started on 127.0.0.1:$((KAFKA_PORT + i - 1)) after $(elapsed_since "${t0}")s"
      else
        still+=("${i}")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]} == 0)) && break
    if (($(now_us) > deadline)); then
      for i in "${pending[@]}"; do
        show_log_tail "$(kafka_node_dir "${n}" "${i}")/kafka.log" 40
      done
      die "kafka: node(s) ${pending[*]} not started after ${KAFKA_READY_TIMEOUT}s" \
        "(still running; stop with: $0 stop --profile ${PROFILE} --only kafka)"
    fi
    sleep 0.5
  done

  # Ready = the cluster answers a metadata (topic list) request.
  bootstrap="$(kafka_bootstrap "${n}")"
  while ! kafka_topics_list "${bootstrap}"; do
    if (($(now_us) > deadline)); then
      show_log_tail "$(kafka_node_dir "${n}" 1)/kafka.log" 40
      die "kafka: ${bootstrap} does not answer a topic list request after ${KAFKA_READY_TIMEOUT}s"
    fi
    sleep 1
  done
  log "kafka: ready, ${n} broker(s) at ${bootstrap} in $(elapsed_since "${t0}")s"
}

kafka_stop() {
  local n i pid pids=() deadline
  for n in 1 3; do
    for ((i = 1; i <= n; i++)); do
      if pid="$(kafka_node_pid "${n}" "${i}")"; then
        pids+=("${pid}")
        kill -TERM "${pid}" 2>/dev/null || true
      fi
    done
  done
  if ((${#pids[@]} == 0)); then
    log "kafka: not running"
    return 0
  fi
  deadline=$(($(now_us) + KAFKA_STOP_TIMEOUT * 1000000))
  for pid in "${pids[@]}"; do
    while pid_alive "${pid}" && (($(now_us) < deadline)); do
      sleep 0.25
    done
    if pid_alive "${pid}"; then
      log "kafka: pid ${pid} still alive after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  done
  for n in 1 3; do
    for ((i = 1; i <= n; i++)); do
      rm -f -- "$(kafka_node_dir "${n}" "${i}")/kafka.pid"
    done
  done
  log "kafka: stopped ${#pids[@]} node(s)"
}

kafka_status() {
  local n i pid state rc=0
  n="$(kafka_broker_count)"
  for ((i = 1; i <= n; i++)); do
    state=stopped pid=""
    if pid="$(kafka_node_pid "${n}" "${i}")"; then
      if port_answers $((KAFKA_PORT + i - 1)); then state=running; else state=starting; fi
    fi
    [[ "${state}" == running ]] || rc=1
    status_line "kafka-${i}" "${state}" \
      $((KAFKA_PORT + i - 1)) "${pid:+pid ${pid}}"
  done
  return "${rc}"
}

# --------------------------------------------------------------- commands --

# export NAME=VALUE, single-quoted unless VALUE is plainly safe
print_exports() {
  local q="'" value
  while (($# >= 2)); do
    value="$2"
    if [[ ! "${value}" =~ ^[A-Za-z0-9_.:,/@%+=-]+$ ]]; then
      value="'${value//${q}/${q}\\${q}${q}}'"
    fi
    printf 'export %s=%s\n' "$1" "${value}"
    shift 2
  done
}

cmd_env() {
  local n
  n="$(kafka_broker_count)"
  print_exports \
    NP_PROFILE "${PROFILE}" \
    NP_PG_PORT "${PG_PORT}" \
    NP_REDIS_PORT "${REDIS_PORT}" \
    NP_KAFKA_PORT "${KAFKA_PORT}" \
    PG_DB_ADDR "127.0.0.1:${PG_PORT}" \
    PG_DB_NAME "${PG_DB_NAME}" \
    PG_DB_USER "${PG_USER}" \
    PG_DB_PASS "${PG_PASSWORD}" \
    REDIS_ADDR "127.0.0.1:${REDIS_PORT}" \
    KAFKA_BROKERS "$(kafka_bootstrap "${n}")" \
    KAFKA_TOPIC_REPLICATION "${n}" \
    PGHOST 127.0.0.1 \
    PGPORT "${PG_PORT}" \
    PGUSER "${PG_USER}" \
    PGPASSWORD "${PG_PASSWORD}" \
    PGDATABASE "${PG_DB_NAME}"
}

cmd_kafka_topics() {
  local n
  n="$(kafka_broker_count)"
  kafka_find_java
  kafka_classpath
  kafka_write_tool_files
  kafka_tool org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$(kafka_bootstrap "${n}")" "${PASSTHROUGH[@]}"
}

# Serialises start/stop of one profile. The servers we launch must not
# inherit fd 9 (they would hold the lock forever): each launch has 9>&-.
lock_state() {
  mkdir -p -- "${STATE_DIR}"
  exec 9>"${STATE_DIR}/.infra.lock"
  flock -w 180 9 || die "another scripts/infra.sh holds ${STATE_DIR}/.infra.lock"
}

cmd_start() {
  lock_state
  ((WANT_PG)) && pg_start
  ((WANT_REDIS)) && redis_start
  ((WANT_KAFKA)) && kafka_start
  return 0
}

cmd_stop() {
  lock_state
  # reverse order: clients (none here) first, then Kafka, Redis, PostgreSQL
  ((WANT_KAFKA)) && kafka_stop
  ((WANT_REDIS)) && redis_stop
  ((WANT_PG)) && pg_stop
  return 0
}

cmd_status() {
  local rc=0
  if ((WANT_PG)); then pg_status || rc=1; fi
  if ((WANT_REDIS)); then redis_status || rc=1; fi
  if ((WANT_KAFKA)); then kafka_status || rc=1; fi
  return "${rc}"
}

if ((WANT_PG)) && [[ "${COMMAND}" =~ ^(start|stop|status|restart)$ ]]; then
  pg_find_bin
  pg_paths
fi

case "${COMMAND}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart)
    # keep the running Kafka cluster's size unless told otherwise
    if ((WANT_KAFKA)) && [[ -z "${KAFKA_BROKERS_OPT}" && -z "${NP_KAFKA_BROKERS:-}" ]]; then
      KAFKA_BROKERS_OPT="$(kafka_running_cluster || true)"
    fi
    cmd_stop
    cmd_start
    ;;
  status) cmd_status ;;
  env) cmd_env ;;
  kafka-topics) cmd_kafka_topics ;;
esac
