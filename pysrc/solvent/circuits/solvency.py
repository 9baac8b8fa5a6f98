"""The solvency statement (spec: circuits/solvency.md at the repository root): for every asset, reserves cover net
liabilities, with the liabilities totals opened privately from the top proof's
``totals_commitment``."""

from __future__ import annotations

from ..dsl import LC, CircuitBuilder
from ..dsl import gadgets as g
from ..formulas import book
from ..formulas import solvency as spec
from .shape import ShapeError


def solvency(cs: CircuitBuilder, n_assets: int, range_bits: int, extra_lanes: int, mode: str,
             reserves: str, netted: bool = False) -> None:
    """``mode``: ``"pass_fail"`` (one bit per asset) or ``"buckets"`` (coverage ratio
    bucket per asset, spec.BUCKETS); ``reserves``: ``"public"`` (inputs) or
    ``"committed"`` (a hiding commitment is the public input). ``netted``: the totals
    carry the debt that collateral covers (the collateral statement), and only that debt
    reduces net liabilities; without it net liabilities are the equity (a book with debt
    and no collateral statement has no solvency statement: ``BookShape``)."""
    if mode not in ("pass_fail", "buckets") or reserves not in ("public", "committed"):
        raise ShapeError(f"solvency mode {mode!r} / reserves {reserves!r}")
    A = n_assets
    width = book.sum_width(range_bits)
    per = book.PACK_BITS // width
    n_values = (3 if netted else 2) * A
    base = book.lane_count(A, range_bits, netted, 0)
    context = cs.public_input("context")
    totals_commitment = cs.public_input("totals_commitment")
    if reserves == "public":
        res = cs.public_input("reserves", (A,))
    else:
        reserves_commitment = cs.public_input("reserves_commitment")
    fund = cs.public_input("insurance_fund") if extra_lanes else None
    lanes = cs.private_input("totals_lanes", (base + extra_lanes,))
    blind = cs.private_input("totals_blind")
    if reserves == "committed":
        res = cs.private_input("reserves", (A,))
        res_blind = cs.private_input("reserves_blind")

    with cs.scope("open_totals"):
        cs.assert_equal(g.hash_many(cs, book.SUM, [*lanes, blind]), totals_commitment)
    with cs.scope("unpack"):
        values: list[LC] = []
        for j in range(base):
            n_here = min(per, n_values - j * per)
            bits = cs.bits(lanes[j], n_here * width)  # the lane must be exactly its values
            values += [g.pack(bits[k * width:(k + 1) * width], 1) for k in range(n_here)]
        equity = values[:A]
        # values[A:2A] is the gross debt: it never reduces liabilities here
        covered_debt = values[2 * A:3 * A] if netted else [LC.const(0)] * A
    with cs.scope("reserves"):
        for a in range(A):
            cs.range_check(res[a], width)
        if reserves == "committed":
            cs.assert_equal(g.hash_many(cs, spec.RESERVES, [*res, res_blind, context]), reserves_commitment)
    outputs = []
    shift = 1 << width
    for a in range(A):
        with cs.scope(f"asset[{a}]"):
            net = equity[a] - covered_debt[a]  # in (−2^width, 2^width)
            if mode == "pass_fail":
                outputs.append(g.geq(cs, res[a] + shift, net + shift, width + 1))
            else:
                # bucket = number of thresholds t with 100·reserves ≥ t·net (monotone in t);
                # both sides shifted by 2^(width+8) > 150·2^width so they stay in [0, 2^(width+9))
                s2 = 1 << (width + 8)
                hits = [g.geq(cs, res[a] * 100 + s2, net * t + s2, width + 9) for t in spec.BUCKETS]
                outputs.append(g.sum_of(hits))
    cs.public_output("coverage", outputs)
    if fund is not None:
        with cs.scope("insurance"):
            short_c, short_m = lanes[base + 1], lanes[base + 3]
            cs.range_check(short_c, spec.SHORTFALL_BITS)
            cs.range_check(short_m, spec.SHORTFALL_BITS)
            cs.range_check(fund, spec.SHORTFALL_BITS)
            worst = g.maximum(cs, short_c, short_m, spec.SHORTFALL_BITS)
            cs.public_output("insurance_covered", g.geq(cs, fund, worst, spec.SHORTFALL_BITS))
