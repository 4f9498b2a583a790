# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint totp vnu clean messages

# HOST and PORT reach the portal too: links in its emails point where it is served.
export HOST PORT
# DEMO_DATA=0 starts with no demo data (the demo accounts are always made).
export DEMO_DATA

# What running needs (requirements.txt); the test tools come on top, for make test and make lint.
$(VENV)/.installed-run: requirements.txt
	@echo "==> Creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Installing what the portal needs to run (requirements.txt)"
	$(VENV)/bin/pip install --progress-bar on -r requirements.txt
	touch $@

$(VENV)/.installed: $(VENV)/.installed-run requirements-test.txt
	@echo "==> Installing the test tools (requirements-test.txt)"
	$(VENV)/bin/pip install --progress-bar on -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

# Set up and serve the portal with a Celery worker and beat beside it, then print the demo logins.
# With no DATABASE_URL/REDIS_URL: SQLite and a file-system broker under var/; mail lands in var/mail/.
run: $(VENV)/.installed-run
	@echo "==> Migrating the database"
	@$(PY) manage.py migrate --no-input -v 0
	@echo "==> Loading the guidance leaflet"
	@$(PY) manage.py leaflet_load
	@echo "==> Demo accounts and data"
	@$(PY) manage.py demo_start
	@echo "==> Starting the Celery worker and beat (log: var/log/worker.log) and the web server"
	@mkdir -p var/log
	@trap 'kill $$worker $$web 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/celery -A portal worker -B -P solo -Q default,email -l warning \
		--schedule var/celerybeat-schedule >var/log/worker.log 2>&1 & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT) & web=$$!; \
	until $(PY) -c 'import socket; socket.create_connection(("$(HOST)", $(PORT)), 1)' 2>/dev/null; do \
		kill -0 $$web 2>/dev/null || exit 1; sleep 0.5; \
	done; \
	cat var/demo-logins.txt; \
	wait $$web

# Run the whole suite. Browser tests run when Chromium is installed and say so when skipped.
# On PostgreSQL the test database is kept for the next run (--reuse-db), unless the run had
# transactional tests, which empty its tables (tests/conftest.py drops it then). The whole suite
# has them, so the gain is in running a few files: make test PYTEST_ARGS=tests/leaflet/test_workflow.py
# After switching to a branch whose migrations differ, start afresh once: make test REUSE_DB=--create-db
# (CI always does).
REUSE_DB ?= --reuse-db
test: install
	$(PY) -m pytest $(REUSE_DB) $(PYTEST_ARGS)

# The Nu HTML Checker, pinned, into a folder git ignores; it runs on the system's Java (apt-get install
# default-jre-headless). The tests that use it (marked vnu) skip without it, and fail without it in CI.
VNU_VERSION := 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar
vnu: $(VNU_JAR)
$(VNU_JAR):
	npm install --prefix .tools --no-save --ignore-scripts --no-audit --no-fund vnu-jar@$(VNU_VERSION)

# The same checks as CI (.ci/run): style, formatting, the floors between apps, and the templates.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/djlint templates */templates --lint

# Bring the translation catalogues (locale/) up to date with every string marked in the code and
# templates, compile them, and say how far each is translated (needs GNU gettext: apt-get install gettext).
# Translations are written by reviewed translators in locale/<language>/LC_MESSAGES/django.po, never guessed.
messages: install
	$(PY) manage.py makemessages --all --no-obsolete --ignore '.venv/*' --ignore '.tools/*' --ignore 'var/*' --ignore 'staticfiles/*' --ignore 'bench/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore '.tools/*'
	$(PY) manage.py translation_coverage

# Print the current TOTP code of a demo staff account: make totp EMAIL=nurse@example.org
# (standard library only, no install and no Django start-up, so the code arrives with time to type it)
totp:
	@$(PYTHON) demo/totp.py $(EMAIL)

clean:
	rm -rf $(VENV) var staticfiles .tools
