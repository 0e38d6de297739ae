# Two commands: `make run` (demo mode on http://127.0.0.1:5000; `make run PORT=5123` for another port) and `make test` (every test).
# Each creates or refreshes .venv when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
PORT ?= 5000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format bench audit clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# venv ships setuptools 65.5.0, which has known vulnerabilities (make audit).
	$(PY) -m pip install --quiet --upgrade pip setuptools
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot demo --port $(PORT)

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy bot handlers scheduler.py
	$(PY) -m pytest -n auto --dist loadfile
	@# With PostgreSQL (CI): the conversations again, over HTTP to 2 gunicorn workers.
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  echo "conversations against python -m bot serve (2 workers) + scheduler, PostgreSQL:"; \
	  NAVI_E2E_SERVED=1 $(PY) -m pytest tests/test_deployment.py tests/test_conversation.py \
	    tests/test_classes_conversation.py; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bot handlers scheduler.py

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every benchmark, one after another, each printing its figures (see README, "Figures").
bench: $(STAMP)
	$(PY) bench/intents.py
	$(PY) bench/safety.py
	$(PY) bench/webhook.py
	$(PY) bench/big_body.py
	$(PY) bench/fanout.py
	$(PY) bench/dashboard.py

# Known vulnerabilities in every installed package, from PyPI's JSON API (pip-audit's data;
# tools/audit_dependencies.py says why pip-audit itself cannot read it here). Fails on a finding.
audit: $(STAMP)
	$(PY) tools/audit_dependencies.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
