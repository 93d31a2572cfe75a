# Two commands for a fresh machine:  `make run`  and  `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test lint validate bench clean

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

clean:
	rm -rf $(VENV) instance var
