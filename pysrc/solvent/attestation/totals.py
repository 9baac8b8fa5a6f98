"""Revealed totals: whether they open the totals commitment, and how they read."""

from __future__ import annotations

from ..formulas import book as spec
from ..formulas.amounts import AmountError, format_amount, parse_amount
from .models import AssetInfo, Attestation


def totals_open(att: Attestation) -> bool:

    st, t = att.statement, att.totals
    assert t is not None
    symbols = set(a.symbol for a in st.assets)
    nets = st.shape.risk is not None  # the tree sums netted debt exactly with the collateral statement
    if set(t.equity) != symbols or set(t.debt) != symbols or (nets and set(t.netted_debt or ()) != symbols) \
            or (not nets and t.netted_debt is not None):
        return False
    width = spec.sum_width(st.shape.range_bits)
    try:
        eq = [parse_amount(t.equity[a.symbol], a.decimals, width) for a in st.assets]
        de = [parse_amount(t.debt[a.symbol], a.decimals, width) for a in st.assets]
        netted = [parse_amount(t.netted_debt[a.symbol], a.decimals, width) for a in st.assets] \
            if t.netted_debt is not None else None
    except AmountError:
        return False
    extras: list[int] = []
    if st.shape.risk is not None:
        o = t.outcome
        if o is None or att.risk is None:
            return False
        scale = 4 + int(att.risk.params.get("value_decimals", 0))
        try:
            extras = [o.under_collateralized, parse_amount(o.collateral_shortfall, scale, 250),
                      o.under_margined, parse_amount(o.margin_shortfall, scale, 250)]
        except AmountError:
            return False
    elif t.outcome is not None:
        return False
    lanes = spec.sums_lanes(eq, de, st.shape.range_bits, extras, netted)
    return str(spec.sum_commitment(lanes, int(t.blind))) == att.top.totals_commitment

def totals_detail(att: Attestation) -> str:
    """The revealed figures per asset: net liabilities = equity − the debt that nets, in
    exact integer units (a Decimal at its default precision would round the totals of a
    96-bit book)."""

    t = att.totals
    assert t is not None
    parts = []
    for a in att.statement.assets:
        def units(table: dict[str, str] | None, a: AssetInfo = a) -> int:
            return parse_amount((table or {}).get(a.symbol, "0"), a.decimals, 250)

        eq, de, netted = units(t.equity), units(t.debt), units(t.netted_debt)
        net = eq - netted
        shown = ("-" if net < 0 else "") + format_amount(abs(net), a.decimals)
        parts.append(f"{a.symbol}: net liabilities {shown} (equity {format_amount(eq, a.decimals)}, debt "
                     f"{format_amount(de, a.decimals)}, of which {format_amount(netted, a.decimals)} nets)")
    return "open the totals commitment; " + "; ".join(parts)
