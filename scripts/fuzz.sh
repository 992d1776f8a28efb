#!/usr/bin/env bash
# make fuzz: build the libFuzzer targets (CMake preset `fuzz`: clang 14, ASan + UBSan) and run each
# one for FUZZ_SECONDS (default 60) on a copy of its committed seed corpus. Stops at the first
# failure and prints the reproducer. docs/reliability.md ("Fuzzing") describes the targets.
#
#   scripts/fuzz.sh                    every target, FUZZ_SECONDS each
#   scripts/fuzz.sh bff_http_fuzz ...  only these targets
#   scripts/fuzz.sh --smoke            the short run of `make test`: every committed seed once, then
#                                      FUZZ_SMOKE_SECONDS (default 10) of fuzzing per target
#   scripts/fuzz.sh --merge            afterwards, add the inputs that found new coverage to the
#                                      committed corpus (libFuzzer -merge=1); without it the committed
#                                      corpus is never written to
#   scripts/fuzz.sh --list             the targets and their corpora
#
# Environment: FUZZ_SECONDS, FUZZ_SMOKE_SECONDS, NP_JOBS (build parallelism, default 1),
# FUZZ_KEEP=1 keeps the work directory of a passing run. A failure keeps it always.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$NP_ROOT"

smoke=0
merge=0
list=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    --merge) merge=1 ;;
    --list) list=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    -*) np_die "unknown option $arg (see --help)" ;;
    *) targets+=("$arg") ;;
  esac
done
seconds="${FUZZ_SECONDS:-60}"
((smoke)) && seconds="${FUZZ_SMOKE_SECONDS:-10}"
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || np_die "FUZZ_SECONDS must be a positive number of seconds"

command -v clang++-14 >/dev/null || np_die "clang++-14 is missing: apt-get install clang-14 libclang-rt-14-dev"

build_start=$SECONDS
if [[ ! -f "$NP_ROOT/build/fuzz/build.ninja" ]]; then
  np_log "configuring the fuzz preset"
  cmake --preset fuzz -S "$NP_ROOT" >/dev/null || np_die "cmake configure (fuzz) failed"
fi
if ((!list)); then
  np_log "building the fuzzers (-j${NP_JOBS:-1})"
  cmake --build --preset fuzz -j "${NP_JOBS:-1}" || np_die "build (fuzz) failed"
fi
build_seconds=$((SECONDS - build_start))

manifests=("$NP_ROOT"/build/fuzz/fuzzers/*.txt)
[[ -e "${manifests[0]}" ]] || np_die "no fuzzers registered (build/fuzz/fuzzers/ is empty)"
declare -A binary corpus options
names=()
for m in "${manifests[@]}"; do
  name="$(basename "$m" .txt)"
  { read -r bin; read -r dir; read -r opts || true; } <"$m"
  binary[$name]="$bin"
  corpus[$name]="$dir"
  options[$name]="$opts"
  names+=("$name")
done
if ((list)); then
  for name in "${names[@]}"; do printf '%-22s %s %s\n' "$name" "${corpus[$name]#"$NP_ROOT"/}" "${options[$name]}"; done
  exit 0
fi
if ((${#targets[@]})); then
  for t in "${targets[@]}"; do [[ -n "${binary[$t]:-}" ]] || np_die "unknown target $t (--list shows them)"; done
else
  targets=("${names[@]}")
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/np-fuzz.XXXXXX")"
keep=0
finish() { if ((keep)) || [[ "${FUZZ_KEEP:-0}" == 1 ]]; then np_log "work directory kept: $work"; else rm -rf "$work"; fi; }
trap finish EXIT

# Sanitizer findings are failures; leaks too (the fuzzers keep their long-lived state reachable).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

summary=()
for name in "${targets[@]}"; do
  bin="${binary[$name]}"
  seeds="${corpus[$name]}"
  read -r -a extra <<<"${options[$name]}"
  [[ -x "$bin" ]] || np_die "$name was not built ($bin)"
  [[ -d "$seeds" ]] || np_die "$name: corpus $seeds is missing"
  mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
  log="$work/$name/fuzz.log"
  start=$SECONDS

  if ((smoke)); then
    # Every committed seed once (libFuzzer runs files given by name without fuzzing them).
    mapfile -t files < <(find "$seeds" -type f | sort)
    if ((${#files[@]})) && ! "$bin" "${extra[@]}" "${files[@]}" >"$work/$name/seeds.log" 2>&1; then
      keep=1
      tail -n 40 "$work/$name/seeds.log" >&2
      np_die "$name failed on a committed seed (log: $work/$name/seeds.log)"
    fi
  fi

  cp -R "$seeds/." "$work/$name/corpus/"
  np_log "$name: fuzzing for ${seconds}s"
  if ! "$bin" "${extra[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus" >"$log" 2>&1; then
    keep=1
    tail -n 60 "$log" >&2
    artifact="$(find "$work/$name/artifacts" -type f | head -n 1)"
    echo >&2
    np_log "$name FAILED after $((SECONDS - start))s; full log: $log"
    if [[ -n "$artifact" ]]; then
      np_log "reproducer: $artifact"
      np_log "replay:     $bin${options[$name]:+ ${options[$name]}} $artifact"
      np_log "regression: copy it into ${seeds#"$NP_ROOT"/}/ and add a unit test beside the code"
    fi
    exit 1
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)"
  if ((merge)); then
    "$bin" "${extra[@]}" -merge=1 "$seeds" "$work/$name/corpus" >"$work/$name/merge.log" 2>&1 ||
      np_die "$name: merge failed (log: $work/$name/merge.log)"
    np_log "$name: merged new inputs into ${seeds#"$NP_ROOT"/} (review them before committing)"
  fi
  summary+=("$(printf '%-22s %5ss %10s runs %8s exec/s  cov %s' "$name" "$((SECONDS - start))" "${runs:-?}" "${rate:-?}" "${cov:-?}")")
done

np_log "all ${#targets[@]} fuzzers passed (build ${build_seconds}s)"
printf '  %s\n' "${summary[@]}" >&2
