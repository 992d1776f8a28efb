#!/usr/bin/env bash
# Resolve the Apache Kafka broker + tools jars from Maven Central into the
# normal local Maven repository (~/.m2) and write the Java classpath to
#   ${NP_CACHE_DIR:-~/.cache/nationpulse}/kafka-<version>.classpath
# Nothing is downloaded into the clone. Idempotent: when the classpath file
# exists and every jar it names exists, it does nothing (no mvn call).
#
# usage: scripts/kafka-fetch.sh [--path] [--force]
#   --path   only print the classpath file's path (fetches nothing)
#   --force  resolve again even if the classpath file looks complete
set -euo pipefail

# Kafka 3.9.x on purpose, not 4.x: Debian 12's librdkafka is 2.0.2, and
# Kafka 4.0 removed the old protocol versions (KIP-896) that such old clients
# still use. 3.9 is the last line with ZooKeeper-less KRaft *and* the old
# protocol versions. Keep this the only place the version is written.
KAFKA_VERSION=3.9.1

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
POM="${SCRIPT_DIR}/kafka/pom.xml"
CACHE_DIR="${NP_CACHE_DIR:-${HOME}/.cache/nationpulse}"
CP_FILE="${CACHE_DIR}/kafka-${KAFKA_VERSION}.classpath"

die() {
  printf 'kafka-fetch: error: %s\n' "$*" >&2
  exit 1
}

# True when $1 is a non-empty classpath file whose jars all exist and which
# contains the broker jar of the wanted version.
classpath_complete() {
  local file="$1" jar found_broker=0
  local -a jars
  [[ -s "${file}" ]] || return 1
  IFS=':' read -r -a jars <"${file}"
  ((${#jars[@]} > 0)) || return 1
  for jar in "${jars[@]}"; do
    [[ -f "${jar}" ]] || return 1
    [[ "${jar##*/}" == "kafka_2.13-${KAFKA_VERSION}.jar" ]] && found_broker=1
  done
  ((found_broker == 1))
}

force=0
while (($# > 0)); do
  case "$1" in
    --path)
      printf '%s\n' "${CP_FILE}"
      exit 0
      ;;
    --force) force=1 ;;
    -h | --help)
      sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
  shift
done

if ((force == 0)) && classpath_complete "${CP_FILE}"; then
  exit 0
fi

command -v mvn >/dev/null 2>&1 ||
  die "mvn (Maven) not found; run scripts/install-deps.sh (or: apt-get install -y maven)"
[[ -f "${POM}" ]] || die "missing ${POM}"

mkdir -p -- "${CACHE_DIR}"
tmp="$(mktemp "${CP_FILE}.XXXXXX")"
log="$(mktemp "${CACHE_DIR}/kafka-fetch.XXXXXX.log")"
trap 'rm -f -- "${tmp}" "${log}"' EXIT

printf 'kafka-fetch: resolving Apache Kafka %s from Maven Central into ~/.m2 ...\n' \
  "${KAFKA_VERSION}" >&2
if ! mvn -B -q -f "${POM}" \
  -Dkafka.version="${KAFKA_VERSION}" \
  -Dmdep.outputFile="${tmp}" \
  -Dmdep.includeScope=runtime \
  dependency:build-classpath >"${log}" 2>&1; then
  tail -n 40 -- "${log}" >&2 || true
  die "mvn dependency:build-classpath failed for Kafka ${KAFKA_VERSION} (output above)"
fi

# build-classpath writes no trailing newline; normalise to one line.
cp_line="$(tr -d '\n' <"${tmp}")"
printf '%s\n' "${cp_line}" >"${tmp}"
classpath_complete "${tmp}" ||
  die "Maven produced an incomplete classpath for Kafka ${KAFKA_VERSION}: $(head -c 300 -- "${tmp}")"
mv -f -- "${tmp}" "${CP_FILE}"
printf 'kafka-fetch: wrote %s\n' "${CP_FILE}" >&2
