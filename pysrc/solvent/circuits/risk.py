"""Per-account collateral adequacy and margin, as constraints (spec: circuits/risk.md at the repository root; formulas:
``solvent.formulas.risk``). Called by the batch circuit for every leaf, so these
statements are proven over the very leaves the liabilities proof commits to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..dsl import LC, CircuitBuilder
from ..dsl import gadgets as g
from ..formulas import risk as spec

EXTRA_LANES = 4
"""Per-account outcome summed up the tree: under-collateralized (0/1), collateral
shortfall ×10^4, under-margined (0/1), margin shortfall ×10^4."""


def _log2_ceil(n: int) -> int:
    return max(0, (n - 1).bit_length())


@dataclass(frozen=True)
class RiskShape:
    n_assets: int
    regions: int
    instruments: int
    scenarios: int
    range_bits: int = 64
    """The book's balance width: values and comparisons are only as wide as it needs."""

    @property
    def params_len(self) -> int:
        return self.n_assets * (1 + 4 * self.regions) + self.instruments * (2 + self.scenarios)

    @property
    def margin(self) -> bool:
        return self.instruments > 0

    # bit widths of the comparisons (see circuits/risk.md, "Bounds")
    @property
    def value_bits(self) -> int:
        """collateral and debt ×10^4 of one account are below 2^value_bits."""
        return spec.value_bits(self.range_bits) + 14 + _log2_ceil(self.n_assets) + 1

    @property
    def region_bits(self) -> int:
        return spec.region_bits(self.range_bits)

    @property
    def scan_bits(self) -> int:
        return spec.QUANTITY_BITS + spec.RISK_BITS + _log2_ceil(self.instruments) + 1

    @property
    def requirement_bits(self) -> int:
        return self.scan_bits + 14 + 1

    @property
    def margin_bits(self) -> int:
        """Net equity ``C − D`` and the requirement ``R`` are both inside ``(−2^bits, 2^bits)``."""
        return max(self.value_bits, self.requirement_bits)


@dataclass
class Params:
    """The parameter vector's parts as LCs."""

    prices: list[LC]
    regions: list[list[tuple[LC, LC, LC, LC]]]
    marks: list[LC]
    rates: list[LC]
    risk_arrays: list[list[LC]]


def split_params(shape: RiskShape, v: Sequence[LC]) -> Params:
    it = iter(v)
    prices, regions = [], []
    for _ in range(shape.n_assets):
        prices.append(next(it))
        regions.append([(next(it), next(it), next(it), next(it)) for _ in range(shape.regions)])
    marks, rates, arrays = [], [], []
    for _ in range(shape.instruments):
        marks.append(next(it))
        rates.append(next(it))
        arrays.append([next(it) for _ in range(shape.scenarios)])
    return Params(prices, regions, marks, rates, arrays)


def collateral_value(cs: CircuitBuilder, shape: RiskShape, p: Params, equity: Sequence[LC],
                     onehot: Sequence[Sequence[LC]]) -> LC:
    """Σ_a tiered(equity_a · price_a) ×10^4. ``onehot[a]`` names the region the value falls
    in; the constraints make any other choice fail (lo ≤ cv ≤ hi), and on a shared edge
    both regions give the same value, the tiered function being continuous."""
    total = LC.const(0)
    for a in range(shape.n_assets):
        with cs.scope(f"collateral[{a}]"):
            cv = cs.mul(equity[a], p.prices[a])
            s = onehot[a]
            for bit in s:
                g.assert_boolean(cs, bit)
            cs.assert_equal(g.sum_of(s), 1)
            lo, hi, ratio, icpt = (g.sum_of([cs.mul(s[k], p.regions[a][k][j]) for k in range(shape.regions)])
                                   for j in range(4))
            cs.range_check(cv - lo, shape.region_bits)
            cs.range_check(hi - cv, shape.region_bits)
            total = total + icpt + cs.mul(ratio, cv)
    return total


def debt_value(cs: CircuitBuilder, p: Params, debt: Sequence[LC]) -> LC:
    return g.sum_of([cs.mul(d, price) for d, price in zip(debt, p.prices, strict=True)]) * spec.SCALE


def requirement(cs: CircuitBuilder, shape: RiskShape, p: Params, quantities: Sequence[LC],
                scan: LC, claim: LC) -> tuple[LC, LC]:
    """Range-checks the signed quantities and returns ``(positions commitment, R)`` where
    ``claim = R`` is constrained to be at least every scenario's loss ×10^4, the futures
    floor Σ|q|·mark·rate, and 0 — a prover can overstate the requirement, never
    understate it."""
    offset = 1 << (spec.QUANTITY_BITS - 1)
    signs = []
    with cs.scope("positions"):
        for q in quantities:
            signs.append(cs.bits(q + offset, spec.QUANTITY_BITS)[-1])  # 1 iff q ≥ 0
        commitment = g.hash_many(cs, spec.POSITIONS, g.pack_all([q + offset for q in quantities], spec.QUANTITY_BITS))
    with cs.scope("scan_risk"):
        for s in range(shape.scenarios):
            loss = g.sum_of([cs.mul(q, arr[s]) for q, arr in zip(quantities, p.risk_arrays, strict=True)])
            cs.range_check(scan - loss, shape.scan_bits)
    with cs.scope("futures_floor"):
        floor = g.sum_of([cs.mul(cs.mul(g.select(cs, sign, q, -q), mark), rate)
                          for q, sign, mark, rate in zip(quantities, signs, p.marks, p.rates, strict=True)])
    with cs.scope("requirement"):
        cs.range_check(claim - scan * spec.SCALE, shape.requirement_bits)
        cs.range_check(claim - floor, shape.requirement_bits)
        cs.range_check(claim, shape.requirement_bits)
    return commitment, claim


def shortfall(cs: CircuitBuilder, have: LC, need: LC, bits: int) -> tuple[LC, LC]:
    """``(have < need, max(0, need − have))`` for values in ``(−2^bits, 2^bits)``."""
    shift = 1 << bits
    short = 1 - g.geq(cs, have + shift, need + shift, bits + 1)
    return short, cs.mul(short, need - have)


def netted_debt(cs: CircuitBuilder, debt: Sequence[LC], under_collateralized: LC) -> list[LC]:
    """Per asset, the debt that reduces net liabilities: ``(1 − under)·debt`` — all of an
    account's debt when its collateral covers it, none otherwise (circuits/solvency.md)."""
    covered = 1 - under_collateralized
    return [cs.mul(covered, d) for d in debt]
