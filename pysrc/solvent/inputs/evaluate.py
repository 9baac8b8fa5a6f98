"""Every account's collateral and margin figures, computed with the spec formulas
(``solvent.formulas.risk``): the witness the circuit needs (regions, scan risk,
requirement), the outcome lanes, and the operator's list of accounts that fall short."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..formulas import risk as spec
from ..formulas.field import R
from .params import RiskParams

if TYPE_CHECKING:  # the native account store: the verifier imports this module without it
    from .accounts import AccountBook


@dataclass(frozen=True)
class RiskSetup:
    """Parameters as the circuit takes them."""

    params: RiskParams
    n_regions: int
    asset_regions: list[list[spec.Region]]
    vector: list[int]
    params_hash: int
    range_bits: int
    """The balance width of the book (the regions' unbounded end depends on it)."""

    @property
    def margin(self) -> bool:
        return bool(self.params.instruments)

    def shape(self) -> dict:
        return {"regions": self.n_regions, "instruments": len(self.params.instruments),
                "scenarios": self.params.scenarios}


def prepare(params: RiskParams, n_regions: int | None = None, range_bits: int = 64) -> RiskSetup:
    """``n_regions`` (the circuit's regions per asset) defaults to what the tiers need;
    ``range_bits`` is the book's balance width (the shape's)."""
    needed = max(len(t.ratios) + (t.bounds[-1] is not None) for t in params.tiers)
    n = n_regions or needed
    regs = [spec.regions(t.bounds, t.ratios, n, range_bits) for t in params.tiers]
    vector = spec.params_vector(params.prices, regs, params.mark_prices, params.maintenance_bps,
                                params.risk_arrays, R)
    return RiskSetup(params, n, regs, vector, spec.params_hash(vector), range_bits)


def at_width(setup: RiskSetup, range_bits: int) -> RiskSetup:
    """The same parameters for a book of another balance width."""
    return setup if setup.range_bits == range_bits else prepare(setup.params, setup.n_regions, range_bits)


@dataclass(frozen=True)
class AccountRisk:
    regions: list[int]
    collateral: int  # ×10^4, value units
    debt: int  # ×10^4
    scan: int | None  # worst scenario loss (value units), margin only
    requirement: int | None  # ×10^4
    outcome: tuple[int, int, int, int]


def evaluate(book: AccountBook, setup: RiskSetup, i: int | None) -> AccountRisk:
    """Account ``i`` of the book, or a padding leaf (``i = None``: zero everything)."""
    p = setup.params
    n_assets, n_instr = len(book.assets), len(p.instruments)
    equity = book.equity[i] if i is not None else [0] * n_assets
    debt = (book.debt[i] if book.debt is not None else [0] * n_assets) if i is not None else [0] * n_assets
    quantities = ((book.positions[i] if book.positions is not None else [0] * n_instr)
                  if i is not None else [0] * n_instr)
    regions = [spec.region_of(e * price, regs) for e, price, regs in zip(equity, p.prices, setup.asset_regions, strict=True)]
    coll = spec.collateral_scaled(equity, p.prices, setup.asset_regions)
    owed = spec.debt_scaled(debt, p.prices)
    scan = req = None
    if setup.margin:
        scan = max(sum(q * arr[s] for q, arr in zip(quantities, p.risk_arrays, strict=True)) for s in range(p.scenarios))
        req = spec.requirement_scaled(quantities, p.mark_prices, p.maintenance_bps, p.risk_arrays, p.scenarios)
    return AccountRisk(regions, coll, owed, scan, req, spec.outcome(coll, owed, req))


def shortfalls(book: AccountBook, setup: RiskSetup, results: list[AccountRisk]) -> list[dict]:
    """The operator's list of accounts that fall short (never published)."""
    out = []
    for aid, r in zip(book.ids, results, strict=True):
        under_c, short_c, under_m, short_m = r.outcome
        if under_c or under_m:
            out.append({"account_id": aid, "under_collateralized": bool(under_c), "collateral_shortfall": short_c,
                        "under_margined": bool(under_m), "margin_shortfall": short_m})
    return out
