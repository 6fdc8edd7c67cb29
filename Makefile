# The two commands a new user needs: `make run` and `make test`.
# Both create .venv, install requirements.txt and start the database first.
# With DATABASE_URL unset, the database is an embedded PostgreSQL kept in .pgdata/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Find a Python 3.12+ interpreter: PYTHON if given, then python3.13/3.12 on PATH, then
# pyenv's 3.12 or 3.13 installs, then python3 if it is new enough.
define find_python
for candidate in "$${PYTHON:-}" python3.13 python3.12 \
    "$$(PYENV_VERSION=3.12.1 pyenv which python 2>/dev/null || true)" \
    $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null || true) \
    python3; do \
  [ -n "$$candidate" ] || continue; \
  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    echo "$$candidate"; exit 0; \
  fi; \
done; \
echo "No Python 3.12 or newer found. Install one (Django 6.1 needs it) or set PYTHON=/path/to/python3.12." >&2; \
exit 1
endef

# Use DATABASE_URL when set (its database is created if missing), else the embedded server.
DB_ENV = export DATABASE_URL="$$( if [ -n "$${DATABASE_URL:-}" ]; then $(PY) -m config.embedded_db --ensure "$$DATABASE_URL"; else $(PY) -m config.embedded_db; fi )"

.PHONY: help run stop worker test lint bench wrk loadtest scaleout-demo nginx backup restore db setup clean

help:
	@echo "make run    set everything up and serve the app at http://$(HOST):$(PORT)"
	@echo "             (another port: make run PORT=8101; Ctrl-C also stops the embedded database)"
	@echo "make stop   stop the embedded PostgreSQL if it is still running (e.g. after make test)"
	@echo "make test   set everything up and run the whole test suite"
	@echo "make lint   ruff check"
	@echo "make bench  speed and load goals at 1x and 10x data, gunicorn + wrk (docs/benchmarks.md)"
	@echo "make loadtest  20 users on gunicorn, then through a PostgreSQL restart (docs/reliability.md)"
	@echo "make worker    run one task worker alone (emails, daily digests)"
	@echo "make scaleout-demo  two app servers and two task workers behind nginx (docs/deploy.md)"
	@echo "make backup    dump the database into backups/<timestamp>.dump"
	@echo "make restore FILE=backups/<timestamp>.dump  replace the database with a backup"

$(VENV)/.installed: requirements.txt
	@python_bin="$$($(find_python))"; \
	echo "Using $$python_bin ($$("$$python_bin" --version))"; \
	[ -x $(PY) ] || "$$python_bin" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

setup: $(VENV)/.installed

db: setup
	@$(DB_ENV); $(PY) manage.py migrate --noinput -v0

# The embedded PostgreSQL (never DATABASE_URL's server) stops with the app.
run: setup
	@embedded="$$([ -n "$${DATABASE_URL:-}" ] || echo yes)"; \
	$(DB_ENV); \
	$(PY) manage.py migrate --noinput -v0; \
	$(PY) manage.py seed_demo; \
	$(PY) manage.py db_worker --no-reload --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true; \
	  if [ "$$embedded" = yes ]; then $(PY) -m config.embedded_db --stop; fi' EXIT; \
	echo "Serving at http://$(HOST):$(PORT)/ with a task worker beside it (Ctrl-C to stop)"; \
	$(PY) manage.py runserver $(HOST):$(PORT)

stop:
	@$(PY) -m config.embedded_db --stop

# One task worker (django-tasks-db): sends the queued emails and digests. Run as many as
# you like, on any machine that reaches the database (docs/deploy.md).
worker: setup
	@$(DB_ENV); exec $(PY) manage.py db_worker --no-reload

test: setup
	@$(DB_ENV); \
	$(PY) manage.py collectstatic --noinput -v0; \
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

# Both sizes (1x, 10x), each in its own database filled once, measured with wrk
# (config/bench.py); writes docs/benchmarks.md and fails when a goal is missed.
bench: setup wrk
	@$(DB_ENV); $(PY) -m config.bench

# Debian's wrk, the bench's load generator.
wrk:
	@command -v wrk >/dev/null || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } \
	  || { echo "make bench needs wrk: install Debian's package (sudo apt-get install wrk)" \
	       "or put wrk on PATH." >&2; exit 1; }; }

# Its own throwaway PostgreSQL (never DATABASE_URL's server): it stops it mid-run.
loadtest: setup
	$(PY) -m config.loadtest

# Debian's nginx, for the scale-out demo's load balancer.
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; } \
	  || apt-get install -y -qq nginx >/dev/null; }

# Two app servers, one then two task workers, nginx in front, one throwaway PostgreSQL.
scaleout-demo: setup nginx
	$(PY) -m config.scaleout

# pg_dump of DATABASE_URL (or the embedded server) with the tools matching its version.
backup: setup
	@$(DB_ENV); $(PY) -m config.backup dump backups

# All or nothing; what it replaces is dumped first, beside FILE.
restore: setup
	@if [ -z "$(FILE)" ]; then echo "Say which backup: make restore FILE=backups/<timestamp>.dump" >&2; exit 2; fi
	@$(DB_ENV); $(PY) -m config.backup restore "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
