#!/usr/bin/env bash
# make lint-deploy: checks the deployment files without a Docker engine or a cluster.
#   1. Kubernetes: every overlay renders (pinned kustomize) and is valid against the Kubernetes
#      JSON schemas, strictly: unknown fields fail (pinned kubeconform).
#   2. docker-compose.yml: `docker-compose config` (pinned compose) accepts it with a throwaway .env.
#   3. Environment: each service, run with `--print-env` under the environment compose and each
#      overlay give it, has every variable it reads set (deploy/env-allowlist.txt lists the
#      deliberate exceptions); settings files hold no variable their service ignores; manifests
#      reference existing ConfigMaps/Secrets/keys and ports, and keep the security baseline.
#   4. Dockerfile: the runtime stage installs a package for every shared library the binaries link.
#   5. Prometheus: `promtool check config` on deploy/prometheus/*.yml (their rule_files included).
#   6. Rules and dashboard: `promtool check rules` and `promtool test rules` (every alert fires in
#      one case and stays silent in another); the Grafana dashboard is valid JSON and its queries
#      parse; np-deploylint monitoring: every metric the rules, tests and dashboard name is
#      registered by the C++ code, every alert has severity, summary, description and a runbook
#      heading; the optional Grafana compose override is valid.
# Binaries: build/${NP_TEST_PRESET:-dev}/services/<service>/np-<service> (`make compile PRESET=dev`).
# Tools: scripts/install-deploy-tools.sh (first run fetches and builds them; later runs ~2 s).
# Exit 1 on any problem, with the file, service and variable named.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PRESET="${NP_TEST_PRESET:-dev}"
SERVICES=(bff reporting ingestion scheduler kubepulse)
# With the asan preset, `--print-env` runs under LeakSanitizer; leaks are the tests' business.
[[ "$PRESET" == asan ]] && export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

log() { printf 'lint-deploy: %s\n' "$*"; }
failures=()
problem() { failures+=("$*"); printf 'lint-deploy: FAIL %s\n' "$*"; }

