"""The CLI's fixed cost: `solvent circom prove` (its help, a refused overwrite) loads neither
the attestation models (pydantic), the pure-Python verifier (py_ecc), the DSL nor rich,
which together were about 0.4 s of start-up on every call (issue 15). Checked by the
modules a fresh interpreter holds afterwards, not by a clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs the command line in a fresh interpreter, then prints which of the heavy modules it loaded.
RUN_AND_LIST = """
import json, sys
from solvent.cli import main

HEAVY = ("pydantic", "py_ecc", "rich", "solvent.attestation", "solvent.verifier", "solvent.dsl",
         "solvent.circuits", "solvent.pipeline", "solvent.backend.groth16", "solvent.backend.ceremony")
try:
    main(sys.argv[1:], prog_name="solvent")
finally:
    loaded = sorted({h for h in HEAVY for m in sys.modules if m == h or m.startswith(h + ".")})
    print("LOADED " + json.dumps(loaded), file=sys.stderr)
"""

HEAVY_FOR_CIRCOM = ["py_ecc", "pydantic", "rich", "solvent.attestation", "solvent.backend.ceremony",
                    "solvent.backend.groth16", "solvent.circuits", "solvent.dsl", "solvent.pipeline",
                    "solvent.verifier"]


def loaded_by(*args: object) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "pysrc")}
    r = subprocess.run([sys.executable, "-c", RUN_AND_LIST, *map(str, args)], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=300)
    line = next(x for x in r.stderr.splitlines() if x.startswith("LOADED "))
    return r, json.loads(line.removeprefix("LOADED "))


def test_circom_prove_help_loads_no_heavy_module():
    r, loaded = loaded_by("circom", "prove", "--help")
    assert "Prove WTNS with the key in KEY_DIR" in r.stdout, r.stdout + r.stderr
    assert loaded == [], loaded


def test_circom_prove_refusing_an_overwrite_loads_only_rich_to_say_so(tmp_path):
    keydir, out = tmp_path / "keys", tmp_path / "proof"
    keydir.mkdir()
    out.mkdir()
    (out / "proof.json").write_text("mine")
    wtns = tmp_path / "w.wtns"
    wtns.write_text("not read")
    r, loaded = loaded_by("circom", "prove", keydir, wtns, "--out", out)
    assert r.returncode == 2 and "proof.json" in r.stderr and "--force" in r.stderr, r.stderr
    assert loaded == ["rich"], loaded
    r, loaded = loaded_by("circom", "prove", keydir, wtns, "--out", out, "--json")
    assert r.returncode == 2 and json.loads(r.stdout)["error"]["type"] == "input", r.stdout
    assert loaded == [], loaded
    assert (out / "proof.json").read_text() == "mine"


def test_other_commands_still_get_the_shared_consoles():
    """common.py re-exports the light plumbing and keeps one stderr console for all."""
    from solvent.cli import common, exits

    assert common.err is exits.stderr_console()
    assert common.fail is exits.fail and common.EXIT_USAGE == exits.EXIT_USAGE == 2
