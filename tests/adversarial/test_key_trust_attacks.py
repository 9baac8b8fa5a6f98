"""A cheating institution against key trust, and the honest path end to end.

The institution is the prover, the signer and the key maker. Here it runs a real
two-contributor ceremony plus beacon per circuit of a small book shape (what an auditor
re-verifies with `solvent keys trust`), then tries what issue 11 describes: a key with a
known trapdoor for a stand-in circuit with the solvency circuit's public-input count,
a forged "every asset covered" solvency proof while BTC reserves are half its
liabilities, the keys labelled "ceremony" (or honestly "dev-insecure"), re-signed. Each
attempt — and a transcript for another circuit, a transcript whose key differs in one
point, a pinned entry for another circuit — is refused with a message naming the key.
"""

from __future__ import annotations

import json
import shutil
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from solvent import _native
from solvent.attestation import hashing
from solvent.attestation.models import ProofJson, SolvencySection
from solvent.attestation.proofs import PYTHON_PROOFS
from solvent.attestation.trust import TrustEvidence
from solvent.attestation.trust_files import PinnedKey, TrustStore, pinned_evidence, write_trusted_keys
from solvent.attestation.verify import verify
from solvent.backend import NATIVE_PROOFS
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.circuits.compile import compile_circuits
from solvent.circuits.shape import BookShape
from solvent.cli import main
from solvent.dsl import CircuitBuilder, build
from solvent.formulas.amounts import format_amount
from solvent.pipeline import keys as keymod
from solvent.pipeline import solvency_step
from solvent.pipeline.prove import prove_book
from solvent.pipeline.statement import ProveOptions
from solvent.verifier import VerifyingKey, vk_hash
from tests.liabilities.helpers import small_book
from tests.solvency.helpers import signed_reserves

SNAPSHOT = "2026-11-21T00:00:00Z"
POWER = 12  # every circuit of the shape below fits a 2^12 domain


def cli(*args: object, code: int = 0):
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code == code, f"exit {r.exit_code} (expected {code}):\n{r.output}"
    return r


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory):
    """``solvent setup --circuits-only`` for a 2-asset shape (batch 4, capacity 2,
    solvency), and per circuit: init, contributions by alice and bob, finalize with a
    beacon — all into one keys directory, as docs/ceremony.md describes."""
    d = tmp_path_factory.mktemp("key-trust")
    (d / "assets.csv").write_text("symbol,decimals\nBTC,8\nUSDT,6\n")
    ptau = d / "pot12.ptau"
    _native.ptau_write_insecure_for_tests(ptau, POWER, b"key-trust tests (INSECURE ptau)", lagrange=True)
    keys = d / "keys"
    out = json.loads(cli("setup", "--assets", d / "assets.csv", "--batch-size", 4, "--capacity", 2,
                         "--statements", "liabilities,solvency", "--out", keys, "--circuits-only", "--json").stdout)
    for c in out["circuits"].values():
        s = d / c["name"]
        cli("ceremony", "init", c["ir"], "--ptau", ptau, "--out", f"{s}-0.ph2")
        cli("ceremony", "contribute", f"{s}-0.ph2", "--out", f"{s}-1.ph2", "--name", "alice", "--no-prompt")
        cli("ceremony", "contribute", f"{s}-1.ph2", "--out", f"{s}-2.ph2", "--name", "bob", "--no-prompt")
        cli("ceremony", "finalize", f"{s}-2.ph2", "--out", keys, "--beacon", "5e" * 32)
    return d, keys, ptau


@pytest.fixture(scope="module")
def backend():
    from solvent.backend import Groth16

    return Groth16()


@pytest.fixture(scope="module")
def shape_keys(ceremony, backend):
    _, keys, _ = ceremony
    return keymod.load(keys, backend)


def _book():
    return small_book(6)


def _liabilities(book) -> dict[str, int]:
    eq, _ = book.totals()
    return {"BTC": eq[0], "USDT": eq[1]}


def _prove(sk, institution, backend, out: Path, reserves: dict[str, int], epoch: int = 1):
    opts = ProveOptions(epoch=epoch, snapshot_time=SNAPSHOT, reserves=reserves,
                        reserves_document=signed_reserves(reserves, institution.name, epoch, SNAPSHOT))
    return prove_book(_book(), sk, institution, opts, out, backend)


@pytest.fixture(scope="module")
def honest(shape_keys, institution, backend, tmp_path_factory):
    """A solvent institution's attestation under the ceremony keys."""
    out = tmp_path_factory.mktemp("honest") / "att"
    return _prove(shape_keys, institution, backend, out, _liabilities(_book())), out


