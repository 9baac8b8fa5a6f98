"""A cheating institution against the solvency verdict itself (issue #12): figures it could
simply declare — a fictitious debtor, reserves a unit short, an insurance fund counted twice —
never give VALID. Each case runs the real pipeline (`solvent prove`, `solvent verify`)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from solvent.attestation import hashing
from solvent.attestation.verify import load, verify
from solvent.backend import NATIVE_PROOFS
from solvent.cli import main
from tests.solvency import hand_book as hb

SIGNING_KEY = "55" * 32

# The book: 19.6 BTC owed to customers, 10 BTC of reserves, and an account that
# "owes" 15 BTC with no collateral at all. Netting its debt would leave 4.6 BTC: "covered".
HOUSE_LOAN = ("account_id,asset,balance,debt\n"
              "u1,BTC,12.6,0\nu1,ETH,0,0\nu2,BTC,7,0\nu3,ETH,2,0\n"
              "zz-house-loan,BTC,0,15\n")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def failed(out) -> dict[str, str]:
    v = run("verify", out, "--fast", "--json")
    report = json.loads(v.stdout)
    assert v.exit_code == (0 if report["valid"] else 1)
    return {c["name"]: c["detail"] for c in report["checks"] if not c["ok"]}


@pytest.fixture()
def key_file(tmp_path):
    p = tmp_path / "signing.key"
    p.write_text(SIGNING_KEY)
    return p


# --- fictitious debtors -------------------------------------------------------------------

def test_house_loan_without_the_collateral_statement_is_refused(tmp_path):
    """Debt may only net when collateral covers it, so solvency over a book with debt and
    no collateral statement does not exist: prove and setup refuse it (exit 2)."""
    d = hb.write_files(tmp_path / "in", accounts=HOUSE_LOAN, reserves_doc=hb.reserves(btc="10", eth="2", fund_btc=None))
    out = tmp_path / "att"
    r = run(*_strip_risk(hb.prove_args(d, out, statements="liabilities,solvency")))
    assert r.exit_code == 2 and "needs the collateral statement" in r.output, r.output
    assert not out.exists()
    r = run("setup", "--assets", d / "assets.csv", "--debt", "--statements", "liabilities,solvency",
            "--batch-size", 4, "--capacity", 2, "--out", tmp_path / "keys")
    assert r.exit_code == 2 and "needs the collateral statement" in r.output, r.output


def _strip_risk(args: list[str]) -> list[str]:
    i = args.index("--risk")
    return args[:i] + args[i + 2:]


def test_house_loan_with_collateral_and_no_fund(tmp_path):
    """The debtor is counted under-collateralized; with no solvency statement there is no
    insurance proof, so its shortfall alone fails the attestation — with hidden totals too."""
    d = hb.write_files(tmp_path / "in", accounts=HOUSE_LOAN)
    out = tmp_path / "att"
    r = run(*hb.prove_args(d, out, statements="liabilities,collateral"))
    assert r.exit_code == 0 and "will verify as INVALID" in r.output, r.output
    bad = failed(out)
    assert list(bad) == ["accounts covered"]
    assert bad["accounts covered"].startswith("some accounts fall short") and "no solvency statement" in bad["accounts covered"]


def test_house_loan_with_solvency_does_not_net(tmp_path):
    """With the solvency statement the 15 BTC does not net: 19.6 BTC of liabilities against
    10 BTC of reserves is not covered, and the debtor's shortfall has no fund (fund 0)."""
    d = hb.write_files(tmp_path / "in", accounts=HOUSE_LOAN, reserves_doc=hb.reserves(btc="10", eth="2", fund_btc=None))
    out = tmp_path / "att"
    r = run(*hb.prove_args(d, out, "--reveal-totals", statements="liabilities,collateral,solvency"))
    assert r.exit_code == 0, r.output
    att = json.loads((out / "attestation.json").read_text())
    assert att["totals"]["debt"]["BTC"] == "15" and att["totals"]["netted_debt"]["BTC"] == "0"
    assert att["solvency"]["coverage"] == {"BTC": 0, "ETH": 1}
    bad = failed(out)
    assert set(bad) == {"solvency", "insurance fund", "accounts covered"}
    assert "BTC: NOT COVERED" in bad["solvency"]
    assert "covered by the insurance fund (0 USD): NO" in bad["accounts covered"]
    # even with reserves for every customer's BTC the unfunded shortfall fails
    d2 = hb.write_files(tmp_path / "in2", accounts=HOUSE_LOAN, reserves_doc=hb.reserves(btc="19.6", eth="2", fund_btc=None))
    out2 = tmp_path / "att2"
    assert run(*hb.prove_args(d2, out2, statements="liabilities,collateral,solvency")).exit_code == 0
    assert set(failed(out2)) == {"insurance fund", "accounts covered"}


def test_strict_refuses_uncovered_and_unfunded(tmp_path):
    d = hb.write_files(tmp_path / "in", accounts=HOUSE_LOAN, reserves_doc=hb.reserves(btc="10", eth="2", fund_btc=None))
    out = tmp_path / "att"
    r = run(*hb.prove_args(d, out, "--strict", statements="liabilities,collateral,solvency"))
    assert r.exit_code == 1, r.output
    assert "BTC: reserves do not cover net liabilities" in r.output and "insurance fund (0 USD): NO" in r.output
    assert not out.exists()


# --- reserves and the insurance fund ------------------------------------------------------

