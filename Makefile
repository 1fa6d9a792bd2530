# `make run` builds and validates the catalogue; `make test` is what CI runs.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench clean

run: $(VENV)/.installed
	$(BIN)/awardgraph build

test: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/pytest

# A quick run (about 2 minutes); bench/README.md has the full-size commands.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/engines.py --triples 100000 --shacl-triples 5000 --save bench/out/engines.md
	$(BIN)/python bench/build.py --sizes 10000 --save bench/out/build.md

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

clean:
	rm -rf $(VENV)
