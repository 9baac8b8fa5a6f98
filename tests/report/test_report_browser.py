"""The report as a person sees it: rendered by headless Chromium (Debian's package,
installed by ``make test``). Missing Chromium fails these tests; it never skips them."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from solvent.cli import main
from tests.reserves.helpers import valid_holdings, write_reserves
from tests.trust_helpers import pin_keys

from .browser import chromium_binary, count_colour, dump_dom, read_png, screenshot

VALID_GREEN, INVALID_RED, UNTRUSTED_AMBER = (0x11, 0x77, 0x2F), (0xB3, 0x14, 0x1B), (0x8A, 0x5A, 0x00)


@pytest.fixture(scope="session")
def chromium() -> str:
    binary = chromium_binary()
    if binary is None:
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium package "
                    "(or set SOLVENT_CHROMIUM to a Chromium binary)")
    return binary


class _Dom(HTMLParser):
    """Text by element id, every tag seen, and the text of the whole page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.by_id: dict[str, str] = {}
        self.attrs_by_id: dict[str, dict[str, str | None]] = {}
        self._open: list[str | None] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag in ("meta", "link", "br", "img", "input", "rect"):
            if a.get("id"):
                self.attrs_by_id[a["id"]] = a
            return
        self._open.append(a.get("id"))
        if a.get("id"):
            self.by_id[a["id"]] = ""
            self.attrs_by_id[a["id"]] = a

    def handle_endtag(self, tag):
        if tag not in ("meta", "link", "br", "img", "input", "rect") and self._open:
            self._open.pop()

    def handle_data(self, data):
        self.text.append(data)
        for i in self._open:
            if i:
                self.by_id[i] += data


def _rendered(chromium: str, page: Path) -> _Dom:
    dom = _Dom()
    dom.feed(dump_dom(chromium, page))
    return dom


def _report(att_dir: Path, out: Path, *args) -> int:
    r = CliRunner().invoke(main, ["report", str(att_dir), "--out", str(out), "--fast", *map(str, args)],
                           catch_exceptions=False)
    assert out.exists(), r.output
    return r.exit_code


def _keep(shot: Path) -> None:
    """SOLVENT_REPORT_SHOTS=DIR keeps the screenshots for a person to look at."""
    keep = os.environ.get("SOLVENT_REPORT_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / shot.name).write_bytes(shot.read_bytes())


def test_valid_report_renders_with_verdict_and_figures(chromium, attested, tmp_path):
    _, att, att_dir = attested
    reserves = write_reserves(tmp_path / "reserves.json", valid_holdings())
    page = tmp_path / "report.html"
    pins = pin_keys(att, tmp_path / "pins.json")
    assert _report(att_dir, page, "--reserves", reserves, "--trusted-keys", pins) == 0
    dom = _rendered(chromium, page)
    assert dom.by_id["verdict-word"].strip() == "VALID"
    assert dom.attrs_by_id["verdict"]["data-verdict"] == "VALID"
    text = " ".join(dom.text)
    assert "Test Exchange" in text and att.top.book_root in text
    assets = " ".join(dom.by_id["assets"].split())
    assert "BTC reserves 12 liabilities (equity) hidden" in assets, assets  # BTC: 1.5 + 2.5 + 3.5 + 4.5
    assert "USDT reserves 2,500,000.25 liabilities (equity) hidden" in assets, assets
    assert "net liabilities hidden (committed, not revealed) coverage not shown: no solvency statement" in assets
    assert "No solvency statement in this attestation" in dom.by_id["no-solvency"]
    assert "untrusted-keys" not in dom.by_id
    assert dom.by_id["reserves"].count("✓ proven") == 5
    assert not {"script", "link", "img", "iframe"} & set(dom.tags), "self-contained: no scripts or linked resources"

    shot = screenshot(chromium, page, tmp_path / "report-valid.png")
    _keep(shot)
    width, _, rows = read_png(shot, max_rows=220)
    assert width == 1200
    assert count_colour(rows, VALID_GREEN) > 20_000, "the green VALID banner is painted at the top"
    assert count_colour(rows, INVALID_RED) < 5_000


def test_tampered_attestation_report_shows_invalid(chromium, attested, tmp_path):
    """A changed institution name breaks the statement hash and the signature; the name
    is untrusted text and stays text (no script runs, no markup is injected)."""
    _, _, att_dir = attested
    doc = json.loads((att_dir / "attestation.json").read_text())
    doc["statement"]["institution"] = 'Evil <script>document.title="pwned"</script><b id="injected">Co</b>'
    bad = tmp_path / "tampered"
    bad.mkdir()
    (bad / "attestation.json").write_text(json.dumps(doc))
    page = tmp_path / "tampered.html"
    assert _report(bad, page) == 1
    dom = _rendered(chromium, page)
    assert dom.by_id["verdict-word"].strip() == "INVALID"
    assert "script" not in dom.tags and "injected" not in dom.by_id
    assert '<script>document.title="pwned"</script>' in " ".join(dom.text)
    assert "✗" in dom.by_id["checks"]

    shot = screenshot(chromium, page, tmp_path / "report-tampered.png")
    _keep(shot)
    _, _, rows = read_png(shot, max_rows=220)
    assert count_colour(rows, INVALID_RED) > 20_000, "the red INVALID banner is painted at the top"


def test_untrusted_keys_are_unmissable(chromium, attested, tmp_path):
    """Development keys accepted with --allow-insecure-keys: the word reads VALID only
    with the UNTRUSTED KEYS qualifier, the banner is amber, not green, and the alert
    names the keys."""
    _, _, att_dir = attested
    page = tmp_path / "untrusted.html"
    assert _report(att_dir, page, "--allow-insecure-keys") == 0
    dom = _rendered(chromium, page)
    assert dom.by_id["verdict-word"].strip() == "VALID — UNTRUSTED KEYS"
    assert "UNTRUSTED KEYS" in dom.by_id["untrusted-keys"] and "liabilities_batch" in dom.by_id["untrusted-keys"]
    shot = screenshot(chromium, page, tmp_path / "report-untrusted.png")
    _keep(shot)
    _, _, rows = read_png(shot, max_rows=220)
    assert count_colour(rows, UNTRUSTED_AMBER) > 20_000, "the amber banner is painted at the top"
    assert count_colour(rows, VALID_GREEN) < 5_000, "no green VALID banner for untrusted keys"
