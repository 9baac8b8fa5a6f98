"""Reserves against liabilities, per asset (spec: circuits/solvency.md)."""

from __future__ import annotations

from typing import Sequence

from .poseidon import hash_many

RESERVES = "solvent.reserves.v1"
BUCKETS = (100, 105, 110, 120, 150)
"""Coverage thresholds in percent: bucket k means reserves ≥ BUCKETS[k-1] % of net
liabilities (bucket 0: below 100 %, i.e. not covered)."""
BUCKET_LABELS = ("< 100 %", "100–105 %", "105–110 %", "110–120 %", "120–150 %", "≥ 150 %")
SHORTFALL_BITS = 200
"""Outcome shortfalls (×10^4 value units) summed over a book stay below 2^200."""


def coverage(reserves: int, equity: int, debt: int, mode: str) -> int:
    """1/0 for ``pass_fail``; the bucket index for ``buckets`` (a net liability ≤ 0 is
    covered by anything: the top bucket)."""
    net = equity - debt
    if mode == "pass_fail":
        return int(reserves >= net)
    return sum(100 * reserves >= t * net for t in BUCKETS)


def reserves_commitment(reserves: Sequence[int], blind: int, context: int) -> int:
    return hash_many(RESERVES, [*reserves, blind, context])
