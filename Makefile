# The book's commands. `make book` and `make test` bootstrap .venv themselves (idempotent).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_BUILD := _build/test
NPM_PREFIX := .cache/npm
MATHJAX := $(NPM_PREFIX)/node_modules/mathjax/es5/tex-mml-chtml.js
export PYTHONHASHSEED := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help book test test-fast student gpu-check serve clean retarget browser-deps

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): requirements.txt code/pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.txt
	@touch $(STAMP)

book: $(STAMP)  ## build the HTML book into _build/html (executes changed notebooks)
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(STAMP) browser-deps  ## every test: package, sources, clean build, built pages, browser, git install, student edition
	MPLBACKEND=Agg $(BIN)/python -m pytest code/tests tests/sources
	rm -rf $(TEST_BUILD)
	$(BIN)/jupyter-book build . --path-output $(TEST_BUILD) -W -n --keep-going
	BOOK_BUILD=$(TEST_BUILD)/_build MATHJAX_DIR=$(NPM_PREFIX)/node_modules/mathjax \
		$(BIN)/python -m pytest tests/built tests/browser tests/install
	$(BIN)/python tools/student_edition.py $(TEST_BUILD)/student
	STUDENT_DIR=$(TEST_BUILD)/student $(BIN)/python -m pytest tests/student

test-fast: $(STAMP)  ## only the tests that need no build (seconds)
	MPLBACKEND=Agg $(BIN)/python -m pytest code/tests tests/sources

student: $(STAMP)  ## the student edition: every notebook without its solutions, in _build/student
	$(BIN)/python tools/student_edition.py _build/student

gpu-check: $(STAMP)  ## execute every notebook on a CUDA GPU, report time per notebook (exits 0 without a GPU)
	$(BIN)/python tools/gpu_check.py --report _build/gpu-check.md

browser-deps:  ## Debian chromium and MathJax (npm) for the browser test
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "error: the browser test needs Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }
	@test -f $(MATHJAX) || npm install --silent --no-save --no-audit --no-fund --prefix $(NPM_PREFIX) mathjax@3

serve:  ## serve the built book on http://127.0.0.1:8000
	@test -f _build/html/index.html || { echo "error: no built book; run make book first"; exit 1; }
	$(PYTHON) -m http.server 8000 --bind 127.0.0.1 --directory _build/html

retarget: $(STAMP)  ## point Colab links and install cells at a fork: make retarget URL=https://github.com/you/repo
	@test -n "$(URL)" || { echo "usage: make retarget URL=https://github.com/OWNER/REPO [BRANCH=main]"; exit 1; }
	$(BIN)/python tools/retarget.py "$(URL)" $(BRANCH)

clean:  ## remove builds and caches (keeps .venv)
	rm -rf _build .pytest_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
