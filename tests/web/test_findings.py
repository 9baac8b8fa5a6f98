"""Attestation-wide findings on the customer's page: an insolvent institution's customer is
still told their own account is included, and separately sees which asset is NOT COVERED;
a coverage claim the solvency proof does not make is caught; with collateral and margin
the customer sees and checks their debt and positions."""

from __future__ import annotations

import warnings
from dataclasses import replace

import pytest

from solvent.attestation import hashing
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.liabilities import keys as keymod
from solvent.liabilities.prove import ProveOptions, prove_book
from tests.liabilities.helpers import small_book, small_shape
from tests.solvency.helpers import signed_reserves

from .helpers import drive, export_page, failed, inclusion_file, no_network_and_no_errors

SNAPSHOT = "2026-11-21T00:00:00Z"


@pytest.fixture(scope="module")
def insolvent(tmp_path_factory, backend, institution):
    """Liabilities + solvency with BTC reserves one satoshi short of net liabilities."""
    shape = replace(small_shape(with_debt=True), solvency={"mode": "pass_fail", "reserves": "public"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        keys = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp("solv-keys"), backend, seed=b"web")
    book = small_book(6, with_debt=True)
    eq, de = book.totals()
    reserves = {"BTC": eq[0] - de[0] - 1, "USDT": eq[1] - de[1]}
    out = tmp_path_factory.mktemp("insolvent") / "attestation"
    opts = ProveOptions(epoch=1, snapshot_time=SNAPSHOT, reserves=reserves,
                        reserves_document=signed_reserves(reserves, institution.name, 1, SNAPSHOT))
    att = prove_book(book, keys, institution, opts, out, backend)
    assert att.solvency.coverage == {"BTC": 0, "USDT": 1}
    return att, out


@pytest.fixture(scope="module")
def insolvent_run(insolvent, chromium, institution, tmp_path_factory):
    att, out = insolvent
    d = tmp_path_factory.mktemp("insolvent-page")
    page = export_page(out, d / "site", "--allow-insecure-keys")
    forged = hashing.sign(att.model_copy(update={"solvency": att.solvency.model_copy(
        update={"coverage": {"BTC": 1, "USDT": 1}})}), institution.signing_key)
    (d / "forged").mkdir()
    (d / "forged" / "attestation.json").write_text(forged.model_dump_json())
    forged_page = export_page(d / "forged", d / "forged-site", "--allow-insecure-keys")
    mine = inclusion_file(out, "user-00002", d / "mine.json")
    steps = [{"op": "attestation"}, {"op": "check", "id": "user-00002", "file": str(mine)}]
    return drive(chromium, page, steps), drive(chromium, forged_page, [{"op": "attestation"}])


def test_an_insolvent_institutions_customer_is_included_and_sees_the_finding(insolvent_run):
    result, _ = insolvent_run
    a, mine = result["steps"]
    assert mine["included"] == "yes", mine
    assert "the attestation as a whole has findings" in mine["findings_note"]
    assert failed(a["findings"]) == {"solvency"}
    solvency = next(c for c in a["findings"] if c["name"] == "solvency")
    assert "BTC: NOT COVERED" in solvency["text"] and "USDT: covered" in solvency["text"]
    assert a["findings_status"].startswith("FINDINGS: solvency")
    assert "solvency proof" in {c["name"] for c in a["findings"] if c["ok"]}
    no_network_and_no_errors(result)


def test_a_coverage_claim_the_proof_does_not_make_is_a_finding(insolvent_run):
    _, forged = insolvent_run
    (a,) = forged["steps"]
    assert a["status_ok"] == "yes", "signature, keys and top proof are fine: the institution re-signed"
    assert failed(a["findings"]) == {"solvency proof"}


@pytest.fixture(scope="module")
def trader_run(risk_attested, chromium, tmp_path_factory):
    _, att, out, _ = risk_attested
    d = tmp_path_factory.mktemp("traders")
    page = export_page(out, d / "site", "--allow-insecure-keys")
    mine = inclusion_file(out, "trader-002", d / "mine.json")

    def hide_short(doc):
        doc["positions"]["BTC-C-70000"] = "0"

    def less_debt(doc):
        doc["balances"]["USDT"]["debt"] = "50000"

    steps = [{"op": "attestation"}, {"op": "check", "id": "trader-002", "file": str(mine)},
             {"op": "check", "id": "trader-002", "file": str(inclusion_file(out, "trader-002", d / "h.json", hide_short))},
             {"op": "check", "id": "trader-002", "file": str(inclusion_file(out, "trader-002", d / "l.json", less_debt))}]
    return drive(chromium, page, steps)


def test_a_trader_sees_and_checks_debt_and_positions(trader_run):
    a, mine, hidden, less = trader_run["steps"]
    assert mine["included"] == "yes", mine
    assert mine["positions"] == {"BTC-C-70000": "-50", "BTC-PERP": "0"}
    assert mine["balances"]["USDT"]["debt"] == "60000"
    for tampered in (hidden, less):
        assert tampered["included"] == "no" and "path to batch root" in failed(tampered["account"])
    assert {c["name"] for c in a["findings"]} == {"revealed totals", "insurance fund"}
    assert failed(a["findings"]) == set(), a["findings"]
    assert "batch verifying key" in {c["name"] for c in mine["proofs"] if c["ok"]}
    no_network_and_no_errors(trader_run)
