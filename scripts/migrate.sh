#!/usr/bin/env bash
# NationPulse — PostgreSQL migration runner.
#
# Applies db/migrations/*.sql in lexical order with psql. Each file runs in ONE
# transaction together with its row in schema_migrations, so a file is either fully
# applied and recorded, or not at all. A file already recorded is skipped; if its
# sha256 checksum changed since it was applied, the runner stops (never edit an
# applied migration — add a new one).
#
# Usage:
#   scripts/migrate.sh                       apply pending migrations
#   scripts/migrate.sh --seed FILE...        apply pending migrations, then load seeds
#   scripts/migrate.sh --status              list applied / pending migrations
#   scripts/migrate.sh --help
#
# Connection: the standard libpq variables, with these defaults:
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGPASSWORD=postgres PGDATABASE=nationPulseDB
# Other PG* variables (PGSSLMODE, PGCONNECT_TIMEOUT, ...) are honoured by psql as usual.
# MIGRATIONS_DIR overrides the migrations directory (default: <repo>/db/migrations).
#
# The target database is created when missing (via the maintenance database
# `postgres`). A session-level advisory lock (pg_advisory_lock) is held for the whole
# run, so concurrent runners wait for each other instead of racing.
#
# Seed files are loaded after the migrations, in the order given, under the same lock.
# They must be idempotent themselves. A seed that contains its own BEGIN/COMMIT is run
# as is; otherwise it is wrapped in a single transaction.
#
# Exit status: 0 on success, non-zero on any failure (psql's error is shown).

set -Eeuo pipefail
export LC_COLLATE=C   # lexical order of versions, independent of the locale

readonly SCRIPT_NAME="${0##*/}"
REPO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly MIGRATIONS_DIR="${MIGRATIONS_DIR:-${REPO_ROOT}/db/migrations}"
# Arbitrary constant identifying the "NationPulse schema migration" advisory lock.
readonly LOCK_KEY=724611190233

export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-postgres}"
export PGPASSWORD="${PGPASSWORD:-postgres}"
export PGDATABASE="${PGDATABASE:-nationPulseDB}"
export PGAPPNAME="${PGAPPNAME:-nationpulse-migrate}"

