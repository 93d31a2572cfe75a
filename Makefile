# Two commands for a fresh machine:  `make run`  and  `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test lint validate bench mutation clean

$(VENV)/.installed: pyproject.toml xblocks/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,print]' -e ./xblocks
	touch $@

setup: $(VENV)/.installed

## Set up, create the SQLite database, register the demo platform and run tool (:5000) + demo platform (:5001).
run: setup
	$(PY) -m demo_platform.run_all

## Set up and run every check a newcomer and CI run.
test: setup
	$(PY) -m ruff check .
	$(PY) -m course_content validate
	$(PY) -m pytest -q

lint: setup
	$(PY) -m ruff check .

validate: setup
	$(PY) -m course_content validate

## Mutation check of the learning domain (lti_tool/domain/, mutmut, ~10 min on 2 cores): lists the survivors.
## Each known survivor and why it is left is in tests/README.md; a new one needs a test or a line there.
mutation: setup
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut results

clean:
	rm -rf $(VENV) instance var mutants
