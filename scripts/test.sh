#!/usr/bin/env bash
# make test: build the dev preset (or NP_TEST_PRESET), start the test infrastructure on its own
# ports, apply migrations and the dev seed to a fresh test database, run every ctest (labels
# unit and integration), stop what it started, then (dev preset) the short fuzz run; exit non-zero
# on any failure.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$NP_ROOT"

preset="${NP_TEST_PRESET:-dev}"

"$NP_ROOT/scripts/install-deps.sh"
np_build "$preset"
# Deployment files (compose, k8s overlays, Prometheus) against what the binaries just built read.
NP_TEST_PRESET="$preset" "$NP_ROOT/scripts/lint-deploy.sh"

cleanup() { "$NP_ROOT/scripts/infra.sh" stop --profile test >/dev/null 2>&1 || true; }
trap cleanup EXIT
"$NP_ROOT/scripts/infra.sh" start --profile test
eval "$("$NP_ROOT/scripts/infra.sh" env --profile test)"

# Throwaway token keys for this run (the BFF has no built-in secret).
ACCESS_SECRET="$(np_random_secret)"
REFRESH_SECRET="$(np_random_secret)"
export ACCESS_SECRET REFRESH_SECRET

# A fresh database every run: tests see exactly the migrations and the seed of this commit.
dropdb --if-exists --force "$PGDATABASE"
"$NP_ROOT/scripts/migrate.sh" --seed "$NP_ROOT/db/seed/dev_seed.sql"
# Ingestion tests replace whole tables: they get their own database (migrations, no seed), so the
# rows other suites expect stay as seeded.
NP_INGESTION_TEST_DB="${PGDATABASE}_ingestion"
dropdb --if-exists --force "$NP_INGESTION_TEST_DB"
PGDATABASE="$NP_INGESTION_TEST_DB" "$NP_ROOT/scripts/migrate.sh"
export NP_INGESTION_TEST_DB

if [[ "$preset" == asan ]]; then
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export LSAN_OPTIONS="suppressions=$NP_ROOT/tests/sanitizers/lsan.supp:print_suppressions=0"
fi
np_log "running tests ($preset)"
ctest --preset "$preset" -j2 --timeout 300

# The short fuzz run of issue 10: every committed seed of every libFuzzer target, then 10 s of
# fuzzing each (scripts/fuzz.sh --smoke; clang build in build/fuzz). Only with the default preset:
# the sanitizer run (make check) has its own build and would only repeat it.
if [[ "$preset" == dev ]]; then
  cleanup  # the fuzzers need no infrastructure: give its memory and CPU back first
  NP_JOBS="${NP_JOBS:-2}" "$NP_ROOT/scripts/fuzz.sh" --smoke
fi
