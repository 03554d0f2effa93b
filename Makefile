# Two commands on a fresh machine: `make run` (set up, demo data, serve) and `make test` (set up, whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MINGA := $(BIN)/minga

.PHONY: run setup demo test lint test-sqlite test-postgres install install-test bench fuzz-api clean

$(VENV)/.base-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.base-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.base-installed
install-test: $(VENV)/.test-installed

setup: install
	$(MINGA) setup

demo: setup
	$(MINGA) demo

run: demo
	$(MINGA) serve

# The floors (import-linter) and the code checks (ruff) first, then the suite twice: on SQLite, then
# on a throw-away PostgreSQL cluster (skipped, with a message, only where this machine has no
# PostgreSQL server binaries).
test: lint test-sqlite test-postgres

# One pytest-xdist worker per core (each with its own test database and collected static files);
# PYTEST_WORKERS=0 runs the suite in one process, which a debugger or `-x` wants. worksteal: a worker that
# runs out takes tests from the other, so the minute-long browser audits do not leave one core idle at the end.
PYTEST_WORKERS ?= auto

lint: install-test
	$(BIN)/lint-imports --no-logo
	$(BIN)/ruff check src tests bench scripts

test-sqlite: install-test
	$(MINGA) build_catalogues
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test-postgres: install-test
	$(MINGA) build_catalogues
	scripts/with-postgres.sh $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

$(VENV)/.bench-installed: $(VENV)/.test-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

bench: install-test $(VENV)/.bench-installed
	$(BIN)/python bench/permission_filter.py
	$(BIN)/python bench/portfolio_search.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/pages.py --projects 20000

# The long form of the API's fuzzing (tests/api/test_schemathesis.py runs 4 cases per operation and identity in
# `make test`, anonymous, the secretariat and a focal point): 100 per operation and identity, every scoped role
# too, on SQLite then PostgreSQL.
fuzz-api: install-test
	$(MINGA) build_catalogues
	MINGA_FUZZ_EXAMPLES=100 MINGA_FUZZ_ALL_ROLES=1 $(BIN)/python -m pytest tests/api/test_schemathesis.py -q -p no:cacheprovider
	MINGA_FUZZ_EXAMPLES=100 MINGA_FUZZ_ALL_ROLES=1 scripts/with-postgres.sh $(BIN)/python -m pytest tests/api/test_schemathesis.py -q -p no:cacheprovider

clean:
	rm -rf $(VENV) var
