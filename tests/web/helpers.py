"""Driving the customer page in headless Chromium (web/driver.mjs, playwright-core
on Debian's chromium), and the files a customer would hold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

from click.testing import CliRunner

from solvent.pipeline.inclusion_export import export
from solvent.cli import main
from solvent.web.browser import REPO, PageChecker  # noqa: F401  (REPO: for tests that run web/ scripts)

TIMEOUT_S = 300


def drive(chromium: str, page: Path, steps: list[dict], timeout_s: int = TIMEOUT_S) -> dict:
    """Run ``steps`` on the page in one browser session; the driver's JSON result."""
    node = shutil.which("node")
    assert node, "node is not installed (make test installs the JavaScript tools with npm)"
    return PageChecker(node, chromium).drive(page, steps, timeout_s)


def run_cli(*args: Any):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def export_page(att_dir: Path, out: Path, *args: Any) -> Path:
    r = run_cli("export-web", att_dir, "--out", out, *args)
    assert r.exit_code == 0, r.output
    return out / "index.html"


def inclusion_file(att_dir: Path, account: str, path: Path,
                   mutate: Callable[[dict], None] | None = None) -> Path:
    """The inclusion file ``solvent inclusion`` gives ``account``, optionally edited."""
    doc = export(att_dir, account).model_dump(mode="json")
    if mutate is not None:
        mutate(doc)
    path.write_text(json.dumps(doc, indent=1))
    return path


def failed(checks: list[dict]) -> set[str]:
    return {c["name"] for c in checks if not c["ok"]}


def no_network_and_no_errors(result: dict) -> None:
    assert result["requests"] == [], f"the page made requests: {result['requests']}"
    assert result["console_errors"] == [] and result["page_errors"] == [], result
