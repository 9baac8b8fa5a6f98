"""The customer's web page: how big it is, how long the browser takes to check the
attestation when the page opens, and how long one customer's check takes, against the
same check in Python (pure-Python and native verifiers).

Prints a table (no assertions). Uses Debian's chromium through web/driver.mjs.

Run: .venv/bin/python benches/bench_web.py [--attestation DIR] [--account ID] [--checks N]
(default: the demo's attestation, out/demo/attestation, made with `solvent demo` if absent)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benches._util import table  # noqa: E402
from solvent.attestation import inclusion as inc  # noqa: E402
from solvent.attestation.proofs import PYTHON_PROOFS  # noqa: E402
from solvent.attestation.verify import load  # noqa: E402
from solvent.backend import NATIVE_PROOFS  # noqa: E402
from solvent.pipeline.inclusion_export import export  # noqa: E402
from solvent.web import Pins, attestation_keys, export_site  # noqa: E402
from tests.report.browser import chromium_binary  # noqa: E402
from tests.web.helpers import drive, inclusion_file  # noqa: E402


def _demo_attestation() -> Path:
    att = ROOT / "out" / "demo" / "attestation"
    if not (att / "attestation.json").exists():
        subprocess.run([sys.executable, "-m", "solvent.cli", "demo", "--out", str(ROOT / "out" / "demo")], check=True)
    return att


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--attestation", type=Path)
    ap.add_argument("--account", help="default: the first account of the inclusion database")
    ap.add_argument("--checks", type=int, default=5, help="customer checks to time in one page session")
    args = ap.parse_args()
    att_dir = args.attestation or _demo_attestation()
    att = load(att_dir)
    account = args.account or _first_account(att_dir)
    chromium = chromium_binary()
    if chromium is None:
        raise SystemExit("chromium is not installed (make test installs it)")
    with tempfile.TemporaryDirectory(prefix="bench-web-") as d:
        t = time.perf_counter()
        page = export_site(att, Path(d) / "site", Pins(keys=attestation_keys(att), insecure=True))
        export_s = time.perf_counter() - t
        mine = inclusion_file(att_dir, account, Path(d) / "mine.json")
        steps = [{"op": "check", "id": account, "file": str(mine)} for _ in range(args.checks)]
        result = drive(chromium, page, steps)
        size_kib = page.stat().st_size / 1024
    checks = [s["ms"] for s in result["steps"]]
    assert all(s["included"] == "yes" for s in result["steps"]), result["steps"][0]
    proof = export(att_dir, account)
    python = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fast in (False, True):
            t = time.perf_counter()
            assert inc.verify_inclusion(proof, att, proof_checker=NATIVE_PROOFS if fast else PYTHON_PROOFS).valid
            python[fast] = time.perf_counter() - t
    st = att.statement
    print(f"attestation: {len(att.batches)} batches × {st.shape.batch_size} leaves, {st.shape.n_assets} assets, "
          f"statements {', '.join(st.statements)}; account {account!r}\n")
    print(table([
        {"what": "export_site: render and write the page (Python)", "figure": f"{export_s:.2f} s"},
        {"what": "page size (one file: script and attestation inline)", "figure": f"{size_kib:,.0f} KiB"},
        {"what": "page open → attestation checked (signature, keys, digest, top proof)",
         "figure": f"{result['load_ms'] / 1000:.2f} s"},
        {"what": f"one customer's check in the page (median of {len(checks)})",
         "figure": f"{statistics.median(checks) / 1000:.3f} s"},
        {"what": "the same check in Python, pure-Python verifier", "figure": f"{python[False]:.2f} s"},
        {"what": "the same check in Python, native verifier", "figure": f"{python[True]:.2f} s"},
    ], [("what", "measure"), ("figure", "figure")]))


def _first_account(att_dir: Path) -> str:
    import sqlite3

    con = sqlite3.connect(att_dir / "private" / "inclusion.sqlite")
    try:
        return con.execute("SELECT account_id FROM accounts ORDER BY leaf LIMIT 1").fetchone()[0]
    finally:
        con.close()


if __name__ == "__main__":
    main()
