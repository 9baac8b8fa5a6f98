"""A customer's inclusion proof and the customer's check of it.

The operator exports the proof from its private database (``solvent.pipeline.inclusion_export``);
the check here recomputes the customer's tag and leaf from what they know (id, salt,
balances), walks the path to their batch root, and verifies that batch's proof, the
digest binding every batch into the top proof, the top proof and the signature.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from ..formulas import book as spec
from ..formulas.amounts import AmountError, parse_amount
from ..formulas.errors import MalformedInput
from . import hashing
from .models import Amount, Attestation, FieldStr, Hex32, Strict
from .trust import TrustEvidence
from .verify import PYTHON_PROOFS, ProofChecker, Report, verify

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


def instruments(att: Attestation) -> list[tuple[str, int]]:
    """``(name, quantity decimals)`` in the parameters' (sorted) instrument order."""
    instruments = (att.risk.params.get("instruments") or {}) if att.risk else {}
    return [(name, int(instruments[name]["quantity_decimals"])) for name in sorted(instruments)]


def _committed_positions(proof: InclusionProof, att: Attestation) -> int:
    """The leaf's positions commitment, recomputed from the customer's positions."""
    from decimal import Decimal

    from ..formulas import risk as risk_spec

    if "margin" not in att.statement.statements:
        if proof.positions:
            raise MalformedInput("positions given, but this attestation proves no margin")
        return int(proof.positions_commitment)
    if proof.positions is None or sorted(proof.positions) != [n for n, _ in instruments(att)]:
        raise MalformedInput("the margin statement needs a quantity for every instrument")
    units = []
    for name, d in instruments(att):
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


def verify_inclusion(proof: InclusionProof, att: Attestation, proof_checker: ProofChecker = PYTHON_PROOFS,
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
    r.merge(verify(att, proof_checker, only_batches=[proof.batch], trust_evidence=trust_evidence,
                   allow_insecure_keys=allow_insecure_keys))
    return r


def load_proof(path: Path) -> InclusionProof:
    return InclusionProof.model_validate_json(path.read_bytes())
