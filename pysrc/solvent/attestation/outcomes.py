"""What an attestation's proofs *say*, and nothing more: the outputs that can say "no".

The batch proofs output, per batch, whether every account is collateralized (and
margined); the solvency proof outputs per-asset coverage and whether the insurance fund
covers the book's shortfalls. ``solvent verify``, ``solvent prove`` (before publishing,
``--strict``) and the report read them here, so the three never disagree, and none
claims more than the outputs: "every account covered" only when every batch's bit says so.

These functions read published values; whether the proofs behind them verify is
``verify.verify``'s job (an INVALID attestation's outputs prove nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import Attestation


@dataclass(frozen=True)
class BookOutcome:
    """The proofs' verdict on the book's accounts. ``None``: the statement is not proven
    (or its output is missing, which verification fails)."""

    all_collateralized: bool | None
    all_margined: bool | None
    insurance_covered: bool | None
    """The solvency proof's output; None without the solvency statement (no insurance proof)."""
    insurance_fund: str | None
    """The fund's value in the quote currency (what the solvency proof took)."""
    quote: str

    @property
    def all_covered(self) -> bool | None:
        """Every account collateralized and (with margin) margined; None without collateral."""
        if self.all_collateralized is None:
            return None
        return self.all_collateralized and self.all_margined is not False

    @property
    def acceptable(self) -> bool:
        """Nobody falls short, or the insurance fund is proven to cover the shortfall (a
        missing fund is zero; without the solvency statement there is no insurance proof)."""
        return self.all_covered is not False or self.insurance_covered is True


def _and(values: list[bool | None]) -> bool | None:
    if any(v is None for v in values):
        return None
    return all(values)


def book_outcome(att: Attestation) -> BookOutcome:
    st = att.statement
    collateral, margin = "collateral" in st.statements, "margin" in st.statements
    s = att.solvency
    quote = str(att.risk.params.get("quote", "")) if att.risk is not None else ""
    return BookOutcome(
        all_collateralized=_and([b.all_collateralized for b in att.batches]) if collateral else None,
        all_margined=_and([b.all_margined for b in att.batches]) if margin else None,
        insurance_covered=s.insurance_covered if s is not None else None,
        insurance_fund=s.insurance_fund if s is not None else None,
        quote=quote,
    )


def _money(amount: str, quote: str) -> str:
    return f"{Decimal(amount):,f} {quote}".strip()


def accounts_summary(att: Attestation) -> str:
    """One sentence on the accounts, as strong as the outputs allow and no stronger."""
    o = book_outcome(att)
    if o.all_collateralized is None:
        return "no collateral statement: nothing is proven about accounts' collateral"
    if o.all_covered is None:
        return "the batch proofs' outcome outputs are missing"
    what = "collateralized and margined" if o.all_margined is not None else "collateralized"
    if o.all_covered:
        return f"every account is {what}"
    outcome = att.totals.outcome if att.totals is not None else None
    if outcome is not None:
        parts = [f"{outcome.under_collateralized} under-collateralized (shortfall "
                 f"{_money(outcome.collateral_shortfall, o.quote)})"]
        if o.all_margined is not None:
            parts.append(f"{outcome.under_margined} under-margined (shortfall "
                         f"{_money(outcome.margin_shortfall, o.quote)})")
        short = "accounts fall short: " + ", ".join(parts)
    else:
        short = "some accounts fall short (how many and by how much stays committed)"
    return short + "; " + insurance_summary(o)


def insurance_summary(o: BookOutcome) -> str:
    if o.insurance_covered is None:
        return "covered by an insurance fund: no (no solvency statement, so no insurance proof)"
    fund = _money(o.insurance_fund or "0", o.quote)
    return f"covered by the insurance fund ({fund}): {'yes' if o.insurance_covered else 'NO'}"


def uncovered_assets(att: Attestation) -> list[str]:
    """Assets whose reserves the solvency proof does not show to cover net liabilities."""
    if att.solvency is None:
        return []
    return [a.symbol for a in att.statement.assets if att.solvency.coverage.get(a.symbol, 0) < 1]


def problems(att: Attestation) -> list[str]:
    """Everything the proofs' own outputs say against the attestation — each makes
    ``solvent verify`` fail; ``solvent prove`` prints them (and with ``--strict`` refuses
    to write)."""
    out = [f"{x}: reserves do not cover net liabilities" for x in uncovered_assets(att)]
    o = book_outcome(att)
    if not o.acceptable:
        out.append(accounts_summary(att))
    elif o.insurance_covered is False:
        out.append(insurance_summary(o))
    return out
