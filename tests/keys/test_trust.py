"""Key trust, unit by unit: the decision rule (both the recompiled IR hash and the key's
own hash must match the evidence), trusted-keys files and the trust store (versioned,
atomic, locked, never silently replaced), and the published schema."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from solvent.attestation.models import Shape
from solvent.attestation.trust import (
    Evidence,
    Refusal,
    TrustEvidence,
    all_trusted,
    assess,
    decide,
    trusted_keys,
    vk_differences,
)
from solvent.attestation.trust_files import (
    PinnedKey,
    TrustedKeysFile,
    TrustFileError,
    TrustStore,
    default_store_path,
    load_trusted_keys,
    pinned_evidence,
    store_entry,
    write_trusted_keys,
)

IR, VK, OTHER = "11" * 32, "22" * 32, "33" * 32
SHAPE = Shape(n_assets=1, batch_size=2, capacity=2, range_bits=64, with_debt=False)


def ev(kind="pinned", ir=IR, vk=VK, source="list.json"):
    return Evidence(kind, "c", ir, vk, source, f"{kind} detail")


def test_both_hashes_must_match():
    assert decide("batch", "c", IR, VK, TrustEvidence([ev()])).kind == "pinned"
    wrong_ir = decide("batch", "c", IR, VK, TrustEvidence([ev(ir=OTHER)]))
    assert not wrong_ir.trusted and "vouches for this key but for IR hash 33333333" in wrong_ir.detail
    wrong_vk = decide("batch", "c", IR, VK, TrustEvidence([ev(vk=OTHER)]))
    assert not wrong_vk.trusted and "the key trusted for this circuit is not this one: trusted 3333333333333333…" \
        in wrong_vk.detail
    nothing = decide("batch", "c", IR, VK, TrustEvidence())
    assert not nothing.trusted and "no evidence for this key" in nothing.detail
    assert not decide("batch", "c", None, VK, TrustEvidence([ev()])).trusted, "a circuit not recompiled is not trusted"
    assert not decide("batch", "c", IR, None, TrustEvidence([ev()])).trusted, "a malformed key is not trusted"


def test_labels_are_claims_and_the_strongest_evidence_is_shown():
    k = decide("top", "c", IR, VK, TrustEvidence(), claimed_setup="ceremony", claimed_transcript_hash="aa" * 32)
    assert not k.trusted and k.claimed_setup == "ceremony"
    both = TrustEvidence([ev("pinned"), ev("ceremony", source="c.ph2"), ev("trust-store")])
    assert decide("top", "c", IR, VK, both).kind == "ceremony"
    assert decide("top", "c", IR, VK, TrustEvidence([ev("pinned"), ev("trust-store")])).kind == "trust-store"


def test_refusals_name_the_file_and_reason():
    e = TrustEvidence(refusals=[Refusal("c", "dir/c.ph2", "the transcript is for circuit d")])
    k = decide("solvency", "c", IR, VK, e)
    assert not k.trusted and "dir/c.ph2: the transcript is for circuit d" in k.detail
    assert k.describe().startswith("solvency key (c, vk 2222222222222222…): NOT TRUSTED — dir/c.ph2")
    assert not all_trusted([]) and not all_trusted([k])


def test_assess_uses_the_recompiled_circuit_and_the_keys_own_hash(attested):
    _, att, _ = attested
    keys = assess(att, TrustEvidence())
    assert [k.role for k in keys] == ["batch", "top"] and not any(k.trusted for k in keys)
    refs = {c.role: c for c in att.statement.circuits}
    assert all(k.ir_hash == refs[k.role].ir_hash and k.vk_hash == refs[k.role].vk_hash for k in keys)
    evidence = TrustEvidence([Evidence("pinned", k.name, k.ir_hash, k.vk_hash, "x", "y") for k in keys])
    assert [k.role for k in trusted_keys(att, evidence)] == ["batch", "top"]
    # the statement's own vk_hash is not what is compared: a key that differs from it is not trusted
    other = att.model_copy(update={"verifying_keys": {**att.verifying_keys,
                                                      "liabilities_top": att.verifying_keys["liabilities_batch"]}})
    assert [k.role for k in trusted_keys(other, evidence)] == ["batch"]


def test_vk_differences_name_the_points(attested):
    _, att, _ = attested
    vk = att.verifying_keys["liabilities_top"]
    assert vk_differences(vk, vk) == []
    changed = json.loads(json.dumps(vk))
    changed["vk_delta_2"] = att.verifying_keys["liabilities_batch"]["vk_delta_2"]
    changed["IC"][1] = vk["IC"][0]
    assert vk_differences(vk, changed) == ["delta2", "IC[1]"]
    assert vk_differences(vk, {"protocol": "groth16"}) == ["malformed key"]


def _pin(**kw) -> PinnedKey:
    base = dict(shape=SHAPE, circuit="c", ir_hash=IR, vk_hash=VK, transcript_hash=OTHER, ptau_hash=OTHER)
    return PinnedKey(**{**base, **kw})


def test_trusted_keys_file_round_trip_and_errors(tmp_path):
    path = tmp_path / "keys.json"
    write_trusted_keys(path, [_pin(note="alice, bob")], "Audit LLP")
    with pytest.raises(FileExistsError):
        write_trusted_keys(path, [_pin()], "someone else")
    doc = load_trusted_keys(path)
    assert doc.publisher == "Audit LLP" and doc.keys[0].note == "alice, bob"
    e = pinned_evidence(path)
    assert e.keys[0].kind == "pinned" and "sha256" in e.keys[0].source and "Audit LLP" in e.keys[0].detail
    raw = json.loads(path.read_text())
    raw["keys"][0]["ir_hash"] = "XYZ"
    path.write_text(json.dumps(raw))
    with pytest.raises(TrustFileError, match=r"keys\.json: not a trusted-keys file .*keys\.0\.ir_hash"):
        load_trusted_keys(path)
    raw["version"] = "solvent.trusted-keys/9"
    path.write_text(json.dumps(raw))
    with pytest.raises(TrustFileError, match="version"):
        load_trusted_keys(path)


def _entry(ir=IR, vk=VK, transcript=OTHER):
    return store_entry("c", ir, vk, transcript, OTHER, ["alice", "bob"], 1, SHAPE)


def test_trust_store_is_keyed_atomic_and_never_silently_replaced(tmp_path):
    store = TrustStore(tmp_path / "sub" / "trust.json")
    assert store.entries() == [], "a missing store is empty"
    assert store.add([_entry(), _entry(vk=OTHER)]) == 2
    assert store.add([_entry()]) == 0, "a re-check replaces its own record"
    assert len(store.entries()) == 2
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    assert {e.kind for e in store.evidence().keys} == {"trust-store"}
    store.path.write_text("{ not json")
    with pytest.raises(TrustFileError, match="trust.json: not a trust store"):
        store.add([_entry(transcript=IR)])
    assert store.path.read_text() == "{ not json", "a broken store is left for a person to look at"


def _add_many(path: str, k: int) -> None:
    TrustStore(Path(path)).add([_entry(transcript=f"{k:064x}")])


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "trust.json"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_add_many, args=(str(path), k)) for k in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert len(TrustStore(path).entries()) == 6


def test_default_store_location(monkeypatch, tmp_path):
    monkeypatch.delenv("SOLVENT_TRUST_STORE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_store_path() == tmp_path / "solvent" / "trust.json"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_store_path() == Path.home() / ".cache" / "solvent" / "trust.json"
    monkeypatch.setenv("SOLVENT_TRUST_STORE", str(tmp_path / "x.json"))
    assert default_store_path() == tmp_path / "x.json"


def test_schema_file_is_current():
    path = Path(__file__).parents[2] / "schemas" / "trusted-keys.schema.json"
    assert json.loads(path.read_text()) == TrustedKeysFile.model_json_schema(), \
        "run: python -m solvent.attestation.schema trusted-keys > schemas/trusted-keys.schema.json"


def test_recompiling_for_trust_needs_no_native_module():
    """The pinned and trust-store paths recompile circuits in pure Python: run in a fresh
    interpreter where importing solvent._native fails."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['solvent._native'] = None\n"
        "from solvent.attestation.trust import decide, recompiled\n"
        "from solvent.circuits.compile import compile_circuits\n"
        "from solvent.circuits.shape import BookShape\n"
        "from solvent.attestation import verify, trust_files\n"
        "c = compile_circuits(BookShape(n_assets=1, batch_size=2, capacity=2))\n"
        "print(sorted(c), 'solvent._native' in sys.modules and sys.modules['solvent._native'] is not None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['batch', 'top'] False"


