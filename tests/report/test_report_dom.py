"""The report's figures as an auditor reads them: each report rendered by headless
Chromium (web/driver.mjs, playwright-core) and the per-asset coverage, the accounts'
outcome and the reserves' evidence read back from the DOM, for a solvent book, an
insolvent one (NOT COVERED), a book whose totals stay hidden (only the proofs' yes/no
outputs public) and keys nobody vouches for. Missing Chromium fails, never skips."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from solvent.backend.groth16 import InsecureSetupWarning
from solvent.cli import main
from solvent.pipeline import keys as keymod
from solvent.pipeline.prove import ProveOptions, prove_book
from solvent.web.browser import PageChecker
from tests.risk.helpers import risk_book, risk_shape
from tests.solvency.helpers import signed_reserves
from tests.trust_helpers import pin_keys

from .browser import chromium_binary

SNAPSHOT = "2026-11-21T00:00:00Z"
FUND = {"BTC": 10 * 10**8}
"""10 BTC at 65,000 USD: 650,000 USD, more than the book's shortfalls."""


@pytest.fixture(scope="module")
def reader() -> PageChecker:
    import shutil

    chromium, node = chromium_binary(), shutil.which("node")
    if chromium is None or node is None:
        pytest.fail("chromium and node are needed: `make test` installs Debian's chromium and the npm packages")
    return PageChecker(node, chromium)


