# Quick start: `make serve` serves the site on the shipped data, `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test check build screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

check: $(STAMP)
	$(BIN)/bidrag check

build: $(STAMP)
	$(BIN)/bidrag build

serve: build
	$(BIN)/bidrag serve --host 127.0.0.1 --port 8001

# Start page and a decision, desktop and phone width, into build/screenshots/ (needs Debian's chromium).
screenshots: build
	$(BIN)/bidrag screenshots

test: $(STAMP)
	$(BIN)/ruff check scripts plugins tests
	$(BIN)/pytest -q

clean:
	rm -rf build $(VENV)
