"""Collateral adequacy and margin: the formulas the circuits prove (spec:
circuits/risk.md). Plain integers in value units (``10^-value_decimals`` of the quote
currency); ratios in basis points, so ratio-weighted values are *scaled* by 10^4 and
exact — nothing is rounded.
"""

from __future__ import annotations

from collections.abc import Sequence

from .book import pack
from .errors import MalformedInput
from .poseidon import hash_many

SCALE = 10_000
"""Basis points: a tiered value times 10^4 is an exact integer."""
BALANCE_BITS = 96
"""The widest balance the collateral and margin circuits take: 2^96 smallest units
(7.9·10^10 whole units of an 18-decimal asset such as ETH)."""
PRICE_BITS = 64
"""A price is below 2^64 value units per smallest unit of its asset. Pricing an 18-decimal
asset to the cent per wei needs ``value_decimals = 20`` (ETH at 3,000.25 is 300,025 value
units per wei); at that scale 2^64 still admits 1.8·10^7 quote units per whole 8-decimal
asset (BTC), where 48 bits stopped at 281. Parameter files outside the bound are refused
(``risk/params.py``)."""
VALUE_BITS = BALANCE_BITS + PRICE_BITS
"""An account's value in one asset (balance < 2^96 × price < 2^64) is below 2^160; a book
of ``b``-bit balances stays below ``2^value_bits(b)``."""


def value_bits(range_bits: int) -> int:
    """Per-asset values ``equity·price`` of a book of ``range_bits``-bit balances are below
    ``2^value_bits``: the circuits' comparisons are only as wide as the book needs."""
    if not 1 <= range_bits <= BALANCE_BITS:
        raise MalformedInput(f"collateral and margin take balances of at most {BALANCE_BITS} bits, not {range_bits}")
    return range_bits + PRICE_BITS


def infinity(range_bits: int) -> int:
    """``2^(value_bits + 1)``: the upper end of an unbounded band, and the bounds of an
    unused (unreachable) region — above every value a book of this width can hold."""
    return 1 << (value_bits(range_bits) + 1)


def region_bits(range_bits: int) -> int:
    """Width of the region checks ``cv − lo`` and ``hi − cv`` (``lo, hi ≤ infinity``)."""
    return value_bits(range_bits) + 2

QUANTITY_BITS = 48
"""Signed positions: ``|q| < 2^47`` smallest contract units."""
RISK_BITS = 64
"""``|loss per smallest contract unit|`` in a risk array and a mark price are below 2^64
value units (the same headroom as prices)."""
PARAMS = "solvent.params.v1"
POSITIONS = "solvent.positions.v1"

Region = tuple[int, int, int, int]
"""``(lo, hi, ratio_bps, intercept)``: on ``lo ≤ cv ≤ hi`` the tiered value (×10^4) is
``intercept + ratio·cv``."""


def regions(bounds: Sequence[int | None], ratios: Sequence[int], n_regions: int, range_bits: int) -> list[Region]:
    """One asset's tiers as the circuit's regions for a book of ``range_bits``-bit balances:
    the bands, then the flat region above the last bounded band (value capped), then
    unreachable padding up to ``n_regions``. Band bounds at or above ``infinity`` (no value
    of such a book reaches them) are cut there: the tiered value of every reachable value
    is unchanged, and every bound fits the circuit's region checks."""
    inf = infinity(range_bits)
    out: list[Region] = []
    lo, value = 0, 0
    for hi, r in zip(bounds, ratios, strict=True):
        top = inf if hi is None else min(hi, inf)
        out.append((lo, top, r, value - r * lo))
        if top == inf:
            break
        value += (top - lo) * r
        lo = top
    else:
        out.append((lo, inf, 0, value))  # above the last band: capped
    if len(out) > n_regions:
        raise ValueError(f"{len(out)} tier regions, the circuit takes {n_regions}")
    out += [(inf, inf, 0, 0)] * (n_regions - len(out))
    return out


def tiered_scaled(cv: int, region_list: Sequence[Region]) -> int:
    for lo, hi, r, icpt in region_list:
        if lo <= cv <= hi:
            return icpt + r * cv
    raise ValueError(f"value {cv} in no region")


def region_of(cv: int, region_list: Sequence[Region]) -> int:
    return next(k for k, (lo, hi, _, _) in enumerate(region_list) if lo <= cv <= hi)


def params_vector(prices: Sequence[int], asset_regions: Sequence[Sequence[Region]],
                  marks: Sequence[int], rates: Sequence[int], risk_arrays: Sequence[Sequence[int]],
                  r: int) -> list[int]:
    """Field elements hashed into ``params_hash``, in this order: per asset its price and
    regions, then per instrument its mark price, rate and risk array (negative values
    as ``r − |x|``)."""
    v: list[int] = []
    for p, regs in zip(prices, asset_regions, strict=True):
        v.append(p)
        for reg in regs:
            v.extend(reg)
    for m, rate, arr in zip(marks, rates, risk_arrays, strict=True):
        v.extend([m, rate, *(x % r for x in arr)])
    return v


def params_hash(vector: Sequence[int]) -> int:
    return hash_many(PARAMS, vector)


def positions_commitment(quantities: Sequence[int]) -> int:
    """Offset-encoded signed quantities (``q + 2^47``, 48 bits), five to an element."""
    offset = 1 << (QUANTITY_BITS - 1)
    return hash_many(POSITIONS, pack([q + offset for q in quantities], QUANTITY_BITS))


def collateral_scaled(equity: Sequence[int], prices: Sequence[int],
                      asset_regions: Sequence[Sequence[Region]]) -> int:
    return sum(tiered_scaled(e * p, regs) for e, p, regs in zip(equity, prices, asset_regions, strict=True))


def debt_scaled(debt: Sequence[int], prices: Sequence[int]) -> int:
    return SCALE * sum(d * p for d, p in zip(debt, prices, strict=True))


def requirement_scaled(quantities: Sequence[int], marks: Sequence[int], rates: Sequence[int],
                       risk_arrays: Sequence[Sequence[int]], scenarios: int) -> int:
    """Maintenance requirement ×10^4: the worst scenario loss, and at least the futures
    floor Σ |q|·mark·rate, and at least 0."""
    scan = max(sum(q * arr[s] for q, arr in zip(quantities, risk_arrays, strict=True)) for s in range(scenarios))
    floor = sum(abs(q) * m * rate for q, m, rate in zip(quantities, marks, rates, strict=True))
    return max(SCALE * scan, floor, 0)


def netted_debt(debt: Sequence[int], outcome_: Sequence[int]) -> list[int]:
    """The debt of one account that reduces net liabilities: all of it when its
    collateral covers it (``C ≥ D``), none of it otherwise (circuits/solvency.md)."""
    covered = 1 - outcome_[0]
    return [covered * d for d in debt]


def outcome(collateral: int, debt: int, requirement: int | None) -> tuple[int, int, int, int]:
    """``(under-collateralized?, shortfall, under-margined?, shortfall)`` of one account,
    all ×10^4."""
    under_c = int(collateral < debt)
    out = [under_c, (debt - collateral) * under_c]
    if requirement is not None:
        net = collateral - debt
        under_m = int(net < requirement)
        out += [under_m, (requirement - net) * under_m]
    else:
        out += [0, 0]
    return tuple(out)  # type: ignore[return-value]
