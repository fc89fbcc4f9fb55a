# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint browser postgres bench bench-default bench-pulp clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files so that a second `make` does not reinstall; pyproject.toml changes trigger it.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/evramp plan --out out/yizhuang

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

# The browser tests open the reports in Debian's Chromium (Playwright drives it; it comes with
# the test extra). Installed only when missing; apt-get needs root, or sudo.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser: $(CHROMIUM)

$(CHROMIUM):
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

# The workspace store's tests start a throwaway PostgreSQL cluster of their own (tests/postgres.py)
# with Debian's initdb and pg_ctl, which live in /usr/lib/postgresql/VERSION/bin, not on PATH.
# Installed only when neither place has initdb.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then \
		$(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	fi

test: lint browser postgres
	$(BIN)/pytest

# Plant-scale cases (default, S, M, L; PuLP baseline on S and M): one table row each.
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

# The default scenario's stages in detail, and the full model against the reduced one.
bench-default: $(VENV)/.installed
	$(BIN)/python benchmarks/plan_default.py --full

# The same LP written with PuLP: build and solve times against evramp's, same optimum.
bench-pulp: $(VENV)/.installed-test
	$(BIN)/python benchmarks/baseline_pulp.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
