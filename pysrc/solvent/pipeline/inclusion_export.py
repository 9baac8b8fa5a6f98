"""The operator's side of inclusion proofs: one customer's proof, exported from the
private inclusion database (``private/inclusion.sqlite``) that proving wrote beside the
attestation. The customer's check of it is :mod:`solvent.attestation.inclusion`."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from ..attestation import hashing
from ..attestation.expectations import instruments
from ..attestation.inclusion import Balance, InclusionProof, PathStep
from ..attestation.models import Attestation
from ..attestation.verify import load
from ..errors import UsageError
from ..formulas import book as spec
from ..formulas.amounts import format_amount, format_signed_amount
from .inclusion_db import InclusionDb


def export(att_dir: Path, account_id: str) -> InclusionProof:
    """One customer's proof, from the operator's inclusion database."""
    att = load(att_dir)
    db = InclusionDb(att_dir / "private" / "inclusion.sqlite")
    try:
        if db.meta.get("attestation_hash") != hashing.attestation_hash(att).hex():
            raise UsageError(f"{att_dir}: the inclusion database belongs to another attestation")
        row = db.account(account_id)
        if row is None and unicodedata.normalize("NFC", account_id) != account_id:
            account_id = unicodedata.normalize("NFC", account_id)  # the book's ids are NFC
            row = db.account(account_id)
        if row is None:
            raise UsageError(f"account {account_id!r} is not in this attestation")
        leaf, salt, equity, debt, positions, quantities = row
        B = att.statement.shape.batch_size
        batch, idx = divmod(leaf, B)
        eq, de = json.loads(equity), json.loads(debt)
        return InclusionProof(
            attestation_hash=hashing.attestation_hash(att).hex(), institution=att.statement.institution,
            epoch=att.statement.epoch, account_id=account_id, salt=salt,
            balances={a.symbol: Balance(equity=format_amount(int(eq[i]), a.decimals),
                                        debt=format_amount(int(de[i]), a.decimals))
                      for i, a in enumerate(att.statement.assets)},
            positions_commitment=positions, positions=_positions(att, quantities), batch=batch, leaf_index=leaf % B,
            path=_path(db, batch, idx, B), top_path=_path(db, -1, batch, att.statement.shape.capacity))
    finally:
        db.close()


def _path(db: InclusionDb, tree: int, index: int, n_leaves: int) -> list[PathStep]:
    """Sibling hashes and parent commitments from leaf ``index`` of tree ``tree`` (a batch,
    or -1 for the top tree) up to its root."""
    path = []
    for level, arity in enumerate(spec.arities(n_leaves)):
        parent, pos = divmod(index, arity)
        siblings = [str(db.node(tree, level, parent * arity + j)[0]) for j in range(arity) if j != pos]
        _, commitment = db.node(tree, level + 1, parent)
        path.append(PathStep(position=pos, siblings=siblings, parent_commitment=str(commitment)))
        index = parent
    return path


def _positions(att: Attestation, quantities: str | None) -> dict[str, str] | None:
    if quantities is None:
        return None
    return {name: format_signed_amount(int(q), d) for (name, d), q in zip(instruments(att), json.loads(quantities), strict=True)}
