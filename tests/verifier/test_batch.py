"""verify_batch: random linear combination of many Groth16 checks.

A batch must pass exactly when every proof in it is valid; in particular two
invalid proofs whose errors cancel in an unweighted sum must be caught.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from solvent.formulas.errors import MalformedInput
from solvent.formulas.field import R
from solvent.verifier import Proof, verify, verify_batch

from . import toy_groth16 as toy
from .conftest import Instance


class _Ones:
    """A non-random 'rng' returning 1: the naive unweighted batch."""

    def getrandbits(self, k: int) -> int:
        return 1


def test_batch_accepts_valid(cubic: Instance, cubic_batch: Any) -> None:
    items = [(cubic.inputs, cubic.proof), *cubic_batch[:2]]
    assert verify_batch(cubic.vk, items) is True
    assert verify_batch(cubic.vk, items[:1], rng=random.Random(5)) is True


def test_batch_rejects_one_bad_proof(cubic: Instance, cubic_batch: Any) -> None:
    inputs, proof = cubic_batch[1]
    bad = Proof(proof.a, proof.b, toy.g1_json_to_affine(toy.g1_add_json(toy.g1_affine_json(proof.c), 1)))
    items = [cubic_batch[0], (inputs, bad), cubic_batch[2]]
    assert verify_batch(cubic.vk, items) is False


def test_batch_rejects_one_wrong_input(cubic: Instance, cubic_batch: Any) -> None:
    (inputs, proof), rest = cubic_batch[0], cubic_batch[1:3]
    assert verify_batch(cubic.vk, [*rest, ([inputs[0] + 1], proof)]) is False


def test_batch_rejects_cancelling_pair(cubic: Instance, cubic_batch: Any) -> None:
    # Shift C of one proof by +G1 and of another by -G1: each proof is invalid, but
    # their sum is unchanged, so an unweighted combination would accept the pair.
    (in1, p1), (in2, p2) = cubic_batch[2], cubic_batch[3]
    plus = Proof(p1.a, p1.b, toy.g1_json_to_affine(toy.g1_add_json(toy.g1_affine_json(p1.c), 1)))
    minus = Proof(p2.a, p2.b, toy.g1_json_to_affine(toy.g1_add_json(toy.g1_affine_json(p2.c), -1)))
    items = [(in1, plus), (in2, minus)]
    assert verify_batch(cubic.vk, items, rng=_Ones()) is True  # the attack is real...
    assert verify_batch(cubic.vk, items) is False  # ...and random weights stop it
    assert verify(cubic.vk, in1, plus) is False


def test_batch_malformed(cubic: Instance, three: Instance, cubic_batch: Any) -> None:
    with pytest.raises(MalformedInput, match=r"items\[1\].public"):
        verify_batch(cubic.vk, [cubic_batch[0], ([35, 1], cubic.proof)])
    with pytest.raises(MalformedInput, match=r"items\[0\].public\[0\]"):
        verify_batch(cubic.vk, [([35 + R], cubic.proof)])
    with pytest.raises(ValueError):
        verify_batch(cubic.vk, [])
    with pytest.raises(TypeError):
        verify_batch(cubic.vk, [(cubic.inputs, cubic.proof_json)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        verify_batch(cubic.vk_json, [(cubic.inputs, cubic.proof)])  # type: ignore[arg-type]