@pytest.fixture(scope="module")
def auditor_store(ceremony, tmp_path_factory):
    """The auditor's trust store after `solvent keys trust` of the real ceremony."""
    _, keys, ptau = ceremony
    store = tmp_path_factory.mktemp("auditor") / "trust.json"
    r = cli("keys", "trust", "--ceremony", keys, "--ptau", ptau, "--trust-store", store)
    assert r.output.count("✓") == 3 and "3 key(s) recorded" in r.output, r.output
    return store


# ---------------------------------------------------------------- the honest path, end to end


def test_keys_trust_then_verify_is_valid_with_the_evidence_printed(honest, auditor_store, tmp_path):
    _, att_dir = honest
    r = cli("verify", att_dir, "--trust-store", auditor_store)
    assert "VALID" in r.output and "NOT VALID" not in r.output and "UNTRUSTED" not in r.output
    for name in ("liabilities_batch", "liabilities_top", "liabilities_solvency"):
        assert f"key ({name}, vk" in r.output
    assert r.output.count("trust-store — transcript") == 3 and "2 participants (alice, bob), 1 beacon" in r.output
    report = json.loads(cli("verify", att_dir, "--trust-store", auditor_store, "--fast", "--json").stdout)
    assert report["valid"] and report["keys_trusted"] is True and report["verdict"] == "VALID"
    assert [k["evidence"] for k in report["keys"]] == ["trust-store"] * 3
    # the same attestation on a machine with an empty trust store and no ceremony files
    r = cli("verify", att_dir, "--trust-store", tmp_path / "empty.json", code=3)
    assert "NOT VALID: the proofs cannot be trusted because their keys are unverified" in r.output
    assert r.output.count("NOT TRUSTED — no evidence for this key") == 3


def test_inline_ceremony_check_is_recorded_and_pins_publish_it(ceremony, honest, auditor_store, tmp_path):
    _, keys, ptau = ceremony
    _, att_dir = honest
    store = tmp_path / "fresh.json"
    r = cli("verify", att_dir, "--fast", "--ceremony", keys, "--ptau", ptau, "--trust-store", store)
    assert r.output.count("ceremony — transcript") == 3 and "(checked now)" in r.output
    assert len(TrustStore(store).entries()) == 3, "the inline check is recorded"
    assert json.loads(cli("keys", "list", "--trust-store", store, "--json").stdout)["entries"][0]["participants"] \
        == ["alice", "bob"]
    # the auditor publishes what it checked; a customer with nothing else relies on it
    pins = tmp_path / "auditor-keys.json"
    r = cli("keys", "pin", "--attestation", att_dir, "--trust-store", auditor_store, "--publisher", "Audit LLP",
            "--out", pins)
    assert "sha256" in r.output
    cli("keys", "pin", "--attestation", att_dir, "--trust-store", auditor_store, "--out", pins, code=2)  # no --force
    r = cli("verify", att_dir, "--fast", "--trusted-keys", pins, "--trust-store", tmp_path / "none.json")
    assert r.output.count("pinned — pinned in auditor-keys.json published by 'Audit LLP'") == 3
    # the schema published for the file accepts it
    import jsonschema

    schema = json.loads((Path(__file__).parents[2] / "schemas" / "trusted-keys.schema.json").read_text())
    jsonschema.validate(json.loads(pins.read_text()), schema)


def test_ceremony_verify_against_the_attestation(ceremony, honest):
    _, keys, ptau = ceremony
    _, att_dir = honest
    r = cli("ceremony", "verify", keys / "liabilities_solvency.ph2", "--ptau", ptau, "--attestation", att_dir)
    assert "its final key is the solvency key of" in r.output


# ---------------------------------------------------------------- the cheating institution


def anything_goes(cs: CircuitBuilder, n_assets: int) -> None:
    """The solvency circuit's public layout (context, totals commitment, reserves per
    asset; coverage per asset out) with nothing tying coverage to anything."""
    cs.public_input("context")
    cs.public_input("totals_commitment")
    cs.public_input("reserves", (n_assets,))
    claim = cs.private_input("claim", (n_assets,))
    cs.public_output("coverage", [claim[i] * 1 for i in range(n_assets)])


def _forged_solvency(fake, fake_keys):
    """What the cheat runs instead of the solvency step: a proof under its own key that
    every asset is covered, whatever the reserves."""
    def prove_solvency(book, sk, inst, opts, context, tt, backend):
        symbols = [a.symbol for a in book.assets]
        res = [opts.reserves[s] for s in symbols]
        w = backend.witness(fake, {"context": context, "totals_commitment": tt.totals_commitment, "reserves": res,
                                   "claim": [1] * len(symbols)})
        p = backend.prove(fake_keys, fake, w)
        return SolvencySection(mode="pass_fail", coverage=dict.fromkeys(symbols, 1), proof=ProofJson(**p.proof),
                               reserves={a.symbol: format_amount(r, a.decimals) for a, r in zip(book.assets, res, strict=True)})
    return prove_solvency


