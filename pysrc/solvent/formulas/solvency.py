"""Reserves against liabilities, per asset, and the insurance fund against the book's
shortfalls (spec: circuits/solvency.md)."""

from __future__ import annotations

from collections.abc import Sequence

from .poseidon import hash_many
from .risk import SCALE

RESERVES = "solvent.reserves.v1"
BUCKETS = (100, 105, 110, 120, 150)
"""Coverage thresholds in percent: bucket k means reserves ≥ BUCKETS[k-1] % of net
liabilities (bucket 0: below 100 %, i.e. not covered)."""
BUCKET_LABELS = ("< 100 %", "100–105 %", "105–110 %", "110–120 %", "120–150 %", "≥ 150 %")
SHORTFALL_BITS = 240
"""Outcome shortfalls (×10^4 value units) summed over a book, and the insurance fund, are
below 2^240: one account's shortfall is below 2^(value bits + 1) ≤ 2^208 for any book of
fewer than 2^32 assets and instruments (circuits/risk.md, "Bounds"), and a book has at most
2^30 leaves."""


def net_liabilities(equity: int, netted_debt: int) -> int:
    """Equity owed to customers less the debt they owe that collateral covers."""
    return equity - netted_debt


def coverage(reserves: int, equity: int, netted_debt: int, mode: str) -> int:
    """1/0 for ``pass_fail``; the bucket index for ``buckets`` (a net liability ≤ 0 is
    covered by anything: the top bucket)."""
    net = net_liabilities(equity, netted_debt)
    if mode == "pass_fail":
        return int(reserves >= net)
    return sum(100 * reserves >= t * net for t in BUCKETS)


def insurance_value(units: Sequence[int], prices: Sequence[int]) -> int:
    """The insurance fund's holdings (smallest units per asset) at the published prices
    (value units per smallest unit), ×10^4 — the unit of the shortfalls it must cover."""
    return SCALE * sum(u * p for u, p in zip(units, prices, strict=True))


def insurance_covered(fund: int, collateral_shortfall: int, margin_shortfall: int) -> bool:
    """What the solvency proof outputs: the fund covers the larger of the two shortfalls."""
    return fund >= max(collateral_shortfall, margin_shortfall)


def reserves_commitment(reserves: Sequence[int], blind: int, context: int) -> int:
    return hash_many(RESERVES, [*reserves, blind, context])
