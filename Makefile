# NationPulse — operator and developer entry points. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PRESET ?= release

.PHONY: help run test stop status compile check format format-check bench chaos fuzz clean-state
.PHONY: env build up start down setup load deploy restart tunnel logs clean lint-deploy

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

run: ## Install what is missing, build, start infra, migrate, seed, start the services, print the URLs
	@scripts/run.sh

test: ## Build the dev preset, start test infra on its own ports, run unit + integration tests, stop
	@scripts/test.sh

check: ## The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer
	@NP_TEST_PRESET=asan scripts/test.sh

stop: ## Stop the services and the infrastructure started by `make run`
	@scripts/run.sh stop

status: ## Show what `make run` started
	@scripts/run.sh status

compile: ## Configure and build with CMake (PRESET=dev|release|asan); `make build` builds the images
	@cmake --preset $(PRESET) >/dev/null && cmake --build --preset $(PRESET)

format: ## Apply .clang-format to every C++ file
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check: ## Fail if a C++ file is not formatted
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

bench: ## Run every benchmark under bench/ and rewrite the figures of docs/benchmarks.md
	@bench/all.sh

chaos: ## Fault injection under load (~6 min, loopback): writes docs/reliability.md; not while make run runs
	@scripts/chaos.sh

fuzz: ## Build the libFuzzer targets (clang) and run each for FUZZ_SECONDS (default 60); see docs/reliability.md
	@scripts/fuzz.sh

clean-state: ## Stop everything and delete local infra data (.state/)
	@scripts/run.sh stop || true
	@scripts/infra.sh stop --profile test || true
	@# Postgres data may live under /var/tmp when the postgres user cannot enter the clone.
	@for link in .state/*/pg; do [ -L "$$link" ] && rm -rf "$$(readlink -f "$$link")"; done; true
	@rm -rf .state

# ------------------------------------------------------------------------------------------------
# Deployment: docker compose on one host, or a local kind cluster (docs/operations.md, "Deployment").
# The original's targets, with the same meaning. `run`, `test` and `stop` above stay local (no Docker).
CLUSTER_NAME ?= nationpulse-cluster
K8S_NAMESPACE ?= nationpulse
K8S_OVERLAY ?= kind
IMAGE_TAG ?= dev
export IMAGE_TAG # docker-compose.yml tags its images with it too
COMPOSE ?= docker compose
IMAGES := bff reporting ingestion scheduler kubepulse migrate
DEPLOYMENTS := bff-service reporting-service ingestion-service scheduler-service kubepulse-service
INFRA := postgres redis kafka-1 kafka-2 kafka-3 kafka-init migrate prometheus
# kind from PATH, else the pinned one (built on first use by scripts/install-deploy-tools.sh).
KIND = $$(command -v kind || echo "$$(scripts/install-deploy-tools.sh --with-kind)/kind")
# Explicit context: a `make deploy` must never land on whatever cluster kubectl points at.
KUBE_CONTEXT ?= kind-$(CLUSTER_NAME)
KUBECTL = kubectl --context $(KUBE_CONTEXT) -n $(K8S_NAMESPACE)

env: ## Create or complete .env with random secrets (docker compose reads it; never committed)
	@scripts/make-env.sh

build: ## Build the Docker images nationpulse-<service>:dev and nationpulse-migrate:dev (IMAGE_TAG=dev)
	@for t in $(IMAGES); do \
	  echo "docker build --target $$t -t nationpulse-$$t:$(IMAGE_TAG) ."; \
	  docker build --target $$t -t nationpulse-$$t:$(IMAGE_TAG) . || exit 1; \
	done

up: env ## docker compose: infrastructure only (Postgres + migrations, Redis, 3 Kafka brokers + topics, Prometheus)
	@$(COMPOSE) up -d --build $(INFRA)

start: env ## docker compose: the whole suite, in dependency order (healthchecks), built from source
	@$(COMPOSE) up -d --build
	@$(COMPOSE) ps
	@echo "BFF http://localhost:8081  kubepulse http://localhost:8090  Prometheus http://localhost:9090"

down: ## docker compose: stop and remove the containers (volumes and data kept)
	@$(COMPOSE) down

setup: ## kind: create the cluster if missing, build and load the images, deploy (then: make tunnel)
	@$(KIND) get clusters 2>/dev/null | grep -qx '$(CLUSTER_NAME)' || $(KIND) create cluster --name $(CLUSTER_NAME)
	@$(MAKE) --no-print-directory build load deploy
	@echo "next: make tunnel, then http://localhost:8081 (BFF) and http://localhost:8090 (kubepulse)"

load: ## kind: copy the images into the cluster's nodes (there is no registry)
	@$(KIND) load docker-image --name $(CLUSTER_NAME) $(foreach t,$(IMAGES),nationpulse-$(t):$(IMAGE_TAG))

deploy: ## kind: apply k8s/overlays/kind (K8S_OVERLAY; Secret from .env), wait for the rollout
	@# Only kind's Secret comes from .env; other overlays bring their own secrets.env.
	@$(if $(filter kind,$(K8S_OVERLAY)),scripts/make-env.sh --k8s kind,true)
	@bin="$$(scripts/install-deploy-tools.sh)" && "$$bin/kustomize" build k8s/overlays/$(K8S_OVERLAY) | $(KUBECTL) apply -f -
	@for d in $(DEPLOYMENTS); do $(KUBECTL) rollout status deployment/$$d --timeout=10m || exit 1; done

restart: ## kind: rolling restart of the five services (e.g. after make build load)
	@$(KUBECTL) rollout restart $(addprefix deployment/,$(DEPLOYMENTS))
	@for d in $(DEPLOYMENTS); do $(KUBECTL) rollout status deployment/$$d --timeout=5m || exit 1; done

tunnel: ## kind: localhost:8081 -> BFF, localhost:8090 -> kubepulse, until Ctrl-C
	@$(KUBECTL) port-forward svc/kubepulse-service 8090:8090 & pf=$$!; \
	  trap 'kill $$pf 2>/dev/null' EXIT INT TERM; \
	  $(KUBECTL) port-forward svc/bff-service 8081:8081

logs: ## kind: follow the logs of every NationPulse pod; SVC=bff (or reporting, ...) for one service
	@$(KUBECTL) logs -f --prefix --all-containers --max-log-requests=20 \
	  -l $(if $(SVC),app=$(SVC),app.kubernetes.io/part-of=nationpulse)

clean: ## Delete the kind cluster and the compose containers with their volumes (all their data)
	@-$(KIND) delete cluster --name $(CLUSTER_NAME)
	@-$(COMPOSE) down -v

lint-deploy: ## Check k8s overlays (kubeconform), docker-compose.yml, env coverage, Prometheus configs
	@scripts/lint-deploy.sh
