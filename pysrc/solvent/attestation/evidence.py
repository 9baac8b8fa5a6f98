"""The evidence checks of an attestation's verification: reserve holdings (ownership and
balance evidence), the statement behind committed reserves, and the price snapshot.

Each function adds named checks to a verification report and appends what the verifier
could not check itself (a block's canonicity, a key the institution named) to its
warnings, which ``solvent verify`` and the report print with the verdict as caveats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..inputs.assets import Asset
from ..inputs.pins import Pins
from ..inputs.prices import check_snapshot, parse_snapshot
from ..inputs.prices.risk import differences
from ..inputs.reserves import ReservesError, parse_reserves, reserves_per_asset
from ..inputs.reserves.audit import audit_holdings, caveats_of, summary
from ..inputs.reserves.custody import check_custodian, commitment_message
from .models import Attestation

if TYPE_CHECKING:
    from ..inputs.reserves.audit import HoldingAudit


class Checks(Protocol):
    warnings: list[str]
    holdings: list[dict[str, Any]]

    def add(self, name: str, ok: bool, detail: str = "", fail: str | None = None) -> bool: ...


def _caveats(r: Checks, caveats: list[str] | tuple[str, ...]) -> None:
    for c in caveats:
        if c not in r.warnings:
            r.warnings.append(c)


def check_reserves(att: Attestation, reserves: list[int], r: Checks, pins: Pins) -> None:
    """Whatever backs the solvency proof's reserves and insurance fund: the published
    holdings (every one audited: ownership and balance evidence), and with committed
    reserves the custodian's statement bound to the commitment."""
    public = att.statement.shape.solvency is not None and att.statement.shape.solvency.reserves == "public"
    if public:
        if att.reserves_statement is not None:
            r.add("reserves commitment statement", False, "a commitment statement beside public reserves")
        if att.reserves is None:
            r.add("reserve holdings", False, "public reserves need the published holdings")
            return
        check_reserve_holdings(att, reserves, r, pins)
    else:
        if att.reserves is not None:
            check_reserve_holdings(att, None, r, pins)  # only the insurance fund's holdings are published
        check_commitment_statement(att, r, pins)


def check_reserve_holdings(att: Attestation, reserves: list[int] | None, r: Checks, pins: Pins) -> None:
    """The published holdings: every address's ownership proof and balance evidence is
    checked against this attestation; with public reserves (``reserves`` given) the
    holdings backing customer balances add up to the reserves the solvency proof used
    (insurance-fund holdings excluded); with committed reserves only insurance-fund
    holdings may be published."""
    st = att.statement
    try:
        doc = parse_reserves(att.reserves, "attestation.json, section 'reserves'")
        if reserves is None and any(h.purpose != "insurance" for h in doc.holdings):
            r.add("reserve holdings", False, "holdings published beside committed reserves (only the insurance "
                                             "fund's may be)")
            return
        audits = audit_holdings(doc, st.institution, st.epoch, st.snapshot_time, pins)
        bad_own = [a.ownership for a in audits if not a.ownership.ok]
        r.add("reserve ownership", not bad_own, f"{len(audits)} addresses signed for this epoch and snapshot"
              if not bad_own else "; ".join(f"{x.where}: {x.detail}" for x in bad_own[:3]))
        bad_ev = [a for a in audits if not a.evidence.ok]
        r.add("reserve evidence", not bad_ev, summary(audits) if not bad_ev else
              "; ".join(f"{a.ownership.where}: {a.evidence.detail}" for a in bad_ev[:3]))
        _caveats(r, caveats_of(audits))
        r.holdings.extend({**holding_summary(a, h.balance), "purpose": h.purpose} for a, h in zip(audits, doc.holdings, strict=True))
        if reserves is not None:
            sums = reserves_per_asset(doc, [Asset(a.symbol, a.decimals) for a in st.assets], purpose="reserves")
            r.add("reserves match holdings", [sums.get(a.symbol, 0) for a in st.assets] == reserves,
                  "the per-asset reserves are the sums of the holdings backing customer balances "
                  "(insurance-fund holdings excluded)",
                  "the per-asset reserves are NOT the sums of the holdings backing customer balances "
                  "(insurance-fund holdings excluded)")
    except (ReservesError, ValueError) as e:
        r.add("reserve holdings", False, str(e))


def holding_summary(a: HoldingAudit, balance: str) -> dict[str, Any]:
    """One holding as ``solvent verify`` prints it: address, balance, ownership, evidence."""
    return {"index": a.ownership.index, "chain": a.ownership.chain, "address": a.ownership.address,
            "asset": a.ownership.asset, "balance": balance, "ownership_ok": a.ownership.ok,
            "evidence": a.evidence.kind, "evidence_ok": a.evidence.ok, "evidence_detail": a.evidence.detail}


def check_commitment_statement(att: Attestation, r: Checks, pins: Pins) -> None:
    """Committed reserves publish no holdings (an address's balance is public on its chain,
    so its address would reveal what the commitment hides); they count only with a
    custodian's signature over this attestation's reserves commitment."""
    st, s, stmt = att.statement, att.solvency, att.reserves_statement
    if stmt is None or s is None or s.reserves_commitment is None:
        r.add("reserves commitment statement", False, "committed reserves without evidence bound to the commitment: "
              "nobody but the institution has seen what it committed (attach a custodian's statement: "
              "solvent reserves attach)")
        return
    try:
        message = commitment_message(st.institution, st.epoch, st.snapshot_time, [a.symbol for a in st.assets],
                                     s.reserves_commitment)
    except ValueError as e:
        r.add("reserves commitment statement", False, str(e))
        return
    ok, detail, caveats = check_custodian(message, stmt.signature, stmt.custodian, pins)
    r.add("reserves commitment statement", ok, f"{detail} ({stmt.name}) over the reserves commitment" if ok else detail)
    if ok:
        _caveats(r, [f"committed reserves rest on {stmt.name} ({stmt.custodian}) having checked the holdings behind "
                     "the commitment: no address or balance is published", *caveats])


def check_price_snapshot(att: Attestation, r: Checks, pins: Pins) -> None:
    """Risk-parameter prices: the medians of the signed snapshot the risk section carries,
    or (without one) the institution's declaration, said as a caveat."""
    if att.risk is None:
        return
    if att.risk.prices is None:
        _caveats(r, ["prices are declared by the institution (no signed oracle snapshot in the risk section)"])
        return
    symbols = [a.symbol for a in att.statement.assets]
    try:
        snap = parse_snapshot(att.risk.prices, "attestation.json, risk.prices")
    except ValueError as e:
        r.add("price snapshot", False, str(e))
        return
    result = check_snapshot(snap, att.statement.snapshot_time, pins, assets=symbols)
    problems = result.errors
    if snap.quote != att.risk.params.get("quote"):
        problems.append(f"the snapshot quotes {snap.quote}, the risk parameters {att.risk.params.get('quote')}")
    if result.ok:
        problems += differences(dict(att.risk.params.get("prices", {})), result.medians)
    rules = snap.rules
    r.add("price snapshot", not problems,
          f"every price is the median of ≥ {rules.min_sources} signed reports within {rules.max_age_seconds} s of "
          f"the snapshot, spread ≤ {rules.max_spread_bps} bps" if not problems else "; ".join(problems[:3]))
    _caveats(r, result.caveats)
