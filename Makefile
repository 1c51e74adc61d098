# Every target creates its own virtual environment and installs the package: no manual step.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export VALUECHAIN_DATA ?= $(abspath ../shared/data)
export VALUECHAIN_HOME ?= $(abspath .valuechain-home)

CHROMIUM ?= /usr/bin/chromium

.PHONY: venv test lint demo bench clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

# The dashboard's end-to-end test drives Debian's chromium through Playwright (no browser download).
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package for the browser test"; exit 1; fi; \
	fi

test: lint browser
	$(BIN)/pytest -q

demo: $(STAMP)
	$(BIN)/valuechain report build --out build/report
	@echo "Report written to build/report/index.html"

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build .valuechain-home .pytest_cache .ruff_cache
