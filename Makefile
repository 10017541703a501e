# The commands users type (see README.md). `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py

.DEFAULT_GOAL := help
.PHONY: help venv lock demo test lint

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-16s %s\n", $$1, $$2}'

# A venv without pip is half-made (Debian's python3 without python3-venv leaves one): start over.
$(VENV)/bin/pip:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version)); set PYTHON=python3.11"; exit 1; }
	@rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV). On Debian or Ubuntu: sudo apt-get install python3-venv"; exit 1; }

# The lock files pin every package, pip included, with the hashes of its files: pip refuses
# anything else. A stamp is touched only once its install has finished, so an interrupted one
# runs again.
$(VENV)/.runtime: requirements.txt | $(VENV)/bin/pip
	$(PIP) install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/pip
	$(PIP) install --quiet --require-hashes -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

venv: $(VENV)/.dev ## Create .venv with the runtime, test and benchmark dependencies

# One lock for every platform and Python from 3.11 (--universal): redis, for one, needs
# async-timeout below 3.11.3, which Debian 12 runs. Pins already in a lock file stay where they
# are, so a lock changes only where a .in file did; UPGRADE=1 moves every pin the .in files leave
# open. --native-tls: the system's CA bundle, as pip's `cert` setting uses.
LOCK = $(VENV)/bin/uv pip compile --quiet --native-tls --universal --python-version 3.11 \
	--generate-hashes $(if $(UPGRADE),--upgrade)

lock: | $(VENV)/.dev ## Compile requirements*.in into the hashed lock files (requirements.txt first: the others follow it)
	$(LOCK) --output-file=requirements.txt requirements.in
	$(LOCK) --output-file=requirements-dev.txt requirements-dev.in
	$(LOCK) --output-file=loadtests/requirements.txt loadtests/requirements.in

# DEBUG is off unless asked for; the demo and the development checks ask.
demo lint: export DEBUG = True
demo: $(VENV)/.runtime ## Run the shop on the embedded default (SQLite, local memory) at http://127.0.0.1:8000
	$(MANAGE) safe_migrate --noinput
	$(MANAGE) seed_catalog --products 500 --if-empty
	$(MANAGE) runserver 127.0.0.1:8000

test: venv ## The whole suite: on a throwaway PostgreSQL primary + 2 replicas + Redis, then on SQLite
	$(VENV)/bin/pytest
	$(VENV)/bin/pytest --embedded -m "not stack"

# MIGRATIONS_SINCE=REF (the deployed release, e.g. origin/main) checks only the migrations new since
# REF, against the models at REF (docs/migration-rules.md#adopting-the-rules).
MIGRATIONS_SINCE ?=
lint: venv ## ruff, makemigrations --check and the migration rules [MIGRATIONS_SINCE=REF]
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check_migrations $(if $(MIGRATIONS_SINCE),--since $(MIGRATIONS_SINCE))

.PHONY: stack-up stack-down stack-status kill-replica start-replica promote-replica rejoin serve migrate-contract
N ?= 1
NODE ?= primary

stack-up: $(VENV)/.runtime ## Native stack: PostgreSQL :25432, replicas :25433 :25434, Redis :26379 (var/stack/)
	$(PY) -m stack up

stack-down: $(VENV)/.runtime ## Stop the native stack (harmless when nothing runs)
	$(PY) -m stack down

stack-status: $(VENV)/.runtime ## Each server's role, state and replication lag, and Redis'
	$(PY) -m stack status

kill-replica: $(VENV)/.runtime ## Crash replica N of the native stack (immediate stop): make kill-replica N=1
	$(PY) -m stack kill-replica $(N)

start-replica: $(VENV)/.runtime ## Start replica N of the native stack again: make start-replica N=1
	$(PY) -m stack start-replica $(N)

# COMPOSE="docker compose" (or docker-compose) promotes in the compose stack instead.
promote-replica: $(VENV)/.runtime ## Promote replica N to primary, fence the old primary, re-point the other: make promote-replica N=1 [COMPOSE="docker compose"]
ifdef COMPOSE
	COMPOSE="$(COMPOSE)" docker/promote-replica.sh $(N)
else
	$(PY) -m stack promote-replica $(N)
endif

rejoin: $(VENV)/.runtime ## Bring a fenced node back as a standby (fresh base backup): make rejoin NODE=primary
	$(PY) -m stack rejoin $(NODE)

# Plain HTTP on loopback, so no HTTPS redirect and no Secure-only cookies.
serve: stack-up ## gunicorn (DEBUG=False) on the native stack at http://127.0.0.1:8000
	eval "$$($(PY) -m stack env)" && PYTHON=$(PY) SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 \
		docker/web/start.sh

# The contract phase of a deploy (docs/migration-rules.md#deploy-phases): serve runs the expand
# phase only, because the previous release may still be serving.
migrate-contract: $(VENV)/.runtime ## Once no older release serves: the contract migrations (drops, NOT NULL) on the native stack
	eval "$$($(PY) -m stack env)" && SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
		$(MANAGE) safe_migrate --noinput --phase contract

.PHONY: compose-test
compose-test: venv ## docker-compose.yml for real: images built without a registry, up, a journey, replica faults under load, down
	$(VENV)/bin/pytest --compose stack/tests/compose

.PHONY: bench bench-replicas failover-demo chaos deploy-demo
bench: venv ## Locust scenarios side by side on the native stack (DURATION=60 s each); report in loadtests/results/latest
	$(PY) -m loadtests.bench --suite bench

bench-replicas: venv ## Primary alone against primary + 2 replicas, caches off, a CPU budget per server (DB_CPUS; root); ~3 min
	$(PY) -m loadtests.bench --suite replicas

chaos: venv ## Every fault in turn under load (DURATION=36 s each, ~10 min; root for the partition); report in loadtests/results/latest
	$(PY) -m loadtests.chaos

deploy-demo: venv ## A schema change under load, expand/contract against one naive migration (DURATION=180 s each, ~8 min); report in loadtests/results/latest
	$(PY) -m loadtests.deploy.demo

failover-demo: venv ## Kill replica 1 under load: perf.db's failover against libpq's, side by side
	$(PY) -m loadtests.bench --suite failover-demo

.PHONY: bench-views bench-rebuild
bench-views: venv ## Product page req/s in-process: hello, uncached, cache_page, {% cache %}, two-pass hit (loadtests/results/views.json)
	$(PY) -m loadtests.bench_views

bench-rebuild: venv ## Whole-cache rebuild of 10,000 products: multi-level vs naive page by page (loadtests/results/rebuild.json)
	$(PY) -m loadtests.bench_rebuild
