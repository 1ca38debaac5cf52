# EKC: the few commands people use. `make run` and `make test` are the quick start.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements-dev.lock
STAMP := $(VENV)/.installed

# Newest of python3.13, python3.12, python3 that actually runs (pyenv shims for a
# version that is not selected exist but fail when run, so we run each candidate).
PYTHON ?= $(shell for c in python3.13 python3.12 python3; do \
	if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$c; break; fi; done)

.PHONY: help install run demo test axe-crawl lint format messages bench backup restore clean check-python

help:
	@echo "make run      install, migrate, load demo data and serve on http://127.0.0.1:8000"
	@echo "make test     run the whole test suite"
	@echo "make install  create .venv and install the locked dependencies"
	@echo "make axe-crawl scan every page of every demo case with axe (long, not in CI)"
	@echo "make demo     load (or refresh) the demo data"
	@echo "make lint     ruff check and format check"
	@echo "make messages update the .po files after changing texts"
	@echo "make bench    national-scale benchmark on PostgreSQL (writes bench/results.json)"
	@echo "make backup   back up the database and the private media into backups/ (BACKUP_DIR=...)"
	@echo "make restore FILE=backups/ekc-backup-....tar"
	@echo "              restore a backup into an empty database and media folder (FORCE=1 to replace;"
	@echo "              REGISTER=path: another copy of the destruction register file, NO_REGISTER=1: none)"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "EKC needs Python 3.12 or newer (Django 6.1). Found: $$(python3 --version 2>&1)."; \
		echo "Install Python 3.12+ (e.g. 'pyenv install 3.12') and run make again."; exit 1; fi

$(STAMP): $(LOCK) pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	@touch $(STAMP)

install: $(STAMP)
	$(PY) -m babel.messages.frontend compile --domain "django djangojs" --directory locale --statistics 2>&1 | grep -v "^$$" || true

demo: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo

# The web server and the background task worker (PDF reports); Ctrl+C stops both.
run: demo
	@echo "Serving on http://127.0.0.1:8000 - log in with one of the demo logins above."
	trap 'kill 0' EXIT; \
	DEBUG=$${DEBUG:-true} $(PY) manage.py db_worker --interval 1 & \
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Every page of every demo object through axe (long; not in CI).
axe-crawl: install
	AXE_CRAWL=1 CI=true $(PY) -m pytest tests/browser/test_axe_pages.py -p no:cacheprovider

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (xgettext); only for developers who change texts.
messages: install
	DEBUG=true $(PY) manage.py makemessages --locale nl --locale en --no-obsolete \
		--ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*'

# National-scale measurements on PostgreSQL (BENCH_CASES, default 100000); needs wrk.
bench: install
	$(PY) bench/run.py

# Backups of the database and the private media (docs/operations.md, "Backup and restore"). They use
# the environment's DATABASE_URL and PRIVATE_MEDIA_ROOT; on a development machine without
# SECRET_KEY, DEBUG defaults to true as for `make run`.
BACKUP_DIR ?= backups
DEV_DEBUG = if [ -z "$${DEBUG+x}" ] && [ -z "$${SECRET_KEY:-}" ]; then export DEBUG=true; fi;

backup: install
	@$(DEV_DEBUG) $(PY) manage.py backup "$(BACKUP_DIR)" $(if $(KEEP),--keep $(KEEP))

restore: install
	@if [ -z "$(FILE)" ]; then echo "Usage: make restore FILE=backups/ekc-backup-<time>.tar [FORCE=1] [REGISTER=path | NO_REGISTER=1]"; exit 2; fi
	@$(DEV_DEBUG) $(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force) \
		$(if $(REGISTER),--register "$(REGISTER)") $(if $(NO_REGISTER),--no-register)

clean:
	rm -rf $(VENV) staticfiles
