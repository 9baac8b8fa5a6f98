# solvent — two commands set everything up on a fresh machine:
#   make demo   the main job on bundled sample data
#   make test   the whole test suite (Rust and Python)
# Both create .venv, install pinned dependencies from PyPI and build the Rust extension
# with maturin. `make test` also installs the pinned JavaScript tools the interop tests
# run against (snarkjs, circom2, circomlib, circomlibjs: package-lock.json) with `npm ci`
# into node_modules/; nothing is downloaded from anywhere else.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.deps-installed
NPM_STAMP := node_modules/.solvent-npm-installed
OUT    ?= out/demo

.PHONY: demo test test-rust test-python build bench bench-circom npm clean

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

npm: $(NPM_STAMP)

build: $(STAMP)
	$(VENV)/bin/maturin develop --release --quiet

demo: build
	$(VENV)/bin/solvent demo --out $(OUT)

test: test-rust test-python

test-rust:
	cargo test --quiet -p solvent-prover

test-python: build npm
	$(PY) -m pytest -q

bench: build
	$(PY) benches/run_all.py

bench-circom: build npm
	$(PY) benches/bench_circom_interop.py

clean:
	rm -rf $(VENV) target out .pytest_cache node_modules
