# Coopdesk. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/coopdesk
REDIS ?= redis://127.0.0.1:6379/0
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test test-unit test-pg test-browser bench bench-pg lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Links in e-mails follow HOST and PORT unless SITE_URL is set. DEBUG is off unless set:
# the demo runs over plain HTTP, without the production security settings.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: export DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Coopdesk on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	@$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/daphne -b $(HOST) -p $(PORT) coopdesk.asgi:application

# The whole suite on the embedded default (SQLite, in-memory layer), then the browser tests.
test: test-unit test-browser

test-unit: install
	$(BIN)/pytest -m "not browser" -q

# The same suite on PostgreSQL and the Redis channel layer (../shared/services.sh starts them).
test-pg: install
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(BIN)/pytest -m "not browser" -q

# Real Chromium through Playwright. Skipped with a notice where Chromium is missing,
# except under CI, where it must run.
test-browser: install
	@if [ -x "$(CHROMIUM)" ] || [ -n "$$CI" ]; then \
		$(BIN)/pytest -m browser -q; \
	else \
		echo "test-browser: $(CHROMIUM) not found, browser tests not run (apt-get install -y chromium)"; \
	fi

bench: install
	$(BIN)/python -m bench

bench-pg: install
	BENCH_DB=postgres $(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .

messages: install
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages -l fr --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
