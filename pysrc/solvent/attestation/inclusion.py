"""A customer's inclusion proof: exported by the operator, checked by the customer.

The check recomputes the customer's tag and leaf from what they know (id, salt,
balances), walks the path to their batch root, and verifies that batch's proof, the
digest binding every batch into the top proof, the top proof and the signature.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field

from ..book.amounts import AmountError, format_amount, parse_amount
from ..verifier import MalformedInput
from ..verifier import book as spec
from . import hashing
from .models import Amount, Attestation, FieldStr, Hex32, Strict
from .trust import TrustEvidence
from .verify import Report, load, verify

VERSION = "solvent.inclusion/1"


class Balance(Strict):
    equity: Amount
    debt: Amount


class PathStep(Strict):
    position: int = Field(ge=0, le=7)
    siblings: list[FieldStr] = Field(min_length=1, max_length=7)
    parent_commitment: FieldStr


class InclusionProof(Strict):
    version: str = VERSION
    attestation_hash: Hex32
    institution: str
    epoch: int
    account_id: str
    salt: FieldStr
    balances: dict[str, Balance]
    positions_commitment: FieldStr
    positions: dict[str, str] | None = None
    """Signed quantities per instrument (in contracts), with the margin statement."""
    batch: int = Field(ge=0)
    leaf_index: int = Field(ge=0)
    path: list[PathStep]
    """From the leaf to the batch root."""
    top_path: list[PathStep]
    """From the batch root to the book root (the top tree over batch slots)."""


def export(att_dir: Path, account_id: str) -> InclusionProof:
    """One customer's proof, from the operator's inclusion database."""
    from ..liabilities.inclusion_db import InclusionDb

    att = load(att_dir)
    db = InclusionDb(att_dir / "private" / "inclusion.sqlite")
    try:
        if db.meta.get("attestation_hash") != hashing.attestation_hash(att).hex():
            raise ValueError(f"{att_dir}: the inclusion database belongs to another attestation")
        row = db.account(account_id)
        if row is None:
            raise KeyError(f"account {account_id!r} is not in this attestation")
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


def _path(db, tree: int, index: int, n_leaves: int) -> list[PathStep]:
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


def _instruments(att: Attestation) -> list[tuple[str, int]]:
    """``(name, quantity decimals)`` in the parameters' (sorted) instrument order."""
    instruments = (att.risk.params.get("instruments") or {}) if att.risk else {}
    return [(name, int(instruments[name]["quantity_decimals"])) for name in sorted(instruments)]


def _positions(att: Attestation, quantities: str | None) -> dict[str, str] | None:
    if quantities is None:
        return None
    def signed(units: int, d: int) -> str:
        return ("-" if units < 0 else "") + format_amount(abs(units), d)

    return {name: signed(int(q), d) for (name, d), q in zip(_instruments(att), json.loads(quantities))}


def _committed_positions(proof: "InclusionProof", att: Attestation) -> int:
    """The leaf's positions commitment, recomputed from the customer's positions."""
    from decimal import Decimal

    from ..verifier import risk as risk_spec

    if "margin" not in att.statement.statements:
        if proof.positions:
            raise MalformedInput("positions given, but this attestation proves no margin")
        return int(proof.positions_commitment)
    if proof.positions is None or sorted(proof.positions) != [n for n, _ in _instruments(att)]:
        raise MalformedInput("the margin statement needs a quantity for every instrument")
    units = []
    for name, d in _instruments(att):
        q = Decimal(proof.positions[name]).scaleb(d)
        if q != q.to_integral_value():
            raise MalformedInput(f"{name}: more decimals than the instrument's {d}")
        units.append(int(q))
    return risk_spec.positions_commitment(units)


def _levels(steps: list[PathStep]) -> list[spec.PathLevel]:
    return [spec.PathLevel(s.position, tuple(int(x) for x in s.siblings), int(s.parent_commitment)) for s in steps]


def leaf_of(proof: InclusionProof, att: Attestation) -> int:
    """The customer's leaf, recomputed from what they know: id, salt, balances (and positions,
    with the margin statement). Raises MalformedInput or AmountError."""
    st = att.statement
    symbols = [a.symbol for a in st.assets]
    if sorted(proof.balances) != sorted(symbols):
        raise MalformedInput(f"balances must list exactly the assets {symbols}")
    width = st.shape.range_bits
    eq = [parse_amount(proof.balances[a.symbol].equity, a.decimals, width) for a in st.assets]
    de = [parse_amount(proof.balances[a.symbol].debt, a.decimals, width) for a in st.assets]
    tag = spec.tag_of(proof.account_id, int(proof.salt))
    return spec.leaf_hash(tag, eq, de, _committed_positions(proof, att), width)


def verify_inclusion(proof: InclusionProof, att: Attestation, fast: bool = False,
                     expect: dict[str, str] | None = None, trust_evidence: TrustEvidence | None = None,
                     allow_insecure_keys: bool = False) -> Report:
    """The customer's checks, then the attestation's (their batch only): keys are trusted
    on ``trust_evidence`` alone, as in :func:`verify`."""
    r = Report()
    r.add("attestation", proof.attestation_hash == hashing.attestation_hash(att).hex(),
          "the proof is for this attestation")
    st = att.statement
    leaf = None
    try:
        leaf = leaf_of(proof, att)
        path = _levels(proof.path)
        root = spec.root_from_path(leaf, path, st.shape.batch_size)
        entry = att.batches[proof.batch] if proof.batch < len(att.batches) else None
        r.add("leaf position", spec.position_in_batch(path) == proof.leaf_index)
        r.add("path to batch root", entry is not None and str(root) == entry.root,
              f"leaf recomputed from id, salt and balances; batch {proof.batch}")
        top = _levels(proof.top_path)
        book_root = spec.root_from_path(root, top, st.shape.capacity)
        r.add("path to book root", spec.position_in_batch(top) == proof.batch and str(book_root) == att.top.book_root,
              "the batch root sits at its slot under the attested book root")
    except (MalformedInput, AmountError) as e:
        r.add("leaf", False, str(e))
    if expect:
        for symbol, amount in expect.items():
            got = proof.balances.get(symbol)
            r.add(f"expected {symbol}", got is not None and got.equity == amount,
                  f"attested {got.equity if got else 'nothing'}")
    r.merge(verify(att, fast=fast, only_batches=[proof.batch], trust_evidence=trust_evidence,
                   allow_insecure_keys=allow_insecure_keys))
    return r


def load_proof(path: Path) -> InclusionProof:
    return InclusionProof.model_validate_json(path.read_bytes())
