"""What the auditor's report shows, gathered from an attestation, its verification and
(optionally) a reserves file — kept apart from the HTML so the renderer only formats.

Reserves come from ``--reserves FILE`` today; once the attestation carries a
``reserves`` section, ``reserves_from_attestation`` returns it and the same view is
built from it. A ``solvency`` section is shown when the attestation has one; when it
has none the report says so rather than inventing coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..attestation import hashing, outcomes
from ..attestation.checks import (
    VERDICT_INVALID,
    VERDICT_UNTRUSTED,
    VERDICT_VALID,
    VERDICT_VALID_UNTRUSTED,
    Check,
    Report,
)
from ..attestation.models import Attestation
from ..attestation.trust import KeyTrust
from ..formulas.amounts import AmountError, parse_amount
from ..formulas.solvency import BUCKET_LABELS
from ..inputs.pins import Pins
from ..inputs.reserves import Reserves, load_reserves, parse_reserves, reserves_per_asset
from ..inputs.reserves.audit import KIND_LABEL, audit_holdings

STATEMENT_MEANING = {
    "liabilities": "Every customer account is a leaf of one committed book (root below); every balance is "
                   "range-checked, no account appears twice, and the per-asset totals of equity and debt are "
                   "committed (or revealed).",
    "collateral": "Each account's collateral, valued at the published prices after haircuts, is compared with its "
                  "debt in the proofs; whether every account is covered is what the proofs output (see Accounts). "
                  "Only debt that the account's collateral covers reduces net liabilities.",
    "margin": "Each account's net equity is compared with its maintenance margin under the published risk "
              "parameters; whether every account is margined is what the proofs output (see Accounts).",
    "solvency": "For every asset, reserves are compared with the net liabilities of the committed book: equity "
                "minus only the debt that collateral covers. The insurance fund (reserve holdings of its own, never "
                "counted as backing) is compared with the shortfall of accounts that fall short.",
}


@dataclass(frozen=True)
class CircuitView:
    role: str
    name: str
    ir_hash: str
    vk_hash: str
    setup: str
    """The attestation's own label: shown as a claim, never as a badge."""
    transcript_hash: str | None
    trust: KeyTrust | None = None
    """What the verifier decided about this circuit's key, and on which evidence."""

    @property
    def trusted(self) -> bool:
        return self.trust is not None and self.trust.trusted


@dataclass(frozen=True)
class HoldingView:
    index: int
    chain: str
    address: str
    asset: str
    balance: str
    as_of: str
    source: str
    ok: bool
    """The ownership proof is valid."""
    detail: str
    evidence_kind: str = "self_reported"
    evidence_ok: bool = True
    evidence_detail: str = ""
    purpose: str = "reserves"
    """``reserves`` (backing customer balances) or ``insurance`` (the insurance fund)."""

    @property
    def evidence_label(self) -> str:
        return KIND_LABEL.get(self.evidence_kind, self.evidence_kind)


@dataclass
class ReservesView:
    origin: str
    """Where the figures come from, said plainly (a file beside the attestation, or its section)."""
    signed_by_attestation: bool
    """Whether the institution's attestation signature covers these figures."""
    holdings: list[HoldingView]
    proven: dict[str, int]
    """Per asset, units backing customer balances at addresses whose ownership proof is
    valid (the insurance fund's holdings are not backing and are not counted here)."""
    unproven: dict[str, int]

    @property
    def all_proven(self) -> bool:
        """Every ownership proof and every balance's evidence checks."""
        return all(h.ok and h.evidence_ok for h in self.holdings)


COVERED, NOT_COVERED, UNKNOWN = "covered", "not-covered", "unknown"