@pytest.fixture(scope="module")
def books(tmp_path_factory, backend, institution):
    """The risk book (account 1 under-collateralized, account 2 under-margined) proven with
    the solvency statement three ways, under one set of development keys: reserves equal
    to BTC's net liabilities (covered), one satoshi short (NOT COVERED), and covered with
    the totals kept hidden."""
    shape, setup = risk_shape(margin=True)
    shape = replace(shape, solvency={"mode": "pass_fail", "reserves": "public"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        sk = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp("dom-keys"), backend, seed=b"report-dom")
    book = risk_book(6)
    equity, _ = book.totals()
    out = {}
    for name, btc, reveal in (("solvent", equity[0], True), ("insolvent", equity[0] - 1, True),
                              ("hidden", equity[0], False)):
        reserves = {"BTC": btc, "USDT": 0}
        opts = ProveOptions(epoch=4, snapshot_time=SNAPSHOT, reveal_totals=reveal, risk=setup, reserves=reserves,
                            insurance=FUND,
                            reserves_document=signed_reserves(reserves, institution.name, 4, SNAPSHOT, insurance=FUND))
        d = tmp_path_factory.mktemp(f"dom-{name}") / "attestation"
        out[name] = (prove_book(book, sk, institution, opts, d, backend), d)
    return out


def _report(att_dir: Path, page: Path, *args) -> int:
    r = CliRunner().invoke(main, ["report", str(att_dir), "--out", str(page), "--fast", "--json", *map(str, args)],
                           catch_exceptions=False)
    assert page.exists(), r.output
    summary = json.loads(r.stdout)
    assert summary["report"] == str(page) and set(summary["coverage"]) == {"BTC", "USDT"}
    return r.exit_code


ASSETS = ("BTC", "USDT")


def _read(reader: PageChecker, page: Path) -> dict:
    """Everything the tests read, in one browser session."""
    queries = {
        "verdict": ("#verdict-word", []),
        "assets": (".asset", ["data-asset", "data-coverage", "data-proven"]),
        **{f"figures {s}": (f'.asset[data-asset="{s}"] [data-fig]', ["data-fig"]) for s in ASSETS},
        "chart": ("#coverage-chart g.bar", ["data-asset", "class"]),
        "outcome": ("#accounts [data-fig]", ["data-fig"]),
        "insurance": ("#insurance", ["data-covered"]),
        "summary": ("#accounts-summary", ["data-ok"]),
        "holdings": ("tr.holding", ["data-purpose", "data-evidence", "data-evidence-ok", "data-ok"]),
        "circuits": ("tr.circuit", ["data-role", "data-trusted", "data-evidence"]),
        "untrusted": ("#untrusted-keys", []),
        "solvency": ("#solvency [data-fig]", ["data-fig"]),
    }
    result = reader.drive(page, [{"op": "read", "selector": s, "attrs": a} for s, a in queries.values()],
                          wait_for="#verdict")
    assert result["requests"] == [] and result["page_errors"] == [] and result["console_errors"] == [], result
    return dict(zip(queries, result["steps"], strict=True))


def _by_asset(dom: dict) -> dict[str, dict[str, str]]:
    """Per asset: its coverage attributes and each figure's text."""
    assets = {a["attrs"]["data-asset"]: dict(a["attrs"]) for a in dom["assets"]}
    assert list(assets) == list(ASSETS)
    for symbol in ASSETS:
        assets[symbol].update({f["attrs"]["data-fig"]: f["text"] for f in dom[f"figures {symbol}"]})
    return assets


def _outcome(dom: dict) -> dict[str, str]:
    return {f["attrs"]["data-fig"]: f["text"] for f in dom["outcome"]}


def test_solvent_book(reader, books, tmp_path):
    att, att_dir = books["solvent"]
    page = tmp_path / "solvent.html"
    assert _report(att_dir, page, "--trusted-keys", pin_keys(att, tmp_path / "pins.json")) == 0
    dom = _read(reader, page)
    assert dom["verdict"][0]["text"] == "VALID" and dom["untrusted"] == []
    a = _by_asset(dom)
    btc, usdt = a["BTC"], a["USDT"]
    assert btc["data-coverage"] == "covered" and btc["data-proven"] == "true"
    assert btc["reserves"] == "2,002.6" and btc["equity"] == "2,002.6" and btc["net-liabilities"] == "2,002.6"
    assert btc["netted-debt"] == "0 (no debt owed in this asset)"
    assert btc["coverage"].startswith("covered") and "100.00 % of net liabilities" in btc["coverage"]
    assert btc["coverage-source"] == "the solvency proof's output"
    # USDT: 119,000 owed, of which the under-collateralized account's 9,000 does not net
    assert usdt["netted-debt"].startswith("110,000 of 119,000 owed")
    assert usdt["net-liabilities"] == "−99,876.543211" and usdt["data-coverage"] == "covered"
    assert "no net liabilities" in usdt["coverage"]
    assert [(c["attrs"]["data-asset"], c["attrs"]["class"], c["text"]) for c in dom["chart"]] == [
        ("BTC", "bar covered", "BTC 100.00 % of net liabilities"), ("USDT", "bar covered", "USDT no net liabilities")]
    o = _outcome(dom)
    # one batch holds the under-collateralized account; accounts short of margin sit in both
    assert o["collateralized-batches"] == "1 of 2" and o["margined-batches"] == "0 of 2"
    assert o["under-collateralized"] == "1" and o["under-margined"] == "3"
    assert o["collateral-shortfall"] == "2,500" and o["margin-shortfall"] == "71,976.543211"
    assert att.totals.outcome.margin_shortfall == "71976.543211", "the page shows the published figure"
    assert o["insurance-fund"] == "650,000 USD"
    assert dom["insurance"][0]["attrs"]["data-covered"] == "true" and dom["summary"][0]["attrs"]["data-ok"] == "true"
    assert "covered by the insurance fund (650,000 USD): yes" in dom["summary"][0]["text"]
    holdings = [(h["attrs"]["data-purpose"], h["attrs"]["data-evidence"], h["attrs"]["data-ok"]) for h in dom["holdings"]]
    assert holdings == [("reserves", "self_reported", "true"), ("reserves", "self_reported", "true"),
                        ("insurance", "self_reported", "true")]
    assert "self-reported" in dom["holdings"][0]["text"]
    assert {c["attrs"]["data-role"]: c["attrs"]["data-evidence"] for c in dom["circuits"]} == \
        {"batch": "pinned", "top": "pinned", "solvency": "pinned"}
    solvency = {f["attrs"]["data-fig"]: f["text"] for f in dom["solvency"]}
    assert solvency["solvency-proof"] == "✓ verified" and solvency["solvency-mode"] == "covered or not (pass/fail)"


def test_insolvent_book_is_not_covered(reader, books, tmp_path):
    att, att_dir = books["insolvent"]
    page = tmp_path / "insolvent.html"
    assert _report(att_dir, page, "--trusted-keys", pin_keys(att, tmp_path / "pins.json")) == 1
    dom = _read(reader, page)
    assert dom["verdict"][0]["text"] == "INVALID"
    btc = _by_asset(dom)["BTC"]
    assert btc["data-coverage"] == "not-covered" and btc["data-proven"] == "true"
    assert btc["reserves"] == "2,002.59999999" and btc["net-liabilities"] == "2,002.6"
    assert btc["coverage"].startswith("NOT COVERED") and "99.99 % of net liabilities" in btc["coverage"]
    assert [c["attrs"]["class"] for c in dom["chart"]] == ["bar not-covered", "bar covered"]


def test_hidden_totals_show_the_proofs_bits_only(reader, books, tmp_path):
    """Totals committed: no figure of liabilities, counts or shortfalls is shown — only
    what the proofs output (coverage per asset, each batch's bits, the insurance bit)."""
    att, att_dir = books["hidden"]
    page = tmp_path / "hidden.html"
    assert _report(att_dir, page, "--trusted-keys", pin_keys(att, tmp_path / "pins.json")) == 0
    dom = _read(reader, page)
    assert dom["verdict"][0]["text"] == "VALID"
    btc = _by_asset(dom)["BTC"]
    assert btc["data-coverage"] == "covered" and btc["data-proven"] == "true"
    assert btc["equity"] == "hidden (committed, not revealed)" and btc["net-liabilities"].startswith("hidden")
    assert btc["reserves"] == "2,002.6" and btc["coverage"].startswith("covered") and "%" not in btc["coverage"]
    assert [c["attrs"]["class"] for c in dom["chart"]] == ["bar covered", "bar covered"]
    o = _outcome(dom)
    assert o["collateralized-batches"] == "1 of 2" and o["margined-batches"] == "0 of 2"
    assert o["under-collateralized"] == "committed (not revealed)" and o["margin-shortfall"] == "committed (not revealed)"
    assert o["insurance-fund"] == "650,000 USD" and dom["insurance"][0]["attrs"]["data-covered"] == "true"
    assert "how many and by how much stays committed" in dom["summary"][0]["text"]


def test_untrusted_keys(reader, books, tmp_path):
    """The same solvent book, no evidence for its keys: NOT VALID — UNTRUSTED KEYS (exit 3),
    every circuit marked untrusted from the verifier's decision (not the attestation's
    label), the figures shown as claims."""
    _, att_dir = books["solvent"]
    page = tmp_path / "untrusted.html"
    assert _report(att_dir, page) == 3
    dom = _read(reader, page)
    assert dom["verdict"][0]["text"] == "NOT VALID — UNTRUSTED KEYS"
    assert "UNTRUSTED KEYS" in dom["untrusted"][0]["text"] and "liabilities_solvency" in dom["untrusted"][0]["text"]
    assert {c["attrs"]["data-role"]: (c["attrs"]["data-trusted"], c["attrs"]["data-evidence"])
            for c in dom["circuits"]} == {r: ("false", "none") for r in ("batch", "top", "solvency")}
    assert _by_asset(dom)["BTC"]["data-coverage"] == "covered"
    page2 = tmp_path / "allowed.html"
    assert _report(att_dir, page2, "--allow-insecure-keys") == 0
    assert _read(reader, page2)["verdict"][0]["text"] == "VALID — UNTRUSTED KEYS"
