"""Checking a customer's account in the real page, in headless Chromium, as a customer
would: ``web/driver.mjs`` (playwright-core, from the repository's pinned npm packages)
types the id, chooses the inclusion file and reads the verdict back from the DOM.

Only a development checkout has the driver and its npm packages; ``page_checker`` says
why not when something is missing, so the demo can say so instead of failing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
"""The repository root of a development checkout (pysrc/solvent/web/ → ../../..)."""
DRIVER = REPO / "web" / "driver.mjs"


def chromium_binary() -> str | None:
    """``$SOLVENT_CHROMIUM``, else Debian's ``chromium`` (or ``chromium-browser``) on PATH."""
    return os.environ.get("SOLVENT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class PageChecker:
    node: str
    chromium: str

    def drive(self, page: Path, steps: list[dict], timeout_s: int = 300, wait_for: str | None = None) -> dict:
        """Run ``steps`` (web/driver.mjs's job format) on ``page`` in one browser session;
        ``wait_for``: the selector that marks the page loaded (default: the customer page's)."""
        spec = {"chromium": self.chromium, "page": str(page.resolve()), "steps": steps}
        if wait_for is not None:
            spec["wait_for"] = wait_for
        with tempfile.TemporaryDirectory(prefix="solvent-web-") as d:
            job = Path(d) / "job.json"
            job.write_text(json.dumps(spec))
            res = subprocess.run([self.node, str(DRIVER), str(job)], capture_output=True, text=True, cwd=REPO,
                                 timeout=timeout_s, check=False)
        if res.returncode != 0:
            raise RuntimeError(f"the page driver failed ({res.returncode}): {res.stderr[-3000:]}")
        return json.loads(res.stdout)

    def check_account(self, page: Path, account: str, inclusion_file: Path) -> dict:
        """The page's verdict on one customer's file, read from the DOM (driver's "check" step)."""
        result = self.drive(page, [{"op": "check", "id": account, "file": str(inclusion_file.resolve())}])
        step = result["steps"][0]
        step["requests"], step["page_errors"] = result["requests"], result["page_errors"] + result["console_errors"]
        return step


def page_checker() -> tuple[PageChecker | None, str]:
    """A checker, or None and what is missing."""
    chromium = chromium_binary()
    node = shutil.which("node")
    if chromium is None or shutil.which(chromium) is None:
        return None, (f"Chromium is not installed ({chromium} is not an executable)" if chromium else
                      "Chromium is not installed (Debian's chromium, or set SOLVENT_CHROMIUM)")
    if node is None:
        return None, "Node.js is not installed"
    if not DRIVER.exists() or not (REPO / "node_modules" / "playwright-core").exists():
        return None, (f"the page driver needs a development checkout with its npm packages ({DRIVER}, "
                      "node_modules/playwright-core: make node-deps)")
    return PageChecker(node, chromium), ""
