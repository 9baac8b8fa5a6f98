"""The generated Groth16 verifier in a real EVM: honest proofs pass, every tampered or
malformed variant returns false (or, for a malformed call, reverts), as documented in
solvent.evm.verifier_gen."""

from __future__ import annotations

import hashlib
import json

import pytest
from py_ecc.fields import optimized_bn128_FQ2 as FQ2
from py_ecc.optimized_bn128 import b2

from solvent.evm.calldata import encode_args, encode_verify_proof, proof_to_evm, verify_proof_selector
from solvent.evm.verifier_gen import generate_verifier, vk_bytes
from solvent.formulas.field import Q, R
from solvent.verifier import Proof, VerifyingKey, verify, vk_hash
from solvent.verifier.curve import g2_in_subgroup, g2_on_curve

CTX, ROOT = 1234567, 987654321


@pytest.fixture(scope="module")
def honest(prover):
    return prover.prove(CTX, ROOT)


@pytest.fixture(scope="module")
def other(prover):
    return prover.prove(CTX + 1, ROOT + 1)


@pytest.fixture
def top(chain, compiled):
    return chain.deploy(compiled["TopVerifier"])


def run(chain, verifier, a, b, c, inputs, gas=None):
    """Raw call of verifyProof; (ok, returned bool or None, gas)."""
    data = verify_proof_selector(len(inputs)) + encode_args(a, b, c, inputs)
    res = chain.raw_call(verifier.address, data, gas=gas)
    if not res.ok:
        return False, None, res.gas
    assert len(res.output) == 32
    return True, bool(int.from_bytes(res.output, "big")), res.gas


def test_honest_proof_verifies_on_chain_and_off(chain, top, prover, honest):
    proof, public = honest
    assert public == [CTX, ROOT, public[2], 7]
    assert verify(VerifyingKey.from_snarkjs(prover.keys.vk_json), public, Proof.from_snarkjs(proof))
    res = chain.raw_call(top.address, encode_verify_proof(proof, public))
    assert res.ok and int.from_bytes(res.output, "big") == 1
    assert res.gas < 240_000, res.gas  # 181k pairing + 4 x 6.15k MSM + calldata + 21k
    # the ABI-level call through eth-abi agrees with the hand encoder
    a, b, c = proof_to_evm(proof)
    assert top("verifyProof", list(a), [list(b[0]), list(b[1])], list(c), public) is True


def test_verifier_exposes_its_key(top, prover):
    vk = VerifyingKey.from_snarkjs(prover.keys.vk_json)
    key = top("verifyingKey")
    assert key == vk_bytes(vk) and len(key) == 32 * (14 + 2 * 5)
    assert hashlib.sha256(key).hexdigest() == vk_hash(vk)
    assert top("VK_HASH").hex() == vk_hash(vk)
    assert top("NUM_INPUTS") == 4


def test_generation_is_deterministic_and_validates_the_key(prover):
    vk = prover.keys.vk_json
    assert generate_verifier(vk) == generate_verifier(json.loads(json.dumps(vk)))
    bad = json.loads(json.dumps(vk))
    bad["IC"][1][1] = str((int(bad["IC"][1][1]) + 1) % Q)
    with pytest.raises(Exception, match="not on the curve"):
        generate_verifier(bad)
    with pytest.raises(ValueError, match="identifier"):
        generate_verifier(vk, "not a name")


def test_each_public_input_tampered_is_rejected(chain, top, honest):
    proof, public = honest
    a, b, c = proof_to_evm(proof)
    for i in range(4):
        bad = list(public)
        bad[i] = (bad[i] + 1) % R
        assert run(chain, top, a, b, c, bad)[:2] == (True, False), i


def test_input_plus_r_is_rejected_not_reduced(chain, top, honest):
    proof, public = honest
    a, b, c = proof_to_evm(proof)
    for i in range(4):
        aliased = list(public)
        aliased[i] += R
        assert aliased[i] < 2**256
        assert run(chain, top, a, b, c, aliased)[:2] == (True, False), i
    with pytest.raises(ValueError, match=r"public\[1\]"):
        encode_verify_proof(proof, [public[0], public[1] + R, *public[2:]])


def test_each_proof_element_swapped_for_another_proofs_is_rejected(chain, top, honest, other):
    proof, public = honest
    good = proof_to_evm(proof)
    alt = proof_to_evm(other[0])
    for k in range(3):
        parts = list(good)
        parts[k] = alt[k]
        assert run(chain, top, *parts, public)[:2] == (True, False), k


