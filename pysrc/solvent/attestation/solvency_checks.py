"""The solvency statement's checks: its proof against the committed totals, the reserves
and coverage it states, the insurance fund valued at the published prices."""

from __future__ import annotations

from ..formulas.amounts import AmountError, format_amount, parse_amount
from ..formulas.solvency import BUCKET_LABELS, insurance_value
from ..inputs.assets import Asset
from ..inputs.pins import Pins
from ..inputs.reserves import parse_reserves, reserves_per_asset
from . import evidence, outcomes
from .checks import Report
from .keys import verifying_key
from .models import Attestation
from .proofs import ProofChecker, circuit_name


def check_solvency(att: Attestation, context: int, prices: list[int] | None, r: Report, proof_checker: ProofChecker,
              pins: Pins) -> None:
    """The solvency proof over the top proof's totals commitment, and what it outputs:
    every asset covered (never a valid "solvent" attestation otherwise), and with
    collateral/margin whether the insurance fund — reserve holdings designated for it,
    valued at the published prices — covers the book's shortfalls."""

    st, s = att.statement, att.solvency
    if "solvency" not in st.statements:
        if s is not None or st.shape.solvency is not None or att.reserves is not None or att.reserves_statement:
            r.add("solvency", False, "a solvency or reserves section without the solvency statement")
        return
    if s is None or st.shape.solvency is None or s.mode != st.shape.solvency.mode:
        r.add("solvency", False, "the solvency statement has no (or a mismatched) proof")
        return
    vk = verifying_key(att, "solvency", r)
    symbols = [a.symbol for a in st.assets]
    try:
        if st.shape.solvency.reserves == "public":
            if s.reserves is None or sorted(s.reserves) != sorted(symbols):
                raise ValueError("public reserves must list every asset")
            res = [parse_amount(s.reserves[a.symbol], a.decimals, 250) for a in st.assets]
        else:
            if s.reserves_commitment is None:
                raise ValueError("committed reserves need reserves_commitment")
            res = [int(s.reserves_commitment)]
        fund: list[int] = []
        covered: list[int] = []
        if st.shape.risk is not None:
            if s.insurance_covered is None or prices is None or att.risk is None:
                raise ValueError("with collateral/margin the solvency proof states insurance coverage")
            fund = [fund_value(att, prices)]
            scale = 4 + int(att.risk.params["value_decimals"])
            if s.insurance_fund != format_amount(fund[0], scale):
                raise ValueError(f"the stated insurance fund {s.insurance_fund} is not the value of the fund's "
                                 f"holdings at the published prices ({format_amount(fund[0], scale)})")
            covered = [int(s.insurance_covered)]
        elif s.insurance_fund is not None or s.insurance_covered is not None:
            raise ValueError("an insurance fund without the collateral statement")
        if sorted(s.coverage) != sorted(symbols):
            raise ValueError("coverage must list every asset")
        pub = [context, int(att.top.totals_commitment), *res, *fund, *(s.coverage[x] for x in symbols), *covered]
    except (ValueError, AmountError, KeyError) as e:  # ReservesError is a ValueError
        r.add("solvency proof", False, str(e))
        return
    if vk is not None:
        (ok,) = proof_checker.check(vk, att.verifying_keys[circuit_name(att, "solvency")], [(pub, s.proof.model_dump(mode="json"))])
        r.add("solvency proof", ok, "reserves vs the committed totals, opened privately",
              "does not verify for these reserves, insurance fund and coverage against the committed totals")

    def label(v: int) -> str:
        if s.mode == "pass_fail":
            return "covered" if v else "NOT COVERED"
        return BUCKET_LABELS[v] if 0 <= v < len(BUCKET_LABELS) else "?"
    evidence.check_reserves(att, res, r, pins)
    uncovered = outcomes.uncovered_assets(att)
    r.add("solvency", not uncovered, ", ".join(f"{x}: {label(s.coverage[x])}" for x in symbols))
    if s.insurance_covered is not None:
        r.add("insurance fund", s.insurance_covered,
              outcomes.insurance_summary(outcomes.book_outcome(att)) + " (proven, shortfall not revealed)")

def fund_value(att: Attestation, prices: list[int]) -> int:
    """The fund the solvency proof must have taken: the published holdings designated
    ``"purpose": "insurance"`` at the published prices, ×10^4 value units (0 without any)."""

    if att.reserves is None:
        return 0
    st = att.statement
    doc = parse_reserves(att.reserves, "attestation.json, section 'reserves'")
    units = reserves_per_asset(doc, [Asset(a.symbol, a.decimals) for a in st.assets], purpose="insurance")
    return insurance_value([units[a.symbol] for a in st.assets], prices)
