"""Committed (private) reserves: the opening a custodian checks, and what it signs.

With ``--private-reserves`` the attestation publishes only a commitment to the per-asset
reserves, Poseidon(reserves ‖ blind ‖ context) (``verifier.solvency.reserves_commitment``),
and no addresses — an address's balance is public on its chain, so publishing the
addresses would publish the reserves. Such reserves back nothing unless someone other than
the institution has seen the opening and the holdings behind it. ``solvent prove`` writes
the opening to ``OUT/private/reserves-opening.json``; the institution hands it to its
custodian or auditor, who runs ``solvent reserves commitment-message OPENING``: that
recomputes the commitment from the opening, checks every holding (ownership and balance
evidence) and their sums, and prints the message to sign. ``solvent reserves attach``
puts the signature into the attestation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...formulas.amounts import AmountError, format_amount, parse_amount
from ...formulas.solvency import reserves_commitment
from ...io import PRIVATE, write_atomic
from ..assets import Asset
from ..errors import InputError
from ..pins import Pins
from .audit import HoldingAudit, audit_holdings
from .custody import commitment_message
from .models import ReservesError, parse_reserves
from .totals import reserves_per_asset

OPENING_VERSION: Final = "solvent.reserves-opening/1"


class OpeningAsset(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    symbol: str
    decimals: int = Field(ge=0, le=36)
    reserves: str
    """The committed reserves of this asset, exact decimal in its units."""


class Opening(BaseModel):
    """Operator-private: everything needed to recompute and vouch for a reserves commitment."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal["solvent.reserves-opening/1"] = OPENING_VERSION
    institution: str
    epoch: int = Field(ge=0)
    snapshot_time: str
    context: str
    commitment: str
    blind: str
    assets: list[OpeningAsset] = Field(min_length=1)
    holdings: dict
    """The reserves file (``solvent.reserves/1``) behind the commitment."""


def build_opening(institution: str, epoch: int, snapshot_time: str, context: int, commitment: int, blind: int,
                  assets: list[tuple[str, int]], reserves: list[int], holdings: dict) -> Opening:
    return Opening(institution=institution, epoch=epoch, snapshot_time=snapshot_time, context=str(context),
                   commitment=str(commitment), blind=str(blind),
                   assets=[OpeningAsset(symbol=s, decimals=d, reserves=format_amount(v, d))
                           for (s, d), v in zip(assets, reserves, strict=True)], holdings=holdings)


def load_opening(path: Path) -> Opening:
    try:
        return Opening.model_validate_json(path.read_bytes())
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from e
    except ValidationError as e:
        first = e.errors()[0]
        raise InputError(path, first["msg"], field=".".join(str(p) for p in first["loc"]) or None) from None


def opening_message(op: Opening) -> str:
    return commitment_message(op.institution, op.epoch, op.snapshot_time, [a.symbol for a in op.assets], op.commitment)


def check_opening(op: Opening, pins: Pins | None = None, source: str = "opening") -> tuple[list[str], list[HoldingAudit]]:
    """Every reason the opening does not vouch for its commitment (empty: it does), and
    the holdings' audits: the commitment recomputed from the amounts, blind and context;
    every holding's ownership and evidence; the holdings' sums equal to the amounts."""
    problems: list[str] = []
    try:
        units = [parse_amount(a.reserves, a.decimals, 250) for a in op.assets]
    except AmountError as e:
        return [f"{source}: reserves amount: {e}"], []
    if str(reserves_commitment(units, int(op.blind), int(op.context))) != op.commitment:
        problems.append(f"{source}: the amounts, blind and context do not open the commitment {op.commitment}")
    try:
        doc = parse_reserves(op.holdings, f"{source}, holdings")
        audits = audit_holdings(doc, op.institution, op.epoch, op.snapshot_time, pins)
        sums = reserves_per_asset(doc, [Asset(a.symbol, a.decimals) for a in op.assets])
    except ReservesError as e:
        return problems + [str(e)], []
    problems += [e for a in audits for e in a.errors]
    for a, u in zip(op.assets, units, strict=True):
        if sums[a.symbol] != u:
            problems.append(f"{source}: the holdings of {a.symbol} add up to {format_amount(sums[a.symbol], a.decimals)}, "
                            f"the commitment says {a.reserves}")
    return problems, audits


def write_opening(path: Path, op: Opening) -> None:
    write_atomic(path, json.dumps(op.model_dump(mode="json"), indent=1), mode=PRIVATE)
