"""Rendering a ReportView as one self-contained HTML page.

Everything that comes from an attestation or a reserves file (institution names,
sources, check details) is untrusted: it goes through ``_e`` (``html.escape``) and
nowhere else. There is no script, no link and no remote resource: the page opens
offline and the same bytes read the same everywhere.
"""

from __future__ import annotations

from html import escape
from typing import Any, Iterable

from ..book.amounts import format_amount
from .style import CSS
from .view import STATEMENT_MEANING, AssetView, CircuitView, ReportView, ReservesView

BAR_WIDTH = 400


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _amount(units: int, decimals: int) -> str:
    """Exact decimal with thousands separators (negative allowed, for net liabilities)."""
    sign, units = ("−", -units) if units < 0 else ("", units)
    text = format_amount(units, decimals)
    whole, dot, frac = text.partition(".")
    return sign + f"{int(whole):,}" + dot + frac


def _ok(ok: bool, yes: str = "✓", no: str = "✗") -> str:
    return f'<span class="{"ok" if ok else "bad"}">{yes if ok else no}</span>'


def _rows(rows: Iterable[str]) -> str:
    return "".join(rows)


def _verdict_class(v: ReportView) -> str:
    if not v.valid:
        return "invalid"
    return "valid" if v.keys_trusted else "untrusted"


def _verdict(v: ReportView) -> str:
    word = v.verdict
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
    short = [a.symbol for a in v.assets if a.covered is False]
    if short:
        lines.append(f"Published figures: reserves below net liabilities in {', '.join(short)}.")
    lines += [f"The proofs state: {p}." for p in v.problems]
    if v.untrusted_circuits:
        lines.append("UNTRUSTED KEYS: the proofs are not evidence until their keys are shown to come from a "
                     "ceremony or a pinned list (see below).")
    body = "".join(f"<p>{_e(x)}</p>" for x in lines)
    if v.warnings:
        body += ('<p>Caveats — what this verdict rests on that the verifier could not check itself:</p>'
                 '<ul id="caveats">' + "".join(f"<li>{_e(w)}</li>" for w in v.warnings) + "</ul>")
    return (f'<section id="verdict" class="verdict {_verdict_class(v)}" data-verdict="{_e(word)}">'
            f'<div class="verdict-word" id="verdict-word">{_e(word)}</div><div>{body}</div></section>')


def _untrusted_alert(v: ReportView) -> str:
    bad = v.untrusted_circuits
    if not bad:
        return ""
    names = ", ".join(f"{c.role} ({c.name})" for c in bad)
    accepted = (" They were accepted only because the verifier was asked to (--allow-insecure-keys)."
                if v.allow_insecure_keys else "")
    return (f'<div class="alert" id="untrusted-keys">⚠ UNTRUSTED KEYS — no evidence this verifier checked shows '
            f"that the keys of {_e(names)} come from a ceremony or a pinned list. Whoever holds a key's trapdoor "
            f"(for a development key: whoever ran its setup) could forge every proof made under it: this "
            f"attestation then proves nothing about solvency.{_e(accepted)}</div>")


def _trust_cell(c: CircuitView) -> str:
    claimed = (f"<br><small>claimed by the attestation: <code>{_e(c.setup)}</code>"
               + (f", transcript <code>{_e(c.transcript_hash)}</code>" if c.transcript_hash else "") + "</small>")
    if c.trust is None:
        return f'<span class="badge bad">not decided</span>{claimed}'
    t = c.trust
    if t.trusted:
        return (f'<span class="badge ok">{_e(t.kind)}</span> <small>{_e(t.detail)}</small>'
                + (f"<br><small>source: {_e(t.source)}</small>" if t.source else "") + claimed)
    return f'<span class="badge bad">untrusted</span> <small>{_e(t.detail)}</small>{claimed}'