@dataclass(frozen=True)
class AssetView:
    symbol: str
    decimals: int
    reserves: int | None
    """Proven reserves in units, None without a reserves source (or with committed reserves)."""
    equity: int | None
    """Revealed totals in units, None while the totals stay committed."""
    debt: int | None
    netted_debt: int | None = None
    """The part of ``debt`` that nets (collateral covers it); None (no debt nets) without
    the collateral statement."""
    proven_coverage: int | None = None
    """The solvency proof's output for this asset: 1/0 (pass/fail) or a bucket index
    (``verifier.solvency.BUCKET_LABELS``); None without the solvency statement."""
    coverage_mode: str | None = None
    """``pass_fail`` or ``buckets`` (the solvency statement's mode)."""

    @property
    def net_liabilities(self) -> int | None:
        if self.equity is None:
            return None
        return self.equity - (self.netted_debt or 0)

    @property
    def covered(self) -> bool | None:
        """Reserves ≥ net liabilities on the published figures (None: not both public)."""
        net = self.net_liabilities
        return None if net is None or self.reserves is None else self.reserves >= net

    @property
    def proven(self) -> bool:
        """Coverage comes from the solvency proof's output, not from arithmetic on figures."""
        return self.proven_coverage is not None

    @property
    def status(self) -> str:
        """``covered`` / ``not-covered`` / ``unknown``: the proof's output when there is one,
        else the published figures."""
        if self.proven_coverage is not None:
            return COVERED if self.proven_coverage >= 1 else NOT_COVERED
        if self.covered is None:
            return UNKNOWN
        return COVERED if self.covered else NOT_COVERED

    @property
    def bucket(self) -> str | None:
        """The coverage bucket the solvency proof outputs (buckets mode), e.g. "105–110 %"."""
        if self.coverage_mode != "buckets" or self.proven_coverage is None:
            return None
        return BUCKET_LABELS[self.proven_coverage] if 0 <= self.proven_coverage < len(BUCKET_LABELS) else "?"

    @property
    def coverage_text(self) -> str:
        """One line on this asset's coverage, as strong as its source allows and no stronger."""
        if self.proven_coverage is not None:
            word = "covered" if self.status == COVERED else "NOT COVERED"
            bucket = f": reserves {self.bucket} of net liabilities" if self.bucket else ""
            return f"{word}{bucket} (the solvency proof's output)"
        if self.covered is not None:
            word = "covered" if self.covered else "NOT COVERED"
            return f"{word} on the published figures (no solvency proof: not a proven statement)"
        return "coverage not shown: no solvency statement" + ("" if self.reserves is not None else " and no reserves")


@dataclass(frozen=True)
class OutcomeView:
    """What the batch and solvency proofs output about the book's accounts."""

    collateral: bool
    """The collateral statement is proven (so each batch outputs "all collateralized")."""
    margin: bool
    batches: int
    collateralized_batches: int
    """Batches whose proof outputs "every account of this batch is collateralized"."""
    margined_batches: int
    under_collateralized: int | None
    """Revealed counts and shortfalls (None while the totals stay committed)."""
    collateral_shortfall: str | None
    under_margined: int | None
    margin_shortfall: str | None
    quote: str
    insurance_fund: str | None
    """The insurance fund's value in ``quote`` (the solvency proof's public input)."""
    insurance_covered: bool | None
    summary: str
    """``outcomes.accounts_summary``: the sentence ``solvent verify`` prints."""
    acceptable: bool

    @property
    def revealed(self) -> bool:
        return self.under_collateralized is not None


@dataclass(frozen=True)
class SolvencyView:
    """The solvency statement, said plainly."""

    mode: str
    reserves: str
    """``public`` (listed) or ``committed`` (only a commitment)."""
    reserves_commitment: str | None
    proof_ok: bool | None
    """The solvency proof verified (the verifier's "solvency proof" check); None: not run."""


@dataclass
class ReportView:
    institution: str
    signer: str
    epoch: int
    snapshot_time: str
    statements: list[str]
    assets: list[AssetView]
    circuits: list[CircuitView]
    shape: dict[str, Any]
    book_root: str
    totals_commitment: str
    attestation_hash: str
    n_batches: int
    solvent_version: str
    checks: list[Check]
    warnings: list[str]
    attestation_valid: bool
    """Every check passed and every key is trusted (or untrusted keys were accepted)."""
    verifier: str
    reserves: ReservesView | None
    solvency: SolvencyView | None
    totals_revealed: bool
    prices: str | None = None
    """Where the risk parameters' prices come from, said plainly (None: no risk statements)."""
    reserves_statement: str | None = None
    """With committed reserves: who vouches for the commitment, or that nobody does."""
    outcome: OutcomeView | None = None
    """What the proofs say about the accounts; None without the collateral statement."""
    problems: list[str] = field(default_factory=list)
    """What the proofs' own outputs say against the attestation."""
    keys_trusted: bool = False
    allow_insecure_keys: bool = False
    evidence_sources: list[str] = field(default_factory=list)
    """What key trust was decided on (files, store, ceremony), for the reader."""
    balance_bounds: str = ""
    """What the batch proofs prove of every balance (per asset when widths differ)."""
    generated_at: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    generator: str = f"solvent {__version__}"

    @property
    def valid(self) -> bool:
        """The verdict covers everything the report checked: the attestation, and the
        ownership of every reserve address when reserves are shown."""
        return self.attestation_valid and (self.reserves is None or self.reserves.all_proven)

    @property
    def verdict(self) -> str:
        """The headline word(s): VALID only with every key trusted; with untrusted keys
        accepted on request, an unmissable qualifier."""
        if not self.valid:
            checks_ok = all(c.ok for c in self.checks) and (self.reserves is None or self.reserves.all_proven)
            return VERDICT_UNTRUSTED if checks_ok and not self.keys_trusted else VERDICT_INVALID
        return VERDICT_VALID if self.keys_trusted else VERDICT_VALID_UNTRUSTED

    @property
    def untrusted_circuits(self) -> list[CircuitView]:
        return [c for c in self.circuits if not c.trusted]


