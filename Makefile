# Quick start: `make serve` serves the site on the shipped data, `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test check build screenshots publish docker-context lock bench bench-search soak fuzz clean debian-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,extract]'
	touch $(STAMP)

check: $(STAMP)
	$(BIN)/bidrag check

build: $(STAMP)
	$(BIN)/bidrag build

serve: build
	$(BIN)/bidrag serve --host 127.0.0.1 --port 8001

# Check, build a new release, compare, smoke-test and switch build/site/bidrag.db to it.
publish: $(STAMP)
	$(BIN)/bidrag publish

# The live release, as a site directory (releases/NNNN.db and the link bidrag.db), for `docker build`.
docker-context:
	rm -rf build/deploy && mkdir -p build/deploy/site/releases
	release=$$(basename "$$(readlink build/site/bidrag.db)") && \
		cp "build/site/releases/$$release" build/deploy/site/releases/ && \
		ln -s "releases/$$release" build/deploy/site/bidrag.db

# Runtime dependencies pinned with hashes for the Docker image.
lock: $(STAMP)
	$(BIN)/pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
		--generate-hashes --no-header -o requirements.lock

# Speed of the site against bare Datasette at 1x, 10x and 100x a decision round (minutes; not in make test).
bench: $(STAMP) debian-packages
	$(BIN)/python -m bidrag.benchmark --write BENCHMARKS.md

# 10 minutes at 10x with 10 clients against one server: zero errors, memory growth under 10 % (not in make test).
soak: $(STAMP)
	$(BIN)/python -m bidrag.soak

# At least 3 000 hostile requests over every route: no 5xx, no English error, no missing security header.
fuzz: $(STAMP)
	$(BIN)/python -m bidrag.fuzz --requests 3000

# Start page and a decision, desktop and phone width, into build/screenshots/ (needs Debian's chromium).
screenshots: build debian-packages
	$(BIN)/bidrag screenshots

# Debian's Chromium (and whatever else debian-packages.txt lists): installed as root, else a clear message.
debian-packages:
	scripts/install-debian-packages

test: $(STAMP) debian-packages
	$(BIN)/ruff format --check scripts plugins tests
	$(BIN)/ruff check scripts plugins tests
	scripts/audit-dependencies
	$(BIN)/pytest -q

clean:
	rm -rf build $(VENV)

# The search page /measures at 100x with 10 clients, every query new (minutes; not in make test).
bench-search: $(STAMP)
	$(BIN)/python -m bidrag.search_benchmark --scale 100 --concurrency 10 --seconds 30
