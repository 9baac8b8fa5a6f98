"""Groth16 verification: valid proofs pass, every tampering is caught.

Proofs come from the insecure toy oracle in ``toy_groth16.py`` (see conftest).
A ``False`` result is expected only for well-formed proofs that fail the
pairing equation; malformed data must raise ``MalformedInput`` naming the field.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from py_ecc.optimized_bn128 import G1, pairing

from solvent.formulas.errors import MalformedInput
from solvent.formulas.field import Q, R
from solvent.verifier import Proof, VerifyingKey, parse_public_inputs, public_inputs_to_snarkjs, verify, vk_hash
from solvent.verifier.curve import g2_in_subgroup, g2_on_curve, g2_to_py

from . import toy_groth16 as toy
from .conftest import Instance

INF_G1 = ["0", "1", "0"]
INF_G2 = [["0", "0"], ["1", "0"], ["0", "0"]]


@pytest.fixture(scope="module")
def bad_twist_point() -> tuple[tuple[int, int], tuple[int, int]]:
    """On the twist curve y^2 = x^3 + 3/(9+u), but outside the order-r subgroup."""
    p = toy.twist_point_outside_subgroup(seed=77)
    assert g2_on_curve(p)
    assert not g2_in_subgroup(p)
    return p


def edited(doc: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    edit(out)
    return out


def set_key(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def f(d: dict[str, Any]) -> None:
        d[key] = value

    return f


def set_ic(i: int, value: Any) -> Callable[[dict[str, Any]], None]:
    def f(d: dict[str, Any]) -> None:
        d["IC"][i] = value

    return f


# ------------------------------------------------------------------ valid proofs


def test_valid_proofs_verify(cubic: Instance, three: Instance) -> None:
    assert cubic.inputs == [35]
    assert three.inputs == [10, 7, 34]
    assert verify(cubic.vk, cubic.inputs, cubic.proof) is True
    assert verify(three.vk, three.inputs, three.proof) is True


def test_toy_oracle_refuses_unsatisfying_witness(cubic: Instance) -> None:
    bad = toy.cubic_witness(3)
    bad[1] = 36
    with pytest.raises(ValueError, match="does not satisfy"):
        toy.prove(cubic.keys, bad, seed=1)


def test_snarkjs_round_trip(cubic: Instance, three: Instance) -> None:
    for inst in (cubic, three):
        assert inst.vk.to_snarkjs() == inst.vk_json
        assert VerifyingKey.from_snarkjs(inst.vk.to_snarkjs()) == inst.vk
        assert inst.proof.to_snarkjs() == inst.proof_json
        assert Proof.from_snarkjs(inst.proof.to_snarkjs()) == inst.proof
        assert public_inputs_to_snarkjs(inst.inputs) == inst.public_json
        assert parse_public_inputs(public_inputs_to_snarkjs(inst.inputs)) == inst.inputs
    assert cubic.vk.n_public == 1 and three.vk.n_public == 3


def test_optional_fields_tolerated(cubic: Instance) -> None:
    doc = copy.deepcopy(cubic.vk_json)
    for key in ("protocol", "curve", "nPublic"):
        del doc[key]
    doc["vk_alphabeta_12"] = [[["1", "2"], ["3", "4"], ["5", "6"]]] * 2
    assert VerifyingKey.from_snarkjs(doc) == cubic.vk
    proof = copy.deepcopy(cubic.proof_json)
    del proof["protocol"], proof["curve"]
    assert Proof.from_snarkjs(proof) == cubic.proof


def test_vk_hash_is_the_documented_encoding(cubic: Instance, three: Instance) -> None:
    d = cubic.vk_json
    words: list[str] = list(d["vk_alpha_1"][:2])
    for key in ("vk_beta_2", "vk_gamma_2", "vk_delta_2"):
        words += d[key][0] + d[key][1]
    for p in d["IC"]:
        words += p[:2]
    encoding = b"".join(int(w).to_bytes(32, "big") for w in words)
    assert len(encoding) == 32 * (14 + 2 * len(d["IC"]))
    assert vk_hash(cubic.vk) == hashlib.sha256(encoding).hexdigest()
    assert vk_hash(VerifyingKey.from_snarkjs(d)) == vk_hash(cubic.vk)
    assert vk_hash(three.vk) != vk_hash(cubic.vk)
    assert len(vk_hash(cubic.vk)) == 64


# ------------------------------------------------------------------ pairing rejects


@pytest.mark.parametrize(
    "field,tamper",
    [
        ("pi_a", lambda v: toy.g1_add_json(v, 1)),
        ("pi_b", lambda v: toy.g2_add_json(v, 1)),
        ("pi_c", lambda v: toy.g1_add_json(v, 1)),
    ],
)
def test_tampered_proof_element_fails(cubic: Instance, field: str, tamper: Callable[[Any], Any]) -> None:
    doc = edited(cubic.proof_json, set_key(field, tamper(cubic.proof_json[field])))
    proof = Proof.from_snarkjs(doc)  # still well formed: valid group elements
    assert verify(cubic.vk, cubic.inputs, proof) is False


def test_changed_public_input_fails(cubic: Instance, three: Instance) -> None:
    assert verify(cubic.vk, [36], cubic.proof) is False
    assert verify(three.vk, [10, 8, 34], three.proof) is False


def test_key_of_another_circuit_fails(cubic: Instance, square: Instance) -> None:
    assert verify(square.vk, square.inputs, square.proof) is True
    assert verify(square.vk, cubic.inputs, cubic.proof) is False
    assert verify(cubic.vk, square.inputs, square.proof) is False


# ------------------------------------------------------------------ public inputs


def test_public_input_plus_r_is_rejected(cubic: Instance) -> None:
    with pytest.raises(MalformedInput, match=r"public\[0\]"):
        verify(cubic.vk, [35 + R], cubic.proof)
    with pytest.raises(MalformedInput, match=r"public\[0\]"):
        parse_public_inputs([str(35 + R)])
    with pytest.raises(MalformedInput):
        verify(cubic.vk, [R], cubic.proof)


@pytest.mark.parametrize("bad", [-1, -35, True, 35.0, "35", None])
def test_public_input_type_and_sign(cubic: Instance, bad: object) -> None:
    with pytest.raises(MalformedInput, match=r"public\[0\]"):
        verify(cubic.vk, [bad], cubic.proof)  # type: ignore[list-item]


@pytest.mark.parametrize("inputs", [[], [35, 0], [35, 35, 35]])
def test_public_input_count(cubic: Instance, inputs: list[int]) -> None:
    with pytest.raises(MalformedInput, match="expects 1 public inputs"):
        verify(cubic.vk, inputs, cubic.proof)


def test_public_inputs_not_a_sequence(cubic: Instance, three: Instance) -> None:
    with pytest.raises(MalformedInput):
        verify(cubic.vk, "35", cubic.proof)  # type: ignore[arg-type]
    with pytest.raises(MalformedInput, match="expects 3 public inputs"):
        verify(three.vk, cubic.inputs, cubic.proof)


@pytest.mark.parametrize(
    "doc",
    [{"0": "35"}, "35", None, ["035"], ["+35"], [" 35"], ["0x23"], ["3.5e1"], [35], [""], ["-0"]],
)
def test_public_json_malformed(doc: object) -> None:
    with pytest.raises(MalformedInput, match="public"):
        parse_public_inputs(doc)


# ------------------------------------------------------------------ bad points


def test_proof_points_off_curve(cubic: Instance) -> None:
    a = cubic.proof_json["pi_a"]
    off = [a[0], str((int(a[1]) + 1) % Q), "1"]
    with pytest.raises(MalformedInput, match="proof.pi_a: point not on the curve"):
        Proof.from_snarkjs(edited(cubic.proof_json, set_key("pi_a", off)))
    with pytest.raises(MalformedInput, match="proof.pi_c: point not on the curve"):
        Proof.from_snarkjs(edited(cubic.proof_json, set_key("pi_c", off)))
    b = copy.deepcopy(cubic.proof_json["pi_b"])
    b[1][0] = str((int(b[1][0]) + 1) % Q)
    with pytest.raises(MalformedInput, match="proof.pi_b: point not on the curve"):
        Proof.from_snarkjs(edited(cubic.proof_json, set_key("pi_b", b)))


def test_vk_points_off_curve(cubic: Instance) -> None:
    p = cubic.vk_json["IC"][1]
    off = [p[0], str((int(p[1]) + 1) % Q), "1"]
    with pytest.raises(MalformedInput, match=r"vk.IC\[1\]: point not on the curve"):
        VerifyingKey.from_snarkjs(edited(cubic.vk_json, set_ic(1, off)))
    with pytest.raises(MalformedInput, match="vk.vk_alpha_1: point not on the curve"):
        VerifyingKey.from_snarkjs(edited(cubic.vk_json, set_key("vk_alpha_1", off)))


def test_py_ecc_alone_accepts_the_bad_twist_point(bad_twist_point: Any) -> None:
    # Why the verifier's own subgroup check matters: py_ecc pairs it happily.
    pairing(g2_to_py(bad_twist_point), G1, final_exponentiate=False)


def test_pi_b_outside_subgroup(cubic: Instance, bad_twist_point: Any) -> None:
    doc = edited(cubic.proof_json, set_key("pi_b", toy.g2_affine_json(bad_twist_point)))
    with pytest.raises(MalformedInput, match="proof.pi_b: point not in the G2 subgroup"):
        Proof.from_snarkjs(doc)


@pytest.mark.parametrize("key", ["vk_beta_2", "vk_gamma_2", "vk_delta_2"])
def test_vk_g2_outside_subgroup(cubic: Instance, bad_twist_point: Any, key: str) -> None:
    doc = edited(cubic.vk_json, set_key(key, toy.g2_affine_json(bad_twist_point)))
    with pytest.raises(MalformedInput, match=f"vk.{key}: point not in the G2 subgroup"):
        VerifyingKey.from_snarkjs(doc)


@pytest.mark.parametrize("field,inf", [("pi_a", INF_G1), ("pi_b", INF_G2), ("pi_c", INF_G1)])
def test_proof_point_at_infinity(cubic: Instance, field: str, inf: Any) -> None:
    with pytest.raises(MalformedInput, match=f"proof.{field}: point at infinity"):
        Proof.from_snarkjs(edited(cubic.proof_json, set_key(field, inf)))


@pytest.mark.parametrize(
    "edit,name",
    [
        (set_ic(0, INF_G1), r"vk.IC\[0\]"),
        (set_ic(1, INF_G1), r"vk.IC\[1\]"),
        (set_key("vk_alpha_1", INF_G1), "vk.vk_alpha_1"),
        (set_key("vk_beta_2", INF_G2), "vk.vk_beta_2"),
        (set_key("vk_gamma_2", INF_G2), "vk.vk_gamma_2"),
        (set_key("vk_delta_2", INF_G2), "vk.vk_delta_2"),
    ],
)
def test_vk_point_at_infinity(cubic: Instance, edit: Any, name: str) -> None:
    with pytest.raises(MalformedInput, match=f"{name}: point at infinity"):
        VerifyingKey.from_snarkjs(edited(cubic.vk_json, edit))


def test_coordinates_not_below_q(cubic: Instance) -> None:
    # x + q is the same point modulo q: accepting it would give one proof two encodings
    a = cubic.proof_json["pi_a"]
    with pytest.raises(MalformedInput, match=r"proof.pi_a\[0\].*modulus"):
        Proof.from_snarkjs(edited(cubic.proof_json, set_key("pi_a", [str(int(a[0]) + Q), a[1], "1"])))
    b = copy.deepcopy(cubic.proof_json["pi_b"])
    b[0][1] = str(int(b[0][1]) + Q)
    with pytest.raises(MalformedInput, match=r"proof.pi_b\[0\]\[1\].*modulus"):
        Proof.from_snarkjs(edited(cubic.proof_json, set_key("pi_b", b)))
    p = cubic.vk_json["IC"][1]
    with pytest.raises(MalformedInput, match=r"vk.IC\[1\]\[1\].*modulus"):
        VerifyingKey.from_snarkjs(edited(cubic.vk_json, set_ic(1, [p[0], str(int(p[1]) + Q), "1"])))


def test_direct_construction_is_validated(cubic: Instance) -> None:
    with pytest.raises(MalformedInput, match="proof.pi_a"):
        Proof(a=(1, 3), b=cubic.proof.b, c=cubic.proof.c)
    with pytest.raises(MalformedInput, match="proof.pi_a"):
        Proof(a=(cubic.proof.a[0] + Q, cubic.proof.a[1]), b=cubic.proof.b, c=cubic.proof.c)
    with pytest.raises(MalformedInput, match="vk.IC"):
        VerifyingKey(cubic.vk.alpha1, cubic.vk.beta2, cubic.vk.gamma2, cubic.vk.delta2, ())
    same = VerifyingKey(
        cubic.vk.alpha1, cubic.vk.beta2, cubic.vk.gamma2, cubic.vk.delta2, list(cubic.vk.ic)  # type: ignore[arg-type]
    )
    assert same == cubic.vk


def test_gamma_equal_to_delta_is_rejected(cubic: Instance) -> None:
    doc = edited(cubic.vk_json, set_key("vk_delta_2", cubic.vk_json["vk_gamma_2"]))
    with pytest.raises(MalformedInput, match="vk.vk_delta_2: equals vk_gamma_2"):
        VerifyingKey.from_snarkjs(doc)


# ------------------------------------------------------------------ JSON shapes


def _g1_shapes(v: list[str]) -> list[tuple[Any, str]]:
    x, y, _ = v
    return [
        ([x, y], "expected 3 entries"),
        ([x, y, "1", "1"], "expected 3 entries"),
        ({"x": x, "y": y}, "expected a JSON array"),
        ([int(x), y, "1"], "decimal string"),
        ([x, y, 1], 'projective z must be "1"'),
        ([x, y, "2"], 'projective z must be "1"'),
        ([x, y, "01"], 'projective z must be "1"'),
        (["0" + x, y, "1"], "canonical"),
        ([x, " " + y, "1"], "canonical"),
        ([x, "+" + y, "1"], "canonical"),
        ([hex(int(x)), y, "1"], "canonical"),
        ("point", "expected a JSON array"),
        (None, "expected a JSON array, got null"),
    ]


@pytest.mark.parametrize("case", range(13))
def test_proof_g1_shapes(cubic: Instance, case: int) -> None:
    value, message = _g1_shapes(cubic.proof_json["pi_a"])[case]
    with pytest.raises(MalformedInput, match="proof.pi_a") as exc:
        Proof.from_snarkjs(edited(cubic.proof_json, set_key("pi_a", value)))
    assert message in str(exc.value)


@pytest.mark.parametrize("case", range(13))
def test_vk_ic_shapes(cubic: Instance, case: int) -> None:
    value, message = _g1_shapes(cubic.vk_json["IC"][0])[case]
    with pytest.raises(MalformedInput, match=r"vk.IC\[0\]") as exc:
        VerifyingKey.from_snarkjs(edited(cubic.vk_json, set_ic(0, value)))
    assert message in str(exc.value)


def _g2_shapes(v: list[list[str]]) -> list[tuple[Any, str]]:
    (x0, x1), (y0, y1), _ = v
    return [
        ([[x0, x1], [y0, y1]], "expected 3 entries"),
        ([[x0, x1], [y0, y1], ["1", "0"], ["1", "0"]], "expected 3 entries"),
        ([[x0], [y0, y1], ["1", "0"]], "expected 2 entries"),
        ([[x0, x1, "0"], [y0, y1], ["1", "0"]], "expected 2 entries"),
        ([[x0, x1], [y0, y1], ["1", "1"]], "projective z"),
        ([[x0, x1], [y0, y1], ["2", "0"]], "projective z"),
        ([[x0, x1], [y0, y1], "1"], "expected a JSON array"),
        ([[x0, x1], [y0, y1], ["1"]], "expected 2 entries"),
        ([[int(x0), x1], [y0, y1], ["1", "0"]], "decimal string"),
        ([[x0, "0" + x1], [y0, y1], ["1", "0"]], "canonical"),
        ([x0, [y0, y1], ["1", "0"]], "expected a JSON array"),
    ]


@pytest.mark.parametrize("case", range(11))
def test_proof_g2_shapes(cubic: Instance, case: int) -> None:
    value, message = _g2_shapes(cubic.proof_json["pi_b"])[case]
    with pytest.raises(MalformedInput, match="proof.pi_b") as exc:
        Proof.from_snarkjs(edited(cubic.proof_json, set_key("pi_b", value)))
    assert message in str(exc.value)


@pytest.mark.parametrize(
    "edit,message",
    [
        (set_key("protocol", "plonk"), "vk.protocol"),
        (set_key("curve", "bls12381"), "vk.curve"),
        (set_key("nPublic", 2), "vk.nPublic"),
        (set_key("nPublic", "1"), "vk.nPublic"),
        (set_key("nPublic", True), "vk.nPublic"),
        (set_key("IC", []), "vk.IC"),
        (set_key("IC", {"0": "1"}), "vk.IC"),
        (lambda d: d.pop("IC"), "vk.IC: missing"),
        (lambda d: d.pop("vk_alpha_1"), "vk.vk_alpha_1: missing"),
        (lambda d: d.pop("vk_delta_2"), "vk.vk_delta_2: missing"),
    ],
)
def test_vk_document_errors(cubic: Instance, edit: Any, message: str) -> None:
    with pytest.raises(MalformedInput, match=message):
        VerifyingKey.from_snarkjs(edited(cubic.vk_json, edit))


@pytest.mark.parametrize(
    "edit,message",
    [
        (set_key("protocol", "plonk"), "proof.protocol"),
        (set_key("curve", "bn254"), "proof.curve"),
        (lambda d: d.pop("pi_c"), "proof.pi_c: missing"),
        (lambda d: d.pop("pi_b"), "proof.pi_b: missing"),
    ],
)
def test_proof_document_errors(cubic: Instance, edit: Any, message: str) -> None:
    with pytest.raises(MalformedInput, match=message):
        Proof.from_snarkjs(edited(cubic.proof_json, edit))


@pytest.mark.parametrize("doc", [[], "proof", None, 3])
def test_not_an_object(doc: object) -> None:
    with pytest.raises(MalformedInput, match="proof: expected a JSON object"):
        Proof.from_snarkjs(doc)
    with pytest.raises(MalformedInput, match="vk: expected a JSON object"):
        VerifyingKey.from_snarkjs(doc)
