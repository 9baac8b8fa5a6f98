"""Attestation-wide findings on the customer's page: an insolvent institution's customer is
still told their own account is included, and separately sees which asset is NOT COVERED;
a coverage claim the solvency proof does not make is caught; with collateral and margin
the customer sees and checks their debt and positions; accounts that fall short are a
finding (in `solvent verify`'s words, from the batch proofs' outcome bits) unless the
insurance fund is proven to cover them, and the customer's own inclusion stays INCLUDED;
outcome bits of other batches are said to be taken on trust; the insurance fund is
recomputed from its holdings and bound by the solvency proof."""

from __future__ import annotations

import copy
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from solvent.attestation import hashing, outcomes
from solvent.attestation.totals import totals_detail
from solvent.attestation.verify import verify
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.pipeline import keys as keymod
from solvent.pipeline.inclusion_export import export
from solvent.pipeline.prove import prove_book
from solvent.pipeline.statement import ProveOptions
from tests.liabilities.helpers import small_book, small_shape
from tests.solvency.helpers import signed_reserves

from .helpers import drive, export_page, failed, inclusion_file, no_network_and_no_errors

SNAPSHOT = "2026-11-21T00:00:00Z"


@pytest.fixture(scope="module")
def insolvent(tmp_path_factory, backend, institution):
    """Liabilities + solvency with BTC reserves one satoshi short of the liabilities (a book
    without debt: with debt, solvency needs the collateral statement, since only covered
    debt nets)."""
    shape = replace(small_shape(), solvency={"mode": "pass_fail", "reserves": "public"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        keys = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp("solv-keys"), backend, seed=b"web")
    book = small_book(6)
    eq, _ = book.totals()
    reserves = {"BTC": eq[0] - 1, "USDT": eq[1]}
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


def _in_batch(out: Path, att, all_collateralized: bool | None = None, all_margined: bool | None = None) -> str:
    """A trader of a batch with the given outcome bits (None: any)."""

    for i in range(len(att.batches) * att.statement.shape.batch_size):
        try:
            b = att.batches[export(out, f"trader-{i:03d}").batch]
        except KeyError:
            break
        if all_collateralized in (None, b.all_collateralized) and all_margined in (None, b.all_margined):
            return f"trader-{i:03d}"
    raise AssertionError("no trader in such a batch: the fixture's book changed")


def _resigned(att, institution, d: Path, **update) -> tuple[object, Path]:
    """What an institution could publish instead: ``att`` edited and signed again."""
    forged = hashing.sign(att.model_copy(update=update), institution.signing_key)
    d.mkdir()
    (d / "attestation.json").write_text(forged.model_dump_json())
    return forged, d


def _for(forged):
    """An inclusion file edited to name ``forged`` (the institution hands out such files)."""
    return lambda doc: doc.update(attestation_hash=hashing.attestation_hash(forged).hex())


@pytest.fixture(scope="module")
def trader_run(risk_attested, chromium, tmp_path_factory):
    """Collateral and margin, totals revealed, no solvency statement: accounts fall short and
    nothing is proven to cover them."""
    _, att, out, _ = risk_attested
    d = tmp_path_factory.mktemp("traders")
    page = export_page(out, d / "site", "--allow-insecure-keys")
    mine = inclusion_file(out, "trader-002", d / "mine.json")
    covered = _in_batch(out, att, all_collateralized=True)

    def hide_short(doc):
        doc["positions"]["BTC-C-70000"] = "0"

    def less_debt(doc):
        doc["balances"]["USDT"]["debt"] = "50000"

    steps = [{"op": "attestation"}, {"op": "check", "id": "trader-002", "file": str(mine)},
             {"op": "check", "id": "trader-002", "file": str(inclusion_file(out, "trader-002", d / "h.json", hide_short))},
             {"op": "check", "id": "trader-002", "file": str(inclusion_file(out, "trader-002", d / "l.json", less_debt))},
             {"op": "check", "id": covered, "file": str(inclusion_file(out, covered, d / "c.json"))}]
    return att, out, drive(chromium, page, steps)


def _check(checks: list[dict], name: str) -> dict:
    return next(c for c in checks if c["name"] == name)


def test_a_trader_sees_and_checks_debt_and_positions(trader_run):
    _, _, result = trader_run
    a, mine, hidden, less, _ = result["steps"]
    assert mine["included"] == "yes", mine
    assert mine["positions"] == {"BTC-C-70000": "-50", "BTC-PERP": "0"}
    assert mine["balances"]["USDT"]["debt"] == "60000"
    for tampered in (hidden, less):
        assert tampered["included"] == "no" and "path to batch root" in failed(tampered["account"])
    assert "batch verifying key" in {c["name"] for c in mine["proofs"] if c["ok"]}
    no_network_and_no_errors(result)


def test_accounts_falling_short_are_a_finding_and_the_customer_is_still_included(trader_run):
    att, out, result = trader_run
    a, mine, _, _, other = result["steps"]
    assert {c["name"] for c in a["findings"]} == {"revealed totals", "accounts covered"}
    assert failed(a["findings"]) == {"accounts covered"}, "nothing proves an insurance fund covers the shortfall"
    summary = outcomes.accounts_summary(att)
    assert summary.startswith("accounts fall short: 1 under-collateralized (shortfall 2,500 USD), 3 under-margined")
    assert _check(a["findings"], "accounts covered")["text"].endswith(summary), "the page says what `solvent verify` says"
    assert summary in a["findings_status"] and a["findings_status"].startswith("FINDINGS: accounts covered")
    assert _check(a["findings"], "revealed totals")["text"].endswith(totals_detail(att)), "net liabilities: only covered debt nets"
    assert "USDT: net liabilities -99876.543211 (equity 10123.456789, debt 119000, of which 110000 nets)" \
        in _check(a["findings"], "revealed totals")["text"]
    # the customer's own inclusion does not depend on others' shortfalls
    for customer in (mine, other):
        assert customer["included"] == "yes" and customer["word"] == "INCLUDED", customer
        assert failed(customer["account"]) == set() and failed(customer["proofs"]) == set()
        assert "the attestation as a whole has findings" in customer["findings_note"]
    # each customer's page states its own batch's outcome bits (which batch a trader lands in
    # follows the order keys); trader-002 holds the short option, so its batch is not margined
    def bits(account: str) -> str:
        b = att.batches[export(out, account).batch]
        word = {True: "yes", False: "NO"}
        return f"all collateralized: {word[b.all_collateralized]}, all margined: {word[b.all_margined]}"

    assert att.batches[export(out, "trader-002").batch].all_margined is False
    assert bits("trader-002") in _check(mine["proofs"], "batch proof")["text"]
    covered = _in_batch(out, att, all_collateralized=True)  # the fixture's `other` customer
    assert bits(covered) in _check(other["proofs"], "batch proof")["text"]


def test_other_batches_outcome_bits_are_a_caveat(trader_run):
    att, out, result = trader_run
    a, mine, *_ = result["steps"]
    others = len(att.batches) - 1
    assert any("outcome bits" in c and "taken from the attestation as published" in c
               and "only the proof of your own batch" in c for c in a["caveats"])
    after = [c for c in mine["caveats"] if "outcome bits" in c]
    assert after == [f"The outcome bits of batches other than yours (batch {export(out, 'trader-002').batch}; "
                     f"{others} other{'s' if others > 1 else ''}) were not verified here: they are "
                     "taken from the attestation as published. `solvent verify` checks every batch."], mine["caveats"]


@pytest.fixture(scope="module")
def covered_run(risk_solvent_attested, chromium, institution, tmp_path_factory):
    """The same book with the solvency statement and a 10 BTC insurance fund that covers the
    shortfalls; the same with the totals kept hidden; what the institution could publish
    instead: the short batch's outcome bits set to 1, the stated fund raised without
    holdings behind it, and the fund's holdings and value both raised tenfold."""
    _, att, out, _ = risk_solvent_attested
    d = tmp_path_factory.mktemp("covered")
    short = next(b for b in att.batches if not b.all_collateralized)
    liar = [b.model_copy(update={"all_collateralized": True, "all_margined": True}) if b is short else b
            for b in att.batches]
    richer = copy.deepcopy(att.reserves)
    for h in richer["holdings"]:
        if h.get("purpose") == "insurance":
            h["balance"] = str(10 * int(h["balance"]))
    variants = {
        "hidden": _resigned(att, institution, d / "hidden", totals=None),
        "forged-bits": _resigned(att, institution, d / "bits", batches=liar),
        "declared-fund": _resigned(att, institution, d / "declared",
                                   solvency=att.solvency.model_copy(update={"insurance_fund": "6500000"})),
        "richer-fund": _resigned(att, institution, d / "richer", reserves=richer,
                                 solvency=att.solvency.model_copy(update={"insurance_fund": "6500000"})),
    }
    in_short = _in_batch(out, att, all_collateralized=False)
    in_other = _in_batch(out, att, all_collateralized=True)
    mine = inclusion_file(out, in_short, d / "mine.json")
    runs = {"solvent": drive(chromium, export_page(out, d / "site", "--allow-insecure-keys"),
                             [{"op": "attestation"}, {"op": "check", "id": in_short, "file": str(mine)}])}
    for name, (forged, where) in variants.items():
        steps = [{"op": "attestation"}]
        if name in ("hidden", "forged-bits"):
            steps += [{"op": "check", "id": who, "file": str(inclusion_file(out, who, d / f"{name}-{who}.json", _for(forged)))}
                      for who in (in_short, in_other)]
        runs[name] = drive(chromium, export_page(where, d / f"{name}-site", "--allow-insecure-keys"), steps)
    return att, {name: forged for name, (forged, _) in variants.items()}, runs


def test_a_shortfall_the_insurance_fund_covers_is_said_and_holds(covered_run):
    att, _, runs = covered_run
    a, mine = runs["solvent"]["steps"]
    assert failed(a["findings"]) == set(), a["findings"]
    assert {c["name"] for c in a["findings"]} == {"revealed totals", "solvency verifying key", "solvency proof", "solvency",
                                                  "insurance fund", "accounts covered"}
    summary = outcomes.accounts_summary(att)
    assert summary.endswith("covered by the insurance fund (650,000 USD): yes")
    assert _check(a["findings"], "accounts covered")["text"].endswith(summary)
    assert a["findings_status"] == f"Every attestation-wide output holds; {summary}."
    assert "covered by the insurance fund (650,000 USD): yes (proven" in _check(a["findings"], "insurance fund")["text"]
    assert mine["included"] == "yes", mine
    assert "some of the institution's accounts fall short; the insurance fund is proven to cover them" \
        in mine["findings_note"]
    assert verify(att, allow_insecure_keys=True).valid, "solvent verify agrees: VALID"
    no_network_and_no_errors(runs["solvent"])


def test_hidden_totals_still_say_some_accounts_fall_short(covered_run):
    _, forged, runs = covered_run
    a, in_short, in_other = runs["hidden"]["steps"]
    summary = outcomes.accounts_summary(forged["hidden"])
    assert summary == ("some accounts fall short (how many and by how much stays committed); covered by the insurance "
                       "fund (650,000 USD): yes")
    assert "revealed totals" not in {c["name"] for c in a["findings"]}
    assert failed(a["findings"]) == set() and _check(a["findings"], "accounts covered")["text"].endswith(summary)
    assert in_short["included"] == "yes" and in_other["included"] == "yes"
    assert verify(forged["hidden"], allow_insecure_keys=True).valid


def test_forged_outcome_bits_fail_their_batchs_customers_and_are_the_caveat_for_others(covered_run):
    att, forged, runs = covered_run
    a, in_short, in_other = runs["forged-bits"]["steps"]
    assert a["status_ok"] == "yes", "signature, keys, digest and top proof do not see the bits"
    # the customer of the edited batch: their batch proof does not verify with the edited bits
    assert in_short["included"] == "no" and failed(in_short["proofs"]) == {"batch proof"}
    assert failed(in_short["account"]) == set()
    # another batch's customer: included; the page could not verify the edited batch, and says so
    assert in_other["included"] == "yes"
    assert any("batches other than yours" in c and "not verified here" in c for c in in_other["caveats"])
    assert not verify(forged["forged-bits"], allow_insecure_keys=True).valid, "solvent verify checks every batch and catches it"


def test_the_insurance_fund_is_its_holdings_value_and_bound_by_the_proof(covered_run):
    _, forged, runs = covered_run
    (declared,) = runs["declared-fund"]["steps"]
    assert failed(declared["findings"]) == {"solvency proof"}
    assert "is not the value of the fund's holdings at the published prices (650000)" \
        in _check(declared["findings"], "solvency proof")["text"]
    (richer,) = runs["richer-fund"]["steps"]
    assert failed(richer["findings"]) == {"solvency proof"}, "ten times the holdings: not the fund the proof took"
    for name in ("declared-fund", "richer-fund"):
        assert not verify(forged[name], allow_insecure_keys=True).valid
