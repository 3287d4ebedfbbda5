# Senryoku — set-up and checks. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint bench loadtest system-deps fuzz mutate clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

## Debian packages the tests need: Chromium (browser tests), CJK fonts (screenshots),
## PostgreSQL (the shared-store backend). Installed when missing; without root, a missing
## one fails `make test` (rather than letting its tests skip) and names what to install.
system-deps:
	@./scripts/system-deps.sh

run: $(VENV)/.runtime
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: $(VENV)/.dev system-deps lint
	$(PY) -m pytest -q

## The property-based tests with fresh seeds and ten times the examples (CI runs them
## derandomised: the same examples every run).
fuzz: $(VENV)/.dev
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -p no:cacheprovider --timeout=0 -m "not browser and not postgres" \
	  $$(grep -l "^from hypothesis\|^import hypothesis" tests/test_*.py)

## Mutation testing of the decision code, a score per module (minutes per module; not part
## of `make test`). One module: make mutate MODULES=engine/leads/classify.py
mutate: $(VENV)/.dev
	$(PY) scripts/mutate.py $(MODULES)

bench: $(VENV)/.dev system-deps
	$(PY) -m bench

loadtest: $(VENV)/.dev system-deps
	$(PY) -m bench.loadtest

clean:
	rm -rf $(VENV) .pytest_cache bench/data mutants
