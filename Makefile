# Two commands for a fresh machine with Python 3.11+:
#   make run   set up, load the demo and serve on http://127.0.0.1:8000
#   make test  set up and run the whole check (no Redis, no browser needed)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist processes for make test; each has its own test database (test_<name>_gw0, ...).
TEST_WORKERS ?= auto
# Extra pytest arguments for make test, e.g. PYTEST_ARGS='--ignore=tests/fuzz --durations=30'.
PYTEST_ARGS ?=

.PHONY: run serve test test-server test-redis test-browser lint typecheck fuzz bench slowclients clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py demo_accounts
	DEBUG=1 $(PY) manage.py load_demo --user researcher
	DEBUG=1 $(PY) manage.py demo_banner --host $(HOST) --port $(PORT)
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The production shape on this machine: DEBUG off, uvicorn (config/server.py) with its workers,
# migrations and collectstatic first. DATABASE_URL, SECRET_KEY and ALLOWED_HOSTS come from the
# environment; left unset, this target uses the embedded PostgreSQL (database claimtrack), a
# random SECRET_KEY kept in var/secret-key and ALLOWED_HOSTS=$(HOST),localhost, and says so.
# Plain HTTP: SECURE_SSL_REDIRECT=0 unless set.
serve: $(STAMP)
	$(PY) -m config.server --local --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs and djangorestframework-stubs; how strict, where: [tool.mypy] in pyproject.toml.
# The settings are imported, never connected to: any DATABASE_URL will do.
typecheck: $(STAMP)
	DEBUG=1 DATABASE_URL=postgres://typecheck@127.0.0.1/typecheck $(VENV)/bin/mypy

test: lint typecheck
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py spectacular --validate --fail-on-warn --file $(VENV)/openapi-check.yaml
	$(PYTEST) -n $(TEST_WORKERS) --durations=10 $(PYTEST_ARGS)

# The tests that need a Redis server (marked redis; make test leaves them out): the one at
# CLAIMTRACK_TEST_REDIS_URL, redis://127.0.0.1:6379/15 unless set. No Redis there: they fail.
test-redis: $(STAMP)
	CLAIMTRACK_REDIS_TESTS=1 $(PYTEST) -m redis -p no:cacheprovider

# The server tests alone (tests/server, also part of make test): the production server and a
# PostgreSQL of their own, paused and stopped; real processes, seconds each.
test-server: $(STAMP)
	$(VENV)/bin/pytest tests/server -p no:cacheprovider

# The browser tests (tests/browser): need Chromium and its driver
# (apt-get install -y chromium chromium-driver). Screenshots land in var/screenshots/.
test-browser: $(STAMP)
	CLAIMTRACK_BROWSER_TESTS=1 $(VENV)/bin/pytest tests/browser -p no:cacheprovider

# The schema fuzzing that make test runs with a few examples per operation, at length: more
# generated cases and schemathesis's coverage phase (tests/fuzz/test_schema_fuzz.py).
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} FUZZ_COVERAGE=$${FUZZ_COVERAGE:-1} \
		$(PYTEST) tests/fuzz -n $(TEST_WORKERS) -p no:cacheprovider

# The benchmark (benchmarks/README.md): the production server (uvicorn) + PostgreSQL (DATABASE_URL or the embedded
# server's claimtrack_bench) driven by wrk; needs wrk (apt-get install -y wrk).
CLAIMS ?= 1000000
DURATION ?= 15
bench: $(STAMP)
	$(PY) -m benchmarks.run --claims $(CLAIMS) --duration $(DURATION)

# Slow clients and a database stall against the production server (benchmarks/slowclients.py).
slowclients: $(STAMP)
	$(PY) -m benchmarks.slowclients

clean:
	rm -rf $(VENV) var
