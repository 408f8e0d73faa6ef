# The two commands: `make run` serves the demo, `make test` runs the suite.
# Both create .venv and install the pinned requirements on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
# `make test` runs the suite in this many pytest-xdist workers (auto: one per
# CPU this process may use); TEST_WORKERS=0 runs it in this one process. Tests
# are dealt one by one (xdist's --dist load), never a file at a time: each
# worker must run its transactional tests last (see README, Development).
TEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help run test e2e setup lint format messages clean worker beat services bench

help:
	@echo "make run    set up .venv, migrate, load the geography and the demo world, serve http://$(HOST):$(PORT)"
	@echo "make test   set up .venv and run the whole test suite (SQLite, in parallel)"
	@echo "make e2e    browser tests in Chromium (needs chromium; npm ci for axe-core)"
	@echo "make lint   ruff check and format check"
	@echo "make services  web + Celery worker + beat (needs CELERY_BROKER_URL, e.g. Redis)"
	@echo "make bench  every benchmark on PostgreSQL, one summary table (~25 min; needs wrk)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "Python 3.11 or newer is needed; found: $$($(PYTHON) --version 2>&1)."; \
	  echo "Run with another interpreter, e.g.: make run PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

# seed_demo is idempotent and prints the demo logins each time; if it cannot
# load the demo (DEBUG off, or the database holds rounds or committees it would
# collide with) it says why and the portal is served without it.
setup: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) load_geography
	$(MANAGE) ensure_superuser
	$(MANAGE) seed_demo || echo "(The demo world was not loaded: see above.)"

run: setup
	@echo "Serving the OTOP Selection Portal on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(MANAGE) runserver $(HOST):$(PORT)

# pytest exits 5 when it collects no tests; that is not a failure of the code.
test: $(VENV)/.installed-dev
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS) || { rc=$$?; [ $$rc -eq 5 ] && echo "pytest: no tests collected" || exit $$rc; }

# Browser tests (tests/e2e, marked e2e, left out of `make test`): Playwright
# drives Debian's Chromium (apt-get install chromium; E2E_CHROMIUM=... for
# another) against a live server on DATABASE_URL. axe-core comes from npm
# (package.json); without Chromium or axe-core the tests say so and skip.
# Screenshots go to tests/e2e/artifacts/.
e2e: $(VENV)/.installed-dev
	@if [ -f package-lock.json ] && [ ! -f node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null; then npm ci --no-audit --no-fund; \
	  else echo "npm not found: the accessibility checks will be skipped"; fi; fi
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

# Benchmarks print figures, never assert; they need PostgreSQL on 127.0.0.1
# (BENCH_DATABASE_URL) and wrk (apt-get install wrk). Never part of .ci/run.
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# With CELERY_BROKER_URL set (e.g. redis://127.0.0.1:6379/0), tasks run on
# real workers; without it they run in-process and these are not needed.
worker: $(VENV)/.installed
	$(BIN)/celery -A otop worker --loglevel=INFO

beat: $(VENV)/.installed
	$(BIN)/celery -A otop beat --loglevel=INFO --schedule=/tmp/otop-celerybeat-schedule

services: setup
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL first, e.g. export CELERY_BROKER_URL=redis://127.0.0.1:6379/0"; exit 1; }
	$(BIN)/honcho start

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (developers only); the compiled .mo files are committed.
messages: $(VENV)/.installed
	$(MANAGE) makemessages -l th --ignore=.venv --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
