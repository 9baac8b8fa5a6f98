"""The test powers-of-tau writer (``_native.ptau_write_insecure_for_tests``) makes exactly
what snarkjs makes: its prepared file is byte-identical to ``snarkjs powersoftau prepare
phase2`` run on its plain file, including section 12's extra level 2^(power+1), which
``snarkjs groth16 setup`` reads for the H query of a circuit whose domain is the file's
whole 2^power. Such keys give valid proofs; with that level zeroed (what the writer used
to leave) they do not."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from solvent import _native
from tests.harness import node

SEED = b"solvent ptau fixture (INSECURE: the seed gives tau, alpha, beta)"


def sections(data: bytes) -> dict[int, tuple[int, int]]:
    """iden3 binary container: section id -> (offset of its data, size)."""
    assert data[:4] == b"ptau"
    n = struct.unpack_from("<I", data, 8)[0]
    pos, out = 12, {}
    for _ in range(n):
        sid, size = struct.unpack_from("<IQ", data, pos)
        out[sid] = (pos + 12, size)
        pos += 12 + size
    assert pos == len(data)
    return out


@pytest.fixture(scope="module")
def fixture_ptau(tmp_path_factory, circom_circuit):
    """Plain and prepared test ptau files whose 2^power is exactly the circuit's domain."""
    domain = _native.CeremonyCircuit.from_r1cs(circom_circuit.r1cs).domain_size
    power = domain.bit_length() - 1
    d = tmp_path_factory.mktemp("fixture-ptau")
    plain, prepared = d / "plain.ptau", d / "prepared.ptau"
    _native.ptau_write_insecure_for_tests(plain, power, SEED, lagrange=False)
    _native.ptau_write_insecure_for_tests(prepared, power, SEED, lagrange=True)
    return power, plain, prepared


def test_prepared_fixture_is_byte_identical_to_snarkjs(fixture_ptau, tmp_path):
    power, plain, prepared = fixture_ptau
    by_snarkjs = tmp_path / "snarkjs-prepared.ptau"
    node.snarkjs("powersoftau", "prepare", "phase2", plain, by_snarkjs)
    ours, theirs = prepared.read_bytes(), by_snarkjs.read_bytes()
    assert sections(ours).keys() == sections(theirs).keys() == {1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15}
    offset, size = sections(ours)[12]
    top = 2 * (1 << power) * 64  # level power + 1: 2N points of 64 bytes at the end of section 12
    assert ours[offset + size - top: offset + size] != bytes(top), "the top Lagrange level is filled"
    assert ours == theirs


def _snarkjs_proof_ok(ptau: Path, circuit, d: Path) -> bool:
    d.mkdir()
    zkey, proof, public, vk = d / "c.zkey", d / "proof.json", d / "public.json", d / "vk.json"
    node.snarkjs("groth16", "setup", circuit.r1cs, ptau, zkey)
    node.snarkjs("groth16", "prove", zkey, circuit.wtns, proof, public)
    node.snarkjs("zkey", "export", "verificationkey", zkey, vk)
    return node.snarkjs_verify(vk, public, proof)


def test_snarkjs_keys_from_a_fixture_of_the_circuits_own_domain_prove(fixture_ptau, circom_circuit, tmp_path):
    power, _, prepared = fixture_ptau
    assert _native.CeremonyCircuit.from_r1cs(circom_circuit.r1cs).domain_size == 1 << power
    assert _native.ptau_info(prepared)["power"] == power
    assert _snarkjs_proof_ok(prepared, circom_circuit, tmp_path / "filled")
    # the writer's old output — the top level left zero — makes keys whose proofs fail
    data = bytearray(prepared.read_bytes())
    offset, size = sections(bytes(data))[12]
    top = 2 * (1 << power) * 64
    data[offset + size - top: offset + size] = bytes(top)
    zeroed = tmp_path / "zeroed.ptau"
    zeroed.write_bytes(bytes(data))
    assert not _snarkjs_proof_ok(zeroed, circom_circuit, tmp_path / "zeroed")
