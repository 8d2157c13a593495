.PHONY: run test bench bench-import lint format messages clean
# Local development only: production sets its own environment (see README.md).
export DEBUG ?= True
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

# The virtualenv is rebuilt when the requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_wilayah
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

# Speed at national scale (bench/national.py); set DATABASE_URL for PostgreSQL.
bench: $(VENV)/.installed
	$(PY) bench/national.py

# A million-row backlog list imported (bench/import_residents.py); ROWS=100000 for less.
bench-import: $(VENV)/.installed
	$(PY) bench/import_residents.py $(or $(ROWS),1000000)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l id --no-location --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
