"""The proving core end to end: DSL → IR → native witness → Groth16 → both verifiers."""

import json
import warnings

import pytest

import solvent.formulas.poseidon as pyposeidon
from solvent import _native
from solvent.backend import Groth16
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.dsl import CircuitBuilder, build
from solvent.dsl import gadgets as g
from solvent.formulas.field import R
from solvent.verifier import groth16 as pyv

P12 = 7853200120776062878684798364095072458815029376092732009249414926327459813530
P34 = 14763215145315200506921711489642608356394854266165572616578112107564877678998


def toy(cs: CircuitBuilder, bits: int = 64) -> None:
    """h = poseidon(x, y) public; x range-checked; a public input scales a product."""
    x, y = cs.private_input("x"), cs.private_input("y")
    k = cs.public_input("k")
    with cs.scope("range"):
        cs.range_check(x, bits)
    with cs.scope("hash"):
        h = cs.poseidon([x, y])
    cs.public_output("h", h)
    cs.public_output("kxy", k * (x * y))


@pytest.fixture(scope="module")
def backend():
    return Groth16()


@pytest.fixture(scope="module")
def compiled():
    return build(toy, "toy", bits=64)


@pytest.fixture(scope="module")
def keys(backend, compiled):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        return backend.setup_dev_insecure(compiled, seed=b"test")


def test_poseidon_known_answers_native_and_python():
    assert _native.poseidon([1, 2]) == P12 == pyposeidon.poseidon([1, 2])
    assert _native.poseidon([3, 4]) == P34 == pyposeidon.poseidon([3, 4])
    for n in (1, 5, 16, 17, 31, 40):
        xs = list(range(7, 7 + n))
        assert _native.hash_many("solvent.test", xs) == pyposeidon.hash_many("solvent.test", xs)
    assert _native.domain("solvent.leaf.v1", 9) == g.domain("solvent.leaf.v1", 9) == pyposeidon.domain("solvent.leaf.v1", 9)
    for b in (b"", b"a", b"x" * 31, b"y" * 32, "ünïcode".encode()):
        assert _native.encode_bytes(b) == pyposeidon.encode_bytes(b)


def test_setup_is_flagged_insecure(backend, compiled):
    with pytest.warns(InsecureSetupWarning, match="INSECURE DEVELOPMENT SETUP"):
        kp = backend.setup_dev_insecure(compiled, seed=b"flag")
    assert kp.insecure and kp.setup.startswith("dev-insecure")


def test_poseidon_vectors_inside_a_proven_circuit(backend, compiled, keys):
    w = backend.witness(compiled, {"x": 1, "y": 2, "k": 5})
    res = backend.prove(keys, compiled, w)
    named = compiled.name_publics(res.public)
    assert named == {"k": 5, "h": P12, "kxy": 10}
    assert backend.verify_native(keys.vk_json, res.public, res.proof)
    vk = pyv.VerifyingKey.from_snarkjs(keys.vk_json)
    assert pyv.verify(vk, res.public, pyv.Proof.from_snarkjs(res.proof))


def test_tampered_public_input_rejected_by_both_verifiers(backend, compiled, keys):
    w = backend.witness(compiled, {"x": 3, "y": 4, "k": 1})
    res = backend.prove(keys, compiled, w)
    assert res.public[1] == P34
    vk = pyv.VerifyingKey.from_snarkjs(keys.vk_json)
    proof = pyv.Proof.from_snarkjs(res.proof)
    for i in range(len(res.public)):
        bad = list(res.public)
        bad[i] = (bad[i] + 1) % R
        assert not backend.verify_native(keys.vk_json, bad, res.proof)
        assert not pyv.verify(vk, bad, proof)
    # the same input plus r: reduced it would verify, so both verifiers must refuse it
    aliased = list(res.public)
    aliased[0] += R
    with pytest.raises(ValueError):
        backend.verify_native(keys.vk_json, aliased, res.proof)
    with pytest.raises(ValueError):
        pyv.verify(vk, aliased, proof)


