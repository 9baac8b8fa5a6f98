"""The hand-computed book (tests/solvency/hand_book.py) proven end to end from files with
every statement: the revealed counts, shortfalls, netted debt and net liabilities equal the
hand computation, and `solvent verify` and `solvent report` print them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from solvent.cli import main
from tests.solvency import hand_book as hb


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def proven(tmp_path_factory):
    d = hb.write_files(tmp_path_factory.mktemp("hand"))
    out = d / "att"
    r = run(*hb.prove_args(d, out, "--reveal-totals", "--json"))
    assert r.exit_code == 0, r.output
    return d, out, json.loads(r.stdout)


def test_widths_chosen_for_the_book(proven):
    _, out, summary = proven
    att = json.loads((out / "attestation.json").read_text())
    assert summary["range_bits"] == att["statement"]["shape"]["range_bits"] == 96, "1,000 ETH in wei needs > 64 bits"
    assert summary["problems"] == []


def test_revealed_figures_equal_the_hand_computation(proven):
    _, out, _ = proven
    att = json.loads((out / "attestation.json").read_text())
    t = att["totals"]
    assert t["equity"] == hb.EQUITY and t["debt"] == hb.DEBT and t["netted_debt"] == hb.NETTED
    assert t["outcome"] == {"under_collateralized": hb.UNDER_COLLATERALIZED,
                            "collateral_shortfall": hb.COLLATERAL_SHORTFALL,
                            "under_margined": hb.UNDER_MARGINED, "margin_shortfall": hb.MARGIN_SHORTFALL}
    s = att["solvency"]
    assert s["reserves"] == {"BTC": "3.5", "ETH": "998"}, "the fund's 0.2 BTC is not customer backing"
    assert s["coverage"] == {"BTC": 1, "ETH": 1}
    assert s["insurance_fund"] == hb.FUND_USD and s["insurance_covered"] is True
    # the batch proofs' outputs: carol and dave fall short, so some batch says so
    assert not all(b["all_collateralized"] and b["all_margined"] for b in att["batches"])


def test_verify_prints_them(proven):
    _, out, _ = proven
    v = run("verify", out, "--fast", "--allow-insecure-keys")
    assert v.exit_code == 0, v.output
    text = v.output
    assert "1 under-collateralized (shortfall 6,600 USD), 2 under-margined (shortfall 9,900 USD)" in text
    assert "covered by the insurance fund (12,000 USD): yes" in text
    assert "BTC: net liabilities 3.5 (equity 3.5, debt 0.2, of which 0 nets)" in text
    assert "ETH: net liabilities 998 (equity 1003, debt 5, of which 5 nets)" in text


def test_report_prints_them(proven, tmp_path):
    _, out, _ = proven
    html = tmp_path / "report.html"
    r = run("report", out, "--out", html, "--fast", "--allow-insecure-keys")
    assert r.exit_code == 0, r.output
    page = html.read_text()
    assert "1 under-collateralized (shortfall 6,600 USD), 2 under-margined (shortfall 9,900 USD)" in page
    assert "covered by the insurance fund (12,000 USD): yes" in page
    assert '<dd data-fig="net-liabilities"><b class="mono">998</b></dd>' in page
    assert "5 of 5 owed (only debt that collateral covers nets)" in page
    assert '<dd data-fig="net-liabilities"><b class="mono">3.5</b></dd>' in page
    assert "0 of 0.2 owed (only debt that collateral covers nets)" in page
    assert "Holdings of the insurance fund are not counted as reserves" in page
    assert '<dd data-fig="reserves"><b class="mono">3.5</b></dd>' in page, "BTC reserves without the fund's 0.2 BTC"
    assert "every account" not in page.split('id="accounts"')[1].split("</section>")[0]


def test_hidden_totals_say_only_what_the_bits_say(tmp_path):
    d = hb.write_files(tmp_path / "in")
    out = tmp_path / "att"
    assert run(*hb.prove_args(d, out)).exit_code == 0
    v = run("verify", out, "--fast", "--allow-insecure-keys", "--json")
    assert v.exit_code == 0, v.output
    detail = next(c["detail"] for c in json.loads(v.stdout)["checks"] if c["name"] == "accounts covered")
    assert detail.startswith("some accounts fall short (how many and by how much stays committed)")
    assert "covered by the insurance fund (12,000 USD): yes" in detail
    html = tmp_path / "r.html"
    assert run("report", out, "--out", html, "--fast", "--allow-insecure-keys").exit_code == 0
    assert "Some accounts fall short" in html.read_text()


def test_a_book_where_everyone_is_covered(tmp_path):
    """Without carol and dave's short positions nobody falls short: only then may verify
    and the report say "every account is collateralized and margined"."""
    accounts = "".join(line + "\n" for line in hb.ACCOUNTS.splitlines() if not line.startswith("carol"))
    d = hb.write_files(tmp_path / "in", accounts=accounts, reserves_doc=hb.reserves(btc="3.5", eth="1001",
                                                                                    fund_btc=None))
    (d / "positions.csv").write_text("account_id,instrument,quantity\ndave,ETH-PERP,-1\n")
    out = tmp_path / "att"
    assert run(*hb.prove_args(d, out)).exit_code == 0
    v = run("verify", out, "--fast", "--allow-insecure-keys", "--json")
    assert v.exit_code == 0, v.output
    report = json.loads(v.stdout)
    detail = next(c["detail"] for c in report["checks"] if c["name"] == "accounts covered")
    assert detail == "every account is collateralized and margined"
    html = tmp_path / "r.html"
    assert run("report", out, "--out", html, "--fast", "--allow-insecure-keys").exit_code == 0
    assert "Every account is collateralized and margined" in html.read_text()


def test_private_reserves_still_publish_the_fund(tmp_path):
    """With committed reserves the customer-backing holdings stay private, but the insurance
    fund's holding is published (and its ownership and value checked): a fund nobody can
    value backs nothing."""
    d = hb.write_files(tmp_path / "in")
    out = tmp_path / "att"
    assert run(*hb.prove_args(d, out, "--private-reserves")).exit_code == 0
    att = json.loads((out / "attestation.json").read_text())
    assert [h["purpose"] for h in att["reserves"]["holdings"]] == ["insurance"]
    assert att["solvency"]["reserves"] is None and att["solvency"]["insurance_fund"] == hb.FUND_USD
    v = run("verify", out, "--fast", "--allow-insecure-keys", "--json")
    checks = {c["name"]: c["ok"] for c in json.loads(v.stdout)["checks"]}
    assert checks["reserve ownership"] and checks["insurance fund"] and checks["accounts covered"]
    assert checks["solvency proof"]


def test_customer_check_warns_about_unverified_batches(tmp_path):
    accounts = "".join(line + "\n" for line in hb.ACCOUNTS.splitlines() if not line.startswith("carol"))
    d = hb.write_files(tmp_path / "in", accounts=accounts, reserves_doc=hb.reserves(eth="1001", fund_btc=None))
    (d / "positions.csv").write_text("account_id,instrument,quantity\n")
    out = tmp_path / "att"
    assert run(*hb.prove_args(d, out)).exit_code == 0
    proof = tmp_path / "erin.json"
    assert run("inclusion", out, "--account", "erin", "--out", proof).exit_code == 0
    r = run("verify-inclusion", proof, "--attestation", out, "--account", "erin", "--fast", "--allow-insecure-keys", "--json")
    report = json.loads(r.stdout)
    assert r.exit_code == 0 and report["valid"], r.output
    assert any("were not verified here" in w for w in report["warnings"])
