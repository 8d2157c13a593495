.PHONY: run test bench bench-offline bench-import bench-load lint format messages clean backup restore
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
	# The worker that runs the import jobs starts beside the server and stops with it.
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

# The whole country at once, as ratios (bench/scale.py): on PostgreSQL, in throwaway databases
# named after DATABASE_URL's; writes bench/RESULTS.md. RESIDENTS=2000000 for fewer.
bench: $(VENV)/.installed
	DATABASE_URL=$(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/ektp_bench) $(PY) bench/scale.py

# The operator's report page on emulated slow 3G (bench/offline_budget.py); needs Chromium.
bench-offline: $(VENV)/.installed
	$(PY) bench/offline_budget.py

# A million-row SIAK list imported, against PostgreSQL's bare COPY of the same rows
# (bench/import_residents.py, writes bench/RESULTS.md); ROWS=100000 for less.
bench-import: $(VENV)/.installed
	$(PY) bench/import_residents.py $(or $(ROWS),1000000)

# Report submissions under load against gunicorn, as a ratio to a bare view
# (bench/load_reports.py): DATABASE_URL=postgres://.../bench_load_x, a throwaway database
# that holds today's visits (seed_demo or seed_scale); it keeps the load users and reports.
bench-load: $(VENV)/.installed
	@case "$(DATABASE_URL)" in postgres*://*) ;; *) echo "Set DATABASE_URL=postgres://..." >&2; exit 2;; esac
	$(PY) bench/load_reports.py

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djhtml --check $$(find templates -name "*.html")

format: $(VENV)/.installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l id --no-location --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# PostgreSQL only (see README.md, "Backups"): a dump of DATABASE_URL, readable by its owner
# alone (it holds NIKs), into $(BACKUP_DIR) with the date and time in its name.
BACKUP_DIR ?= var/backups
backup:
	@case "$(DATABASE_URL)" in postgres*://*) ;; *) echo "Set DATABASE_URL=postgres://..." >&2; exit 2;; esac
	@mkdir -p $(BACKUP_DIR) && chmod 700 $(BACKUP_DIR)
	@umask 077 && file=$(BACKUP_DIR)/ektp-$$(date +%Y%m%d-%H%M%S).dump && \
	pg_dump --format=custom --no-owner --no-privileges --dbname="$(DATABASE_URL)" --file="$$file" && \
	chmod 600 "$$file" && echo "$$file"

# Into an empty database: createdb ektp_new && DATABASE_URL=postgres://.../ektp_new make restore FILE=...
restore:
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/ektp-....dump" >&2; exit 2; }
	@case "$(DATABASE_URL)" in postgres*://*) ;; *) echo "Set DATABASE_URL=postgres://..." >&2; exit 2;; esac
	pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$(DATABASE_URL)" "$(FILE)"
