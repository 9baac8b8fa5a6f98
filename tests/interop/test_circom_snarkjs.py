"""circom / snarkjs interoperability: a circom2-compiled circuit, its snarkjs witness,
keys from a snarkjs zkey or a snarkjs ptau, proofs crossing between snarkjs and
solvent's verifiers in both directions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from solvent import _native
from solvent.backend import ceremony
from solvent.backend import circom as cc
from solvent.verifier import verify_files
from tests.harness import node

from .conftest import HERE


def _verified_everywhere(d: Path) -> None:
    vk, pub, proof = d / "verification_key.json", d / "public.json", d / "proof.json"
    assert node.snarkjs_verify(vk, pub, proof)
    assert verify_files(vk, proof, pub)
    public = [int(x) for x in json.loads(pub.read_text())]
    assert _native.verify(_native.VerifyingKey.from_json(vk.read_text()), public,
                          _native.Proof.from_json(proof.read_text()))


def test_r1cs_layout_and_public_values(circom_circuit):
    c = _native.CeremonyCircuit.from_r1cs(circom_circuit.r1cs)
    assert (c.kind, c.num_constraints, c.num_public) == ("circom-r1cs", 12, 2)
    z = _native.read_wtns(circom_circuit.wtns)
    x, k = circom_circuit.inputs["x"], circom_circuit.inputs["k"]
    y = x * x
    for _ in range(11):
        y = y * x + k
    # circom's wire order: one, outputs, public inputs, private inputs (solvent's columns)
    assert z[:4] == [1, y, k, x]


def test_zkey_key_proves_and_snarkjs_accepts(tmp_path, circom_circuit, zkey):
    meta = cc.setup(circom_circuit.r1cs, tmp_path / "keys", zkey=zkey.final)
    assert (meta["setup"], meta["reduction"]) == ("snarkjs-zkey", "circom")
    res = cc.prove(tmp_path / "keys", circom_circuit.wtns)
    cc.write_proof(res, tmp_path / "proof")
    _verified_everywhere(tmp_path / "proof")
    # a changed public value is refused by snarkjs and by solvent
    pub = tmp_path / "proof" / "public.json"
    pub.write_text(json.dumps([str(res.public[0] + 1), str(res.public[1])]))
    assert not node.snarkjs_verify(tmp_path / "proof" / "verification_key.json", pub, tmp_path / "proof" / "proof.json")
    assert not verify_files(tmp_path / "proof" / "verification_key.json", tmp_path / "proof" / "proof.json", pub)


def test_snarkjs_proof_verifies_with_solvent(tmp_path, circom_circuit, zkey):
    proof, public, vk = tmp_path / "proof.json", tmp_path / "public.json", tmp_path / "verification_key.json"
    node.snarkjs("groth16", "prove", zkey.final, circom_circuit.wtns, proof, public)
    node.snarkjs("zkey", "export", "verificationkey", zkey.final, vk)
    assert verify_files(vk, proof, public)
    # solvent's own key directory for the same zkey exports the same verifying key
    cc.setup(circom_circuit.r1cs, tmp_path / "keys", zkey=zkey.final)
    ours = json.loads((tmp_path / "keys" / "verification_key.json").read_text())
    theirs = json.loads(vk.read_text())
    for field in ("IC", "vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "nPublic"):
        assert ours[field] == theirs[field], field


def test_ceremony_initial_key_equals_snarkjs_initial_zkey(tmp_path, circom_circuit, ptau, zkey):
    """Same ptau, same circuit, delta = 1: solvent's derivation (IFFT over the plain ptau)
    gives snarkjs's points (from the prepared ptau's Lagrange sections)."""
    c = ceremony.load_circuit(circom_circuit.r1cs)
    ceremony.init(c, ptau.plain, tmp_path / "s0.ph2")
    ours = ceremony.info(tmp_path / "s0.ph2")["verification_key"]
    _native.circom_import_zkey(zkey.initial, c, tmp_path / "z0.pk")
    theirs = json.loads(_native.ProvingKey.load(tmp_path / "z0.pk").verifying_key().to_json())
    assert ours == theirs


def test_ptau_local_phase2_key(tmp_path, circom_circuit, ptau):
    with pytest.warns(cc.LocalPhase2Warning, match="single-party phase 2"):
        meta = cc.setup(circom_circuit.r1cs, tmp_path / "keys", ptau=ptau.plain)
    assert (meta["setup"], meta["reduction"]) == ("ptau-local-phase2", "libsnark")
    cc.write_proof(cc.prove(tmp_path / "keys", circom_circuit.wtns), tmp_path / "proof")
    _verified_everywhere(tmp_path / "proof")


def test_zkey_of_another_circuit_and_bad_witness_are_refused(tmp_path, circom_circuit, zkey):
    src = tmp_path / "other.circom"
    src.write_text((HERE / "circuits" / "mulchain.circom").read_text().replace("MulChain(12)", "MulChain(11)"))
    other = node.compile_circom(src, tmp_path / "build", cwd=tmp_path)
    with pytest.raises(_native.InteropError, match="zkey is for"):
        cc.setup(other, tmp_path / "k_other", zkey=zkey.final)

    cc.setup(circom_circuit.r1cs, tmp_path / "keys", zkey=zkey.final)
    bad = tmp_path / "bad.wtns"
    data = bytearray(circom_circuit.wtns.read_bytes())
    data[-32] ^= 1  # the last wire's value
    bad.write_bytes(bytes(data))
    with pytest.raises(_native.InteropError, match="does not satisfy constraint"):
        cc.prove(tmp_path / "keys", bad)
    # the key, the .r1cs and the witness are read at the same time: each failure still names its file
    corrupt = tmp_path / "corrupt"
    shutil.copytree(tmp_path / "keys", corrupt)
    pk = bytearray((corrupt / "circuit.pk").read_bytes())
    pk[len(pk) // 2] ^= 1
    (corrupt / "circuit.pk").write_bytes(bytes(pk))
    with pytest.raises(_native.KeyFileError, match=r"circuit\.pk: checksum mismatch"):
        cc.prove(corrupt, circom_circuit.wtns)
    swapped = tmp_path / "swapped"
    shutil.copytree(tmp_path / "keys", swapped)
    shutil.copyfile(other, swapped / "circuit.r1cs")
    with pytest.raises(_native.KeyFileError, match="the proving key is for circuit"):
        cc.prove(swapped, circom_circuit.wtns)
    (swapped / "circuit.r1cs").write_bytes(other.read_bytes()[:-7])
    with pytest.raises(_native.InteropError, match=r"circuit\.r1cs.*truncated"):
        cc.prove(swapped, circom_circuit.wtns)
    trunc = tmp_path / "trunc.zkey"
    shutil.copyfile(zkey.final, trunc)
    trunc.write_bytes(trunc.read_bytes()[:-1000])
    with pytest.raises(_native.InteropError, match="truncated"):
        cc.setup(circom_circuit.r1cs, tmp_path / "k_trunc", zkey=trunc)


def test_solvent_written_dev_zkey_is_a_zkey_snarkjs_proves_with(tmp_path, circom_circuit):
    """The INSECURE bench zkey (benches/bench_circom_interop.py) is a real snarkjs key:
    snarkjs proves with it and verifies under the key it exports, and solvent's proof with
    the same file verifies under snarkjs too."""
    z = tmp_path / "dev.zkey"
    _native.circom_dev_zkey_insecure(circom_circuit.r1cs, z, b"test seed")
    proof, public, vk = tmp_path / "proof.json", tmp_path / "public.json", tmp_path / "verification_key.json"
    node.snarkjs("groth16", "prove", z, circom_circuit.wtns, proof, public)
    node.snarkjs("zkey", "export", "verificationkey", z, vk)
    assert node.snarkjs_verify(vk, public, proof)
    cc.setup(circom_circuit.r1cs, tmp_path / "keys", zkey=z)
    exported = json.loads(vk.read_text())
    exported.pop("vk_alphabeta_12")  # snarkjs adds e(α, β); solvent's layout leaves it out
    assert json.loads((tmp_path / "keys" / "verification_key.json").read_text()) == exported
    res = cc.prove(tmp_path / "keys", circom_circuit.wtns)
    assert {"read_inputs", "qap_evaluate", "fft", "msm_h", "msm_b_g2", "prove_total"} <= set(res.profile)
    cc.write_proof(res, tmp_path / "proof")
    _verified_everywhere(tmp_path / "proof")
