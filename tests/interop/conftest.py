"""Session fixtures for the interop and ceremony tests: a snarkjs-made powers of tau
(2^8, plain and prepared for phase 2), a tiny circom circuit compiled with circom2, its
witness, and a snarkjs zkey. They need the pinned npm tools (`make npm`); without them
every test here is skipped with that reason."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.harness import node

HERE = Path(__file__).parent
POWER = 8

if not node.available():
    pytest.skip("npm tools not installed: run `make npm` (npm ci)", allow_module_level=True)


@dataclass
class Ptau:
    plain: Path      # new + one contribution
    prepared: Path   # the same after `prepare phase2` (Lagrange sections)


@pytest.fixture(scope="session")
def ptau(tmp_path_factory) -> Ptau:
    d = tmp_path_factory.mktemp("ptau")
    plain = node.make_ptau(POWER, d / "plain.ptau", prepare=False)
    prepared = d / "prepared.ptau"
    node.snarkjs("powersoftau", "prepare", "phase2", plain, prepared)
    return Ptau(plain, prepared)


@dataclass
class CircomCircuit:
    r1cs: Path
    wasm: Path
    wtns: Path
    inputs: dict


@pytest.fixture(scope="session")
def circom_circuit(tmp_path_factory) -> CircomCircuit:
    d = tmp_path_factory.mktemp("circom")
    src = d / "mulchain.circom"
    shutil.copyfile(HERE / "circuits" / "mulchain.circom", src)
    r1cs = node.compile_circom(src, d / "build", cwd=d)
    wasm = d / "build" / "mulchain_js" / "mulchain.wasm"
    inputs = {"x": 3, "k": 5}
    wtns = node.witness(wasm, inputs, d / "mulchain.wtns")
    return CircomCircuit(r1cs, wasm, wtns, inputs)


@dataclass
class Zkey:
    initial: Path   # snarkjs groth16 setup (delta = 1)
    final: Path     # after one snarkjs contribution


@pytest.fixture(scope="session")
def zkey(tmp_path_factory, ptau, circom_circuit) -> Zkey:
    d = tmp_path_factory.mktemp("zkey")
    z0, z1 = d / "c0.zkey", d / "c1.zkey"
    node.snarkjs("groth16", "setup", circom_circuit.r1cs, ptau.prepared, z0)
    node.snarkjs("zkey", "contribute", z0, z1, "--name=snarkjs-test", "-e=more entropy")
    return Zkey(z0, z1)
