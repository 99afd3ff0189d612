# Held: `make run` to use it on this machine, `make test` to prove it works.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install migrate lint bench bench-quick load faults faults-smtp clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || { python_bin=$$(scripts/find-python) || exit 1; echo "Creating $(VENV) with $$python_bin"; "$$python_bin" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

# Serves Held at http://127.0.0.1:8000 with a Celery worker and embedded beat; Ctrl-C stops all of it.
# With nothing configured it needs no server (SQLite, filesystem broker and email outbox under var/).
run: install
	@mkdir -p var
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(VENV)/bin/honcho -f Procfile.dev start

# The whole suite against real PostgreSQL and Redis; stops with one line per missing service.
test: install
	@$(PY) scripts/check_services.py
	@command -v chromium >/dev/null || { echo "Browser tests need Debian's Chromium: apt-get install -y chromium"; exit 1; }
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) bench/run.py

bench-quick: install
	$(PY) bench/run.py --quick

# 50 simulated writers for 2 minutes through locust, with gunicorn, a worker and beat.
load: install
	$(PY) bench/load.py

# Redis stopped, PostgreSQL restarted and a worker SIGKILLed under load, each on its own private services.
faults: install
	$(PY) bench/faults/run.py

# The mail server down for 5 minutes (about 9 minutes in all), opt-in because it is slow.
faults-smtp: install
	$(PY) bench/faults/run.py smtp

clean:
	rm -rf var staticfiles
