# Two commands for a fresh machine with Python 3.11+:
#   make run   set up, load the demo and serve on http://127.0.0.1:8000
#   make test  set up and run the whole check
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-server test-browser lint fuzz bench slowclients clean

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

test: lint
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py spectacular --validate --fail-on-warn --file $(VENV)/openapi-check.yaml
	$(VENV)/bin/pytest

# The server tests alone (tests/server, also part of make test): the production server and a
# PostgreSQL of their own, paused and stopped; real processes, seconds each.
test-server: $(STAMP)
	$(VENV)/bin/pytest tests/server -p no:cacheprovider

# The browser tests (tests/browser): need Chromium and its driver
# (apt-get install -y chromium chromium-driver). Screenshots land in var/screenshots/.
test-browser: $(STAMP)
	CLAIMTRACK_BROWSER_TESTS=1 $(VENV)/bin/pytest tests/browser -p no:cacheprovider

# The schema fuzzing that make test runs with a few examples per operation, at length.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(VENV)/bin/pytest tests/fuzz -p no:cacheprovider

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
