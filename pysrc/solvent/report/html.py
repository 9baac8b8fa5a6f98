"""Rendering a ReportView as one self-contained HTML page, with jinja2 templates
(``templates/report.html.j2`` and its stylesheet ``templates/report.css``).

Everything that comes from an attestation or a reserves file (institution names,
sources, check details) is untrusted: the environment autoescapes every value, and
nothing is marked safe but the stylesheet shipped with the package. There is no script,
no link and no remote resource; the page's Content-Security-Policy allows only its own
stylesheet (by hash), so the page opens offline and the same bytes read the same
everywhere. This module only formats: what each figure means is decided in ``view``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..formulas.amounts import format_amount
from ..formulas.solvency import BUCKETS
from .view import COVERED, NOT_COVERED, STATEMENT_MEANING, AssetView, ReportView

BAR_WIDTH = 400
CHART_WIDTH, CHART_X0, CHART_BAR_MAX, CHART_ROW = 640, 70, 420, 28
CHART_MAX_RATIO = 2
"""The chart's scale ends at 200 % of net liabilities (longer bars are cut there, the figure is printed)."""


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("solvent.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    env.globals["money"] = money
    return env


@lru_cache(maxsize=1)
def _stylesheet() -> tuple[Markup, str]:
    """The package's own stylesheet (trusted: not data) and its CSP source hash."""
    loader = _environment().loader
    assert loader is not None
    css, _, _ = loader.get_source(_environment(), "report.css")
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return Markup(css), f"sha256-{digest}"


def amount(units: int, decimals: int) -> str:
    """Exact decimal with thousands separators (negative allowed, for net liabilities)."""
    sign, units = ("−", -units) if units < 0 else ("", units)
    whole, dot, frac = format_amount(units, decimals).partition(".")
    return sign + f"{int(whole):,}" + dot + frac


def money(text: str) -> str:
    """A quote-currency decimal as published, with thousands separators."""
    return f"{Decimal(text):,f}"


def ratio_text(a: AssetView) -> str | None:
    """Reserves over net liabilities in percent, truncated to 0.01 % (None: not both public)."""
    net = a.net_liabilities
    if net is None or a.reserves is None:
        return None
    if net <= 0:
        return "no net liabilities"
    basis_points = a.reserves * 10_000 // net
    if basis_points == 0 and a.reserves > 0:
        return "less than 0.01 % of net liabilities"
    return f"{basis_points // 100:,}.{basis_points % 100:02d} % of net liabilities"


@dataclass(frozen=True)
class Bars:
    reserves: str
    liabilities: str
    label: str


def bars(a: AssetView) -> Bars | None:
    """Reserves against net liabilities on one scale, when both are public."""
    if a.reserves is None or a.net_liabilities is None:
        return None
    net = max(a.net_liabilities, 0)
    top = max(a.reserves, net, 1)
    # a non-zero amount stays visible (at least 2 units of 400) however small beside the other
    wr, wl = (max(BAR_WIDTH * x / top, 2.0) if x > 0 else 0.0 for x in (a.reserves, net))
    return Bars(f"{wr:.2f}", f"{wl:.2f}", f"{a.symbol}: reserves {amount(a.reserves, a.decimals)}, "
                                          f"net liabilities {amount(a.net_liabilities, a.decimals)}")


@dataclass(frozen=True)
class ChartRow:
    symbol: str
    status: str
    y: int
    width: float
    text: str
    bucket: bool
    """The bar shows a lower bound only (a bucket or a pass/fail bit), not a measured ratio."""


def _chart_row(a: AssetView, y: int) -> ChartRow | None:
    full = CHART_BAR_MAX / CHART_MAX_RATIO
    net = a.net_liabilities
    if a.reserves is not None and net is not None:
        if net <= 0:  # customers owe more (netted) than they hold: nothing to cover, no ratio
            return ChartRow(a.symbol, a.status, y, 0.0, "no net liabilities", False)
        r = min(Decimal(a.reserves) / Decimal(net), Decimal(CHART_MAX_RATIO))
        return ChartRow(a.symbol, a.status, y, round(float(r) * full, 1), ratio_text(a) or "", False)
    if a.bucket is not None:
        low = BUCKETS[a.proven_coverage - 1] if a.proven_coverage else 0
        return ChartRow(a.symbol, a.status, y, round(low / 100 * full, 1), f"{a.bucket} (bucket)", True)
    if a.proven_coverage is not None:
        covered = a.status == COVERED
        return ChartRow(a.symbol, a.status, y, full if covered else 0.0,
                        "≥ 100 % (proven; the ratio is not public)" if covered else "< 100 %: NOT COVERED", True)
    return None


@dataclass(frozen=True)
class Chart:
    rows: list[ChartRow]
    width: int
    height: int
    x0: int
    x100: float
    label: str
    caption: str


def coverage_chart(v: ReportView) -> Chart | None:
    """Coverage per asset as horizontal bars against a 100 % line (inline SVG, no script)."""
    rows = [r for r in (_chart_row(a, 8 + CHART_ROW * i) for i, a in enumerate(v.assets)) if r is not None]
    if not rows:
        return None
    rows = [ChartRow(r.symbol, r.status, 8 + CHART_ROW * i, r.width, r.text, r.bucket) for i, r in enumerate(rows)]
    label = "; ".join(f"{r.symbol}: {r.text}" for r in rows)
    caption = (" (hatched: a lower bound the solvency proof outputs, not a measured ratio)"
               if any(r.bucket for r in rows) else "")
    return Chart(rows, CHART_WIDTH, 8 + CHART_ROW * len(rows) + 20, CHART_X0,
                 CHART_X0 + CHART_BAR_MAX / CHART_MAX_RATIO, label, caption)


def _asset(a: AssetView, v: ReportView) -> dict:
    """One asset's figures as text; what each means is the view's."""
    if a.equity is None:
        netted = "hidden (committed, not revealed)"
    elif not a.debt:
        netted = "0 (no debt owed in this asset)"
    elif a.netted_debt is not None:
        netted = f"{amount(a.netted_debt, a.decimals)} of {amount(a.debt or 0, a.decimals)} owed (only debt that " \
                 "collateral covers nets)"
    else:
        netted = f"none: no debt nets without the collateral statement ({amount(a.debt or 0, a.decimals)} owed)"
    if a.reserves is not None:
        missing = ""
    elif v.solvency is not None and v.solvency.reserves == "committed":
        missing = "committed (see the solvency statement)"
    else:
        missing = "no reserves given"
    source = ("the solvency proof's output" if a.proven else
              "arithmetic on published figures, not a proven statement" if a.covered is not None else
              a.coverage_text)
    return {"symbol": a.symbol, "view": a,
            "reserves": amount(a.reserves, a.decimals) if a.reserves is not None else None,
            "reserves_missing": missing,
            "equity": amount(a.equity, a.decimals) if a.equity is not None else None,
            "net": amount(a.net_liabilities, a.decimals) if a.net_liabilities is not None else None,
            "netted": netted, "bars": bars(a), "ratio": ratio_text(a),
            "word": "covered" if a.status == COVERED else "NOT COVERED" if a.status == NOT_COVERED else "",
            "source": source}


def verdict_lines(v: ReportView) -> list[str]:
    """The verdict's explanation: counts of checks, keys and reserves, and every problem."""
    passed = sum(c.ok for c in v.checks)
    lines = [f"Attestation: {passed} of {len(v.checks)} checks passed."]
    trusted = len(v.circuits) - len(v.untrusted_circuits)
    lines.append(f"Verifying keys: {trusted} of {len(v.circuits)} trusted on evidence this verifier checked "
                 "(ceremony transcript, trust store or pinned list).")
    if v.reserves is not None:
        good = sum(h.ok for h in v.reserves.holdings)
        evidenced = sum(h.evidence_ok for h in v.reserves.holdings)
        self_reported = sum(h.evidence_kind == "self_reported" for h in v.reserves.holdings)
        lines.append(f"Reserve addresses: {good} of {len(v.reserves.holdings)} ownership proofs valid; "
                     f"{evidenced} of {len(v.reserves.holdings)} balances' evidence checks"
                     + (f" ({self_reported} self-reported)." if self_reported else "."))
    if v.reserves_statement is not None:
        lines.append(f"Reserves: {v.reserves_statement}.")
    if v.prices is not None:
        lines.append(f"Prices: {v.prices}.")
    covered = [a.symbol for a in v.assets if a.status == COVERED]
    short = [a.symbol for a in v.assets if a.status == NOT_COVERED]
    proven = any(a.proven for a in v.assets)
    if covered or short:
        how = "the solvency proof outputs" if proven else "on the published figures"
        lines.append(f"Coverage ({how}): " + "; ".join(
            x for x in (f"covered {', '.join(covered)}" if covered else "",
                        f"NOT COVERED {', '.join(short)}" if short else "") if x) + ".")
    if v.outcome is not None:
        lines.append(f"Accounts: {v.outcome.summary}.")
    lines += [f"The proofs state: {p}." for p in v.problems]
    if v.untrusted_circuits:
        lines.append("UNTRUSTED KEYS: the proofs are not evidence until their keys are shown to come from a "
                     "ceremony or a pinned list (see below).")
    return lines


def _facts(v: ReportView) -> list[tuple[str, str, bool]]:
    shape = v.shape
    facts = [
        ("Institution", v.institution, False), ("Signer", v.signer, True), ("Epoch", str(v.epoch), False),
        ("Snapshot time", v.snapshot_time, False),
        ("Assets", ", ".join(f"{a.symbol} ({a.decimals} decimals)" for a in v.assets), False),
        ("Book", f"{v.n_batches} batch proofs of {shape['batch_size']} leaves (capacity {shape['capacity']} "
                 f"batches), {v.balance_bounds}, "
                 f"{'with' if shape['with_debt'] else 'without'} debt", False),
        ("Book root", v.book_root, True),
        ("Totals commitment", v.totals_commitment, True),
        ("Totals", "revealed (they open the commitment: see the checks)" if v.totals_revealed else
                   "hidden behind the commitment", False),
        ("Attestation hash", v.attestation_hash, True),
        ("Made with", f"solvent {v.solvent_version}", False),
    ]
    if v.prices is not None:
        facts.insert(5, ("Prices", v.prices, False))
    return facts


def _unproven_note(v: ReportView) -> str | None:
    if v.attestation_valid and v.keys_trusted:
        return None
    if v.attestation_valid or all(c.ok for c in v.checks):
        return ("The proofs check out under keys this verifier does not trust: what follows is what the attestation "
                "claims, not what is proven.")
    return "This attestation FAILED verification: what follows is what it claims, not what is proven."


def _asset_notes(v: ReportView) -> list[str]:
    notes = []
    if not v.totals_revealed:
        notes.append("The institution did not reveal its totals: liabilities stay behind the totals commitment, "
                     "so only a solvency statement (a proof) can show coverage.")
    if v.reserves is not None and v.totals_revealed and v.solvency is None:
        notes.append("Coverage here is arithmetic on published figures — revealed totals and the reserves "
                     f"({v.reserves.origin}) — not a proven statement of this attestation.")
    if v.reserves is not None and any(v.reserves.unproven.values()):
        notes.append("Reserves count only addresses whose ownership proof and balance evidence are valid; "
                     "unproven balances are excluded.")
    if v.reserves is not None and any(h.purpose == "insurance" for h in v.reserves.holdings):
        notes.append("Holdings of the insurance fund are not counted as reserves: they cover accounts that fall "
                     "short (see Accounts), never customer balances.")
    return notes


def _verdict_class(v: ReportView) -> str:
    if not v.valid:
        return "invalid"
    return "valid" if v.keys_trusted else "untrusted"


def render(v: ReportView) -> str:
    css, css_hash = _stylesheet()
    assets = [_asset(a, v) for a in v.assets]
    return _environment().get_template("report.html.j2").render(
        v=v, css=css, css_hash=css_hash, verdict_class=_verdict_class(v), verdict_lines=verdict_lines(v),
        unproven_note=_unproven_note(v),
        statements=[(s, STATEMENT_MEANING.get(s, "statement named by the attestation")) for s in v.statements],
        facts=_facts(v), chart=coverage_chart(v), assets=assets, any_bars=any(a["bars"] for a in assets),
        bar_width=BAR_WIDTH, asset_notes=_asset_notes(v))
