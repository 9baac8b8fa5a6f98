"""`solvent ceremony` end to end through the CLI: a multi-party transcript (two
participants and a beacon) that verifies and whose keys make proofs snarkjs and both
solvent verifiers accept; a DSL circuit's ceremony; and bad transcripts (wrong proof of
knowledge, broken hash chain, truncated files, another circuit) rejected with a clear
message and exit code 1."""

from __future__ import annotations

import hashlib
import itertools
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from solvent import _native
from solvent.backend import Groth16
from solvent.cli import main
from solvent.dsl import CircuitBuilder, build
from solvent.verifier import verify_files
from tests.harness import node


def cli(*args: object, code: int = 0) -> str:
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, f"exit {res.exit_code} (expected {code}):\n{res.output}\n{res.exception!r}"
    return res.output


@dataclass
class Transcript:
    dir: Path
    states: list[Path]
    final: Path
    key: Path


@pytest.fixture(scope="module")
def transcript(tmp_path_factory, ptau, circom_circuit) -> Transcript:
    d = tmp_path_factory.mktemp("ceremony")
    s = [d / f"c{i}.ph2" for i in range(3)]
    cli("ceremony", "init", circom_circuit.r1cs, "--ptau", ptau.plain, "--out", s[0])
    out = cli("ceremony", "contribute", s[0], "--out", s[1], "--name", "alice", "--no-prompt")
    assert "contribution #1 by 'alice'" in out
    cli("ceremony", "contribute", s[1], "--out", s[2], "--name", "bob", "--no-prompt")
    out = cli("ceremony", "finalize", s[2], "--out", d / "keys", "--beacon", "00" * 31 + "2a",
              "--beacon-iterations", "4", "--json")
    res = json.loads(out)
    assert res["header"]["setup"] == "ceremony"
    return Transcript(d, s, Path(res["state"]), Path(res["key"]))


def test_multi_party_transcript_verifies(transcript, ptau, circom_circuit):
    out = cli("ceremony", "verify", transcript.final, "--ptau", ptau.prepared, "--circuit", circom_circuit.r1cs,
              "--key", transcript.key, "--json")
    report = json.loads(out)
    assert report["ok"] and report["secure"]
    assert (report["participants"], report["beacons"]) == (2, 1)
    assert [c["name"] for c in report["contributions"]] == ["alice", "bob", "beacon"]
    header = json.loads(_native.ProvingKey.read_header(transcript.key))
    assert header["transcript_hash"] == report["transcript_hash"]
    # each published hash links to the next contribution
    cs = report["contributions"]
    assert cs[0]["prev_hash"] == report["initial_hash"]
    assert all(a["hash"] == b["prev_hash"] for a, b in itertools.pairwise(cs))


def test_ceremony_keys_prove_and_every_verifier_accepts(tmp_path, transcript, circom_circuit):
    cli("circom", "setup", circom_circuit.r1cs, "--key", transcript.key, "--out", tmp_path / "kd")
    cli("circom", "prove", tmp_path / "kd", circom_circuit.wtns, "--out", tmp_path / "proof")
    vk, pub, proof = (tmp_path / "proof" / f for f in ("verification_key.json", "public.json", "proof.json"))
    assert json.loads(vk.read_text()) == json.loads(transcript.key.with_suffix(".vk.json").read_text())
    assert node.snarkjs_verify(vk, pub, proof)
    assert verify_files(vk, proof, pub)


def _record_spans(data: bytes) -> list[tuple[int, int]]:
    hlen = int.from_bytes(data[8:12], "little")
    pos = 12 + hlen
    n = int.from_bytes(data[pos:pos + 4], "little")
    pos += 4
    spans = []
    for _ in range(n):
        ln = int.from_bytes(data[pos:pos + 4], "little")
        spans.append((pos + 4, pos + 4 + ln))
        pos += 4 + ln
    return spans


def _tampered(src: Path, dst: Path, edit) -> Path:
    data = bytearray(src.read_bytes())
    edit(data, _record_spans(bytes(data)))
    data[-32:] = hashlib.sha256(bytes(data[:-32])).digest()  # a consistent checksum
    dst.write_bytes(bytes(data))
    return dst


def _verify_fails(state: Path, ptau, circuit, needle: str) -> None:
    out = cli("ceremony", "verify", state, "--ptau", ptau, "--circuit", circuit, code=1)
    assert needle in out, out


def test_wrong_proof_of_knowledge_is_rejected(tmp_path, transcript, ptau, circom_circuit):
    def edit(data, spans):
        start, end = spans[1]           # bob's record: ... R | s | new_hash
        data[end - 64] ^= 1             # low byte of s
    bad = _tampered(transcript.final, tmp_path / "bad.ph2", edit)
    _verify_fails(bad, ptau.prepared, circom_circuit.r1cs,
                  "contribution #2 ('bob'): proof of knowledge of the secret does not verify")