def _holding_views(reserves: Reserves, att: Attestation,
                   pins: Pins | None) -> tuple[list[HoldingView], dict[str, int], dict[str, int]]:
    """Each holding with its ownership proof and balance evidence checked (the same
    ``audit_holdings`` as ``solvent verify``); reserves count only holdings whose
    ownership and evidence both check."""
    st = att.statement
    audits = audit_holdings(reserves, st.institution, st.epoch, st.snapshot_time, pins)
    proven = reserves_per_asset(reserves, st.assets, proven=[
        a.ownership if a.evidence.ok else replace(a.ownership, ok=False) for a in audits])
    everything = reserves_per_asset(reserves, st.assets)
    views = []
    for a, h in zip(audits, reserves.holdings, strict=True):
        as_of = " · ".join(x for x in (f"block {h.as_of.block}" if h.as_of.block is not None else "",
                                       h.as_of.time or "") if x)
        views.append(HoldingView(a.ownership.index, h.chain, h.address, h.asset, h.balance, as_of, h.source,
                                 a.ownership.ok, a.ownership.detail, a.evidence.kind, a.evidence.ok,
                                 a.evidence.detail, h.purpose))
    return views, proven, {s: everything[s] - proven[s] for s in everything}


def reserves_from_file(path: Path, att: Attestation, pins: Pins | None = None) -> ReservesView:
    """Reserves read from a file beside the attestation (ReservesError if malformed)."""
    reserves = load_reserves(path)
    holdings, proven, unproven = _holding_views(reserves, att, pins)
    return ReservesView(f"file {path.name} supplied to this report", False, holdings, proven, unproven)


def reserves_from_attestation(att: Attestation, pins: Pins | None = None) -> ReservesView | None:
    """The attestation's own ``reserves`` section (signed with it)."""
    section = getattr(att, "reserves", None)
    if section is None:
        return None
    raw = section.model_dump(mode="json") if hasattr(section, "model_dump") else section
    reserves = parse_reserves(raw, "attestation.json, section 'reserves'")
    holdings, proven, unproven = _holding_views(reserves, att, pins)
    return ReservesView("the attestation's reserves section", True, holdings, proven, unproven)


def price_source(att: Attestation, report: Report) -> str | None:
    """Where the prices of the risk parameters come from, as the verification found it."""
    risk = getattr(att, "risk", None)
    if risk is None:
        return None
    if risk.prices is None:
        return "declared by the institution (no signed oracle snapshot): a caveat"
    check = next((c for c in report.checks if c.name == "price snapshot"), None)
    if check is not None and check.ok:
        return f"medians of a signed oracle snapshot: {check.detail}"
    return "a signed oracle snapshot that FAILED its checks" + (f": {check.detail}" if check else "")


def reserves_statement_of(att: Attestation) -> str | None:
    """Committed reserves: the custodian who vouches for the commitment, if any."""
    s = getattr(att, "solvency", None)
    if s is None or s.reserves_commitment is None:
        return None
    stmt = getattr(att, "reserves_statement", None)
    if stmt is None:
        return ("committed reserves with no evidence bound to the commitment: nobody but the institution has seen "
                "them (never VALID)")
    return (f"committed reserves vouched for by {stmt.name} ({stmt.custodian}), who signed that it saw the opening "
            "and the holdings behind it; no address or balance is published")


