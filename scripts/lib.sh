# Shared helpers for the project's scripts (sourced, not run).
NP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NP_ROOT

np_log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
np_die() { np_log "error: $*"; exit 1; }

# np_build <preset>: configure once, then build with the preset's job count.
np_build() {
  local preset="$1"
  if [[ ! -f "$NP_ROOT/build/$preset/build.ninja" ]]; then
    cmake --preset "$preset" -S "$NP_ROOT" >/dev/null || np_die "cmake configure ($preset) failed"
  fi
  cmake --build --preset "$preset" || np_die "build ($preset) failed"
}

# np_random_secret: 64 hex characters from the kernel's CSPRNG (no openssl binary needed).
np_random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# np_wait_http <url> <seconds>: wait until the URL answers 200.
np_wait_http() {
  local url="$1" budget="$2" i
  for ((i = 0; i < budget * 10; i++)); do
    if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}
