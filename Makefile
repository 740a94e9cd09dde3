# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
SAMPLE := data/sample
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint sample chromium postgres bench

$(VENV)/app.stamp: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/dev.stamp: $(VENV)/app.stamp requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(SAMPLE)/SAMPLE.md: $(wildcard geo/sample/*.py) | $(VENV)/app.stamp
	$(PY) -m geo sample --out $(SAMPLE)

sample: $(SAMPLE)/SAMPLE.md

# Leaflet is copied into static/ before streamlit starts, so it finds its static folder.
# server.py is the app (app.py) behind its request checks, reading the dataset while it starts.
run: $(VENV)/app.stamp $(SAMPLE)/SAMPLE.md
	$(PY) -c 'from pathlib import Path; from geo.view.assets import vendor_leaflet; vendor_leaflet(Path("static"))'
	$(PY) -m streamlit run server.py --server.port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The PostgreSQL store's tests start their own throw-away cluster (tests/postgres_support.py).
postgres:
	@test -x /usr/lib/postgresql/15/bin/initdb && test -f /usr/share/postgresql/15/extension/postgis.control || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql-15 postgresql-15-postgis-3; }

lint: $(VENV)/dev.stamp
	$(PY) -m ruff check app.py geo pages tools tests
	$(PY) -m ruff format --check app.py geo pages tools tests

# axe-core, pinned by tests/axe/package-lock.json, for the accessibility browser test.
tests/axe/node_modules/axe-core/axe.min.js: tests/axe/package-lock.json
	npm ci --prefix tests/axe --no-audit --no-fund

test: $(VENV)/dev.stamp chromium postgres lint tests/axe/node_modules/axe-core/axe.min.js
	$(PY) -m pytest
	$(PY) -m mkdocs build --strict --site-dir .docs-site

bench: $(VENV)/app.stamp
	$(PY) -m geo bench