def _statement(v: ReportView) -> str:
    meaning = "".join(f"<li><b>{_e(s)}</b> — {_e(STATEMENT_MEANING.get(s, 'statement named by the attestation'))}</li>"
                      for s in v.statements)
    shape = v.shape
    kv = [
        ("Institution", _e(v.institution)), ("Signer", f"<code>{_e(v.signer)}</code>"),
        ("Epoch", _e(v.epoch)), ("Snapshot time", _e(v.snapshot_time)),
        ("Assets", _e(", ".join(f"{a.symbol} ({a.decimals} decimals)" for a in v.assets))),
        ("Book", _e(f"{v.n_batches} batch proofs of {shape['batch_size']} leaves (capacity {shape['capacity']} "
                    f"batches), balances range-checked to {shape['range_bits']} bits, "
                    f"{'with' if shape['with_debt'] else 'without'} debt")),
        ("Book root", f"<code>{_e(v.book_root)}</code>"),
        ("Totals commitment", f"<code>{_e(v.totals_commitment)}</code> "
                              f"({'totals revealed' if v.totals_revealed else 'totals hidden'})"),
        ("Attestation hash", f"<code>{_e(v.attestation_hash)}</code>"),
        ("Made with", _e(f"solvent {v.solvent_version}")),
    ]
    if v.prices is not None:
        kv.insert(5, ("Prices", _e(v.prices)))
    circuits = _rows(
        f'<tr class="circuit" data-role="{_e(c.role)}" data-trusted="{str(c.trusted).lower()}"><td>{_e(c.role)}</td>'
        f"<td>{_e(c.name)}</td><td><code>{_e(c.ir_hash)}</code></td><td><code>{_e(c.vk_hash)}</code></td>"
        f"<td>{_trust_cell(c)}</td></tr>" for c in v.circuits)
    sources = "".join(f"<li>{_e(x)}</li>" for x in v.evidence_sources) or "<li>none given</li>"
    if v.attestation_valid and v.keys_trusted:
        caveat = ""
    elif v.attestation_valid or all(c.ok for c in v.checks):
        caveat = ('<p class="alert" id="unproven">The proofs check out under keys this verifier does not trust: '
                  "what follows is what the attestation claims, not what is proven.</p>")
    else:
        caveat = ('<p class="alert" id="unproven">This attestation FAILED verification: what follows is what it '
                  "claims, not what is proven.</p>")
    return (f'<section id="statement"><h2>What was proven</h2>{caveat}'
            f"<ul>{meaning}</ul>"
            '<dl class="kv">' + "".join(f"<dt>{k}</dt><dd>{val}</dd>" for k, val in kv) + "</dl>"
            "<h3>Circuits and verifying keys</h3><table><thead><tr><th>role</th><th>circuit</th><th>IR hash</th>"
            f"<th>verifying-key hash</th><th>key trust (evidence checked by this verifier)</th></tr></thead>"
            f"<tbody>{circuits}</tbody></table>"
            f'<p class="note">Key trust was decided on: </p><ul class="sources" id="evidence-sources">{sources}</ul>'
            "</section>")


def _checks(v: ReportView) -> str:
    rows = _rows(f'<tr class="check" data-ok="{str(c.ok).lower()}"><td>{_ok(c.ok)}</td><td>{_e(c.name)}</td>'
                 f"<td>{_e(c.detail)}</td></tr>" for c in v.checks)
    warnings = ("<ul class=\"warnings\">" + "".join(f"<li>⚠ {_e(w)}</li>" for w in v.warnings) + "</ul>"
                if v.warnings else "")
    return (f'<section id="checks"><h2>Verification ({_e(v.verifier)} verifier)</h2>'
            f"<table><thead><tr><th></th><th>check</th><th>detail</th></tr></thead><tbody>{rows}</tbody></table>"
            f"{warnings}</section>")


