# Two commands from a fresh clone: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

.PHONY: help run setup test lint bench clean

help:
	@echo "make run    set up (venv, install, migrate, reference data) and start web, worker and beat"
	@echo "make test   set up and run ruff, the migrations check, lint-imports, mypy and the whole pytest suite"
	@echo "make bench  run the benchmarks under bench/ (BENCH_SCALE=small for a quick run)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) collectstatic --noinput --verbosity 0

run: setup
	@echo ""
	@echo "  API    http://127.0.0.1:$(PORT)/api/v1/"
	@echo "  Docs   http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Admin  http://127.0.0.1:$(PORT)/admin/   (make a login: $(MANAGE) createsuperuser)"
	@echo "  Health http://127.0.0.1:$(PORT)/health/"
	@echo ""
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -d . -f deploy/Procfile start -p $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy mentorship api
	$(BIN)/pytest

bench: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
