"""Prove a book, verify the attestation with the pure-Python verifier, verify a
customer's inclusion proof."""

import json

from solvent.attestation import hashing
from solvent.attestation.inclusion import verify_inclusion
from solvent.attestation.proofs import PYTHON_PROOFS
from solvent.attestation.verify import load, verify
from solvent.backend import NATIVE_PROOFS
from solvent.formulas.amounts import format_amount
from solvent.pipeline.inclusion_export import export
from solvent.pipeline.prove import prove_book
from solvent.pipeline.statement import ProveOptions
from tests.liabilities.helpers import small_book


def test_bundle_layout(attested):
    book, att, out = attested
    assert (out / "attestation.json").is_file()
    assert (out / "keys" / "liabilities_batch.vk.json").is_file()
    assert (out / "private" / "inclusion.sqlite").is_file()
    assert not list(out.parent.glob(".*staging*")), "no staging directory is left behind"
    assert len(att.batches) == 3
    assert load(out) == att


def test_pure_python_verifier_accepts(attested, institution):
    _, att, _ = attested
    report = verify(att, allow_insecure_keys=True)
    assert report.valid, report.to_dict()
    assert report.verdict == "VALID — UNTRUSTED KEYS" and not report.keys_trusted
    assert any("UNTRUSTED KEYS" in w for w in report.warnings)
    assert verify(att, signer=institution.address, epoch=7, allow_insecure_keys=True).valid
    assert verify(att, proof_checker=NATIVE_PROOFS, allow_insecure_keys=True).valid


def test_development_keys_are_not_valid_without_the_switch(attested):
    """The proofs check out, but nothing vouches for the dev keys: not VALID, and the
    report names every untrusted key."""
    _, att, _ = attested
    for fast in (False, True):
        report = verify(att, proof_checker=NATIVE_PROOFS if fast else PYTHON_PROOFS)
        assert report.checks_ok and not report.valid and not report.keys_trusted
        assert report.verdict == "NOT VALID — UNTRUSTED KEYS"
        assert [k.role for k in report.untrusted()] == ["batch", "top"]
        assert all("no evidence for this key" in k.detail for k in report.keys)
        assert report.to_dict()["keys_trusted"] is False


def test_customer_inclusion(attested):
    book, att, out = attested
    for i in (0, 5, 9):
        proof = export(out, book.ids[i])
        assert proof.balances["BTC"].equity == format_amount(book.equity[i][0], 8)
        report = verify_inclusion(proof, att, expect={"BTC": proof.balances["BTC"].equity}, allow_insecure_keys=True)
        assert report.valid, report.to_dict()
        assert not verify_inclusion(proof, att).valid, "an inclusion under untrusted keys is not VALID"


def test_rerun_is_deterministic(tmp_path, shape_keys, backend, institution, attested):
    """Same inputs, same secret, same epoch: same roots and commitments."""
    book, att, _ = attested
    again = prove_book(small_book(10), shape_keys[0], institution,
                       ProveOptions(epoch=7, snapshot_time="2026-11-21T00:00:00Z"), tmp_path / "again", backend)
    assert [(b.root, b.commitment) for b in again.batches] == [(b.root, b.commitment) for b in att.batches]
    assert again.top.book_root == att.top.book_root
    assert again.top.totals_commitment == att.top.totals_commitment


def test_revealed_totals_open_the_commitment(tmp_path, shape_keys_debt, backend, institution):
    book = small_book(5, with_debt=True)
    att = prove_book(book, shape_keys_debt[0], institution,
                     ProveOptions(epoch=1, snapshot_time="2026-11-21T00:00:00Z", reveal_totals=True),
                     tmp_path / "att", backend)
    eq, de = book.totals()
    assert att.totals.equity["BTC"] == format_amount(eq[0], 8)
    assert att.totals.debt["BTC"] == format_amount(de[0], 8)
    report = verify(att, allow_insecure_keys=True)
    assert report.valid, report.to_dict()
    forged = att.model_copy(update={"totals": att.totals.model_copy(
        update={"equity": {**att.totals.equity, "BTC": format_amount(eq[0] - 1, 8)}})})
    forged = hashing.sign(forged, institution.signing_key)
    assert not verify(forged, allow_insecure_keys=True).valid


def test_attestation_json_is_schema_valid(attested):
    import jsonschema

    _, att, out = attested
    schema = json.loads((__import__("pathlib").Path(__file__).parents[2] / "schemas" / "attestation.schema.json").read_text())
    jsonschema.validate(json.loads((out / "attestation.json").read_text()), schema)


def test_schema_file_is_current():
    from pathlib import Path

    from solvent.attestation.models import Attestation

    path = Path(__file__).parents[2] / "schemas" / "attestation.schema.json"
    assert json.loads(path.read_text()) == Attestation.model_json_schema(), \
        "run: python -m solvent.attestation.schema > schemas/attestation.schema.json"
