"""``solvent report``: exit codes, what each section says for each kind of attestation,
escaping of untrusted text, and atomic writes. (Rendering in a browser:
test_report_browser.py.)"""

from __future__ import annotations

import json
import os
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from solvent.attestation.checks import Check, Report
from solvent.attestation.models import Totals
from solvent.backend import NATIVE_PROOFS
from solvent.cli import main
from solvent.report import build_report, render, write_atomic
from solvent.report.view import SolvencyView, build_view, reserves_from_attestation, reserves_from_file
from tests.reserves.helpers import eth_holding, reserves_doc, valid_holdings, write_reserves
from tests.trust_helpers import pin_keys


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_help_has_an_example():
    r = run("report", "--help")
    assert r.exit_code == 0 and "Example:" in r.output


def test_valid_report_json_summary(attested, tmp_path):
    _, att, att_dir = attested
    out = tmp_path / "r.html"
    pins = pin_keys(att, tmp_path / "pins.json")
    r = run("report", att_dir, "--out", out, "--fast", "--json", "--trusted-keys", pins)
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["valid"] and summary["reserves_proven"] is None and summary["seconds"] > 0
    assert summary["coverage"]["BTC"] == {"status": "unknown", "proven": False, "bucket": None,
                                          "text": "coverage not shown: no solvency statement and no reserves"}
    assert summary["accounts"] is None
    assert summary["keys_trusted"] and [k["evidence"] for k in summary["keys"]] == ["pinned", "pinned"]
    page = out.read_text()
    assert 'data-verdict="VALID"' in page and "No solvency statement in this attestation" in page
    assert 'id="untrusted-keys"' not in page and "pinned in pins.json" in page
    assert "No reserves in this attestation and no reserves file given" in page
    assert "<script" not in page and "http" not in page.replace("http-equiv", ""), "self-contained"


def test_pure_python_verifier_by_default(attested, tmp_path):
    _, _, att_dir = attested
    out = tmp_path / "r.html"
    assert run("report", att_dir, "--out", out, "--allow-insecure-keys").exit_code == 0
    assert "independent pure-Python (py_ecc) verifier" in out.read_text()


def test_untrusted_keys_report(attested, tmp_path):
    """Development keys: exit 3 and NOT VALID without the switch; with it, VALID only with
    the UNTRUSTED KEYS qualifier. No badge comes from the attestation's own labels."""
    _, _, att_dir = attested
    out = tmp_path / "r.html"
    r = run("report", att_dir, "--out", out, "--fast", "--json")
    assert r.exit_code == 3, r.output
    assert json.loads(r.stdout)["verdict"] == "NOT VALID — UNTRUSTED KEYS"
    page = out.read_text()
    assert 'data-verdict="NOT VALID — UNTRUSTED KEYS"' in page and 'id="untrusted-keys"' in page
    assert page.count('data-trusted="false"') == 2 and '<span class="badge ok">' not in page
    assert "claimed by the attestation: <code>dev-insecure" in page
    r = run("report", att_dir, "--out", out, "--fast", "--allow-insecure-keys")
    assert r.exit_code == 2 and "already exists (pass --force to replace)" in r.output, "the first report is kept"
    r = run("report", att_dir, "--out", out, "--fast", "--allow-insecure-keys", "--force")
    assert r.exit_code == 0, r.output
    assert "✗ batch key (liabilities_batch" in r.output and "VALID — UNTRUSTED KEYS" in r.output
    page = out.read_text()
    assert 'data-verdict="VALID — UNTRUSTED KEYS"' in page and 'class="verdict untrusted"' in page
    assert "--allow-insecure-keys" in page


