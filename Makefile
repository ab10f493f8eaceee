# The two commands a newcomer needs: `make run` and `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The PostgreSQL that `make test` also runs the suite on; CI=true makes it mandatory.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PIP_INSTALL := $(PIP) install --quiet --build-constraint requirements/build-constraints.txt

.PHONY: run test lint check-migrations test-sqlite test-postgres messages demo clean benchmark benchmark-large loadtest

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml requirements/build-constraints.txt
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP_INSTALL) -e ".[dev]"
	touch $@

$(VENV)/.installed-load: $(VENV)/.installed
	$(PIP_INSTALL) -e ".[load]"
	touch $@

run: $(VENV)/.installed
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_starter_bank
	DEBUG=true $(PY) manage.py load_default_blueprints
	DEBUG=true $(PY) manage.py seed_demo
	@echo ""
	@echo "Open http://127.0.0.1:8000/ and log in with one of the accounts above."
	@echo ""
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

demo: $(VENV)/.installed
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_starter_bank
	DEBUG=true $(PY) manage.py load_default_blueprints
	DEBUG=true $(PY) manage.py seed_demo

test: lint check-migrations test-sqlite test-postgres

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: $(VENV)/.installed-dev
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

test-sqlite: $(VENV)/.installed-dev
	$(VENV)/bin/pytest

test-postgres: $(VENV)/.installed-dev
	@if DATABASE_URL="$(TEST_DATABASE_URL)" DEBUG=true $(PY) manage.py shell -c \
	    "from django.db import connection; connection.ensure_connection()" >/dev/null 2>&1; then \
	  echo "Running the suite again on PostgreSQL ($(TEST_DATABASE_URL))"; \
	  DATABASE_URL="$(TEST_DATABASE_URL)" $(VENV)/bin/pytest; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL at $(TEST_DATABASE_URL) is not reachable, and CI requires it." >&2; exit 1; \
	else \
	  echo "NOTICE: PostgreSQL at $(TEST_DATABASE_URL) is not reachable: skipped the PostgreSQL run."; \
	fi

# Add new strings from the code to the Chinese catalogue, then compile it (no gettext needed).
messages: $(VENV)/.installed
	$(PY) -m config.i18n update
	$(PY) -m config.i18n compile
	$(PY) -m config.i18n check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Speed figures for docs/performance.md (they measure, they do not assert).
benchmark: $(VENV)/.installed-dev
	for name in bank practice exam; do $(PY) -m benchmarks.$$name; done
	for name in bank practice exam; do \
	  psql "$(TEST_DATABASE_URL)" -qc "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench" && \
	  DATABASE_URL="$(dir $(TEST_DATABASE_URL))bench" $(PY) -m benchmarks.$$name; \
	done

# The dashboards on 20 centers, 5,000 learners, 100,000 papers and 5,000,000 answers
# (PostgreSQL; takes a while).
benchmark-large: $(VENV)/.installed-dev
	psql "$(TEST_DATABASE_URL)" -qc "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
	DATABASE_URL="$(dir $(TEST_DATABASE_URL))bench" $(PY) -m benchmarks.dashboards

# The load test of an exam day (see docs/performance.md), on the PostgreSQL database
# "loadtest" next to TEST_DATABASE_URL, dropped and created afresh: make loadtest USERS=100
# Also: ARRIVAL (3m of logins before the start minute), EXAM (6m), DURATION (ARRIVAL + EXAM
# + 2m), WORKERS (2), THREADS (8; 1 for sync workers),
# PAPER (default-l3-theory), CHANGES (2-4), SAVE_EVERY (30), TYPOS (0), PROCESSES (1),
# PORT (8100).
loadtest: $(VENV)/.installed-load
	USERS="$(USERS)" ARRIVAL="$(ARRIVAL)" DURATION="$(DURATION)" EXAM="$(EXAM)" WORKERS="$(WORKERS)" \
	THREADS="$(THREADS)" PAPER="$(PAPER)" CHANGES="$(CHANGES)" SAVE_EVERY="$(SAVE_EVERY)" \
	TYPOS="$(TYPOS)" PROCESSES="$(PROCESSES)" PORT="$(PORT)" POSTGRES_URL="$(TEST_DATABASE_URL)" \
	LOADTEST_DATABASE_URL="$(dir $(TEST_DATABASE_URL))loadtest" bash loadtest/run.sh
