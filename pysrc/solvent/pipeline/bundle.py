"""Writing an attestation bundle: ``attestation.json`` (public), ``keys/`` (public
verifying keys) and ``private/`` (the operator's inclusion database and shortfall list).

Files are written under the run directory first and moved into place one by one,
``attestation.json`` last: its presence is what marks a finished run, so a crash never
leaves a half-written attestation.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

from ..attestation import hashing
from ..attestation.models import Attestation
from ..formulas.amounts import format_amount
from ..inputs.accounts import AccountBook
from ..inputs.evaluate import shortfalls
from ..io import PRIVATE, create_private, private_dir, write_atomic
from . import inclusion_db, top_tree
from .jobs.checkpoints import RUN_DIR
from .layout import BookLayout


def write_bundle(out: Path, att: Attestation, book: AccountBook, layout: BookLayout, tt: top_tree.TopTree) -> None:
    out = out.resolve()
    stage = out / RUN_DIR / "bundle"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        (stage / "keys").mkdir(parents=True)
        private_dir(stage / "private")  # the operator's alone: salts, balances, shortfalls
        for name, vk in att.verifying_keys.items():
            (stage / "keys" / f"{name}.vk.json").write_text(json.dumps(vk, indent=1))
        inclusion_db.write(stage / "private" / "inclusion.sqlite", book, layout, tt, {
            "attestation_hash": hashing.attestation_hash(att).hex(),
            "assets": json.dumps([[a.symbol, a.decimals] for a in book.assets]),
            "batch_size": str(layout.shape.batch_size),
        })
        if layout.leaf_risk is not None:
            _write_shortfalls(stage / "private" / "shortfalls.csv", book, layout)
        write_atomic(stage / "private" / "README",
                     "Operator-only: every customer's salt and balances. Never publish this directory;\n"
                     "give each customer their own extract (solvent inclusion).\n", mode=PRIVATE)
        generated = out / RUN_DIR / "private"
        for f in generated.glob("*") if generated.is_dir() else []:
            if f.name in ("institution.secret", "signing.key"):
                shutil.copy2(f, stage / "private" / f.name)
        for name in ("keys", "private"):
            shutil.rmtree(out / name, ignore_errors=True)
            os.replace(stage / name, out / name)
        write_atomic(out / "attestation.json", json.dumps(att.model_dump(mode="json"), indent=1).encode())
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _write_shortfalls(path: Path, book: AccountBook, layout: BookLayout) -> None:
    """Operator-only: the accounts that fall short (shortfalls ×10^4 value units)."""
    assert layout.risk is not None and layout.leaf_risk is not None, "written only with the collateral statement"
    per_account = [layout.leaf_risk[layout.leaf_of[i]] for i in range(book.size)]
    rows = shortfalls(book, layout.risk, per_account)
    with create_private(path, newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "under_collateralized", "collateral_shortfall", "under_margined", "margin_shortfall"])
        scale = 4 + layout.risk.params.value_decimals
        for r in rows:
            w.writerow([r["account_id"], int(r["under_collateralized"]), format_amount(r["collateral_shortfall"], scale),
                        int(r["under_margined"]), format_amount(r["margin_shortfall"], scale)])



