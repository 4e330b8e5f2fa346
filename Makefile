# The two commands of the README: `make run` and `make test`. Both set themselves up from a
# fresh clone: a .venv with a Python >= 3.12 found on PATH or in pyenv, the locked dependencies,
# the database schema.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
RUN_SETTINGS ?= config.settings.local

.PHONY: run test lint check lock bench clean help messages

help:
	@echo "make run    serve the app with demo data on http://127.0.0.1:8000 (plus a task worker)"
	@echo "make test   run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make lint   ruff check and format check"
	@echo "make lock   regenerate requirements/*.txt from pyproject.toml"
	@echo "make bench  run the benchmarks in bench/ (slow)"
	@echo "make messages  update locale/fr and locale/es from the code (needs GNU gettext) and compile them"

$(PY):
	@py=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: requirements/base.txt requirements/dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@ $(VENV)/.installed-base

run: $(VENV)/.installed-base
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(MANAGE) migrate --noinput
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(MANAGE) seed_demo
	DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(PY) scripts/devserver.py

check: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: check lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lock:
	scripts/lock

# Translations: collect the strings of every app into locale/{fr,es}/LC_MESSAGES/django.po
# (makemessages needs GNU gettext's xgettext), then compile the .mo files in pure Python (polib).
# The .mo files are committed; a test fails when one is older than its .po.
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=media --ignore=private
messages: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemessages -l fr -l es --no-obsolete $(MESSAGES_IGNORE)
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) compile_translations

bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 private media staticfiles
