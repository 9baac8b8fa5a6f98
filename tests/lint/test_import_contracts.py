"""The import contracts (pyproject.toml `[tool.importlinter]`) hold, and they are not
vacuous: one deliberate back-import into the verification side breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed (requirements-dev.txt)")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` over the package in ``tree/pysrc``, with the repository's contracts."""
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, cwd=tree, env={"PYTHONPATH": str(tree / "pysrc")},
                          timeout=300)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "pysrc" / "solvent", tmp_path / "pysrc" / "solvent",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "assets"))
    return tmp_path


def test_contracts_hold(package_copy: Path) -> None:
    r = lint_imports(package_copy)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


@pytest.mark.parametrize("module,back_import,contract", [
    # attestation verification reaching the prover's backend: both contracts break
    ("attestation/hashing.py", "from ..backend import groth16", "no pipeline, backend or native module"),
    # the formulas importing a layer above them
    ("formulas/book.py", "from ..attestation import models", "import only downward"),
    # a module the verifier reads of the inputs reaching the native account store
    ("inputs/params.py", "from . import accounts", "reads of the inputs never reaches the native module"),
])
def test_a_back_import_breaks_them(package_copy: Path, module: str, back_import: str, contract: str) -> None:
    path = package_copy / "pysrc" / "solvent" / module
    path.write_text(path.read_text() + f"\n{back_import}  # deliberate back-import\n")
    r = lint_imports(package_copy)
    assert r.returncode != 0, r.stdout
    assert f"{contract} BROKEN" in " ".join(r.stdout.split()), r.stdout  # lint-imports wraps long names
