"""Per-asset reserve totals in integer units (exact: ``parse_amount``, never floats)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ...formulas.amounts import AmountError, parse_amount
from .models import Reserves, ReservesError
from .ownership import OwnershipResult

DEFAULT_MAX_BITS = 128
"""A single holding's balance must be below 2^128 units; the solvency circuit range-
checks what it uses with its own bound."""


class AssetLike(Protocol):
    @property
    def symbol(self) -> str: ...
    @property
    def decimals(self) -> int: ...


def reserves_per_asset(reserves: Reserves, assets: Sequence[AssetLike], proven: Sequence[OwnershipResult] | None = None,
                       max_bits: int = DEFAULT_MAX_BITS, purpose: str = "reserves") -> dict[str, int]:
    """Sum of holdings of one ``purpose`` per asset symbol, every asset of ``assets``
    present (0 if none held): ``"reserves"`` (backing customer balances, the default) or
    ``"insurance"`` (the insurance fund). Each holding counts for exactly one of them.

    A holding in an asset the attestation does not list, or with more decimals than the
    asset has, is a ReservesError naming it (whatever its purpose). With ``proven``
    (``verify_ownership``'s results) only holdings whose ownership proof is valid are counted.
    """
    decimals = {a.symbol: a.decimals for a in assets}
    totals = dict.fromkeys(decimals, 0)
    counted = None if proven is None else {r.index for r in proven if r.ok}
    for i, h in enumerate(reserves.holdings):
        if h.asset not in decimals:
            raise ReservesError(reserves.source, f"unknown asset {h.asset!r}: the attestation lists "
                                f"{', '.join(decimals) or 'none'}", i, "asset", h.label)
        try:
            units = parse_amount(h.balance, decimals[h.asset], max_bits)
        except AmountError as e:
            raise ReservesError(reserves.source, str(e), i, "balance", h.label) from None
        if (counted is None or i in counted) and h.purpose == purpose:
            totals[h.asset] += units
    return totals
