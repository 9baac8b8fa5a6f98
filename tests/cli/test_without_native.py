"""An auditor and a customer verify without the Rust extension: `solvent verify` (pure
Python), `verify-inclusion` and `report` run in a process where importing
`solvent._native` fails, and never load it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from solvent.pipeline.inclusion_export import export

ROOT = Path(__file__).resolve().parents[2]

# Runs the CLI with a meta-path finder that refuses the native module, then checks that
# nothing loaded it behind the finder's back.
NO_NATIVE = """
import sys

class RefuseNative:
    def find_spec(self, name, path=None, target=None):
        if name == "solvent._native":
            raise ImportError("solvent._native is not installed here (blocked by the test)")
        return None

sys.meta_path.insert(0, RefuseNative())
from solvent.cli import main

try:
    main(sys.argv[1:], prog_name="solvent")
finally:
    print("NATIVE LOADED" if "solvent._native" in sys.modules else "native not loaded", file=sys.stderr)
"""


def solvent_without_native(*args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "pysrc")}
    return subprocess.run([sys.executable, "-c", NO_NATIVE, *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600)


def test_verify_inclusion_and_report_run_without_the_native_module(attested, tmp_path):
    _, att, att_dir = attested
    proof = tmp_path / "user-00003.json"
    proof.write_text(json.dumps(export(att_dir, "user-00003").model_dump(mode="json")))

    r = solvent_without_native("verify", att_dir, "--allow-insecure-keys", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["verdict"] == "VALID — UNTRUSTED KEYS"
    assert "native not loaded" in r.stderr

    r = solvent_without_native("verify-inclusion", proof, "--attestation", att_dir, "--account", "user-00003",
                               "--allow-insecure-keys")
    assert r.returncode == 0, r.stderr
    assert "native not loaded" in r.stderr

    page = tmp_path / "report.html"
    r = solvent_without_native("report", att_dir, "--out", page, "--allow-insecure-keys")
    assert r.returncode == 0, r.stderr
    assert "native not loaded" in r.stderr and att.statement.institution in page.read_text()


def test_the_block_is_real_fast_verification_needs_the_native_module(attested):
    _, _, att_dir = attested
    r = solvent_without_native("verify", att_dir, "--fast", "--allow-insecure-keys")
    assert r.returncode != 0
    assert "solvent._native is not installed here" in r.stderr