log()  { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die()  { printf '%s: ERROR: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# psql with our standard options: no psqlrc, stop on the first error, quiet.
run_psql() {
    psql -X -q -v ON_ERROR_STOP=1 "$@"
}

# Query returning unaligned, tuples-only output (fields separated by '|').
query() {
    local db="$1"; shift
    run_psql -d "$db" -At -F '|' "$@"
}

MODE=apply
SEEDS=()
while (($#)); do
    case "$1" in
        --status) MODE=status; shift ;;
        --seed)
            shift
            if (($# == 0)) || [[ "$1" == --* ]]; then die "--seed needs at least one FILE"; fi
            while (($#)) && [[ "$1" != --* ]]; do SEEDS+=("$1"); shift; done
            ;;
        --seed=*) SEEDS+=("${1#--seed=}"); shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

if [[ "$MODE" == status && ${#SEEDS[@]} -gt 0 ]]; then
    die "--status and --seed cannot be combined"
fi

command -v psql >/dev/null 2>&1 || die "psql not found in PATH"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found in PATH"
[[ -d "$MIGRATIONS_DIR" ]] || die "migrations directory not found: $MIGRATIONS_DIR"

for seed in "${SEEDS[@]}"; do
    [[ -f "$seed" && -r "$seed" ]] || die "seed file not found or unreadable: $seed"
done

# Migration files in lexical (C locale) order.
MIGRATION_FILES=()
while IFS= read -r -d '' f; do
    MIGRATION_FILES+=("$f")
done < <(find "$MIGRATIONS_DIR" -maxdepth 1 -type f -name '*.sql' -print0 | LC_ALL=C sort -z)

version_of() { local b="${1##*/}"; printf '%s' "${b%.sql}"; }
checksum_of() { sha256sum -- "$1" | cut -d' ' -f1; }

# Top-level transaction control would break the one-transaction-per-file rule.
# (plpgsql bodies use "BEGIN" without a semicolon and "END;", which do not match.)
readonly TXN_CONTROL_RE='^[[:space:]]*(BEGIN|START[[:space:]]+TRANSACTION|COMMIT|END[[:space:]]+TRANSACTION|ROLLBACK)([[:space:]]+(WORK|TRANSACTION))?[[:space:]]*;'
has_txn_control() { grep -Eiq "$TXN_CONTROL_RE" "$1"; }

for f in "${MIGRATION_FILES[@]}"; do
    [[ "$(version_of "$f")" =~ ^[A-Za-z0-9_.-]+$ ]] \
        || die "$(basename -- "$f"): migration file names may only contain letters, digits, '_', '.' and '-'"
    if has_txn_control "$f"; then
        die "$(basename -- "$f"): migrations must not contain BEGIN/COMMIT (the runner wraps each file in one transaction)"
    fi
done

db_exists() {
    local out
    out="$(printf '%s\n' "SELECT 1 FROM pg_database WHERE datname = :'dbname';" \
        | query postgres -v dbname="$PGDATABASE" -f -)" || return 2
    [[ "$out" == 1 ]]
}

# Loads schema_migrations into APPLIED_SUM[version]=checksum / APPLIED_AT[version]=ts.
declare -A APPLIED_SUM=() APPLIED_AT=()
load_applied() {
    APPLIED_SUM=(); APPLIED_AT=()
    local exists
    exists="$(query "$PGDATABASE" -c "SELECT to_regclass('public.schema_migrations') IS NOT NULL")"
    [[ "$exists" == t ]] || return 0
    local version checksum applied_at
    while IFS='|' read -r version checksum applied_at; do
        [[ -n "$version" ]] || continue
        APPLIED_SUM["$version"]="$checksum"
        APPLIED_AT["$version"]="$applied_at"
    done < <(query "$PGDATABASE" -c \
        "SELECT version, checksum, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SSOF') FROM schema_migrations ORDER BY version")
}

# ------------------------------------------------------------------------------ status
if [[ "$MODE" == status ]]; then
    set +e; db_exists; rc=$?; set -e
    ((rc == 2)) && die "cannot connect to ${PGHOST}:${PGPORT} as ${PGUSER}"
    if ((rc == 1)); then
        log "database \"$PGDATABASE\" does not exist yet: every migration is pending"
    else
        load_applied
    fi
    printf '%-10s %-40s %s\n' STATE VERSION "APPLIED AT"
    pending=0 changed=0
    declare -A seen=()
    for f in "${MIGRATION_FILES[@]}"; do
        v="$(version_of "$f")"; seen["$v"]=1
        if [[ -n "${APPLIED_SUM[$v]+x}" ]]; then
            if [[ "${APPLIED_SUM[$v]}" == "$(checksum_of "$f")" ]]; then
                printf '%-10s %-40s %s\n' applied "$v" "${APPLIED_AT[$v]}"
            else
                printf '%-10s %-40s %s\n' CHANGED "$v" "${APPLIED_AT[$v]} (file modified after it was applied)"
                changed=$((changed + 1))
            fi
        else
            printf '%-10s %-40s\n' pending "$v"
            pending=$((pending + 1))
        fi
    done
    for v in "${!APPLIED_SUM[@]}"; do
        [[ -n "${seen[$v]+x}" ]] || printf '%-10s %-40s %s\n' MISSING "$v" "${APPLIED_AT[$v]} (applied, but no file)"
    done
    log "${#MIGRATION_FILES[@]} file(s), ${pending} pending, ${changed} changed"
    ((changed == 0)) || exit 1
    exit 0
fi

# ------------------------------------------------------------------------------- apply
log "target ${PGUSER}@${PGHOST}:${PGPORT}/${PGDATABASE}"

set +e; db_exists; rc=$?; set -e
((rc == 2)) && die "cannot connect to ${PGHOST}:${PGPORT} as ${PGUSER} (database postgres)"
if ((rc == 1)); then
    log "creating database \"$PGDATABASE\""
    if ! printf '%s\n' 'CREATE DATABASE :"dbname";' \
            | run_psql -d postgres -v dbname="$PGDATABASE" -f -; then
        # Another runner may have created it in the meantime.
        set +e; db_exists; rc=$?; set -e
        ((rc == 0)) || die "could not create database \"$PGDATABASE\""
    fi
fi

# Hold a session-level advisory lock for the whole run in a background psql session.
# The lock is released when that session ends: on exit we close its stdin; if this
# script is killed, psql sees EOF / a broken pipe and exits, releasing the lock.
LOCK_PID=""
release_lock() {
    if [[ -n "$LOCK_PID" ]]; then
        exec {LOCK_IN}>&- {LOCK_OUT}<&- 2>/dev/null || true
        wait "$LOCK_PID" 2>/dev/null || true
        LOCK_PID=""
    fi
}
trap release_lock EXIT

coproc LOCKER { psql -X -q -At -v ON_ERROR_STOP=1 -d "$PGDATABASE" 2>&1; }
# shellcheck disable=SC2153  # LOCKER_PID is set by coproc
LOCK_PID=$LOCKER_PID
exec {LOCK_IN}>&"${LOCKER[1]}" {LOCK_OUT}<&"${LOCKER[0]}"
# Keep only our duplicates (the coproc variables vanish when the coprocess exits).
eval "exec ${LOCKER[1]}>&- ${LOCKER[0]}<&-"

lock_line=""
printf 'SELECT pg_try_advisory_lock(%s);\n' "$LOCK_KEY" >&"$LOCK_IN"
IFS= read -r lock_line <&"$LOCK_OUT" || die "lock session failed: ${lock_line:-psql exited}"
if [[ "$lock_line" == f ]]; then
    log "another migration runner holds the lock; waiting for it"
    printf 'SELECT pg_advisory_lock(%s);\nSELECT '"'"'locked'"'"';\n' "$LOCK_KEY" >&"$LOCK_IN"
    IFS= read -r lock_line <&"$LOCK_OUT" || die "lock session failed while waiting: ${lock_line:-psql exited}"
    # pg_advisory_lock returns void (an empty line), then our marker.
    [[ -z "$lock_line" ]] && { IFS= read -r lock_line <&"$LOCK_OUT" || true; }
    [[ "$lock_line" == locked ]] || die "could not take the migration lock: $lock_line"
elif [[ "$lock_line" != t ]]; then
    die "could not take the migration lock: $lock_line"
fi

run_psql -d "$PGDATABASE" <<'SQL'
SET client_min_messages = warning;
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
SQL

load_applied

# Refuse to go on when an applied migration was modified; note unknown versions.
declare -A on_disk=()
bad=0
for f in "${MIGRATION_FILES[@]}"; do
    v="$(version_of "$f")"; on_disk["$v"]=1
    if [[ -n "${APPLIED_SUM[$v]+x}" ]]; then
        sum="$(checksum_of "$f")"
        if [[ "${APPLIED_SUM[$v]}" != "$sum" ]]; then
            printf '%s: ERROR: migration %s was modified after it was applied (%s)\n' \
                "$SCRIPT_NAME" "$v" "${APPLIED_AT[$v]}" >&2
            printf '%s:        recorded sha256 %s\n%s:        file     sha256 %s\n' \
                "$SCRIPT_NAME" "${APPLIED_SUM[$v]}" "$SCRIPT_NAME" "$sum" >&2
            bad=1
        fi
    fi
done
((bad == 0)) || die "refusing to continue: restore the applied file(s) and put the change in a new migration"
for v in "${!APPLIED_SUM[@]}"; do
    [[ -n "${on_disk[$v]+x}" ]] || warn "migration $v is recorded as applied but has no file in $MIGRATIONS_DIR"
done

applied_now=0
latest_applied=""
for v in "${!APPLIED_SUM[@]}"; do
    [[ "$v" > "$latest_applied" ]] && latest_applied="$v"
done
for f in "${MIGRATION_FILES[@]}"; do
    v="$(version_of "$f")"
    [[ -z "${APPLIED_SUM[$v]+x}" ]] || continue
    if [[ -n "$latest_applied" && "$v" < "$latest_applied" ]]; then
        warn "$v sorts before the already applied $latest_applied (applying it anyway)"
    fi
    sum="$(checksum_of "$f")"
    log "applying $v"
    # File + bookkeeping row, run by psql as one transaction (psql error messages
    # then name the file and line). Version names are checked to be [A-Za-z0-9_.-]
    # and checksums are hex, so they can be put in the SQL text directly (psql does
    # not interpolate variables in -c strings).
    record_sql="INSERT INTO schema_migrations (version, checksum) VALUES ('${v}', '${sum}')"
    if ! run_psql -d "$PGDATABASE" --single-transaction \
            -c 'SET client_min_messages = warning' -f "$f" -c "$record_sql"; then
        die "migration $v failed and was rolled back (see the psql error above)"
    fi
    applied_now=$((applied_now + 1))
done

if ((applied_now == 0)); then
    log "database is up to date: no pending migrations (${#MIGRATION_FILES[@]} applied)"
else
    log "applied $applied_now migration(s)"
fi

for seed in "${SEEDS[@]}"; do
    log "loading seed $seed"
    if has_txn_control "$seed"; then
        run_psql -d "$PGDATABASE" -f "$seed" || die "seed $seed failed (see the psql error above)"
    else
        run_psql -d "$PGDATABASE" --single-transaction -f "$seed" || die "seed $seed failed (see the psql error above)"
    fi
done

log "done"
