"""Liabilities, collateral and margin proven together over one book and verified
together: same root, published parameters, revealed outcome, customers' positions."""

import csv

from solvent.attestation import hashing
from solvent.attestation.inclusion import verify_inclusion
from solvent.attestation.verify import verify
from solvent.backend import NATIVE_PROOFS
from solvent.pipeline.inclusion_export import export


def _failed(report):
    return {c.name for c in report.checks if not c.ok}


def test_all_statements_verify(risk_solvent_attested):
    book, att, out, setup = risk_solvent_attested
    assert att.statement.statements == ["liabilities", "collateral", "margin", "solvency"]
    assert att.statement.params_hash == str(setup.params_hash)
    report = verify(att, allow_insecure_keys=True)
    assert report.valid, report.to_dict()
    names = {c.name for c in report.checks}
    assert {"risk parameters", "revealed totals", "insurance fund", "accounts covered"} <= names


def test_accounts_short_without_an_insurance_proof_are_invalid(risk_attested):
    """Without the solvency statement there is no insurance proof: a book whose batch
    proofs say some account falls short never verifies, whatever else holds."""
    book, att, out, setup = risk_attested
    assert [b.all_collateralized for b in att.batches] != [True] * len(att.batches)
    report = verify(att)
    assert _failed(report) == {"accounts covered"}
    detail = next(c.detail for c in report.checks if c.name == "accounts covered")
    assert "1 under-collateralized (shortfall 2,500 USD)" in detail and "no solvency statement" in detail


def test_outcome_counts_and_operator_list(risk_attested):
    book, att, out, _ = risk_attested
    o = att.totals.outcome
    assert o.under_collateralized == 1 and o.collateral_shortfall == "2500"  # trader-001: 6,500 vs 9,000
    assert o.under_margined >= 2  # trader-001 and trader-002 (short calls)
    with open(out / "private" / "shortfalls.csv") as f:
        rows = {r["account_id"]: r for r in csv.DictReader(f)}
    assert rows["trader-001"]["under_collateralized"] == "1"
    assert rows["trader-002"]["under_collateralized"] == "0" and rows["trader-002"]["under_margined"] == "1"
    assert "trader-003" not in rows


def test_customer_sees_and_checks_positions(risk_solvent_attested):
    book, att, out, _ = risk_solvent_attested
    proof = export(out, "trader-002")
    assert proof.positions == {"BTC-C-70000": "-50", "BTC-PERP": "0"}
    assert proof.balances["USDT"].debt == "60000"
    assert verify_inclusion(proof, att, proof_checker=NATIVE_PROOFS, allow_insecure_keys=True).valid
    omitted = proof.model_copy(update={"positions": {"BTC-C-70000": "0", "BTC-PERP": "0"}})
    assert "path to batch root" in _failed(verify_inclusion(omitted, att, proof_checker=NATIVE_PROOFS))
    less_debt = proof.model_copy(update={"balances": {**proof.balances, "USDT": proof.balances["USDT"].model_copy(
        update={"debt": "50000"})}})
    assert "path to batch root" in _failed(verify_inclusion(less_debt, att, proof_checker=NATIVE_PROOFS))


def test_published_parameters_must_be_the_proven_ones(risk_attested, institution):
    book, att, out, _ = risk_attested
    params = dict(att.risk.params)
    params["prices"] = {**params["prices"], "BTC": "70000"}
    forged = hashing.sign(att.model_copy(update={"risk": att.risk.model_copy(update={"params": params})}),
                          institution.signing_key)
    assert "risk parameters" in _failed(verify(forged, proof_checker=NATIVE_PROOFS))
    # restating params_hash to match the forged prices: the batch proofs were made for the real hash
    from solvent.inputs.assets import Asset
    from solvent.inputs.evaluate import prepare
    from solvent.inputs.params import RiskParamsFile, from_file

    h = prepare(from_file(RiskParamsFile.model_validate(params), [Asset("BTC", 8), Asset("USDT", 6)])).params_hash
    st = forged.statement.model_copy(update={"params_hash": str(h)})
    sh = hashing.statement_hash(st)
    restated = hashing.sign(forged.model_copy(update={
        "statement": st, "statement_hash": sh,
        "context": str(hashing.context_of(sh, st.epoch, st.signer))}), institution.signing_key)
    failed = _failed(verify(restated, proof_checker=NATIVE_PROOFS))
    assert "batch proofs" in failed and "risk parameters" not in failed


def test_outcome_bits_cannot_be_edited(risk_solvent_attested, institution):
    """Claiming every account collateralized: the bit is a public value of the batch proof."""
    _, att, _, _ = risk_solvent_attested
    short = next(b for b in att.batches if not b.all_collateralized)
    batches = [b.model_copy(update={"all_collateralized": True}) if b.index == short.index else b for b in att.batches]
    forged = hashing.sign(att.model_copy(update={"batches": batches}), institution.signing_key)
    assert "batch proofs" in _failed(verify(forged, proof_checker=NATIVE_PROOFS))