def test_reserves_one_unit_short(tmp_path):
    d = hb.write_files(tmp_path / "in", reserves_doc=hb.reserves(btc="3.49999999"))
    out = tmp_path / "att"
    assert run(*hb.prove_args(d, out)).exit_code == 0
    bad = failed(out)
    assert list(bad) == ["solvency"] and "BTC: NOT COVERED" in bad["solvency"]
    r = run(*hb.prove_args(d, tmp_path / "strict", "--strict"))
    assert r.exit_code == 1 and "BTC: reserves do not cover net liabilities" in r.output


def test_insurance_fund_too_small(tmp_path):
    """0.1 BTC = 6,000 USD covers the collateral shortfall (6,600)? No — nor the margin one."""
    d = hb.write_files(tmp_path / "in", reserves_doc=hb.reserves(fund_btc="0.1"))
    out = tmp_path / "att"
    assert run(*hb.prove_args(d, out)).exit_code == 0
    bad = failed(out)
    assert set(bad) == {"insurance fund", "accounts covered"}
    assert "covered by the insurance fund (6,000 USD): NO" in bad["insurance fund"]


def test_a_holding_cannot_be_both_backing_and_fund(tmp_path):
    """The same address and asset once as reserves, once as insurance: refused when read."""
    doc = hb.reserves()
    doc["holdings"].append({**doc["holdings"][0], "purpose": "insurance"})
    d = hb.write_files(tmp_path / "in", reserves_doc=doc)
    r = run(*hb.prove_args(d, tmp_path / "att"))
    assert r.exit_code == 2 and "already counted" in r.output, r.output


def test_fund_counted_as_customer_backing(tmp_path, key_file):
    """Reserves short by exactly the fund (3.3 BTC + a 0.2 BTC fund): adding the fund's BTC
    to the reserves the solvency proof uses — by marking the fund holding as backing after
    proving, or by inflating the stated reserves — never verifies."""
    d = hb.write_files(tmp_path / "in", reserves_doc=hb.reserves(btc="3.3"))
    out = tmp_path / "att"
    assert run(*hb.prove_args(d, out, "--signing-key-file", key_file)).exit_code == 0
    assert "BTC: NOT COVERED" in failed(out)["solvency"], "honestly: BTC is short"
    att = load(out)
    key = bytes.fromhex(SIGNING_KEY)
    # 1. relabel the fund's holding as customer backing (fund now 0) and claim coverage
    doc = json.loads(json.dumps(att.reserves))
    doc["holdings"][2].pop("purpose")
    solv = att.solvency.model_copy(update={"coverage": {"BTC": 1, "ETH": 1}, "reserves": {"BTC": "3.5", "ETH": "998"},
                                           "insurance_fund": "0"})
    forged = hashing.sign(att.model_copy(update={"reserves": doc, "solvency": solv}), key)
    bad = {c.name: c.detail for c in verify(forged, proof_checker=NATIVE_PROOFS).checks if not c.ok}
    assert bad["solvency proof"] == ("does not verify for these reserves, insurance fund and coverage against the "
                                     "committed totals"), "the proof itself fails (and says so, not its success text)"
    # 2. keep the fund as fund but state reserves that include it
    solv = att.solvency.model_copy(update={"reserves": {"BTC": "3.5", "ETH": "998"}})
    forged = hashing.sign(att.model_copy(update={"solvency": solv}), key)
    bad = {c.name for c in verify(forged, proof_checker=NATIVE_PROOFS).checks if not c.ok}
    assert {"solvency proof", "reserves match holdings"} <= bad
    # 3. declare a bigger fund than the holdings are worth
    assert att.solvency.insurance_fund == hb.FUND_USD
    solv = att.solvency.model_copy(update={"insurance_fund": "999999"})
    forged = hashing.sign(att.model_copy(update={"solvency": solv}), key)
    detail = next(c.detail for c in verify(forged, proof_checker=NATIVE_PROOFS).checks if c.name == "solvency proof")
    assert "not the value of the fund's holdings" in detail


def test_double_counting_through_the_api(tmp_path, backend, institution):
    """Bypassing the reserves loader: a proof whose reserves include the fund's holdings
    (counted as backing and as fund) fails 'reserves match holdings'."""
    import warnings
    from dataclasses import replace

    from solvent.backend.groth16 import InsecureSetupWarning
    from solvent.pipeline import keys as keymod
    from solvent.pipeline.prove import prove_book
    from solvent.pipeline.statement import ProveOptions
    from tests.risk.helpers import risk_book, risk_shape
    from tests.solvency.helpers import signed_reserves

    shape, setup = risk_shape(margin=False)
    shape = replace(shape, solvency={"mode": "pass_fail", "reserves": "public"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        sk = keymod.setup_dev_insecure(shape, tmp_path / "keys", backend, seed=b"double")
    book = risk_book(6)
    equity, _ = book.totals()
    backing, fund = {"BTC": equity[0] - 10**8, "USDT": 0}, {"BTC": 10**8}
    snapshot = "2026-11-21T00:00:00Z"
    doc = signed_reserves(backing, institution.name, 4, snapshot, insurance=fund)
    opts = ProveOptions(epoch=4, snapshot_time=snapshot, risk=setup, reserves={"BTC": equity[0], "USDT": 0},
                        insurance=fund, reserves_document=doc)
    att = prove_book(book, sk, institution, opts, tmp_path / "att", backend)
    assert att.solvency.coverage["BTC"] == 1, "the proof itself is made over the inflated figure"
    bad = {c.name for c in verify(att, proof_checker=NATIVE_PROOFS).checks if not c.ok}
    assert "reserves match holdings" in bad