@pytest.fixture(scope="module", params=["ceremony", "dev-insecure"])
def forged(request, shape_keys, institution, backend, tmp_path_factory):
    """Half the BTC it owes, a solvency proof saying every asset is covered, under a key
    whose trapdoor the institution knows, labelled as ``request.param``; the real book and
    the batch and top proofs under the real ceremony keys; signed."""
    fake = build(anything_goes, "liabilities_solvency_forged", n_assets=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        fake_keys = backend.setup_dev_insecure(fake, seed=b"the institution knows this trapdoor")
    label = "ceremony" if request.param == "ceremony" else fake_keys.setup
    fake_keys = replace(fake_keys, setup=label, transcript_hash="ab" * 32 if label == "ceremony" else None)
    assert VerifyingKey.from_snarkjs(fake_keys.vk_json).n_public == 6
    sk = replace(shape_keys, keys={**shape_keys.keys, "solvency": fake_keys})
    reserves = _liabilities(_book())
    reserves["BTC"] //= 2
    out = tmp_path_factory.mktemp(f"forged-{request.param}") / "att"
    mp = pytest.MonkeyPatch()
    mp.setattr(solvency_step, "prove_solvency", _forged_solvency(fake, fake_keys))
    try:
        att = _prove(sk, institution, backend, out, reserves)
    finally:
        mp.undo()
    assert att.solvency.coverage == {"BTC": 1, "USDT": 1}
    ref = next(c for c in att.statement.circuits if c.role == "solvency")
    assert ref.name == "liabilities_solvency" and ref.setup == label
    return att, out, label


def test_forged_solvency_key_is_refused_naming_it(forged, auditor_store):
    att, att_dir, label = forged
    # every check passes — the forgery is internally consistent — which is why trust matters
    insecure = verify(att, proof_checker=NATIVE_PROOFS, allow_insecure_keys=True)
    assert insecure.checks_ok, [c for c in insecure.checks if not c.ok]
    evidence = TrustStore(auditor_store).evidence()
    for fast in (False, True):
        report = verify(att, proof_checker=NATIVE_PROOFS if fast else PYTHON_PROOFS, trust_evidence=evidence)
        assert not report.valid and report.verdict == "NOT VALID — UNTRUSTED KEYS"
        assert [k.role for k in report.untrusted()] == ["solvency"], "batch and top are the real ceremony keys"
        bad = report.untrusted()[0]
        assert bad.claimed_setup == label
        assert "the key trusted for this circuit is not this one" in bad.detail
    r = cli("verify", att_dir, "--trust-store", auditor_store, "--fast", code=3)
    line = next(x for x in r.output.splitlines() if "NOT TRUSTED" in x)
    assert line.startswith(" ✗ solvency key (liabilities_solvency, vk ") and f"claims setup '{label}'" in line
    assert "NOT VALID" in r.output


def test_forged_key_with_no_evidence_at_all_is_not_valid(forged, tmp_path):
    _, att_dir, _ = forged
    r = cli("verify", att_dir, "--fast", "--trust-store", tmp_path / "empty.json", "--json", code=3)
    report = json.loads(r.stdout)
    assert report["keys_trusted"] is False and not report["valid"]


def test_transcript_of_another_circuit_is_refused(ceremony, honest, auditor_store, tmp_path):
    """A real transcript — the top circuit's — presented as the solvency circuit's (batch
    and top trusted from a store that knows nothing of the solvency key)."""
    _, keys, ptau = ceremony
    _, att_dir = honest
    store = TrustStore(tmp_path / "store.json")
    store.add([e for e in TrustStore(auditor_store).entries() if e.circuit != "liabilities_solvency"])
    swapped = tmp_path / "ceremony"
    swapped.mkdir()
    shutil.copyfile(keys / "liabilities_top.ph2", swapped / "liabilities_solvency.ph2")
    r = cli("verify", att_dir, "--fast", "--ceremony", swapped, "--ptau", ptau, "--trust-store", store.path, code=3)
    line = next(x for x in r.output.splitlines() if "NOT TRUSTED" in x)
    assert line.startswith(" ✗ solvency key (liabilities_solvency, vk ")
    assert "liabilities_solvency.ph2: the transcript does not verify against the circuit recompiled" in line
    assert "the transcript is for circuit" in line
    assert r.output.count(" ✓ ") and "batch key (liabilities_batch" in r.output
    assert len(store.entries()) == 2, "nothing that failed is recorded"
    r = cli("keys", "trust", "--ceremony", swapped, "--ptau", ptau, "--shape", keys / "shape.json",
            "--trust-store", tmp_path / "store2.json", code=1)
    assert "✗ liabilities_solvency:" in r.output and "the transcript is for circuit" in r.output
    assert "0 key(s) recorded" in r.output


def _with_key(att, name: str, vk: dict, institution):
    """``att`` re-stated with another verifying key for circuit ``name``, re-signed."""
    refs = [c.model_copy(update={"vk_hash": vk_hash(VerifyingKey.from_snarkjs(vk))}) if c.name == name else c
            for c in att.statement.circuits]
    st = att.statement.model_copy(update={"circuits": refs})
    sh = hashing.statement_hash(st)
    changed = att.model_copy(update={"statement": st, "statement_hash": sh,
                                     "context": str(hashing.context_of(sh, st.epoch, st.signer)),
                                     "verifying_keys": {**att.verifying_keys, name: vk}})
    return hashing.sign(changed, institution.signing_key)


def test_transcript_whose_key_differs_by_one_point_is_refused(ceremony, honest, auditor_store, institution, tmp_path):
    _, keys, ptau = ceremony
    att, _ = honest
    vk = json.loads(json.dumps(att.verifying_keys["liabilities_top"]))
    vk["IC"][2] = vk["IC"][3]  # a valid point, in one place only
    changed = _with_key(att, "liabilities_top", vk, institution)
    d = tmp_path / "att"
    d.mkdir()
    (d / "attestation.json").write_text(changed.model_dump_json())
    r = cli("ceremony", "verify", keys / "liabilities_top.ph2", "--ptau", ptau, "--attestation", d, code=1)
    assert "is not the top key liabilities_top" in r.output and "differs in IC[2]" in r.output
    r = cli("verify", d, "--fast", "--trust-store", auditor_store, code=1)  # and its proofs fail under that key
    line = next(x for x in r.output.splitlines() if "NOT TRUSTED" in x)
    assert line.startswith(" ✗ top key (liabilities_top, vk ")
    assert "the key trusted for this circuit is not this one" in line


def test_pinned_entry_for_another_circuit_is_refused(honest, auditor_store, tmp_path):
    """A pinned list that vouches for the attestation's batch key — but as the key of a
    circuit whose IR is not the one recompiled from the shape."""
    att, att_dir = honest
    entries = {e.circuit: e for e in TrustStore(auditor_store).entries()}
    # the batch circuit of another shape (batches of 2): a real circuit, not this one
    other = compile_circuits(BookShape(n_assets=2, batch_size=2, capacity=2,
                                       solvency={"mode": "pass_fail", "reserves": "public"}))["batch"].hash
    pins = [PinnedKey(shape=att.statement.shape, circuit=name,
                      ir_hash=other if name == "liabilities_batch" else e.ir_hash,
                      vk_hash=e.vk_hash, transcript_hash=e.transcript_hash, ptau_hash=e.ptau_hash)
            for name, e in entries.items()]
    path = tmp_path / "pins.json"
    write_trusted_keys(path, pins, "someone")
    report = verify(att, proof_checker=NATIVE_PROOFS, trust_evidence=pinned_evidence(path))
    assert [k.role for k in report.untrusted()] == ["batch"]
    detail = report.untrusted()[0].detail
    assert f"vouches for this key but for IR hash {other[:16]}…, not the circuit recompiled from the shape" in detail
    r = cli("verify", att_dir, "--fast", "--trusted-keys", path, "--trust-store", tmp_path / "e.json", code=3)
    assert " ✗ batch key (liabilities_batch, vk " in r.output


def test_attestation_labels_never_raise_trust(honest, institution, tmp_path):
    """The honest attestation claims 'ceremony' with a transcript hash; with no evidence
    that claim is shown, not believed."""
    att, _ = honest
    assert all(c.setup == "ceremony" and c.transcript_hash for c in att.statement.circuits)
    report = verify(att, proof_checker=NATIVE_PROOFS, trust_evidence=TrustEvidence())
    assert report.checks_ok and not report.keys_trusted and not report.valid
    assert {k.claimed_setup for k in report.keys} == {"ceremony"}


def test_transcript_without_a_participant_is_refused(ceremony, tmp_path):
    """The initial state (delta = 1, anyone can forge) presented as a finished ceremony."""
    d, keys, ptau = ceremony
    initial = tmp_path / "ceremony"
    initial.mkdir()
    shutil.copyfile(d / "liabilities_solvency-0.ph2", initial / "liabilities_solvency.ph2")
    r = cli("keys", "trust", "--ceremony", initial, "--ptau", ptau, "--shape", keys / "shape.json",
            "--trust-store", tmp_path / "store.json", code=1)
    assert "✗ liabilities_solvency:" in r.output and "no participant contribution" in r.output
    assert TrustStore(tmp_path / "store.json").entries() == []