def test_each_proof_coordinate_perturbed_is_rejected(chain, top, honest):
    """+1 on any of the 8 proof words: off the curve (or off the twist): false, no revert."""
    proof, public = honest
    a, b, c = proof_to_evm(proof)
    words = [*a, *b[0], *b[1], *c]
    for i in range(8):
        w = list(words)
        w[i] = (w[i] + 1) % Q
        ok, value, _ = run(chain, top, (w[0], w[1]), ((w[2], w[3]), (w[4], w[5])), (w[6], w[7]), public)
        assert (ok, value) == (True, False), i


def test_coordinate_plus_q_is_rejected(chain, top, honest):
    """The same point with a non-canonical coordinate (y + q): the precompile refuses it."""
    proof, public = honest
    a, b, c = proof_to_evm(proof)
    assert run(chain, top, (a[0], a[1] + Q), b, c, public)[:2] == (True, False)
    assert run(chain, top, a, b, (c[0] + Q, c[1]), public)[:2] == (True, False)
    assert run(chain, top, a, ((b[0][0] + Q, b[0][1]), b[1]), c, public)[:2] == (True, False)


def test_points_at_infinity_are_rejected(chain, top, honest):
    proof, public = honest
    a, b, c = proof_to_evm(proof)
    zero1, zero2 = (0, 0), ((0, 0), (0, 0))
    assert run(chain, top, zero1, b, c, public)[:2] == (True, False)
    assert run(chain, top, a, zero2, c, public)[:2] == (True, False)
    assert run(chain, top, a, b, zero1, public)[:2] == (True, False)


def _fq2_sqrt(a: FQ2) -> FQ2 | None:
    """A square root in Fq2 (q = 3 mod 4), or None."""
    a1 = a ** ((Q - 3) // 4)
    alpha = a1 * a1 * a
    a0 = (alpha ** Q) * alpha
    if a0 == FQ2([Q - 1, 0]):
        return None
    x0 = a1 * a
    if alpha == FQ2([Q - 1, 0]):
        x = FQ2([0, 1]) * x0
    else:
        x = ((FQ2.one() + alpha) ** ((Q - 1) // 2)) * x0
    return x if x * x == a else None


def _twist_point_outside_subgroup():
    k = 1
    while True:
        x = FQ2([k, 1])
        y = _fq2_sqrt(x * x * x + b2)
        if y is not None:
            p = ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))
            assert g2_on_curve(p)
            if not g2_in_subgroup(p):
                return p
        k += 1


def test_b_on_the_twist_but_outside_the_subgroup_is_rejected(chain, top, honest):
    proof, public = honest
    a, _, c = proof_to_evm(proof)
    (x0, x1), (y0, y1) = _twist_point_outside_subgroup()
    assert run(chain, top, a, ((x1, x0), (y1, y0)), c, public)[:2] == (True, False)


def test_b_in_snarkjs_order_is_rejected(chain, top, honest):
    """Forgetting the EVM's [c1, c0] order gives a point off the twist: false."""
    proof, public = honest
    a, (bx, by), c = proof_to_evm(proof)
    assert run(chain, top, a, (bx[::-1], by[::-1]), c, public)[:2] == (True, False)


def test_wrong_verifying_key_rejects(chain, compiled, honest, other_prover):
    wrong = chain.deploy(compiled["OtherVerifier"])
    proof, public = honest
    assert run(chain, wrong, *proof_to_evm(proof), public)[:2] == (True, False)
    # and that verifier does accept its own circuit's proofs
    p2, pub2 = other_prover.prove(CTX, ROOT)
    assert run(chain, wrong, *proof_to_evm(p2), pub2)[:2] == (True, True)


def test_zero_inputs_skip_the_msm_and_still_verify(chain, top, prover):
    proof, public = prover.prove(0, 0, digest=0)
    assert public[0] == public[1] == public[3] == 0
    ok, value, gas = run(chain, top, *proof_to_evm(proof), public)
    assert (ok, value) == (True, True)
    assert run(chain, top, *proof_to_evm(proof), [0, 1, public[2], 0])[:2] == (True, False)


def test_truncated_calldata_reverts(chain, top, honest):
    proof, public = honest
    data = encode_verify_proof(proof, public)
    res = chain.raw_call(top.address, data[:-32])
    assert not res.ok and res.output == b""


def test_too_little_gas_never_returns_true(chain, top, honest):
    proof, public = honest
    data = encode_verify_proof(proof, public)
    for gas in (30_000, 100_000, 190_000):
        res = chain.raw_call(top.address, data, gas=gas)
        assert not res.ok or int.from_bytes(res.output, "big") == 0, gas
