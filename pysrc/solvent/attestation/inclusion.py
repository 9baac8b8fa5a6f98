"""A customer's inclusion proof: exported by the operator, checked by the customer.

The customer's check (:func:`verify_inclusion`) has two parts, reported apart. Their
ACCOUNT: the file is for this attestation and their own id; the leaf, recomputed from what
they know (id, salt, balances, debt, positions), walks to their batch root and on to the
attested book root; the balances are what they expect (``expectations``). Then the
ATTESTATION-WIDE findings, the same for every customer: ``verify`` limited to their batch
(signature, expected signer and epoch, keys, their batch's proof, the digest binding every
batch into the top proof, the top proof, solvency, insurance and outcome bits).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from ..formulas import book as spec
from ..formulas import risk as risk_spec
from ..formulas.amounts import AmountError, format_signed_amount, parse_amount, parse_signed_amount
from ..formulas.errors import MalformedInput
from ..inputs.pins import Pins
from . import hashing
from .checks import Check, Report
from .expectations import QUANTITY_BITS, Expectation, instruments, parse_expectations
from .models import Amount, Attestation, FieldStr, Hex32, Strict
from .proofs import PYTHON_PROOFS, ProofChecker
from .trust import TrustEvidence
from .verify import verify

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


def _committed_positions(proof: InclusionProof, att: Attestation) -> int:
    """The leaf's positions commitment, recomputed from the customer's positions."""
    if "margin" not in att.statement.statements:
        if proof.positions:
            raise MalformedInput("positions given, but this attestation proves no margin")
        return int(proof.positions_commitment)
    if proof.positions is None or sorted(proof.positions) != [n for n, _ in instruments(att)]:
        raise MalformedInput("the margin statement needs a quantity for every instrument")
    units = []
    for name, d in instruments(att):
        try:
            units.append(parse_signed_amount(proof.positions[name], d, QUANTITY_BITS))
        except AmountError as e:
            raise MalformedInput(f"position {name}: {e}") from e
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
    if not st.shape.with_debt and any(de):
        owed = [a.symbol for a, d in zip(st.assets, de, strict=True) if d]
        raise MalformedInput(f"balances list debt in {owed}, but the book was committed without debt")
    tag = spec.tag_of(proof.account_id, int(proof.salt))
    return spec.leaf_hash(tag, eq, de if st.shape.with_debt else None, _committed_positions(proof, att), width)


# ---- the customer's check ------------------------------------------------------------


@dataclass
class InclusionReport(Report):
    """``verify``'s report on the attestation, led by the customer's own checks.

    ``checks`` holds every check: first the ``account`` checks (this file is for this
    attestation and this account, its leaf sits under the attested roots, its balances are
    what the customer expects), then the attestation-wide ``findings`` (signature, keys,
    the customer's batch proof, the top proof, solvency, insurance, outcome bits, ...) that
    concern every customer alike. ``valid``/``verdict`` are over all of them."""

    account: list[Check] = field(default_factory=list)

    @property
    def findings(self) -> list[Check]:
        return self.checks[len(self.account):]

    @property
    def account_ok(self) -> bool:
        return bool(self.account) and all(c.ok for c in self.account)

    @property
    def findings_ok(self) -> bool:
        return bool(self.findings) and all(c.ok for c in self.findings)

    def add_account(self, name: str, ok: bool, detail: str = "", fail: str | None = None) -> bool:
        """An account check (kept ahead of the findings)."""
        check = Check(name, ok, detail if ok or fail is None else fail)
        self.account.append(check)
        self.checks.insert(len(self.account) - 1, check)
        return ok

    def to_dict(self) -> dict[str, Any]:
        def listed(checks: list[Check]) -> list[dict[str, Any]]:
            return [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks]

        return {**super().to_dict(), "account": {"ok": self.account_ok, "checks": listed(self.account)},
                "findings": {"ok": self.findings_ok, "checks": listed(self.findings)}}


def same_account_id(given: str, in_file: str) -> bool:
    """Account ids compare after Unicode NFC normalization, as the book's ids are read."""
    return unicodedata.normalize("NFC", given) == unicodedata.normalize("NFC", in_file)


def _check_identity(r: InclusionReport, proof: InclusionProof, att: Attestation, account_id: str | None) -> None:
    """The file is for this attestation (its hash, institution, epoch) and this customer."""
    st = att.statement
    mine = hashing.attestation_hash(att).hex()
    r.add_account("attestation", proof.attestation_hash == mine, "the file is for this attestation",
                  f"the file is for another attestation ({proof.institution!r}, epoch {proof.epoch}, hash "
                  f"{proof.attestation_hash[:12]}…); this one is {st.institution!r}, epoch {st.epoch} (hash {mine[:12]}…)")
    r.add_account("institution", proof.institution == st.institution, f"{st.institution!r}",
                  f"the file names {proof.institution!r}, the attestation {st.institution!r}")
    r.add_account("epoch", proof.epoch == st.epoch, f"epoch {st.epoch}",
                  f"the file says epoch {proof.epoch}, the attestation is epoch {st.epoch}")
    if account_id is None:
        r.warnings.append(f"the file's account id {proof.account_id!r} was not compared with yours (none was given)")
        return
    r.add_account("account id", bool(account_id) and same_account_id(account_id, proof.account_id),
                  f"the file is for {proof.account_id!r}, the id you gave",
                  f"the file is for another account id ({proof.account_id!r}), not yours ({account_id!r})")


def _check_paths(r: InclusionReport, proof: InclusionProof, att: Attestation) -> None:
    """The leaf recomputed from id, salt and balances, walked to the batch root and on to
    the attested book root at the batch's slot."""
    st = att.statement
    try:
        leaf = leaf_of(proof, att)
        path = _levels(proof.path)
        root = spec.root_from_path(leaf, path, st.shape.batch_size)
        entry = att.batches[proof.batch] if proof.batch < len(att.batches) else None
        at = spec.position_in_batch(path)
        r.add_account("leaf position", at == proof.leaf_index, f"leaf {at} of batch {proof.batch}",
                      f"the path leads to leaf {at}, the file says leaf {proof.leaf_index}")
        r.add_account("path to batch root", entry is not None and str(root) == entry.root,
                      f"leaf recomputed from id, salt and balances; batch {proof.batch}",
                      f"no batch {proof.batch} in this attestation" if entry is None else
                      f"the leaf recomputed from id, salt and balances does not reach batch {proof.batch}'s root: "
                      "the balances, debt, positions, salt or path differ from what was proven")
        top = _levels(proof.top_path)
        book_root = spec.root_from_path(root, top, st.shape.capacity)
        r.add_account("path to book root", spec.position_in_batch(top) == proof.batch and str(book_root) == att.top.book_root,
                      "the batch root sits at its slot under the attested book root",
                      f"the batch root does not lead to the attested book root at slot {proof.batch}")
    except (MalformedInput, AmountError) as e:
        r.add_account("leaf", False, fail=f"cannot recompute the leaf: {e}")


def _stated(proof: InclusionProof, e: Expectation) -> tuple[int | None, str]:
    """What the file states for ``e``: smallest units (None when absent or malformed) and
    those words."""
    if e.kind == "position":
        text = (proof.positions or {}).get(e.name)
    else:
        b = proof.balances.get(e.name)
        text = None if b is None else (b.equity if e.kind == "equity" else b.debt)
    unit = {"equity": e.name, "debt": f"{e.name} of debt", "position": f"{e.name} contracts"}[e.kind]
    if text is None:
        return None, f"no {unit}"
    try:
        units = parse_signed_amount(text, e.decimals, 256, "asset" if e.kind != "position" else "instrument")
    except AmountError:
        return None, f"a malformed amount {text!r} of {unit}"
    return units, f"{format_signed_amount(units, e.decimals)} {unit}"


def expectation_name(e: Expectation) -> str:
    return {"equity": f"expected {e.name}", "debt": f"expected {e.name} debt",
            "position": f"expected position {e.name}"}[e.kind]


def _check_expectations(r: InclusionReport, proof: InclusionProof, expectations: Sequence[Expectation]) -> None:
    """Each of the customer's expectations against what the file (whose leaf is checked
    above) states, as exact numbers."""
    for e in expectations:
        got, stated = _stated(proof, e)
        r.add_account(expectation_name(e), got == e.units, f"{stated}, as you expect",
                      f"the file states {stated}, you expect {e.shown}")


def verify_inclusion(proof: InclusionProof, att: Attestation, proof_checker: ProofChecker = PYTHON_PROOFS,
                     expect: dict[str, str] | None = None, trust_evidence: TrustEvidence | None = None,
                     allow_insecure_keys: bool = False, *, account_id: str | None = None,
                     expectations: Sequence[Expectation] = (), signer: str | None = None,
                     min_epoch: int | None = None, pins: Pins | None = None) -> InclusionReport:
    """The customer's checks, then the attestation's (their batch only): keys are trusted
    on ``trust_evidence`` alone, as in :func:`verify`.

    ``account_id`` is the customer's own id (a file for another account fails; without it
    a warning says the id was not compared); ``expectations`` their balances, debt and
    positions (``expectations.parse_expectations``; ``expect`` is the shorthand
    ``{symbol: equity}``, parsed the same way); ``signer`` the address they expect to have
    signed; ``min_epoch`` the oldest epoch they accept."""
    wanted = list(expectations)
    if expect:
        wanted += parse_expectations(att, equity=[f"{k}={v}" for k, v in expect.items()])
    r = InclusionReport()
    _check_identity(r, proof, att, account_id)
    _check_paths(r, proof, att)
    _check_expectations(r, proof, wanted)
    r.merge(verify(att, proof_checker, signer=signer, epoch=min_epoch, only_batches=[proof.batch], pins=pins,
                   trust_evidence=trust_evidence, allow_insecure_keys=allow_insecure_keys))
    st = att.statement
    if signer is None:
        r.warnings.append(f"the signer {st.signer} was not compared with the address you expect (--signer): check "
                          f"that it is the address {st.institution} publishes")
    if min_epoch is None:
        r.warnings.append(f"this is epoch {st.epoch}; no oldest epoch was required (--epoch), so an older, replayed "
                          "attestation would pass too")
    return r


def load_proof(path: Path) -> InclusionProof:
    return InclusionProof.model_validate_json(path.read_bytes())
