# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint totp clean

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

# Set up everything and serve the portal with a Celery worker and beat beside it.
# With no DATABASE_URL/REDIS_URL: SQLite and a file-system broker under var/; mail lands in var/mail/.
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py leaflet_load
	$(PY) manage.py demo_accounts
	@echo "Mail sent by the portal is written to var/mail/ (one file per batch)."
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)."
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/celery -A portal worker -B -P solo -Q default,email -l warning --schedule var/celerybeat-schedule & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Run the whole suite. Browser tests run when Chromium is installed and say so when skipped.
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Print the current TOTP code of a development account: make totp EMAIL=nurse@example.org
totp: install
	@$(PY) manage.py totp_code $(EMAIL)

clean:
	rm -rf $(VENV) var staticfiles