def test_broken_hash_chain_is_rejected(tmp_path, transcript, ptau, circom_circuit):
    def edit(data, spans):
        start, _ = spans[1]
        name_len = int.from_bytes(data[start + 1:start + 3], "little")
        data[start + 3 + name_len] ^= 0x80   # first byte of bob's prev_hash
    bad = _tampered(transcript.final, tmp_path / "bad.ph2", edit)
    _verify_fails(bad, ptau.prepared, circom_circuit.r1cs, "contribution #2 ('bob'): hash chain broken")


def test_contributing_on_an_altered_state_is_refused(tmp_path, transcript):
    def edit(data, spans):
        # swap the last two L-query points (the key ends with them): still valid points
        a, b = bytes(data[-160:-96]), bytes(data[-96:-32])
        data[-160:-96], data[-96:-32] = b, a
    bad = _tampered(transcript.states[2], tmp_path / "bad.ph2", edit)
    out = cli("ceremony", "contribute", bad, "--out", tmp_path / "next.ph2", "--name", "carol", "--no-prompt", code=1)
    assert "does not match the hash published by its last contribution (#2 'bob')" in out, out


def test_truncated_files_are_rejected(tmp_path, transcript, ptau, circom_circuit):
    cut = tmp_path / "cut.ph2"
    cut.write_bytes(transcript.final.read_bytes()[:-500])
    _verify_fails(cut, ptau.prepared, circom_circuit.r1cs, "truncated or corrupt")
    cut_ptau = tmp_path / "cut.ptau"
    cut_ptau.write_bytes(ptau.prepared.read_bytes()[:-4096])
    _verify_fails(transcript.final, cut_ptau, circom_circuit.r1cs, "truncated file: section 15")


def test_transcript_for_another_circuit_and_foreign_key_are_rejected(tmp_path, transcript, ptau, circom_circuit):
    # the right circuit with another key file: one finalized from a shorter transcript
    cli("ceremony", "finalize", transcript.states[1], "--out", tmp_path / "k1")
    out = cli("ceremony", "verify", transcript.final, "--ptau", ptau.prepared, "--circuit", circom_circuit.r1cs,
              "--key", tmp_path / "k1" / "mulchain.pk", code=1)
    assert "transcript_hash is not this transcript's" in out, out
    ir = build(_tiny, "tiny").ir
    (tmp_path / "tiny.ir").write_bytes(ir)
    _verify_fails(transcript.final, ptau.prepared, tmp_path / "tiny.ir", "the transcript is for circuit")


def test_finalize_refuses_a_transcript_without_participants(transcript):
    out = cli("ceremony", "finalize", transcript.states[0], "--out", transcript.dir / "k0", code=1)
    assert "no participant contribution" in out


def _tiny(cs: CircuitBuilder) -> None:
    x, y = cs.private_input("x"), cs.private_input("y")
    k = cs.public_input("k")
    cs.range_check(x, 8)
    cs.public_output("out", k * (x * y) + x)


def test_dsl_circuit_ceremony_and_groth16_backend(tmp_path, ptau):
    compiled = build(_tiny, "tiny")
    ir = tmp_path / "tiny.ir"
    ir.write_bytes(compiled.ir)
    s0, s1 = tmp_path / "t0.ph2", tmp_path / "t1.ph2"
    cli("ceremony", "init", ir, "--ptau", ptau.prepared, "--out", s0)
    cli("ceremony", "contribute", s0, "--out", s1, "--name", "dora", "--no-prompt")
    cli("ceremony", "finalize", s1, "--out", tmp_path / "keys")
    cli("ceremony", "verify", tmp_path / "keys" / "tiny.ph2", "--ptau", ptau.plain, "--circuit", ir,
        "--key", tmp_path / "keys" / "tiny.pk")
    backend = Groth16()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ceremony key is not flagged insecure
        keys = backend.load_keys(tmp_path / "keys", compiled)
    assert keys.setup == "ceremony" and not keys.insecure
    res = backend.prove(keys, compiled, backend.witness(compiled, {"x": 7, "y": 9, "k": 2}))
    assert compiled.name_publics(res.public) == {"k": 2, "out": 2 * 63 + 7}
    d = tmp_path / "proof"
    d.mkdir()
    (d / "proof.json").write_text(json.dumps(res.proof))
    (d / "public.json").write_text(json.dumps([str(x) for x in res.public]))
    vk = tmp_path / "keys" / "tiny.vk.json"
    assert node.snarkjs_verify(vk, d / "public.json", d / "proof.json")
    assert verify_files(vk, d / "proof.json", d / "public.json")


def committed_balance(cs):
    """A one-public-output DSL circuit named by `module:function` in the test below."""
    balance, salt = cs.private_input("balance"), cs.private_input("salt")
    cs.range_check(balance, 64)
    cs.public_output("commitment", cs.poseidon([balance, salt]))


def test_circuit_specs(tmp_path):
    from solvent.backend.ceremony import load_circuit
    c = load_circuit("tests.interop.test_ceremony_cli:committed_balance", name="core_demo")
    assert (c.kind, c.name, c.num_public) == ("solvent-ir", "core_demo", 1)
    with pytest.raises(_native.InteropError, match="neither a circom"):
        (tmp_path / "x.bin").write_bytes(b"junk")
        load_circuit(tmp_path / "x.bin")
