# The few commands people type. `make run` and `make test` work on a fresh clone
# with only Python 3.11 and pip.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PORT ?= 8000
HOST ?= 127.0.0.1
BIN := $(VENV)/bin

.PHONY: run test lint format install dev migrate load clean

# One script makes the virtualenv and installs into it under a lock, so that `make run` and
# `make test` started together on a fresh clone do not build it under each other.
ENSURE_VENV := $(PYTHON) scripts/ensure_venv.py $(VENV)

$(VENV)/.installed: pyproject.toml
	$(ENSURE_VENV) .installed -e .

$(VENV)/.dev-installed: pyproject.toml
	$(ENSURE_VENV) .dev-installed -e ".[dev]"
	touch $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

## Serve on SQLite (or GAZETTE_DATABASE_URL) with the seed folder loaded at startup, with the
## connection limits `python -m app serve` gives uvicorn (README, "Connections and proxies").
run: install
	$(BIN)/python -m app serve --host $(HOST) --port $(PORT)

## Run the test suite (SQLite; set GAZETTE_TEST_DATABASE_URL to run it on Postgres).
test: dev
	$(BIN)/python -m pytest

lint: dev
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations

format: dev
	$(BIN)/ruff check --fix app tests bench migrations
	$(BIN)/ruff format app tests bench migrations

migrate: install
	$(BIN)/python -m app migrate

## Ingest files, folders or JSONL: make load PATHS="data/seed more.jsonl"
load: install
	$(BIN)/python -m app load $(PATHS)

## Remove the virtualenv and caches (the SQLite store in var/ is kept).
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