def _bars(a: AssetView) -> str:
    assert a.reserves is not None and a.net_liabilities is not None
    net = max(a.net_liabilities, 0)
    top = max(a.reserves, net, 1)
    # a non-zero amount stays visible (at least 2 units of 400) however small beside the other
    wr, wl = (max(BAR_WIDTH * x / top, 2.0) if x > 0 else 0.0 for x in (a.reserves, net))
    label = (f"{a.symbol}: reserves {_amount(a.reserves, a.decimals)}, "
             f"net liabilities {_amount(a.net_liabilities, a.decimals)}")
    return (f'<svg viewBox="0 0 {BAR_WIDTH} 44" preserveAspectRatio="none" role="img" aria-label="{_e(label)}">'
            f'<rect class="{"r" if a.covered else "short"}" x="0" y="3" width="{wr:.2f}" height="17"/>'
            f'<rect class="l" x="0" y="24" width="{wl:.2f}" height="17"/></svg>')


def _ratio(a: AssetView) -> str:
    net = a.net_liabilities
    assert net is not None and a.reserves is not None
    if net <= 0:
        return "no net liabilities"
    basis_points = a.reserves * 10_000 // net
    if basis_points == 0 and a.reserves > 0:
        return "less than 0.01 % of net liabilities"
    return f"{basis_points // 100:,}.{basis_points % 100:02d} % of net liabilities"


def _asset_row(a: AssetView, v: ReportView) -> str:
    figures = []
    if a.reserves is not None:
        figures.append(f"reserves <b class=\"mono\">{_amount(a.reserves, a.decimals)}</b>")
    if a.net_liabilities is not None:
        nets = (f"debt that nets {_amount(a.netted_debt, a.decimals)} of {_amount(a.debt or 0, a.decimals)} owed"
                if a.netted_debt is not None else
                f"no debt nets without the collateral statement; {_amount(a.debt or 0, a.decimals)} owed")
        figures.append(f"net liabilities <b class=\"mono\">{_amount(a.net_liabilities, a.decimals)}</b> "
                       f"<small>(equity {_amount(a.equity or 0, a.decimals)} − {nets})</small>")
    else:
        figures.append("net liabilities <b>hidden</b> (committed, not revealed)")
    if a.covered is not None:
        middle = _bars(a)
        verdict = (f'{_ok(a.covered, "covered", "SHORT")} — {_e(_ratio(a))}')
    elif v.solvency is not None:
        middle, verdict = "", "coverage: see the solvency statement below"
    else:
        middle = ""
        verdict = ("coverage not shown: no solvency statement in this attestation"
                   + ("" if a.reserves is not None else " and no reserves"))
    return (f'<div class="asset" data-asset="{_e(a.symbol)}"><div class="sym">{_e(a.symbol)}</div>'
            f'<div>{middle}<div class="figures">{" · ".join(figures)}</div></div><div>{verdict}</div></div>')


def _assets(v: ReportView) -> str:
    rows = "".join(_asset_row(a, v) for a in v.assets)
    notes = []
    if not v.totals_revealed:
        notes.append("The institution did not reveal its totals: liabilities stay behind the totals commitment, "
                     "so only a solvency statement (a proof) can show coverage.")
    if v.reserves is not None and v.totals_revealed and v.solvency is None:
        notes.append("Coverage here is arithmetic on published figures — revealed totals and the reserves "
                     f"({_e(v.reserves.origin)}) — not a proven statement of this attestation.")
    if v.reserves is not None and any(v.reserves.unproven.values()):
        notes.append("Reserves count only addresses whose ownership proof and balance evidence are valid; "
                     "unproven balances are excluded.")
    if v.reserves is not None and any(h.purpose == "insurance" for h in v.reserves.holdings):
        notes.append("Holdings of the insurance fund are not counted as reserves: they cover accounts that fall "
                     "short (see Accounts), never customer balances.")
    legend = ('<p class="legend"><span style="background:var(--res)"></span>reserves'
              '<span style="background:var(--liab)"></span>net liabilities'
              '<span style="background:var(--bad)"></span>reserves short of liabilities</p>'
              if any(a.covered is not None for a in v.assets) else "")
    return (f'<section id="assets"><h2>Reserves and liabilities per asset</h2>{legend}{rows}'
            + "".join(f'<p class="note">{n}</p>' for n in notes) + "</section>")


