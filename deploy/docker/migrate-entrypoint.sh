#!/bin/sh
# Entrypoint of the `migrate` image: scripts/migrate.sh speaks libpq's PG* variables, the services
# PG_DB_*. Mapping them here lets the migration step take the same settings (ConfigMap, Secret,
# compose env_file) as the services. Explicit PG* values win. Arguments go to migrate.sh
# (e.g. `--status`).
set -eu
addr="${PG_DB_ADDR:-}"
if [ -n "$addr" ]; then
  case "$addr" in
    \[*\]:*) host="${addr%%]:*}"; host="${host#[}"; port="${addr##*]:}" ;;  # [v6]:port
    *:*) host="${addr%:*}"; port="${addr##*:}" ;;
    *) host="$addr"; port=5432 ;;
  esac
  export PGHOST="${PGHOST:-$host}" PGPORT="${PGPORT:-$port}"
fi
# PG_DB_PASS first, as the services do (D-22).
pass="${PG_DB_PASS:-${PG_DB_PASSWORD:-}}"
[ -z "$pass" ] || export PGPASSWORD="${PGPASSWORD:-$pass}"
[ -z "${PG_DB_USER:-}" ] || export PGUSER="${PGUSER:-$PG_DB_USER}"
[ -z "${PG_DB_NAME:-}" ] || export PGDATABASE="${PGDATABASE:-$PG_DB_NAME}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}"

# Postgres may still be starting (Kubernetes has no depends_on): wait up to MIGRATE_WAIT_SECONDS.
wait_s="${MIGRATE_WAIT_SECONDS:-120}"
i=0
until pg_isready -q -d postgres; do
  i=$((i + 2))
  if [ "$i" -ge "$wait_s" ]; then
    echo "migrate: postgres at ${PGHOST:-?}:${PGPORT:-5432} not ready after ${wait_s}s" >&2
    exit 1
  fi
  sleep 2
done
exec /app/scripts/migrate.sh "$@"
