#!/usr/bin/env bash
# Install everything NationPulse needs to build, test and run locally on
# Debian 12 (bookworm), then resolve the Kafka broker jars (scripts/kafka-fetch.sh).
#
# usage: scripts/install-deps.sh
#
# Idempotent and fast when everything is present: it asks dpkg-query first and
# only runs `apt-get update` + `apt-get install` when a package is missing.
# Needs root for apt; when not root and something is missing it prints the
# command to run and exits 1.
#
# Note: the Debian postgresql / redis-server packages may start system
# services on 5432 / 6379. That is harmless: scripts/infra.sh runs its own
# servers on other ports and never uses those.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"

# clang-14 + libclang-rt-14-dev: the libFuzzer targets (CMake preset fuzz, scripts/fuzz.sh).
# Boost comes as the 1.81 packages only. Do NOT add libboost-dev or
# libboost-all-dev: on bookworm they pull Boost 1.74, which conflicts with 1.81.
PACKAGES=(
  build-essential g++ cmake ninja-build ccache pkg-config clang-format git
  clang-14 libclang-rt-14-dev
  ca-certificates
  libboost1.81-dev libboost-url1.81-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librdkafka-dev libpqxx-dev libhiredis-dev libspdlog-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libsodium-dev libssl-dev libcurl4-openssl-dev prometheus-cpp-dev libexpat1-dev
  postgresql postgresql-client redis-server
  openjdk-17-jre-headless maven
  wrk curl tzdata chromium
)

log() { printf 'install-deps: %s\n' "$*" >&2; }
die() {
  printf 'install-deps: error: %s\n' "$*" >&2
  exit 1
}

command -v dpkg-query >/dev/null 2>&1 ||
  die "dpkg-query not found: this script supports Debian 12 (bookworm) only"

if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  os_id="$(. /etc/os-release && printf '%s %s' "${ID:-?}" "${VERSION_ID:-?}")"
  [[ "${os_id}" == "debian 12" ]] ||
    log "warning: written for Debian 12, this is '${os_id}'; trying anyway"
fi

# One dpkg-query call for all packages; unknown packages print nothing.
installed="$(dpkg-query -W -f='${binary:Package} ${db:Status-Status}\n' \
  "${PACKAGES[@]}" 2>/dev/null || true)"
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! grep -qE "^${pkg//+/\\+}(:[a-z0-9]+)? installed$" <<<"${installed}"; then
    missing+=("${pkg}")
  fi
done

if ((${#missing[@]} > 0)); then
  apt_cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
  if ((EUID != 0)); then
    {
      log "missing packages: ${missing[*]}"
      log "run as root:"
      printf '  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive %s\n' \
        "${apt_cmd[*]}"
    } >&2
    exit 1
  fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_log="$(mktemp /tmp/install-deps.XXXXXX.log)"
  if ! apt-get update -qq >"${apt_log}" 2>&1 ||
    ! apt-get -qq -o Dpkg::Options::=--force-confdef \
      -o Dpkg::Options::=--force-confold "${apt_cmd[@]:1}" >>"${apt_log}" 2>&1; then
    tail -n 40 -- "${apt_log}" >&2 || true
    die "apt-get failed (full log: ${apt_log})"
  fi
  rm -f -- "${apt_log}"
  log "packages installed"
fi

for bad in libboost-dev libboost-all-dev libboost1.74-dev; do
  if dpkg-query -W -f='${db:Status-Status}' "${bad}" 2>/dev/null | grep -qx installed; then
    log "warning: ${bad} is installed; it brings Boost 1.74 headers that can" \
      "shadow Boost 1.81 (consider: apt-get remove ${bad})"
  fi
done

"${SCRIPT_DIR}/kafka-fetch.sh"