def _accounts_section(v: ReportView) -> str:
    """What the batch and solvency proofs output about accounts — never more."""
    if v.accounts is None:
        return ""
    return (f'<section id="accounts"><h2>Accounts</h2><p class="accounts" data-ok="{str(v.accounts_ok).lower()}">'
            f"{_ok(bool(v.accounts_ok))} {_e(v.accounts[0].upper() + v.accounts[1:])}.</p>"
            '<p class="note">Every account is proven whether or not it is covered; each batch proof outputs '
            "whether all of its accounts are collateralized (and margined), and the solvency proof whether "
            "the insurance fund covers the shortfall.</p></section>")


def _solvency(v: ReportView) -> str:
    if v.solvency is None:
        return ('<section id="solvency"><h2>Solvency statement</h2><p class="note" id="no-solvency">'
                "No solvency statement in this attestation: it proves "
                f"{_e(', '.join(v.statements))} only. Nothing here shows that reserves cover liabilities "
                "beyond the published figures above.</p></section>")
    items = "".join(f"<dt>{_e(k)}</dt><dd><code>{_e(val)}</code></dd>" for k, val in v.solvency.items())
    return f'<section id="solvency"><h2>Solvency statement</h2><dl class="kv">{items}</dl></section>'


def _reserves(r: ReservesView | None, statement: str | None = None) -> str:
    if r is None:
        if statement is not None:
            return ('<section id="reserves"><h2>Reserve addresses</h2>'
                    f'<p class="note" id="committed">{_e(statement)}.</p></section>')
        return ('<section id="reserves"><h2>Reserve addresses</h2><p class="note">No reserves in this attestation '
                "and no reserves file given (<code>--reserves FILE</code>).</p></section>")
    origin = _e(r.origin) + ("" if r.signed_by_attestation else
                             " — <b>not covered by the attestation's signature</b>: the ownership proofs bind "
                             "each address to this institution, epoch and snapshot; the balances are the file's")
    rows = _rows(
        f'<tr class="holding" data-ok="{str(h.ok).lower()}"><td class="num">{h.index}</td><td>{_e(h.chain)}</td>'
        f"<td><code>{_e(h.address)}</code></td><td>{_e(h.asset)}"
        + ("<br><small>insurance fund</small>" if h.purpose == "insurance" else "")
        + f"</td><td class=\"num mono\">{_e(h.balance)}</td>"
        f"<td>{_e(h.as_of)}<br><small>{_e(h.source)}</small></td><td>{_ok(h.ok, '✓ proven', '✗ not proven')}"
        f"<br><small>{_e(h.detail)}</small></td>"
        f'<td class="evidence" data-kind="{_e(h.evidence_kind)}" data-ok="{str(h.evidence_ok).lower()}">'
        f"{_ok(h.evidence_ok, '✓ ' + h.evidence_label, '✗ ' + h.evidence_label)}"
        f"<br><small>{_e(h.evidence_detail)}</small></td></tr>" for h in r.holdings)
    return (f'<section id="reserves"><h2>Reserve addresses</h2><p class="note">Source: {origin}.</p>'
            '<table><thead><tr><th class="num">#</th><th>chain</th><th>address</th><th>asset</th>'
            '<th class="num">balance</th><th>as of / source</th><th>ownership signature</th>'
            '<th>balance evidence</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></section>")


def render(v: ReportView) -> str:
    title = f"Solvency report — {v.institution}, epoch {v.epoch}"
    body = "".join([
        f"<header><h1>Auditor's report</h1><p class=\"sub\">{_e(v.institution)} · epoch {_e(v.epoch)} · "
        f"snapshot {_e(v.snapshot_time)}</p></header>",
        _verdict(v), _untrusted_alert(v), _statement(v), _checks(v), _accounts_section(v), _assets(v), _solvency(v),
        _reserves(v.reserves, v.reserves_statement),
        f"<footer>Generated {_e(v.generated_at)} by {_e(v.generator)}. Every figure above is read from the "
        "attestation or the reserves source named; this page loads nothing from elsewhere.</footer>",
    ])
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"generator\" content=\"{_e(v.generator)}\"><title>{_e(title)}</title>"
            f"<style>{CSS}</style></head><body><main>{body}</main></body></html>\n")
