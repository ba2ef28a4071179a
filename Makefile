# Làm theo Bác — developer tasks. Run `make` (or `make help`) for the list.
#
# Everything runs inside .venv, created from requirements.txt on first use.
# Variables you can override: PORT (run), PYTEST_ARGS (test), BENCH_ARGS (bench), MUTANTS (mutation), PYTHON (venv).

SHELL := /bin/bash
.DEFAULT_GOAL := help
# Targets chain (run -> demo -> migrate -> venv); keep them in order even under `make -j`.
.NOTPARALLEL:

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Interpreter used to create .venv: python3.11 when present, otherwise python3 (checked to be 3.11+).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)

PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
BENCH_ARGS ?=
# Which mutants `make mutation` runs: every module of [tool.mutmut] only_mutate, or a pattern such as 'reports.tallies.*'.
MUTANTS ?=
# Development targets default to DEBUG=1 so no SECRET_KEY is needed; export DEBUG=0 to override.
DEBUG ?= 1

PANGO_HINT := Missing system library Pango (WeasyPrint). Install it with: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: help venv check-system migrate demo run test test-faults faults-env mutation lint fmt messages bench worker clean distclean

help: ## Show this list
	@echo "Usage: make <target> [VAR=value]"
	@echo
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  %-13s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: PORT=$(PORT) (run), PYTEST_ARGS='...' (test), BENCH_ARGS='...' (bench), MUTANTS='...' (mutation)"

venv: $(STAMP) ## Create .venv and install requirements.txt (again only when it changes)

$(PY):
	@py="$(PYTHON)"; \
	if [ -z "$$py" ]; then \
		echo "Python 3.11 is required but neither python3.11 nor python3 was found on PATH." >&2; exit 1; \
	fi; \
	if ! "$$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		echo "Python 3.11 or newer is required; $$py is $$("$$py" --version 2>&1)." >&2; \
		echo "Install python3.11 or run: make venv PYTHON=/path/to/python3.11" >&2; exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$("$$py" --version 2>&1))"; \
	if ! "$$py" -m venv $(VENV); then \
		rm -rf $(VENV); \
		echo "Could not create $(VENV). On Debian/Ubuntu install the venv module: sudo apt-get install python3.11-venv" >&2; \
		exit 1; \
	fi

# pip prints each package as it goes: the first install takes a few minutes (about 200 s on a
# laptop with a good connection), and a silent terminal looks stuck.
$(STAMP): requirements.txt | $(PY)
	@echo "==> Installing the packages of requirements.txt into $(VENV)."
	@echo "    The first time this takes a few minutes (about 3–4 on a laptop); later runs skip it."
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements.txt
	@touch $@
	@echo "==> Packages installed."

check-system: venv ## Check system libraries (Pango is required; gettext and Chromium are optional)
	@echo "==> Checking the system libraries (Pango for the PDF reports)."
	@if ! err=$$($(PY) -c 'import weasyprint' 2>&1); then \
		if /sbin/ldconfig -p 2>/dev/null | grep -q 'libpango-1\.0\.so'; then \
			echo "WeasyPrint cannot be imported although Pango is installed:" >&2; echo "$$err" >&2; \
		else \
			echo "$$err" | tail -n 1 >&2; echo "$(PANGO_HINT)" >&2; \
		fi; \
		exit 1; \
	fi
	@command -v msgfmt >/dev/null 2>&1 || \
		echo "Note: gettext (msgfmt) not found; only needed for 'make messages' (sudo apt-get install gettext)."
	@[ -x /usr/bin/chromium ] || \
		echo "Note: /usr/bin/chromium not found; browser tests will be skipped (sudo apt-get install chromium)."

migrate: venv ## Apply database migrations (SQLite db.sqlite3 unless DATABASE_URL is set)
	@echo "==> Applying the database migrations."
	DEBUG=$(DEBUG) $(PY) manage.py migrate --noinput

demo: migrate ## Load the demo province and demo users (idempotent; later runs only recount what changed)
	@echo "==> Loading the demo province (built once; later runs keep it)."
	DEBUG=1 $(PY) manage.py seed_demo

