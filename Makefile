# solvent — two commands set everything up on a fresh machine:
#   make demo   the main job on bundled sample data
#   make test   the whole test suite (Rust, Python, Solidity in an EVM, the report in Chromium)
# Both create .venv, install pinned dependencies from PyPI and build the Rust extension
# with maturin. `make test` also installs the pinned JavaScript tools (solc, snarkjs,
# circom2, circomlib, circomlibjs: package-lock.json) with `npm ci` into node_modules/, and
# Debian's chromium for the report tests. Nothing is downloaded from anywhere else.
# `make build` also bundles the customer's web page (web/, esbuild) into the package.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.deps-installed
NODE_STAMP := node_modules/.solvent-npm-installed
WEB_BUNDLE := pysrc/solvent/web/assets/solvent-web.js
OUT    ?= out/demo

.PHONY: demo test lint test-rust test-python test-solidity test-web build web browser node-deps npm \
        bench bench-evm bench-circom clean lint-rust

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# the JavaScript tools, exactly as package-lock.json pins them
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

node-deps npm: $(NODE_STAMP)

# The customer's page script (`solvent export-web` inlines it): web/src bundled by the
# pinned esbuild into the package, git-ignored; the same sources give the same bytes.
$(WEB_BUNDLE): $(NODE_STAMP) web/build.mjs $(wildcard web/src/*.js)
	node web/build.mjs $@

web: $(WEB_BUNDLE)

build: $(STAMP) $(WEB_BUNDLE)
	$(VENV)/bin/maturin develop --release --quiet

demo: build
	$(VENV)/bin/solvent demo --out $(OUT) --force

test: test-rust test-python

# Static checks (README "Set-up"): ruff, mypy (strict on formulas, verifier, attestation), the
# native module's stubs against the built extension (stubtest), the import contracts between
# layers (import-linter, pyproject.toml), then rustfmt and clippy (lint-rust). Needs `make build`.
lint: build lint-rust
	$(PY) -m ruff check pysrc tests benches scripts
	$(PY) -m mypy
	$(PY) -m mypy.stubtest solvent._native --allowlist pysrc/solvent/_native.stubtest-allowlist
	$(VENV)/bin/lint-imports

# The core crate alone: it has no Python in it (the bindings are prover/python).
test-rust:
	cargo test --quiet -p solvent-prover

# rustfmt (rustfmt.toml) and clippy with every warning an error, over the core and the
# bindings; standalone, so `make lint` can call it.
lint-rust:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings

test-python: build node-deps browser
	$(PY) -m pytest -q

test-solidity: build node-deps
	$(PY) -m pytest -q tests/solidity

test-web: build node-deps browser
	$(PY) -m pytest -q tests/web

# The report tests render HTML in headless Chromium: Debian's package, installed once
# (idempotent; root, or sudo). If it cannot be installed the target fails, so the tests
# never silently skip. SOLVENT_CHROMIUM=/path/to/chromium uses another binary instead.
browser:
	@if [ -n "$$SOLVENT_CHROMIUM" ] || dpkg -s chromium fonts-dejavu-core >/dev/null 2>&1; then :; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Debian's chromium for the report tests"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; \
	fi

bench: build node-deps
	$(PY) benches/run_all.py

bench-evm: build node-deps
	$(PY) benches/bench_evm_gas.py

bench-circom: build node-deps
	$(PY) benches/bench_circom_interop.py

clean:
	rm -rf $(VENV) target out .pytest_cache node_modules .solvent-cache pysrc/solvent/web/assets