BIN="$(scripts/install-deploy-tools.sh)"
K8S_VERSION="$(sed -n 's/^K8S_VERSION=\([0-9.]*\).*/\1/p' scripts/install-deploy-tools.sh)"
SCHEMAS="${NP_CACHE_DIR:-$HOME/.cache/nationpulse}/k8s-schemas/v$K8S_VERSION-standalone-strict"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------------------------- 1. k8s
# A copy of k8s/ whose secrets.env hold throwaway values: real secrets never reach the renders.
cp -r k8s "$WORK/k8s"
renders=()
for overlay in "$WORK"/k8s/overlays/*/; do
  name="$(basename "$overlay")"
  if [[ -f "$overlay/secrets.env.example" ]]; then
    sed -E 's/^([A-Z_][A-Z0-9_]*)=$/\1=lint0123456789abcdef0123456789abcdef/' \
      "$overlay/secrets.env.example" >"$overlay/secrets.env"
  fi
  if "$BIN/kustomize" build "$overlay" >"$WORK/$name.yaml" 2>"$WORK/$name.err"; then
    log "k8s/overlays/$name: rendered $(grep -c '^kind:' "$WORK/$name.yaml") objects (kustomize $(cat "$BIN/.kustomize.version"))"
    renders+=("$name=$WORK/$name.yaml")
  else
    problem "k8s/overlays/$name: kustomize build failed: $(cat "$WORK/$name.err")"
  fi
done
if ((${#renders[@]} > 0)); then
  if out="$("$BIN/kubeconform" -strict -summary -kubernetes-version "$K8S_VERSION" \
    -schema-location "$SCHEMAS/{{.ResourceKind}}{{.KindSuffix}}.json" "${renders[@]#*=}" 2>&1)"; then
    log "kubeconform $(cat "$BIN/.kubeconform.version") (Kubernetes $K8S_VERSION, strict): ${out##*Summary: }"
  else
    problem "kubeconform: $out"
  fi
fi

# ------------------------------------------------------------------------------ 2. compose
printf '%s\n' NP_ACCESS_SECRET=lint-access-0123456789abcdef0123456789 \
  NP_REFRESH_SECRET=lint-refresh-0123456789abcdef012345678 \
  NP_PG_PASSWORD=lint-pg NP_REDIS_PASSWORD=lint-redis >"$WORK/compose.env"
compose=("$BIN/docker-compose" --env-file "$WORK/compose.env" -f docker-compose.yml)
if err="$("${compose[@]}" config -q 2>&1)" && "${compose[@]}" config --format json >"$WORK/compose.json" 2>"$WORK/compose.err"; then
  log "docker-compose.yml: valid ($("$BIN/docker-compose" version --short 2>/dev/null), config -q)"
else
  problem "docker-compose.yml: ${err:-$(cat "$WORK/compose.err")}"
  rm -f "$WORK/compose.json"
fi

# -------------------------------------------------------------------- 3. environment, manifests
bins=()
for s in "${SERVICES[@]}"; do
  b="build/$PRESET/services/$s/np-$s"
  [[ -x "$b" ]] || { problem "$b missing: build first (make compile PRESET=$PRESET)"; continue; }
  bins+=(-bin "$s=$b")
done
if ((${#bins[@]} == 2 * ${#SERVICES[@]})); then
  args=("${bins[@]}" -allow deploy/env-allowlist.txt -settings k8s/base/settings -settings k8s/components/local-demo)
  [[ -f "$WORK/compose.json" ]] && args+=(-compose "$WORK/compose.json")
  if "$BIN/np-deploylint" check "${args[@]}" "${renders[@]}"; then
    log "env: every variable the five services read is set in compose and in every overlay"
    log "manifests: references, probe and Service ports, resources, securityContext: ok"
  else
    problem "env/manifests: see the FAIL lines above"
  fi
fi

# ---------------------------------------------------------------------- 4. runtime libraries
# Every package owning a library the binaries link must be in the runtime stage, or the image
# fails at start with "error while loading shared libraries".
runtime_pkgs=" $(sed -n '/^ARG RUNTIME_PACKAGES=/,/"$/p' Dockerfile | tr -d '\\"' | sed 's/^ARG RUNTIME_PACKAGES=//' | tr -s ' \n' ' ') "
# In debian:12-slim already.
base_pkgs=" libc6 libgcc-s1 libstdc++6 zlib1g "
existing=()
for s in "${SERVICES[@]}"; do [[ -x "build/$PRESET/services/$s/np-$s" ]] && existing+=("build/$PRESET/services/$s/np-$s"); done
if [[ "$PRESET" == asan ]]; then
  # Images carry release builds; a sanitizer build links other libraries (the sanitizer runtimes,
  # and without --as-needed the dependencies of its dependencies). make test checks the dev build.
  log "Dockerfile: runtime libraries not compared with the asan build (make test compares the dev build)"
elif ((${#existing[@]} > 0)) && command -v dpkg >/dev/null 2>&1; then
  missing_pkgs=()
  for lib in $(readelf -d "${existing[@]}" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u); do
    # (no early exit in these pipelines: with pipefail a SIGPIPE upstream would abort the script)
    path="$(ldconfig -p | awk -v l="$lib" '$1 == l && !done { print $NF; done = 1 }')"
    pkg=""
    for p in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
      [[ -n "$p" ]] && pkg="$(dpkg -S "$p" 2>/dev/null | sed -n '1s/:.*//p')" && [[ -n "$pkg" ]] && break
    done
    if [[ -z "$pkg" ]]; then
      problem "Dockerfile: cannot find the Debian package of $lib (linked by the services)"
    elif [[ "$runtime_pkgs$base_pkgs" != *" $pkg "* ]]; then
      missing_pkgs+=("$pkg ($lib)")
    fi
  done
  if ((${#missing_pkgs[@]} > 0)); then
    problem "Dockerfile: RUNTIME_PACKAGES lacks ${missing_pkgs[*]}"
  else
    log "Dockerfile: the runtime stage has every library the $PRESET binaries link"
  fi
fi
for target in bff reporting ingestion scheduler kubepulse migrate; do
  grep -qE "^FROM .* AS $target\$" Dockerfile || problem "Dockerfile: no target $target (used by docker-compose.yml and make build)"
done
sh -n deploy/docker/migrate-entrypoint.sh || problem "deploy/docker/migrate-entrypoint.sh: syntax error"

# ----------------------------------------------------------------------------- 5. prometheus
promtool="$(command -v promtool || true)"
[[ -z "$promtool" && -x "$BIN/promtool" ]] && promtool="$BIN/promtool"
if [[ -n "$promtool" ]]; then
  mkdir -p "$WORK/prometheus"
  # rule_files (rules/nationpulse-rules.yml) is relative to the configuration: the copies get the
  # rules next to them, so a wrong path fails here.
  cp -r deploy/prometheus/rules "$WORK/prometheus/rules"
  for f in deploy/prometheus/*.yml; do
    # Debian's promtool is built without Kubernetes discovery and rejects kubernetes_sd_configs:
    # such a block is checked as an equivalent static_configs, so the rest (relabel rules,
    # regexes, intervals) is still validated.
    out="$("$promtool" check config --syntax-only "$f" 2>&1 || true)"
    if [[ "$out" == *"field kubernetes_sd_configs not found"* ]]; then
      awk '/^ *kubernetes_sd_configs:/ { i = match($0, /[^ ]/); print substr($0, 1, i - 1) "static_configs: [{targets: [\"pod.invalid:8080\"]}]"; skip = i; next }
           skip && match($0, /[^ ]/) > skip { next }
           { skip = 0; print }' "$f" >"$WORK/prometheus/${f##*/}"
      note=" (kubernetes_sd_configs as static_configs)"
    else
      cp "$f" "$WORK/prometheus/${f##*/}"
      note=""
    fi
    if out="$("$promtool" check config "$WORK/prometheus/${f##*/}" 2>&1)"; then
      log "prometheus: $f valid$note, $(grep -o '[0-9]* rule files\? found' <<<"$out" || echo 'no rule files') ($("$promtool" --version 2>&1 | sed -n '1p' | cut -d' ' -f1-3))"
    else
      problem "promtool: $f: $out"
    fi
  done
else
  log "prometheus: SKIPPED, promtool not installed (see scripts/install-deploy-tools.sh)"
fi

# ------------------------------------------------------------------- 6. rules and dashboard
RULES=deploy/prometheus/rules/nationpulse-rules.yml
RULE_TESTS=(deploy/prometheus/rules/*.test.yml)
DASHBOARD=deploy/grafana/nationpulse-dashboard.json
if command -v jq >/dev/null 2>&1; then
  json_check=(jq empty)
elif command -v python3 >/dev/null 2>&1; then
  json_check=(python3 -m json.tool)
else
  json_check=() # np-deploylint monitoring parses it below anyway
fi
if ((${#json_check[@]} > 0)); then
  if err="$("${json_check[@]}" "$DASHBOARD" 2>&1 >/dev/null)"; then
    log "grafana: $DASHBOARD is valid JSON (${json_check[*]})"
  else
    problem "grafana: $DASHBOARD is not valid JSON: $err"
  fi
fi
monitoring=(-src libs -src services -rules "$RULES" -dashboard "$DASHBOARD" -promql-out "$WORK/dashboard-queries.yml")
for t in "${RULE_TESTS[@]}"; do monitoring+=(-tests "$t"); done
if out="$("$BIN/np-deploylint" monitoring "${monitoring[@]}" 2>&1)"; then
  while IFS= read -r line; do log "$line"; done <<<"$out"
else
  printf '%s\n' "$out"
  problem "rules/dashboard: see the FAIL lines above (np-deploylint monitoring)"
fi
if [[ -n "$promtool" ]]; then
  if out="$("$promtool" check rules "$RULES" 2>&1)"; then
    log "prometheus: $RULES: $(sed -n 's/^ *SUCCESS: //p' <<<"$out") (promtool check rules)"
  else
    problem "promtool check rules $RULES: $out"
  fi
  for t in "${RULE_TESTS[@]}"; do
    if out="$("$promtool" test rules "$t" 2>&1)"; then
      log "prometheus: $t: $(grep -c '^  - name:' "$t") test cases passed (promtool test rules)"
    else
      problem "promtool test rules $t: $out"
    fi
  done
  if [[ -f "$WORK/dashboard-queries.yml" ]]; then
    if out="$("$promtool" check rules "$WORK/dashboard-queries.yml" 2>&1)"; then
      log "grafana: the dashboard's $(grep -c 'record:' "$WORK/dashboard-queries.yml") queries parse (promtool)"
    else
      problem "grafana: $DASHBOARD: a query does not parse (dashboard:query_<n> = the n-th expr): $out"
    fi
  fi
else
  log "prometheus rules: promtool checks SKIPPED, promtool not installed (see scripts/install-deploy-tools.sh)"
fi
if err="$("${compose[@]}" -f deploy/grafana/docker-compose.grafana.yml config -q 2>&1)"; then
  log "deploy/grafana/docker-compose.grafana.yml: valid override of docker-compose.yml (config -q)"
else
  problem "deploy/grafana/docker-compose.grafana.yml: $err"
fi

if ((${#failures[@]} > 0)); then
  log "${#failures[@]} check(s) failed"
  exit 1
fi
log "all deployment checks passed"
