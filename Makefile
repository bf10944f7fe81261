# The two commands: `make run` and `make test`. Everything else is a step they need.
PYTHON := $(shell scripts/find-python)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test bench lint system-deps install messages clean

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

install: $(VENV)/.installed

system-deps:
	@scripts/system-deps

run: install system-deps
	PORT=$(PORT) scripts/run.sh

test: install system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks at provincial scale (PostgreSQL; not part of `make test`): BENCH_ARGS=--quick for minutes.
bench: install system-deps
	$(PY) -m onewindow.bench $(BENCH_ARGS)

lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

# Regenerate translation catalogs of every app, then compile them (needs GNU gettext).
messages: install
	for app in onewindow/*/; do [ -d "$$app/locale" ] && (cd $$app && ../../$(VENV)/bin/django-admin makemessages -l zh_Hans --no-obsolete) ; done; true
	cd onewindow && ../$(VENV)/bin/django-admin compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var
