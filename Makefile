# Boletines — common tasks. Needs only python3 (with venv) on Debian/Ubuntu.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-packages run index test test-fast eval-metadata eval-formats eval-search bench bench-features clean

$(BIN)/boletines: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[fast,test]"
	touch $@

install: $(BIN)/boletines system-packages

## Optional Debian packages: Tesseract with its Spanish model (OCR of scans), antiword and catdoc (.doc).
## Without them those files are skipped with a reason saying what to install; nothing else changes.
system-packages:
	@missing=""; \
	{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx spa; } || missing="tesseract-ocr tesseract-ocr-spa"; \
	command -v antiword >/dev/null 2>&1 || missing="$$missing antiword"; \
	command -v catdoc >/dev/null 2>&1 || missing="$$missing catdoc"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	    echo "Instalando paquetes del sistema:$$missing"; \
	    { $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
	      || echo "Aviso: no se pudieron instalar$$missing; los escaneados y .doc se omitirán con el motivo."; \
	  else \
	    echo "Aviso: instale$$missing para leer escaneados (OCR) y .doc; sin ellos se omiten con el motivo."; \
	  fi; \
	fi

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

## Reading and extraction per file format against ../shared/eval/formats-dev.csv
eval-formats: install
	$(BIN)/python -m indexer.evaluation.formats

## Known-item search evaluation against ../shared/eval/known-item-dev.tsv, with two baselines
eval-search: install
	$(BIN)/python -m indexer.evaluation.search

bench: install
	$(BIN)/python -m bench.run

## What the results page's timeline and a 10,000-row export cost, over a generated 12,000-bulletin corpus
bench-features: install
	$(BIN)/python -m bench.features

clean:
	rm -rf $(VENV) index/gen-* index/CURRENT build *.egg-info .pytest_cache
