# solvent — two commands set everything up on a fresh machine:
#   make demo   the main job on bundled sample data
#   make test   the whole test suite (Rust and Python)
# Both create .venv, install pinned dependencies from PyPI and build the Rust extension
# with maturin; nothing is downloaded from anywhere else.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.deps-installed
OUT    ?= out/demo

.PHONY: demo test test-rust test-python build bench clean

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

build: $(STAMP)
	$(VENV)/bin/maturin develop --release --quiet

demo: build
	$(VENV)/bin/solvent demo --out $(OUT)

test: test-rust test-python

test-rust:
	cargo test --quiet -p solvent-prover

test-python: build
	$(PY) -m pytest -q

bench: build
	$(PY) benches/run_all.py

clean:
	rm -rf $(VENV) target out .pytest_cache
