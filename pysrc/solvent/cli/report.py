"""``solvent report``: the auditor's HTML report of an attestation."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..attestation.checks import VERDICT_INVALID, VERDICT_VALID, VERDICT_VALID_UNTRUSTED
from ..attestation.verify import load
from .common import (
    EXIT_INVALID,
    EXIT_UNTRUSTED,
    EXIT_VALID,
    emit_json,
    handle_errors,
    pin_options,
    proof_checker,
    refuse_overwrite,
    results,
)
from .trust import TRUST_HELP, TrustOptions, gather, key_line, trust_options


@click.command(epilog=TRUST_HELP)
@click.argument("attestation", type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"),
              show_default=True, help="HTML file to write (atomically; an existing file only with --force).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--reserves", "reserves_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Reserves snapshot (docs/reserves.md): holdings and their ownership signatures.")
@click.option("--fast", is_flag=True, help="Use the native (Rust) verifier instead of the pure-Python one.")
@trust_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary on stdout.")
@handle_errors
@pin_options
def report(attestation: Path, out: Path, force: bool, reserves_file: Path | None, fast: bool, trust: TrustOptions,
           as_json: bool, pins) -> None:
    """Verify an attestation and write a self-contained HTML report for auditors: what
    was proven, each check, the evidence each verifying key is trusted on, reserves
    against liabilities per asset, and the reserve addresses' ownership signatures.
    Exit 0 valid, 1 invalid, 3 untrusted keys (the report is still written in both
    cases), 2 bad input (nothing written).

    Example: solvent report attestation/ --trusted-keys auditor-keys.json --reserves reserves.json --out report.html
    """
    from ..report import build_report, render, write_atomic

    refuse_overwrite([out], force)
    t0 = time.perf_counter()
    att = load(attestation)
    evidence = gather(att, trust)
    view = build_report(att, reserves_file, proof_checker(fast), pins=pins, trust_evidence=evidence,
                        allow_insecure_keys=trust.allow_insecure_keys)
    t1 = time.perf_counter()
    write_atomic(out, render(view))
    t2 = time.perf_counter()
    summary = {"report": str(out), "valid": view.valid, "verdict": view.verdict,
               "attestation_valid": view.attestation_valid, "keys_trusted": view.keys_trusted,
               "keys": [c.trust.to_dict() for c in view.circuits if c.trust is not None],
               "reserves_proven": None if view.reserves is None else view.reserves.all_proven,
               "coverage": {a.symbol: {"status": a.status, "proven": a.proven, "bucket": a.bucket,
                                       "text": a.coverage_text} for a in view.assets},
               "accounts": view.outcome.summary if view.outcome is not None else None,
               "seconds": round(t2 - t0, 3), "verify_seconds": round(t1 - t0, 3), "render_seconds": round(t2 - t1, 3)}
    if as_json:
        emit_json(summary)
    else:
        for c in view.circuits:
            if c.trust is not None:
                results.print(key_line(c.trust), highlight=False)
        colour = {VERDICT_VALID: "bold green", VERDICT_VALID_UNTRUSTED: "bold white on red"}.get(view.verdict, "bold red")
        results.print(f"report written to {out} in {t2 - t0:.2f} s (verification {t1 - t0:.2f} s, "
                  f"rendering {t2 - t1:.3f} s): [{colour}]{view.verdict}[/]", highlight=False)
    if view.valid:
        raise SystemExit(EXIT_VALID)
    raise SystemExit(EXIT_INVALID if view.verdict == VERDICT_INVALID else EXIT_UNTRUSTED)