def solvency_view(att: Attestation, report: Report) -> SolvencyView | None:
    """The attestation's solvency statement, or None when it has none."""
    s = att.solvency
    if s is None:
        return None
    check = next((c for c in report.checks if c.name == "solvency proof"), None)
    return SolvencyView(s.mode, "committed" if s.reserves_commitment is not None else "public",
                        s.reserves_commitment, check.ok if check is not None else None)


def outcome_view(att: Attestation) -> OutcomeView | None:
    """What the proofs output about accounts: each batch's bits, the revealed counts and
    shortfalls, the insurance fund and the solvency proof's insurance bit."""
    st = att.statement
    if "collateral" not in st.statements:
        return None
    o = outcomes.book_outcome(att)
    revealed = att.totals.outcome if att.totals is not None else None
    margin = "margin" in st.statements
    return OutcomeView(
        collateral=True, margin=margin, batches=len(att.batches),
        collateralized_batches=sum(b.all_collateralized is True for b in att.batches),
        margined_batches=sum(b.all_margined is True for b in att.batches),
        under_collateralized=revealed.under_collateralized if revealed else None,
        collateral_shortfall=revealed.collateral_shortfall if revealed else None,
        under_margined=revealed.under_margined if revealed and margin else None,
        margin_shortfall=revealed.margin_shortfall if revealed and margin else None,
        quote=o.quote, insurance_fund=o.insurance_fund, insurance_covered=o.insurance_covered,
        summary=outcomes.accounts_summary(att), acceptable=o.acceptable)


def _revealed(att: Attestation) -> dict[str, tuple[int, int, int | None]] | None:
    """Per-asset (equity, debt, netted debt) units when the totals are revealed and parse;
    the verifier's 'revealed totals' check says whether they open the commitment."""
    if att.totals is None:
        return None
    out = {}
    t = att.totals
    for a in att.statement.assets:
        try:
            out[a.symbol] = (parse_amount(t.equity.get(a.symbol, ""), a.decimals, 256),
                             parse_amount(t.debt.get(a.symbol, ""), a.decimals, 256),
                             parse_amount(t.netted_debt.get(a.symbol, ""), a.decimals, 256)
                             if t.netted_debt is not None else None)
        except AmountError:
            return None
    return out


def build_view(att: Attestation, report: Report, reserves: ReservesView | None, verifier: str,
               evidence_sources: list[str] | None = None) -> ReportView:
    st = att.statement
    decided = {k.name: k for k in report.keys}
    revealed = _revealed(att)
    s = att.solvency
    committed = s is not None and s.reserves_commitment is not None  # published holdings: the insurance fund only
    def asset(symbol: str, decimals: int) -> AssetView:
        equity, debt, netted = revealed[symbol] if revealed else (None, None, None)
        return AssetView(symbol, decimals,
                         reserves.proven.get(symbol, 0) if reserves is not None and not committed else None,
                         equity, debt, netted,
                         proven_coverage=s.coverage.get(symbol) if s is not None else None,
                         coverage_mode=s.mode if s is not None else None)

    assets = [asset(a.symbol, a.decimals) for a in st.assets]
    return ReportView(
        institution=st.institution, signer=st.signer, epoch=st.epoch, snapshot_time=st.snapshot_time,
        statements=list(st.statements), assets=assets,
        circuits=[CircuitView(c.role, c.name, c.ir_hash, c.vk_hash, c.setup, c.transcript_hash, decided.get(c.name))
                  for c in st.circuits],
        shape=st.shape.model_dump(), book_root=att.top.book_root, totals_commitment=att.top.totals_commitment,
        attestation_hash=hashing.attestation_hash(att).hex(), n_batches=len(att.batches),
        solvent_version=st.solvent_version, checks=list(report.checks), warnings=list(report.warnings),
        attestation_valid=report.valid, verifier=verifier,
        reserves=reserves, solvency=solvency_view(att, report), totals_revealed=revealed is not None,
        prices=price_source(att, report), reserves_statement=reserves_statement_of(att),
        outcome=outcome_view(att),
        problems=outcomes.problems(att),
        keys_trusted=report.keys_trusted, allow_insecure_keys=report.allow_insecure_keys,
        evidence_sources=list(evidence_sources or []), balance_bounds=st.balance_bounds(),
    )
