# Every target creates the virtualenv in .venv on first use (Python 3.11+ as $(PYTHON)).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: brief test lint bench bench-openai bench-pdf bench-daily examples-pdf eval cassettes clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "briefing needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[html,pdf,daily,eval,dev]'
	@touch $(STAMP)

brief: $(STAMP)  ## the brief of the bundled examples, on stdout
	$(VENV)/bin/briefing build examples/

test: $(STAMP)  ## the whole test suite (no network, no API key)
	$(PY) -m pytest

lint: $(STAMP)  ## ruff (lint and formatting) and mypy --strict
	$(VENV)/bin/ruff check briefing tests bench
	$(VENV)/bin/ruff format --check briefing tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)  ## speed and memory of whole-process runs (reads ../shared/eval-data)
	$(PY) bench/run.py

cassettes: $(STAMP)  ## re-record cassettes (real endpoint with OPENAI_API_KEY, else the scripted one)
	$(PY) cassettes/record.py

bench-openai: $(STAMP)  ## LLM calls, tokens and wall time against a loopback endpoint
	$(PY) bench/openai_bench.py

bench-pdf: $(STAMP)  ## PDF of the examples, and the one-page fit loop on ~1,400 documents
	$(PY) bench/pdf_bench.py

examples-pdf: $(STAMP)  ## regenerate examples/brief.pdf and its PNG (needs poppler-utils)
	$(VENV)/bin/briefing build examples -o examples/brief.pdf --date 2026-11-21
	pdftoppm -png -r 80 -singlefile examples/brief.pdf examples/brief

bench-daily: $(STAMP)  ## a daily run over a 10,000-document store
	$(PY) bench/daily_bench.py

eval: $(STAMP)  ## quality metrics on ../shared/eval-data
	$(PY) -m briefing.eval

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
