"""Shared, session-scoped Groth16 material from the insecure toy oracle.

Keys and proofs are made once per test session: each pairing check costs about
half a second in pure Python, so tests reuse everything they can.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from solvent.verifier import Proof, VerifyingKey, parse_public_inputs

from . import toy_groth16 as toy


@dataclass
class Instance:
    keys: toy.ToyKeys
    vk_json: dict[str, Any]
    proof_json: dict[str, Any]
    public_json: list[str]
    vk: VerifyingKey
    proof: Proof
    inputs: list[int]


def _instance(r1cs: toy.R1CS, witness: list[int], seed: int) -> Instance:
    keys = toy.setup(r1cs, seed)
    proof_json, public_json = toy.prove(keys, witness, seed + 1)
    return Instance(
        keys=keys,
        vk_json=keys.vk_json,
        proof_json=proof_json,
        public_json=public_json,
        vk=VerifyingKey.from_snarkjs(keys.vk_json),
        proof=Proof.from_snarkjs(proof_json),
        inputs=parse_public_inputs(public_json),
    )


@pytest.fixture(scope="session")
def cubic() -> Instance:
    """x^3 + x + 5 = y, x = 3, y = 35 (one public input)."""
    return _instance(toy.cubic_circuit(), toy.cubic_witness(3), seed=1001)


@pytest.fixture(scope="session")
def three() -> Instance:
    """x*y = a, x + y = b, (a + b)*x = c with x = 2, y = 5 (three public inputs)."""
    return _instance(toy.three_input_circuit(), toy.three_input_witness(2, 5), seed=2002)


@pytest.fixture(scope="session")
def square() -> Instance:
    """x*x = y with x = 6: another circuit with one public input."""
    return _instance(toy.square_circuit(), [1, 36, 6], seed=3003)


@pytest.fixture(scope="session")
def cubic_batch(cubic: Instance) -> list[tuple[list[int], Proof]]:
    """Four more valid proofs under the cubic key (x = 4..7)."""
    items = []
    for i, x in enumerate(range(4, 8)):
        proof_json, public_json = toy.prove(cubic.keys, toy.cubic_witness(x), 500 + i)
        items.append((parse_public_inputs(public_json), Proof.from_snarkjs(proof_json)))
    return items
