# solvent — two commands set everything up on a fresh machine:
#   make demo   the main job on bundled sample data
#   make test   the whole test suite (Rust and Python)
# Both create .venv, install pinned dependencies from PyPI and build the Rust extension
# with maturin; `make test` also installs the pinned JavaScript tools (solc, snarkjs) from
# the npm registry with `npm ci` into node_modules/. Nothing is downloaded from anywhere else.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.deps-installed
NODE_STAMP := node_modules/.package-lock.json
OUT    ?= out/demo

.PHONY: demo test test-rust test-python test-solidity build bench bench-evm node-deps clean

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# solc (solcjs) and snarkjs, exactly as package-lock.json pins them
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

node-deps: $(NODE_STAMP)

build: $(STAMP)
	$(VENV)/bin/maturin develop --release --quiet

demo: build
	$(VENV)/bin/solvent demo --out $(OUT)

test: test-rust test-python

test-rust:
	cargo test --quiet -p solvent-prover

test-python: build node-deps
	$(PY) -m pytest -q

test-solidity: build node-deps
	$(PY) -m pytest -q tests/solidity

bench: build node-deps
	$(PY) benches/run_all.py

bench-evm: build node-deps
	$(PY) benches/bench_evm_gas.py

clean:
	rm -rf $(VENV) target out .pytest_cache node_modules .solvent-cache
