"""``solvent verify``, ``solvent inclusion`` and ``solvent verify-inclusion``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from pydantic import ValidationError
from rich.markup import escape

from ..attestation import inclusion as inc
from ..io import write_atomic
from ..attestation.verify import Report, load, verify as verify_attestation
from .common import emit_json, err, fail_usage, handle_errors, pin_options, results
from .trust import TRUST_HELP, TrustOptions, exit_code, gather, headline, print_keys, trust_options


def _print_report(report: Report, title: str, sources: list[str] | None = None) -> None:
    for c in report.checks:
        mark = "[green]✓[/]" if c.ok else "[bold red]✗[/]"
        results.print(f" {mark} {escape(c.name)}" + (f" — {escape(c.detail)}" if c.detail else ""), highlight=False)
    if report.holdings:
        results.print(" reserve holdings (balance evidence per holding):", highlight=False)
    for h in report.holdings:
        mark = "[green]✓[/]" if h["ownership_ok"] and h["evidence_ok"] else "[bold red]✗[/]"
        results.print(f"   {mark} [{h['index']}] {escape(h['chain'])} {escape(h['address'])} {escape(h['balance'])} "
                  f"{escape(h['asset'])}: {escape(h['evidence'])} — {escape(h['evidence_detail'])}", highlight=False)
    results.print(" keys:", highlight=False)
    print_keys(report, sources)
    for w in report.warnings:
        results.print(f" [yellow]![/] {escape(w)}", highlight=False)
    caveats = f" [yellow](with the {len(report.warnings)} caveat(s) above)[/]" if report.valid and report.warnings else ""
    results.print(f"{title}: {headline(report)}{caveats}", highlight=False)


@click.command(epilog=TRUST_HELP)
@click.argument("directory", type=click.Path(exists=True, path_type=Path))
@click.option("--fast", is_flag=True, help="Use the native (Rust) verifier instead of the pure-Python one.")
@click.option("--signer", help="Expected signer address: fail if another key signed.")
@click.option("--epoch", type=int,
              help="Expected epoch: fail unless the attestation is exactly epoch N (a replayed older one fails).")
@trust_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@handle_errors
@pin_options
def verify(directory: Path, fast: bool, signer: str | None, epoch: int | None, trust: TrustOptions,
           as_json: bool, pins) -> None:
    """Verify an attestation: signature, context, circuits and the trust in their keys,
    every batch proof, the batches digest, the top-level proof, and the evidence behind
    reserves and prices (state proofs, custodian statements, oracle signatures). What only
    the auditor can check (a block's canonicity, a key the institution named) is printed as
    a caveat unless pinned. Exit 0 valid, 1 invalid, 2 bad input, 3 untrusted keys (every
    check passed, but some key is not shown to come from a ceremony or a pinned list).

    Example: solvent verify attestation/ --trusted-keys auditor-keys.json --signer 0xAbC… --epoch 7
    """
    t = time.perf_counter()
    att = load(directory)
    evidence = gather(att, trust)
    report = verify_attestation(att, fast=fast, signer=signer, epoch=epoch, pins=pins, trust_evidence=evidence,
                                allow_insecure_keys=trust.allow_insecure_keys)
    seconds = time.perf_counter() - t
    if as_json:
        emit_json({**report.to_dict(), "seconds": round(seconds, 3), "institution": att.statement.institution,
                   "epoch": att.statement.epoch, "batches": len(att.batches), "book_root": att.top.book_root,
                   "evidence_sources": evidence.sources})
    else:
        st = att.statement
        results.print(f"attestation of {st.institution!r}, epoch {st.epoch}, snapshot {st.snapshot_time}, "
                  f"{len(att.batches)} batches × {st.shape.batch_size} leaves, "
                  f"{'native' if fast else 'pure-Python'} verifier", highlight=False, markup=False)
        _print_report(report, f"verified in {seconds:.1f} s", evidence.sources)
    raise SystemExit(exit_code(report))


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--account", required=True, help="The customer's account id.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Inclusion proof file.")
@handle_errors
def inclusion(directory: Path, account: str, out: Path) -> None:
    """Export one customer's inclusion proof (their salt, balances and path): give it to
    that customer only.

    Example: solvent inclusion attestation/ --account alice@example.com --out alice.json
    """
    proof = inc.export(directory, account)
    write_atomic(out, json.dumps(proof.model_dump(mode="json"), indent=1))
    err.print(f"inclusion proof for {account!r} (batch {proof.batch}) written to {out}", highlight=False)


def _parse_expect(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        symbol, sep, amount = v.partition("=")
        if not sep or not symbol or not amount:
            fail_usage(f"--expect {v!r}: use SYMBOL=AMOUNT")
        out[symbol] = amount
    return out


@click.command("verify-inclusion", epilog=TRUST_HELP)
@click.argument("proof_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--attestation", "attestation_dir", type=click.Path(exists=True, path_type=Path), required=True,
              help="The published attestation (directory or attestation.json).")
@click.option("--expect", multiple=True, help="SYMBOL=AMOUNT the customer expects (repeatable).")
@click.option("--fast", is_flag=True, help="Use the native verifier.")
@trust_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@handle_errors
def verify_inclusion(proof_file: Path, attestation_dir: Path, expect: tuple[str, ...], fast: bool,
                     trust: TrustOptions, as_json: bool) -> None:
    """Check that your account is in an attestation with the balances you expect.

    Recomputes your leaf from your id, salt and balances, walks the path to your batch's
    root, and verifies that batch's proof, its binding into the top proof, the
    institution's signature and the trust in the keys. Exit 0 included, 1 not, 2 bad
    input, 3 untrusted keys.

    Example: solvent verify-inclusion alice.json --attestation attestation/ --expect BTC=1.5
    """
    try:
        proof = inc.load_proof(proof_file)
    except ValidationError as e:
        fail_usage(f"{proof_file}: not an inclusion proof ({e.errors()[0]['msg']})")
    except OSError as e:
        fail_usage(f"{proof_file}: {e.strerror}")
    att = load(attestation_dir)
    evidence = gather(att, trust)
    report = inc.verify_inclusion(proof, att, fast=fast, expect=_parse_expect(expect), trust_evidence=evidence,
                                  allow_insecure_keys=trust.allow_insecure_keys)
    if as_json:
        emit_json({**report.to_dict(), "account_id": proof.account_id, "evidence_sources": evidence.sources,
                   "balances": {s: b.model_dump() for s, b in proof.balances.items()}})
    else:
        err.print(f"account {proof.account_id!r} at {proof.institution!r}, epoch {proof.epoch}:", highlight=False,
                  markup=False)
        for symbol, b in proof.balances.items():
            err.print(f"   {symbol}: {b.equity}" + (f" (debt {b.debt})" if b.debt != "0" else ""), highlight=False,
                      markup=False)
        _print_report(report, "inclusion", evidence.sources)
    raise SystemExit(exit_code(report))
