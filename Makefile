# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_DEBUG ?= 1

.PHONY: install run test lint format messages check clean-venv

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo ""
	@echo "Portal: http://127.0.0.1:$${WEB_PORT:-8000}/   (Ctrl-C stops web, worker and beat)"
	@echo ""
	$(VENV)/bin/honcho start

# The whole suite. DATABASE_URL / REDIS_URL choose PostgreSQL and Redis (CI sets them);
# REQUIRE_SERVICES=1 makes tests that need them fail instead of skip.
test: install
	DJANGO_DEBUG=0 $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract the strings (English source) and compile the Polish catalogue.
messages: install
	$(PY) manage.py makemessages -l pl -l en --ignore=.venv --ignore=var --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv
