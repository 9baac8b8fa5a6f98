"""What the auditor's report shows, gathered from an attestation, its verification and
(optionally) a reserves file — kept apart from the HTML so the renderer only formats.

Reserves come from ``--reserves FILE`` today; once the attestation carries a
``reserves`` section, ``reserves_from_attestation`` returns it and the same view is
built from it. A ``solvency`` section is shown when the attestation has one; when it
has none the report says so rather than inventing coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from ..attestation import hashing
from ..attestation.models import Attestation
from ..attestation.trust import KeyTrust
from ..attestation.verify import (VERDICT_INVALID, VERDICT_UNTRUSTED, VERDICT_VALID, VERDICT_VALID_UNTRUSTED, Check,
                                  Report)
from ..book.amounts import AmountError, parse_amount
from ..reserves import Reserves, load_reserves, parse_reserves, reserves_per_asset, verify_ownership

STATEMENT_MEANING = {
    "liabilities": "Every customer account is a leaf of one committed book (root below); every balance is "
                   "range-checked, no account appears twice, and the per-asset totals of equity and debt are "
                   "committed (or revealed).",
    "collateral": "Every account's collateral, valued at the published prices after haircuts, covers its debt.",
    "margin": "Every account's net equity covers its maintenance margin under the published risk parameters.",
    "solvency": "For every asset, reserves are at least the net liabilities (equity minus debt) of the committed book.",
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
    detail: str


@dataclass
class ReservesView:
    origin: str
    """Where the figures come from, said plainly (a file beside the attestation, or its section)."""
    signed_by_attestation: bool
    """Whether the institution's attestation signature covers these figures."""
    holdings: list[HoldingView]
    proven: dict[str, int]
    """Per asset, units at addresses whose ownership proof is valid."""
    unproven: dict[str, int]

    @property
    def all_proven(self) -> bool:
        return all(h.ok for h in self.holdings)


@dataclass(frozen=True)
class AssetView:
    symbol: str
    decimals: int
    reserves: int | None
    """Proven reserves in units, None without a reserves source."""
    equity: int | None
    """Revealed totals in units, None while the totals stay committed."""
    debt: int | None

    @property
    def net_liabilities(self) -> int | None:
        return None if self.equity is None or self.debt is None else self.equity - self.debt

    @property
    def covered(self) -> bool | None:
        net = self.net_liabilities
        return None if net is None or self.reserves is None else self.reserves >= net


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
    solvency: dict[str, Any] | None
    totals_revealed: bool
    keys_trusted: bool = False
    allow_insecure_keys: bool = False
    evidence_sources: list[str] = field(default_factory=list)
    """What key trust was decided on (files, store, ceremony), for the reader."""
    generated_at: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
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


def _holding_views(reserves: Reserves, att: Attestation) -> tuple[list[HoldingView], dict[str, int], dict[str, int]]:
    st = att.statement
    results = verify_ownership(reserves, st.institution, st.epoch, st.snapshot_time)
    proven = reserves_per_asset(reserves, st.assets, proven=results)
    everything = reserves_per_asset(reserves, st.assets)
    views = []
    for r, h in zip(results, reserves.holdings):
        as_of = " · ".join(x for x in (f"block {h.as_of.block}" if h.as_of.block is not None else "",
                                       h.as_of.time or "") if x)
        views.append(HoldingView(r.index, h.chain, h.address, h.asset, h.balance, as_of, h.source, r.ok, r.detail))
    return views, proven, {s: everything[s] - proven[s] for s in everything}


def reserves_from_file(path: Path, att: Attestation) -> ReservesView:
    """Reserves read from a file beside the attestation (ReservesError if malformed)."""
    reserves = load_reserves(path)
    holdings, proven, unproven = _holding_views(reserves, att)
    return ReservesView(f"file {path.name} supplied to this report", False, holdings, proven, unproven)


def reserves_from_attestation(att: Attestation) -> ReservesView | None:
    """The attestation's own ``reserves`` section (signed with it), once the model has one."""
    section = getattr(att, "reserves", None)
    if section is None:
        return None
    raw = section.model_dump(mode="json") if hasattr(section, "model_dump") else section
    reserves = parse_reserves(raw, "attestation.json, section 'reserves'")
    holdings, proven, unproven = _holding_views(reserves, att)
    return ReservesView("the attestation's reserves section", True, holdings, proven, unproven)


def solvency_from_attestation(att: Attestation) -> dict[str, Any] | None:
    """The attestation's ``solvency`` section as plain data, or None when it has none."""
    section = getattr(att, "solvency", None)
    if section is None:
        return None
    return section.model_dump(mode="json") if hasattr(section, "model_dump") else dict(section)


def _revealed(att: Attestation) -> dict[str, tuple[int, int]] | None:
    """Per-asset (equity, debt) units when the totals are revealed and parse; the
    verifier's 'revealed totals' check says whether they open the commitment."""
    if att.totals is None:
        return None
    out = {}
    for a in att.statement.assets:
        try:
            out[a.symbol] = (parse_amount(att.totals.equity.get(a.symbol, ""), a.decimals, 256),
                             parse_amount(att.totals.debt.get(a.symbol, ""), a.decimals, 256))
        except AmountError:
            return None
    return out


def build_view(att: Attestation, report: Report, reserves: ReservesView | None, fast: bool,
               evidence_sources: list[str] | None = None) -> ReportView:
    st = att.statement
    decided = {k.name: k for k in report.keys}
    revealed = _revealed(att)
    assets = [AssetView(a.symbol, a.decimals,
                        reserves.proven.get(a.symbol, 0) if reserves is not None else None,
                        revealed[a.symbol][0] if revealed else None,
                        revealed[a.symbol][1] if revealed else None) for a in st.assets]
    return ReportView(
        institution=st.institution, signer=st.signer, epoch=st.epoch, snapshot_time=st.snapshot_time,
        statements=list(st.statements), assets=assets,
        circuits=[CircuitView(c.role, c.name, c.ir_hash, c.vk_hash, c.setup, c.transcript_hash, decided.get(c.name))
                  for c in st.circuits],
        shape=st.shape.model_dump(), book_root=att.top.book_root, totals_commitment=att.top.totals_commitment,
        attestation_hash=hashing.attestation_hash(att).hex(), n_batches=len(att.batches),
        solvent_version=st.solvent_version, checks=list(report.checks), warnings=list(report.warnings),
        attestation_valid=report.valid, verifier="native (arkworks)" if fast else "independent pure-Python (py_ecc)",
        reserves=reserves, solvency=solvency_from_attestation(att), totals_revealed=revealed is not None,
        keys_trusted=report.keys_trusted, allow_insecure_keys=report.allow_insecure_keys,
        evidence_sources=list(evidence_sources or []),
    )
