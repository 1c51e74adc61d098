# Every target creates its own virtual environment and installs the package: no manual step.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export VALUECHAIN_DATA ?= $(abspath ../shared/data)
export VALUECHAIN_HOME ?= $(abspath .valuechain-home)

.PHONY: venv test lint demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

test: lint
	$(BIN)/pytest -q

demo: $(STAMP)
	$(BIN)/valuechain report build --out build/report
	@echo "Report written to build/report/index.html"

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build .valuechain-home .pytest_cache .ruff_cache
