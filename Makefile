# Boletines — common tasks. Needs only python3 (with venv) on Debian/Ubuntu.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run index test test-fast eval-metadata eval-search bench clean

$(BIN)/boletines: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[fast,test]"
	touch $@

install: $(BIN)/boletines

## Build the index over corpus/ when it is missing or stale, then serve http://$(HOST):$(PORT)/
run: install
	$(BIN)/boletines serve --host $(HOST) --port $(PORT)

index: install
	$(BIN)/boletines index

## The whole test suite (tests needing ../shared or chromium skip with a reason when absent)
test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not browser and not shared"

## Extraction accuracy against ../shared/eval/metadata-dev.csv
eval-metadata: install
	$(BIN)/python -m indexer.evaluation.metadata

## Known-item search evaluation against ../shared/eval/known-item-dev.tsv, with two baselines
eval-search: install
	$(BIN)/python -m indexer.evaluation.search

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) index/gen-* index/CURRENT build *.egg-info .pytest_cache