def test_tampered_proof_rejected_by_both_verifiers(backend, compiled, keys):
    w = backend.witness(compiled, {"x": 3, "y": 4, "k": 1})
    res = backend.prove(keys, compiled, w)
    vk = pyv.VerifyingKey.from_snarkjs(keys.vk_json)
    other = backend.prove(keys, compiled, backend.witness(compiled, {"x": 5, "y": 4, "k": 1}))
    for field in ("pi_a", "pi_b", "pi_c"):
        bad = dict(res.proof)
        bad[field] = other.proof[field]  # a valid point, wrong for this statement
        assert not backend.verify_native(keys.vk_json, res.public, bad)
        assert not pyv.verify(vk, res.public, pyv.Proof.from_snarkjs(bad))
    off_curve = json.loads(json.dumps(res.proof))
    off_curve["pi_a"][1] = str(int(off_curve["pi_a"][1]) + 1)
    with pytest.raises(_native.FormatError, match="not on the curve"):
        _native.Proof.from_json(json.dumps(off_curve))


def test_range_check_stops_two_to_the_64(backend, compiled, keys):
    with pytest.raises(_native.WitnessError, match="64 bits.*range"):
        backend.witness(compiled, {"x": 2**64, "y": 0, "k": 1})
    # a cheating prover who fills the bits anyway: the constraints stop it
    w = backend.witness(compiled, {"x": 2**64, "y": 0, "k": 1}, strict=False)
    failing = backend.circuit(compiled).first_unsatisfied(w)
    assert failing is not None and failing[2] == "BITS" and failing[3] == "range"
    with pytest.raises(_native.UnsatisfiedError, match="BITS 'range'"):
        backend.prove(keys, compiled, w)
    forged = backend.prove(keys, compiled, w, check=False)
    assert not backend.verify_native(keys.vk_json, forged.public, forged.proof)
    # 2^64 - 1 is fine
    backend.witness(compiled, {"x": 2**64 - 1, "y": 0, "k": 1})


def test_wrong_poseidon_preimage_fails(backend, compiled, keys):
    w = backend.witness(compiled, {"x": 1, "y": 2, "k": 1})
    h_wire = compiled.group("h").first
    forged = w.with_wire(h_wire, P34)  # claim poseidon(1, 2) = poseidon(3, 4)
    failing = backend.circuit(compiled).first_unsatisfied(forged)
    assert failing is not None and failing[2] in ("LIN", "POSEIDON")
    proof = backend.prove(keys, compiled, forged, check=False)
    assert not backend.verify_native(keys.vk_json, proof.public, proof.proof)


def test_verifying_key_of_another_circuit_rejects(backend, compiled, keys):
    other = build(toy, "toy32", bits=32)
    assert other.hash != compiled.hash
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        other_keys = backend.setup_dev_insecure(other, seed=b"other")
    res = backend.prove(keys, compiled, backend.witness(compiled, {"x": 1, "y": 2, "k": 1}))
    assert not backend.verify_native(other_keys.vk_json, res.public, res.proof)
    with pytest.raises(_native.KeyFileError, match="proving key is for circuit"):
        backend.prove(other_keys, compiled, backend.witness(compiled, {"x": 1, "y": 2, "k": 1}))


def test_key_files_round_trip_and_detect_corruption(backend, compiled, keys, tmp_path):
    backend.save_keys(keys, tmp_path)
    loaded = backend.load_keys(tmp_path, compiled)
    assert loaded.vk_json == keys.vk_json and loaded.setup == keys.setup
    res = backend.prove(loaded, compiled, backend.witness(compiled, {"x": 9, "y": 9, "k": 9}))
    assert backend.verify_native(keys.vk_json, res.public, res.proof)
    pk = tmp_path / "toy.pk"
    data = bytearray(pk.read_bytes())
    data[len(data) // 2] ^= 1
    pk.write_bytes(bytes(data))
    with pytest.raises(_native.KeyFileError, match="checksum|corrupt"):
        backend.load_keys(tmp_path, compiled)
    pk.write_bytes(bytes(data[: len(data) // 3]))
    with pytest.raises(_native.KeyFileError):
        backend.load_keys(tmp_path, compiled)


def test_inputs_are_validated_by_name_and_range(compiled):
    with pytest.raises(ValueError, match="missing input 'y'"):
        compiled.input_vector({"x": 1, "k": 1})
    with pytest.raises(ValueError, match="unknown inputs"):
        compiled.input_vector({"x": 1, "y": 1, "k": 1, "z": 2})
    with pytest.raises(ValueError, match=r"not in \[0, r\)"):
        compiled.input_vector({"x": R, "y": 1, "k": 1})
