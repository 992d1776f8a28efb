# NationPulse — operator and developer entry points. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PRESET ?= release

.PHONY: help run test stop status build check format format-check bench clean-state

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

build: ## Configure and build (PRESET=dev|release|asan)
	@cmake --preset $(PRESET) >/dev/null && cmake --build --preset $(PRESET)

format: ## Apply .clang-format to every C++ file
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check: ## Fail if a C++ file is not formatted
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

bench: ## Run the benchmarks under bench/ against a release build (see docs/benchmarks.md)
	@bench/run.sh

clean-state: ## Stop everything and delete local infra data (.state/)
	@scripts/run.sh stop || true
	@scripts/infra.sh stop --profile test || true
	@# Postgres data may live under /var/tmp when the postgres user cannot enter the clone.
	@for link in .state/*/pg; do [ -L "$$link" ] && rm -rf "$$(readlink -f "$$link")"; done; true
	@rm -rf .state