def test_keys_pin_and_list_from_a_store(attested, tmp_path):
    """`keys pin` publishes only what the store re-verified, for every circuit of the
    shape (refusing a gap), and `verify --trusted-keys` then trusts exactly those keys."""
    from click.testing import CliRunner

    from solvent.cli import main

    _, att, att_dir = attested

    def run(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    store = TrustStore(tmp_path / "store.json")
    keys = assess(att, TrustEvidence())
    r = run("keys", "pin", "--attestation", att_dir, "--trust-store", store.path, "--out", tmp_path / "p.json")
    assert r.exit_code == 2 and "no re-verified ceremony for liabilities_batch, liabilities_top" in r.output
    store.add([store_entry(keys[0].name, keys[0].ir_hash, keys[0].vk_hash, OTHER, OTHER, ["a"], 0, att.statement.shape)])
    r = run("keys", "pin", "--attestation", att_dir, "--trust-store", store.path, "--out", tmp_path / "p.json")
    assert r.exit_code == 2 and "no re-verified ceremony for liabilities_top with the attestation's key" in r.output
    store.add([store_entry(keys[1].name, keys[1].ir_hash, keys[1].vk_hash, OTHER, OTHER, ["a"], 0, att.statement.shape)])
    r = run("keys", "list", "--trust-store", store.path)
    assert r.exit_code == 0 and r.stdout.count("liabilities_") == 2
    r = run("keys", "pin", "--attestation", att_dir, "--trust-store", store.path, "--out", tmp_path / "p.json",
            "--publisher", "Tests")
    assert r.exit_code == 0, r.output
    assert [k.circuit for k in load_trusted_keys(tmp_path / "p.json").keys] == ["liabilities_batch", "liabilities_top"]
    r = run("verify", att_dir, "--fast", "--trusted-keys", tmp_path / "p.json", "--trust-store", tmp_path / "no.json")
    assert r.exit_code == 0 and r.output.count("pinned — pinned in p.json published by 'Tests'") == 2
    r = run("verify", att_dir, "--fast", "--trusted-keys", tmp_path / "store.json")
    assert r.exit_code == 2 and "not a trusted-keys file" in r.output, "a store is not a trusted-keys file"
