# cpsadmin: `make run` for the demo, `make test` for the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
ADDR ?= 127.0.0.1:8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help install install-dev run migrate demo worker simulator test test-postgres lint format bench clean messages check-messages

help:
	@echo "make run            install, migrate, load demo data, serve on $(ADDR)"
	@echo "make test           install test dependencies and run the suite (SQLite)"
	@echo "make test-postgres  run the suite against $(POSTGRES_URL) and Redis"
	@echo "make lint           ruff check, ruff format --check, makemigrations --check"
	@echo "make simulator      serve the CPS simulator on 127.0.0.1:9000"
	@echo "make bench          page cost benchmarks"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	DEBUG=true $(PY) manage.py migrate --no-input

demo: migrate
	DEBUG=true $(PY) manage.py seed_demo

# The dashboard, the embedded simulator (in-process) and the background loop
# that expires stale requests and follows reinstalls; Ctrl-C stops both.
run: demo
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	DEBUG=true $(PY) manage.py process_reinstalls --loop 5 & \
	DEBUG=true $(PY) manage.py runserver $(ADDR)

simulator: install
	DEBUG=true $(PY) manage.py runsimulator 127.0.0.1:9000

test: install-dev
	$(PY) -m pytest -q

# The browser journeys run their own SQLite app; once, under `make test`, is enough.
test-postgres: install-dev
	DATABASE_URL=$(POSTGRES_URL) REDIS_URL=$(REDIS_URL) $(PY) -m pytest -q -m "not browser"

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache

# Re-extract the translatable strings into cpsadmin/locale/zh_Hans and compile
# them (needs gettext). Commit the .po and the .mo: the .mo is shipped so that
# machines without gettext still serve Chinese.
.PHONY: messages
messages: install
	DEBUG=true $(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=static \
		--ignore=benchmarks --no-obsolete --add-location=file
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

# Fails when a string marked for translation is missing from the catalogue.
check-messages: messages
	git diff --exit-code -- cpsadmin/locale