run: venv check-system demo ## Start the development server with demo data on 127.0.0.1:PORT (default 8000)
	@echo
	@echo "==> Starting the development server (Ctrl+C stops it)."
	@echo "  Open http://127.0.0.1:$(PORT)/ and sign in as one of (password: lamtheobac):"
	@echo "    admin       superuser"
	@echo "    khoi        reviewer, Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh"
	@echo "    vanthukhoi  clerk, Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh"
	@echo "    vanthu      clerk, Đảng ủy Sở Công Thương"
	@echo "    bithu       secretary of a chi bộ of Sở Công Thương"
	@echo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv check-system ## Run the test suite on every core (PYTEST_ARGS='-k name -x', TEST_WORKERS=0 for one process)
	TESTING=1 DEBUG=0 $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-faults: faults-env venv check-system ## Fault tests on real services (needs DATABASE_URL=postgres://... and REDIS_URL)
	@echo "Note: one test restarts the PostgreSQL cluster of DATABASE_URL; run nothing else against it meanwhile."
	TESTING=1 DEBUG=0 $(PY) -m pytest --faults tests/faults $(PYTEST_ARGS)

# The fault tests mean nothing on SQLite or with tasks run in-process: refuse before anything else.
faults-env:
	@case "$${DATABASE_URL:-}" in postgres://*|postgresql://*) ;; *) \
		echo "The fault tests need PostgreSQL: export DATABASE_URL=postgres://user@127.0.0.1:5432/name" >&2; exit 1;; esac
	@if [ -z "$${REDIS_URL:-}" ]; then \
		echo "The fault tests need Redis: export REDIS_URL=redis://127.0.0.1:6379/15 (its task queues are emptied)" >&2; \
		exit 1; \
	fi
	@command -v redis-server >/dev/null 2>&1 || { echo "redis-server is required: sudo apt-get install redis-server" >&2; exit 1; }

# Not part of `make test` nor CI: it takes about half an hour (docs/mutation.md).
# SQLite in memory whatever DATABASE_URL says; one mutant at a time.
mutation: venv ## Mutation-test the core (statistics, tallies, permissions) with mutmut; MUTANTS='reports.tallies.*' for one
	rm -rf mutants
	TESTING=1 DEBUG=0 DATABASE_URL= $(VENV)/bin/mutmut run --max-children 1 $(if $(MUTANTS),'$(MUTANTS)')
	$(VENV)/bin/mutmut results

lint: venv ## Lint: ruff (rules and formatting), the apps' import layers, mypy on the core modules
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || { echo "Some files are not ruff-formatted: run 'make fmt'." >&2; exit 1; }
	$(VENV)/bin/lint-imports --no-cache
	TESTING=1 $(VENV)/bin/mypy

fmt: venv ## Sort imports and format the code with ruff
	$(VENV)/bin/ruff check --select I --fix .
	$(VENV)/bin/ruff format .

messages: venv ## Update and compile the Vietnamese catalog (needs gettext)
	@command -v msgfmt >/dev/null 2>&1 || { echo "gettext is required: sudo apt-get install gettext" >&2; exit 1; }
	DEBUG=1 $(PY) manage.py makemessages -l vi --ignore=staticfiles --ignore=media --ignore=bench --ignore=.venv
	DEBUG=1 $(PY) manage.py compilemessages -l vi --ignore=.venv

bench: venv ## Run every benchmark, the load test included (bench/run.py; knobs: README, Benchmarks)
	@if [ ! -f bench/run.py ]; then echo "bench/run.py does not exist yet; nothing to run." >&2; exit 1; fi
	$(PY) bench/run.py $(BENCH_ARGS)

worker: venv ## Run a Celery worker for development (needs REDIS_URL, e.g. redis://127.0.0.1:6379/0)
	@if [ -z "$${REDIS_URL:-}" ]; then \
		echo "REDIS_URL is not set. Without it tasks already run inside the web process; to use a worker:" >&2; \
		echo "  export REDIS_URL=redis://127.0.0.1:6379/0   (in this shell and the one running 'make run')" >&2; \
		exit 1; \
	fi
	DEBUG=$(DEBUG) $(VENV)/bin/celery -A config worker -Q default,reports --concurrency=2 \
		--max-memory-per-child=600000 --loglevel=INFO

clean: ## Remove caches, mutmut's mutants/ and collected static files (keeps .venv, db.sqlite3 and media/)
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf
	rm -rf .pytest_cache .ruff_cache staticfiles mutants

distclean: clean ## Also remove .venv and the development database db.sqlite3
	rm -rf $(VENV) db.sqlite3 db.sqlite3-journal