def test_unproven_reserve_address_makes_the_report_invalid(attested, tmp_path):
    _, _, att_dir = attested
    reserves = write_reserves(tmp_path / "reserves.json", valid_holdings() + [eth_holding("old", "USDT", "7", epoch=6)])
    out = tmp_path / "r.html"
    r = run("report", att_dir, "--out", out, "--reserves", reserves, "--fast", "--allow-insecure-keys")
    assert r.exit_code == 1
    page = out.read_text()
    assert 'data-verdict="INVALID"' in page and "5 of 6 ownership proofs valid" in page
    assert "a message of another epoch cannot be reused" in page
    assert "unproven balances are excluded" in page


def test_malformed_reserves_exit_2_and_nothing_written(attested, tmp_path):
    _, _, att_dir = attested
    bad = valid_holdings()
    bad[1]["balance"] = 1.5
    reserves = write_reserves(tmp_path / "reserves.json", bad)
    out = tmp_path / "r.html"
    out.write_text("earlier report")
    r = run("report", att_dir, "--out", out, "--reserves", reserves, "--fast", "--force")
    assert r.exit_code == 2
    assert f"{reserves}, holdings[1] (bitcoin {bad[1]['address']}), field 'balance'" in r.output
    assert out.read_text() == "earlier report" and sorted(os.listdir(tmp_path)) == ["r.html", "reserves.json"]


def test_reserves_in_an_asset_the_attestation_lacks_exit_2(attested, tmp_path):
    _, _, att_dir = attested
    reserves = write_reserves(tmp_path / "reserves.json", [eth_holding("e", "ETH", "1")])
    r = run("report", att_dir, "--out", tmp_path / "r.html", "--reserves", reserves, "--fast")
    assert r.exit_code == 2 and "field 'asset': unknown asset 'ETH'" in r.output
    assert not (tmp_path / "r.html").exists()


def _with_totals(att, equity, debt, netted=None):
    return att.model_copy(update={"totals": Totals(blind="0", equity=equity, debt=debt, netted_debt=netted)})


def test_revealed_totals_show_bars_and_coverage(attested, tmp_path):
    """With revealed totals, liabilities are public: bars and ratios, labelled as
    arithmetic on published figures (no solvency statement proves it). Without the
    collateral statement no debt nets: net liabilities are the equity."""
    _, att, _ = attested
    att = _with_totals(att, {"BTC": "20", "USDT": "1000000"}, {"BTC": "2", "USDT": "0"})
    reserves = reserves_from_file(write_reserves(tmp_path / "r.json", valid_holdings()), att)
    view = build_view(att, Report(checks=[Check("stand-in", True)]), reserves, NATIVE_PROOFS.name)
    page = render(view)
    assert page.count("<svg") == 3, "the coverage chart and one pair of bars per asset"
    assert '<g class="bar not-covered" data-asset="BTC">' in page and '<g class="bar covered" data-asset="USDT">' in page
    assert 'data-asset="BTC" data-coverage="not-covered" data-proven="false"' in page
    assert "NOT COVERED" in page and "60.00 % of net liabilities" in page  # 12 / 20
    assert 'data-asset="USDT" data-coverage="covered"' in page and "250.00 % of net liabilities" in page
    assert '<dd data-fig="net-liabilities"><b class="mono">20</b></dd>' in page
    assert "none: no debt nets without the collateral statement (2 owed)" in page
    assert "Coverage (on the published figures): covered USDT; NOT COVERED BTC." in page
    assert "not a proven statement of this attestation" in page
    assert "see the solvency statement" not in page and "{" not in page.split("</style>")[1]


def test_only_netted_debt_reduces_net_liabilities(attested, tmp_path):
    _, att, _ = attested
    att = _with_totals(att, {"BTC": "20", "USDT": "1000000"}, {"BTC": "5", "USDT": "0"}, {"BTC": "2", "USDT": "0"})
    page = render(build_view(att, Report(checks=[Check("stand-in", True)]), None, NATIVE_PROOFS.name))
    assert '<dd data-fig="net-liabilities"><b class="mono">18</b></dd>' in page
    assert "2 of 5 owed (only debt that collateral covers nets)" in page


