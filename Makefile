# WorkerHub — the README's commands. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 || ls $$HOME/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null | tail -1 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
WH := $(BIN)/workerhub
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
VENDOR := src/workerhub/static/vendor

.PHONY: run setup venv assets db demo test test-sqlite test-pg lint bench messages clean

run: setup db demo
	@$(WH) db_worker --queue-name default > var/worker.log 2>&1 & echo $$! > var/worker.pid
	@trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT; $(WH) runserver 127.0.0.1:8000

setup: venv assets

venv: $(BIN)/.installed
$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

assets: $(VENDOR)/.copied
$(VENDOR)/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/leaflet
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map \
	      node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	@touch $@

db: venv
	@mkdir -p var
	$(WH) migrate --no-input

demo: venv
	$(WH) demo

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

# The whole suite: lint, then SQLite, then PostgreSQL when reachable (required when CI=true).
test: setup lint test-sqlite test-pg

test-sqlite:
	WORKERHUB_ENV=test $(BIN)/pytest -q

test-pg:
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  WORKERHUB_ENV=test DATABASE_URL=$(PG_URL) $(BIN)/pytest -q; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL at $(PG_URL) is required when CI=true" >&2; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): skipped the PostgreSQL run"; fi

bench: setup
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench

messages: venv
	cd src/workerhub && ../../$(WH) makemessages -l en --no-obsolete && ../../$(WH) compilemessages -l en

clean:
	rm -rf $(VENV) node_modules var staticfiles $(VENDOR)
