# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_DEBUG ?= 1

.PHONY: install run test lint format messages bench

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
# Two worker processes (pytest-xdist), each with its own test database; an idle worker takes
# tests from the other's queue (worksteal), so one long browser walk does not hold the run.
# PYTEST_ARGS="-n 0" runs in one process.
test: install
	DJANGO_DEBUG=0 $(VENV)/bin/pytest -n 2 --dist worksteal $(PYTEST_ARGS)

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

# Speed and memory on data set L (docs/design.md "Targets"): PostgreSQL when DATABASE_URL is set,
# else a SQLite file of its own under var/bench/. Production-like settings (DEBUG off).
# SIZE=XL also measures data set XL (ten times L) in a database of its own (DATABASE_URL's name
# with _xl, created when missing; or var/bench-xl/) and prints both side by side.
SIZE ?= L
BENCH_ENV = DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-key-0123456789-0123456789-0123456789-xyz \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver DJANGO_SECURE_SSL_REDIRECT=0 \
	DJANGO_SECURE_COOKIES=0 PORTAL_VAR_DIR=$(CURDIR)/var/bench DJANGO_LOG_LEVEL=WARNING
bench: install
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(PY) manage.py bench --size $(SIZE)
