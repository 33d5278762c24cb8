# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The site's own error pages; `make run DEBUG=1` shows Django's debug pages instead.
DEBUG ?= 0
CHROMIUM_PATH ?= /usr/bin/chromium
# Test processes in parallel (pytest-xdist), each with its own test database.
PYTEST_WORKERS ?= auto

# `make load`: its own PostgreSQL database, recreated on each run (so named *_load).
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/opsdb_load
LOAD_SECONDS ?= 60
LOAD_CLIENTS ?= 50
LOAD_COUNT ?= 10000
LOAD_OUTAGE_SECONDS ?= 4
# `make bench`: operations generated in each database.
BENCH_COUNT ?= 100000

.PHONY: run test lint setup browser bench clean load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Each stamp is remade only when its requirements change.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-bench.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_groups
	$(BIN)/python manage.py loaddemo --if-empty
	$(BIN)/python manage.py ensure_admin

run: setup
	DEBUG=$(DEBUG) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium; as root with apt-get it is
# installed here, otherwise those tests are skipped with a message.
browser:
	@if [ ! -x "$(CHROMIUM_PATH)" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

test: $(VENV)/.dev browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Readers and writers through gunicorn while PostgreSQL is stopped and started again.
load: $(VENV)/.runtime
	DATABASE_URL=$(LOAD_DATABASE_URL) $(BIN)/python manage.py load_test \
		--seconds $(LOAD_SECONDS) --clients $(LOAD_CLIENTS) --count $(LOAD_COUNT) \
		--outage-seconds $(LOAD_OUTAGE_SECONDS)

$(VENV)/.bench: requirements-bench.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	touch $@

# Read paths at BENCH_COUNT operations on SQLite and PostgreSQL, beside their SQL's limit.
bench: $(VENV)/.bench
	BENCH_COUNT=$(BENCH_COUNT) $(BIN)/python manage.py bench

lint: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles
