# `make run` builds, validates and serves the catalogue; `make test` is what CI runs.
VENV := .venv
BIN := $(VENV)/bin
CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: run test test-virtuoso bench bench-endpoint bench-all vendor clean

run: $(VENV)/.installed
	$(BIN)/awardgraph serve

test: $(VENV)/.installed-dev | $(CHROMEDRIVER)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/pytest

# The catalogue on a throwaway Virtuoso, compared with the embedded store (about 1 minute;
# installs Debian's virtuoso-opensource if missing, its system service left stopped).
test-virtuoso: $(VENV)/.installed-dev | /usr/bin/virtuoso-t
	AWARDGRAPH_TEST_VIRTUOSO=1 $(BIN)/pytest tests/test_virtuoso.py -rxX

/usr/bin/virtuoso-t:
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q virtuoso-opensource
	-$(SUDO) service virtuoso-opensource-7 stop

# A quick run (about 2 minutes); bench/README.md has the full-size commands.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/engines.py --triples 100000 --shacl-triples 5000 --save bench/out/engines.md
	$(BIN)/python bench/build.py --sizes 10000 --save bench/out/build.md

# SPARQL endpoints under wrk load, quick (about 5 minutes; installs Debian's wrk if missing).
bench-endpoint: $(VENV)/.installed-bench
	$(BIN)/python bench/endpoint.py --sizes bundled,10000 --duration 5 --warmup 1 \
		--save bench/out/endpoint.md

# Every benchmark in one run, written to bench/results.md (bench/README.md says how long);
# `make bench-all ARGS=--quick` for a smoke run (bench/out/results-quick.md).
bench-all: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py $(ARGS)

$(BIN)/python:
	python3 -m venv $(VENV)

# The stamps make pip run again whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

# tests/test_browser.py drives Debian's Chromium through its chromedriver (sudo unless root).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
$(CHROMEDRIVER):
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends chromium chromium-driver

# Re-fetch the pinned, committed CodeMirror (query page) and axe-core (browser tests) files
# from npm, each checked against its pinned sha512 (needs npm).
vendor:
	scripts/vendor.sh

clean:
	rm -rf $(VENV)
