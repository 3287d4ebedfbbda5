# Senryoku — set-up and checks. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint bench loadtest system-deps clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

## Debian packages the tests need: Chromium (browser tests), CJK fonts (screenshots),
## PostgreSQL (the shared-store backend). Installed only when missing and running as root.
system-deps:
	@./scripts/system-deps.sh

run: $(VENV)/.runtime
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: $(VENV)/.dev system-deps lint
	$(PY) -m pytest -q

bench: $(VENV)/.dev system-deps
	$(PY) -m bench

loadtest: $(VENV)/.dev system-deps
	$(PY) -m bench.loadtest

clean:
	rm -rf $(VENV) .pytest_cache bench/data
