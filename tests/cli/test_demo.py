"""`solvent demo`, the whole mission on a cut of the bundled book: the four statements
proven against the bundled signed reserves and price snapshot, verified, the report and
the customer page written, and one customer checked with `verify-inclusion` and in the
page (headless Chromium: required, as for every browser test)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from solvent.attestation.verify import load
from solvent.cli import main
from solvent.cli.demo import demo_inputs


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_demo_runs_the_whole_mission(tmp_path):
    out = tmp_path / "demo"
    r = run("demo", "--out", out, "--customers", 12, "--batch-size", 8, "--json")
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["ok"] and s["accounts"] == 12 and s["batches"] == 2
    assert s["statements"] == ["liabilities", "collateral", "margin", "solvency"]
    assert s["verdict"] == "VALID — UNTRUSTED KEYS" and s["keys_trusted"] is False and s["allow_insecure_keys"]
    for path in s["artefacts"].values():
        assert Path(path).exists(), path
    assert set(s["artefacts"]) == {"attestation", "report", "web_page", "inclusion_proof"}
    assert set(s["coverage"]) == {"BTC", "ETH", "USDT", "SOL"}
    assert all(text.startswith("covered") for text in s["coverage"].values()), s["coverage"]

    att = load(out / "attestation")
    assert att.solvency is not None and att.risk is not None and att.risk.prices is not None
    assert att.reserves is not None and {h["evidence"]["kind"] for h in att.reserves["holdings"]} == \
        {"self_reported", "eth_state_proof", "custodian_statement"}

    customer = s["customer"]
    v = s["verify_inclusion"]
    assert v["exit_code"] == 0 and v["valid"] and v["command"][:2] == ["solvent", "verify-inclusion"]
    assert f"--account={customer}" in v["command"] and f"--signer={s['signer']}" in v["command"]
    assert v["summary"].startswith("your account is included with the balances you expect")
    page = s["page_check"]
    assert page["ran"] and page["included"] == "yes" and page["ok"], page
    assert page["requests"] == [] and page["page_errors"] == []
    proof = json.loads((out / "inclusion.json").read_text())
    assert proof["account_id"] == customer

    report = (out / "report.html").read_text()
    assert 'data-verdict="VALID — UNTRUSTED KEYS"' in report and 'id="coverage-chart"' in report
    assert len(re.findall(r'class="asset" data-asset="\w+" data-coverage="covered" data-proven="true"', report)) == 4
    assert 'data-evidence="eth_state_proof" data-evidence-ok="true"' in report
    assert 'data-evidence="custodian_statement" data-evidence-ok="true"' in report


def test_demo_without_chromium_says_so(tmp_path, monkeypatch):
    """No browser: every other step runs, and the demo names what it could not check."""
    monkeypatch.setenv("SOLVENT_CHROMIUM", str(tmp_path / "no-such-chromium"))
    r = run("demo", "--out", tmp_path / "demo", "--customers", 4, "--batch-size", 8)
    assert r.exit_code == 0, r.output
    assert "in the page: not checked — Chromium is not installed" in r.stdout
    assert "in Python:   INCLUDED" in r.stdout and "VALID — UNTRUSTED KEYS" in r.stdout


def test_demo_keeps_what_an_earlier_run_wrote(tmp_path):
    out = tmp_path / "demo"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = run("demo", "--out", out)
    assert r.exit_code == 2 and "--force" in r.output
    r = run("demo", "--out", out, "--force")
    assert r.exit_code == 2 and "holds files the demo did not write (keep.txt)" in r.output
    assert (out / "keep.txt").read_text() == "mine"


def test_bundled_inputs_are_what_the_generator_makes(tmp_path):
    """scripts/make_demo_data.py is deterministic and the committed files are its output."""
    import importlib.util

    from tests.web.helpers import REPO

    spec = importlib.util.spec_from_file_location("make_demo_data", REPO / "scripts" / "make_demo_data.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.main(tmp_path)
    for name, path in demo_inputs().items():
        assert (tmp_path / name).read_bytes() == path.read_bytes(), name
