"""Checking each holding's ownership proof against one attestation.

The expected message is rebuilt from the attestation's institution, epoch and snapshot
time (never taken from the file): the holding's stated ``message`` must be exactly that
text, and its signature must be made over it by the key of the holding's address.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import SolventError
from ...formulas.eip191 import signed_by
from . import bitcoin
from .message import explain_mismatch, ownership_message
from .models import Holding, Reserves


@dataclass(frozen=True)
class OwnershipResult:
    index: int
    chain: str
    address: str
    asset: str
    ok: bool
    detail: str
    """Why it failed, or what proved it."""
    where: str
    """``file, holdings[i] (chain address)``: the holding, named for error messages."""

    @property
    def error(self) -> str | None:
        return None if self.ok else f"{self.where}: {self.detail}"


class OwnershipError(SolventError, ValueError):
    """Raised by ``require_ownership`` with every failing holding named."""


def _check_ethereum(h: Holding, message: str) -> str | None:
    return signed_by(message, h.ownership.signature, h.address)


def _check_bitcoin(h: Holding, message: str) -> str | None:
    try:
        bitcoin.verify_message(h.address, message, h.ownership.signature)
    except bitcoin.BitcoinError as e:
        return str(e)
    return None


def check_holding(h: Holding, institution: str, epoch: int, snapshot_time: str) -> tuple[bool, str]:
    """(ok, detail) for one holding."""
    try:
        expected = ownership_message(institution, epoch, snapshot_time, h.chain, h.address)
    except ValueError as e:
        return False, f"no ownership message can be built for this attestation: {e}"
    if h.ownership.message != expected:
        return False, explain_mismatch(h.ownership.message, expected)
    problem = _check_ethereum(h, expected) if h.chain == "ethereum" else _check_bitcoin(h, expected)
    if problem is not None:
        return False, problem
    scheme = "EIP-191 personal_sign" if h.chain == "ethereum" else "BIP-137"
    return True, f"{scheme} signature by the address's key over this attestation's ownership message"


def verify_ownership(reserves: Reserves, institution: str, epoch: int, snapshot_time: str) -> list[OwnershipResult]:
    """One result per holding, in file order; never raises for a bad signature (the
    report shows each), see ``require_ownership`` for the raising form."""
    out = []
    for i, h in enumerate(reserves.holdings):
        ok, detail = check_holding(h, institution, epoch, snapshot_time)
        out.append(OwnershipResult(i, h.chain, h.address, h.asset, ok, detail, reserves.where(i)))
    return out


def require_ownership(reserves: Reserves, institution: str, epoch: int, snapshot_time: str) -> list[OwnershipResult]:
    """``verify_ownership`` that raises OwnershipError naming every failing holding."""
    results = verify_ownership(reserves, institution, epoch, snapshot_time)
    errors = [r.error for r in results if not r.ok]
    if errors:
        raise OwnershipError("\n".join(e for e in errors if e))
    return results
