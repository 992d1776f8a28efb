#!/usr/bin/env bash
# Creates or completes ./.env (git-ignored) with random secrets for docker-compose.yml, and with
# --k8s OVERLAY writes k8s/overlays/OVERLAY/secrets.env (git-ignored), the content of the Secret
# nationpulse-secrets, from the same values.
#
# usage: scripts/make-env.sh [--k8s kind]
#
# A value already in .env is never changed; to rotate one, delete its line and run `make env`
# (docs/operations.md, "Deployment: rotate secrets"). The names start with NP_ on purpose: under
# `make run` the services read ./.env for variables they lack, and none of them reads NP_* (a
# REDIS_PASS here would make the BFF of `make run` authenticate to a Redis without a password).
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="${NP_ENV_FILE:-$ROOT/.env}"
OVERLAY=""
case "${1:-}" in
  --k8s) OVERLAY="${2:?--k8s needs an overlay name}" ;;
  "") ;;
  *) echo "usage: $0 [--k8s OVERLAY]" >&2; exit 2 ;;
esac

command -v openssl >/dev/null 2>&1 || { echo "make-env: openssl not found (apt-get install openssl)" >&2; exit 1; }

# KEY:bytes. Token keys: 32 random bytes as 64 hex characters (the BFF wants >= 32 bytes, used raw).
# Hex only, so the values need no quoting in .env, env files, redis.conf or a libpq string.
SECRETS=(NP_ACCESS_SECRET:32 NP_REFRESH_SECRET:32 NP_PG_PASSWORD:24 NP_REDIS_PASSWORD:24)

umask 077
touch "$ENV_FILE"
chmod 600 "$ENV_FILE" # secrets
value_of() { sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1; }
added=()
for entry in "${SECRETS[@]}"; do
  key="${entry%%:*}" bytes="${entry##*:}"
  if [[ -z "$(value_of "$key")" ]]; then
    sed -i "/^$key=/d" "$ENV_FILE" # an empty line would shadow the new value for some readers
    printf '%s=%s\n' "$key" "$(openssl rand -hex "$bytes")" >>"$ENV_FILE"
    added+=("$key")
  fi
done
((${#added[@]} == 0)) || echo "make-env: wrote ${added[*]} to $ENV_FILE" >&2

if [[ -n "$OVERLAY" ]]; then
  dir="$ROOT/k8s/overlays/$OVERLAY"
  [[ -d "$dir" ]] || { echo "make-env: no overlay $dir" >&2; exit 1; }
  {
    echo "# Written by scripts/make-env.sh from $ENV_FILE; git-ignored. Keys: secrets.env.example."
    echo "ACCESS_SECRET=$(value_of NP_ACCESS_SECRET)"
    echo "REFRESH_SECRET=$(value_of NP_REFRESH_SECRET)"
    echo "PG_DB_PASS=$(value_of NP_PG_PASSWORD)"
    echo "REDIS_PASS=$(value_of NP_REDIS_PASSWORD)"
  } >"$dir/secrets.env"
  echo "make-env: wrote $dir/secrets.env" >&2
fi
