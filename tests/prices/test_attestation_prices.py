"""Risk parameters priced from a signed snapshot, in an attestation: verify recomputes
every median; a forged, stale or different snapshot is not VALID; without one the prices
are a caveat ("declared by the institution"); `prove --prices` takes the prices from it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from solvent.attestation import hashing
from solvent.attestation.verify import verify
from solvent.backend import NATIVE_PROOFS
from solvent.cli import main
from solvent.inputs.pins import parse_pins
from tests.reserves.evidence_helpers import oracle_address, oracle_report, price_snapshot
from tests.risk.helpers import RISK

PRICES = {"BTC": ["65000", "64990", "65010.5"], "USDT": ["1", "1.0001", "0.9999"]}


def _with(att, institution, snapshot):
    risk = att.risk.model_copy(update={"prices": snapshot})
    return hashing.sign(att.model_copy(update={"risk": risk}), institution.signing_key)


ACCOUNTS_SHORT = {"accounts covered"}
"""``risk_attested`` fails this check by its own outcome bits (accounts fall short and there
is no insurance proof); every case here is about what the prices add to that."""


def _failed(report):
    return {c.name for c in report.checks if not c.ok} - ACCOUNTS_SHORT


def test_declared_prices_are_a_caveat(risk_attested):
    _, att, _, _ = risk_attested
    report = verify(att, proof_checker=NATIVE_PROOFS)
    assert not _failed(report) and any("prices are declared by the institution" in w for w in report.warnings)


def test_snapshot_prices_verify(risk_attested, institution):
    _, att, _, _ = risk_attested
    report = verify(_with(att, institution, price_snapshot(PRICES)), proof_checker=NATIVE_PROOFS)
    assert not _failed(report), report.to_dict()
    assert next(c for c in report.checks if c.name == "price snapshot").ok
    assert any("oracle keys are named by the institution" in w for w in report.warnings)
    pins = parse_pins(oracles=tuple(oracle_address(f"src-{i}") for i in range(3)))
    assert not any("oracle" in w for w in verify(_with(att, institution, price_snapshot(PRICES)), proof_checker=NATIVE_PROOFS,
                                                 pins=pins).warnings)


def test_forged_report_is_invalid(risk_attested, institution):
    _, att, _, _ = risk_attested
    snap = price_snapshot(PRICES)
    snap["assets"]["BTC"]["reports"][2] = oracle_report("src-2", "BTC", "65010.5", signer="institution itself")
    assert _failed(verify(_with(att, institution, snap), proof_checker=NATIVE_PROOFS)) == {"price snapshot"}


def test_stale_snapshot_is_invalid(risk_attested, institution):
    _, att, _, _ = risk_attested
    snap = price_snapshot(PRICES, max_age=60)
    snap["assets"]["USDT"]["reports"] = [oracle_report(f"src-{i}", "USDT", p, timestamp="2026-11-20T23:50:00Z")
                                         for i, p in enumerate(PRICES["USDT"])]
    report = verify(_with(att, institution, snap), proof_checker=NATIVE_PROOFS)
    assert _failed(report) == {"price snapshot"} and "stale" in next(c.detail for c in report.checks
                                                                     if c.name == "price snapshot")


def test_snapshot_with_another_median_is_invalid(risk_attested, institution):
    """Genuine reports whose median is not the price the proofs used."""
    _, att, _, _ = risk_attested
    report = verify(_with(att, institution, price_snapshot({**PRICES, "BTC": ["60000", "60001", "60002"]})), proof_checker=NATIVE_PROOFS)
    assert _failed(report) == {"price snapshot"}
    assert "65000 is not the median 60001" in next(c.detail for c in report.checks if c.name == "price snapshot")


def test_cli_prove_with_prices(tmp_path):
    """The risk file lists no prices; the snapshot gives them, and the attestation says so."""
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,asset,balance,debt\na,BTC,1,0\na,USDT,0,1000\nb,BTC,0,0\nb,USDT,500,0\n")
    (tmp_path / "assets.csv").write_text("symbol,decimals\nBTC,8\nUSDT,6\n")
    risk = {**json.loads(json.dumps(RISK)), "instruments": {}}
    del risk["prices"]
    (tmp_path / "risk.json").write_text(json.dumps(risk))
    (tmp_path / "prices.json").write_text(json.dumps(price_snapshot(PRICES)))
    def prove(out, snapshot="2026-11-21T00:01:00Z", *extra):
        return run("prove", "--accounts", accounts, "--assets", tmp_path / "assets.csv", "--risk", tmp_path / "risk.json",
                   "--statements", "liabilities,collateral", "--institution", "Test Exchange", "--epoch", "3",
                   "--snapshot-time", snapshot, "--batch-size", "4", "--out", tmp_path / out, *extra)

    run = lambda *a: CliRunner().invoke(main, [str(x) for x in a], catch_exceptions=False)  # noqa: E731
    none = prove("none")
    assert none.exit_code == 2 and "prices must list exactly the assets" in none.output  # no prices at all
    stale = prove("stale", "2026-11-22T00:00:00Z", "--prices", tmp_path / "prices.json")
    assert stale.exit_code == 2 and "stale" in stale.output and not (tmp_path / "stale").exists()
    r = prove("att", "2026-11-21T00:01:00Z", "--prices", tmp_path / "prices.json")
    assert r.exit_code == 0, r.output
    att = json.loads((tmp_path / "att" / "attestation.json").read_text())
    assert att["risk"]["params"]["prices"] == {"BTC": "65000", "USDT": "1"} and att["risk"]["prices"] is not None
    v = run("verify", tmp_path / "att", "--fast", "--allow-insecure-keys", "--json")
    assert v.exit_code == 0, v.output
    assert next(c for c in json.loads(v.stdout)["checks"] if c["name"] == "price snapshot")["ok"]


def test_cli_prove_refuses_a_zero_price(tmp_path):
    (tmp_path / "accounts.csv").write_text("account_id,asset,balance,debt\na,BTC,1,0\na,USDT,0,1000\n")
    (tmp_path / "assets.csv").write_text("symbol,decimals\nBTC,8\nUSDT,6\n")
    risk = {**json.loads(json.dumps(RISK)), "instruments": {}, "prices": {"BTC": "0", "USDT": "1"}}
    (tmp_path / "risk.json").write_text(json.dumps(risk))
    r = CliRunner().invoke(main, [str(x) for x in (
        "prove", "--accounts", tmp_path / "accounts.csv", "--assets", tmp_path / "assets.csv", "--risk",
        tmp_path / "risk.json", "--statements", "liabilities,collateral", "--out", tmp_path / "att")])
    assert r.exit_code == 2 and "field 'prices.BTC'" in r.output and "zero price" in r.output
    assert not (tmp_path / "att").exists()


def test_report_says_where_prices_come_from(risk_attested, institution):
    from solvent.report import build_report, render

    _, att, _, _ = risk_attested
    page = render(build_report(_with(att, institution, price_snapshot(PRICES)), proof_checker=NATIVE_PROOFS))
    assert "medians of a signed oracle snapshot" in page and 'id="caveats"' in page
    page = render(build_report(att, proof_checker=NATIVE_PROOFS))
    assert "declared by the institution (no signed oracle snapshot)" in page
