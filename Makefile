# The two README commands (`make run`, `make test`) and the few chores around them.
# Everything runs from a project-local virtual environment built from the pinned lock files.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck pytest pytest-postgresql migrate seed clean lock client schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per lock file: the environment is rebuilt when a lock changes, not on every run.
$(VENV)/.installed-main: requirements/main.txt pyproject.toml client/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/main.txt
	$(BIN)/python -m pip install --quiet --no-deps -e . -e ./client
	touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.installed-main
	$(BIN)/python -m pip install --quiet -r requirements/test.txt
	touch $@

migrate: $(VENV)/.installed-main
	$(BIN)/python -m app migrate

seed: migrate
	$(BIN)/python -m app seed

# DATA=historian downloads the Office of the Historian's data at its pinned commits and imports
# it; HISTORIAN_DATA=PATH imports a copy already on disk.
run: seed
	$(if $(filter historian,$(DATA)),$(BIN)/python -m app fetch historian)
	$(if $(HISTORIAN_DATA),$(BIN)/python -m app import historian "$(HISTORIAN_DATA)")
	$(BIN)/python -m app serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check app client migrations tests examples bench setup.py
	$(BIN)/ruff format --check app client migrations tests examples bench setup.py
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

# The whole suite again on PostgreSQL (POSTGRES_URL, by default root at 127.0.0.1:5432): every
# database a fresh one with a random name, dropped afterwards (tests/postgres.py). Tests marked
# backend_independent ran in the SQLite run and are left out; sqlite_only ones are skipped by
# name (tests/conftest.py).
PG_TESTS ?= tests
pytest-postgresql: $(VENV)/.installed-test
	TEST_BACKEND=postgresql $(BIN)/pytest $(PG_TESTS)

# The two engines' runs side by side: each pytest is one process, and CI has two cores. Each
# run's output is printed whole when it ends (--output-sync); a failure of either fails the target.
test: lint typecheck
	$(MAKE) --no-print-directory --output-sync=target -j2 pytest pytest-postgresql

# The schema tells the truth: schemathesis from outside against a server this starts on a fresh
# seeded database and stops (every check but positive data acceptance; any finding or warning
# fails). A few minutes, so not part of `test`. SCHEMA_ARGS go to schemathesis (`--seed 2`).
schema: $(VENV)/.installed-test
	$(BIN)/python -m tests.schema_from_outside $(SCHEMA_ARGS)

# Regenerate the pinned lock files from pyproject.toml (needs pip-tools in the venv).
lock: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements/main.txt pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links --extra test -o requirements/test.txt pyproject.toml

# Regenerate the client's response models (from the API's OpenAPI document) and its sync code
# (from aio.py): tests/client/test_generated.py fails until this is run after either changes.
client: $(VENV)/.installed-test
	$(BIN)/python client/generate.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

# Benchmark against Datasette (bench/README.md): bench-only tools live in their own venv.
BENCH_VENV := bench/.venv

$(BENCH_VENV)/.installed: requirements/bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet -r requirements/bench.txt
	touch $@

.PHONY: bench
bench: $(VENV)/.installed-main $(BENCH_VENV)/.installed
	@command -v wrk >/dev/null || { echo "wrk (the load tool) is not installed; on Debian/Ubuntu: apt-get update && apt-get install -y wrk" >&2; exit 1; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Load test (load/README.md): a mixed read workload, 64 connections for 60 s, against a server
# already running at HOST:PORT (`make run` in another terminal). Locust lives in its own venv.
LOAD_VENV := load/.venv

$(LOAD_VENV)/.installed: requirements/load.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet -r requirements/load.txt
	touch $@

.PHONY: load
load: $(LOAD_VENV)/.installed
	$(LOAD_VENV)/bin/locust -f load/locustfile.py --headless --only-summary \
		--users 64 --spawn-rate 64 --run-time 60s --stop-timeout 10 \
		--host http://$(HOST):$(PORT) $(LOAD_ARGS)