def test_solvency_section_rendered_when_present(attested):
    """The statement said in words; the committed reserves' commitment is text (escaped)."""
    _, att, _ = attested
    view = build_view(att, Report(checks=[Check("solvency proof", True)]), None, NATIVE_PROOFS.name)
    view.solvency = SolvencyView("buckets", "committed", "<b>x</b>", True)
    page = render(view)
    assert "No solvency statement" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "a coverage bucket" in page and "✓ verified" in page and "{'" not in page


def test_reserves_read_from_an_attestation_section(attested):
    """The switch to an attestation section: same view, marked as signed."""
    _, att, _ = attested
    stand_in = SimpleNamespace(reserves=reserves_doc(valid_holdings()), statement=att.statement)
    view = reserves_from_attestation(stand_in)
    assert view is not None and view.signed_by_attestation and view.all_proven
    assert view.proven == {"BTC": 12 * 10**8, "USDT": 2_500_000_250_000}
    assert reserves_from_attestation(att) is None


def test_untrusted_text_is_escaped(attested, tmp_path):
    _, att, _ = attested
    h = valid_holdings()
    h[0]["source"] = '<img src=x onerror="alert(1)">'
    view = build_report(att, write_reserves(tmp_path / "r.json", h), proof_checker=NATIVE_PROOFS)
    page = render(view)
    assert "<img" not in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page  # markupsafe's escaping


def test_write_atomic_leaves_the_old_file_on_failure(tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    write_atomic(out, "first")
    assert out.read_text() == "first"

    def boom(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(out, "second")
    assert out.read_text() == "first" and os.listdir(tmp_path) == ["r.html"]


def test_tampered_book_root_report_invalid(attested, tmp_path):
    _, _, att_dir = attested
    doc = json.loads((att_dir / "attestation.json").read_text())
    doc["top"]["book_root"] = "42"
    (tmp_path / "attestation.json").write_text(json.dumps(doc))
    out = tmp_path / "r.html"
    assert run("report", tmp_path / "attestation.json", "--out", out, "--fast").exit_code == 1
    page = out.read_text()
    assert 'data-verdict="INVALID"' in page and "FAILED verification" in page
    assert '<tr class="check" data-ok="false" data-check="top proof"><td><span class="bad">✗</span></td><td>top proof</td>' in page


def test_coverage_buckets_and_bits_without_public_figures(attested):
    """Only what the solvency proof outputs is public: a bucket reads as its range (and the
    chart draws its lower bound, hatched), a bucket of 0 as NOT COVERED, a pass/fail bit as
    covered with no ratio — never a ratio the figures cannot give."""
    from dataclasses import replace as dc_replace

    _, att, _ = attested
    view = build_view(att, Report(checks=[Check("stand-in", True)]), None, NATIVE_PROOFS.name)
    btc, usdt = view.assets
    view.assets = [dc_replace(btc, proven_coverage=3, coverage_mode="buckets"),
                   dc_replace(usdt, proven_coverage=0, coverage_mode="buckets")]
    page = render(view)
    assert 'data-asset="BTC" data-coverage="covered" data-proven="true"' in page
    assert '<span data-fig="bucket">reserves 110–120 % of net liabilities</span>' in page
    assert 'data-asset="USDT" data-coverage="not-covered" data-proven="true"' in page
    assert '<span data-fig="bucket">reserves &lt; 100 % of net liabilities</span>' in page
    assert view.assets[1].coverage_text == "NOT COVERED: reserves < 100 % of net liabilities (the solvency proof's output)"
    assert 'class="covered bucket"' in page and "110–120 % (bucket)" in page
    assert 'data-fig="ratio"' not in page, "no measured ratio without public figures"
    view.assets = [dc_replace(btc, proven_coverage=1, coverage_mode="pass_fail"), usdt]
    page = render(view)
    assert "≥ 100 % (proven; the ratio is not public)" in page and 'data-fig="ratio"' not in page
