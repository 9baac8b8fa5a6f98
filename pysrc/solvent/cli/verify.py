"""``solvent verify``, ``solvent inclusion`` and ``solvent verify-inclusion``."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import click
from pydantic import ValidationError
from rich.markup import escape

from ..attestation import inclusion as inc
from ..attestation.checks import Check, Report
from ..attestation.expectations import ExpectationError, parse_expectations
from ..attestation.verify import load
from ..attestation.verify import verify as verify_attestation
from ..io import write_atomic
from .common import emit_json, fail_usage, handle_errors, pin_options, proof_checker, results
from .trust import TRUST_HELP, TrustOptions, exit_code, gather, headline, print_keys, trust_options


def _check_line(c: Check) -> str:
    mark = "[green]✓[/]" if c.ok else "[bold red]✗[/]"
    return f" {mark} {escape(c.name)}" + (f" — {escape(c.detail)}" if c.detail else "")


def _print_report(report: Report, title: str, sources: list[str] | None = None) -> None:
    for c in report.checks:
        results.print(_check_line(c), highlight=False)
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


def _address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An Ethereum address option (0x and 40 hex digits; compared case-insensitively)."""
    if value is not None and not re.fullmatch(r"0x[0-9a-fA-F]{40}", value):
        raise click.BadParameter(f"{value!r} is not an Ethereum address (0x and 40 hex digits)")
    return value


@click.command(epilog=TRUST_HELP)
@click.argument("directory", type=click.Path(exists=True, path_type=Path))
@click.option("--fast", is_flag=True, help="Use the native (Rust) verifier instead of the pure-Python one.")
@click.option("--signer", callback=_address, metavar="ADDR", help="Expected signer address: fail if another key signed.")
@click.option("--epoch", type=click.IntRange(min=0), metavar="N",
              help="Refuse attestations OLDER than epoch N (a replayed old attestation fails; a newer one passes).")
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
    report = verify_attestation(att, proof_checker(fast), signer=signer, epoch=epoch, pins=pins, trust_evidence=evidence,
                                allow_insecure_keys=trust.allow_insecure_keys)
    seconds = time.perf_counter() - t
    if as_json:
        emit_json({**report.to_dict(), "seconds": round(seconds, 3), "institution": att.statement.institution,
                   "epoch": att.statement.epoch, "batches": len(att.batches), "book_root": att.top.book_root,
                   "evidence_sources": evidence.sources,
                   "balance_bits": dict(zip((a.symbol for a in att.statement.assets), att.statement.shape.widths(),
                                            strict=False))})  # a count mismatch fails the "assets" check
    else:
        st = att.statement
        results.print(f"attestation of {st.institution!r}, epoch {st.epoch}, snapshot {st.snapshot_time}, "
                  f"{len(att.batches)} batches × {st.shape.batch_size} leaves, "
                  f"{'native' if fast else 'pure-Python'} verifier", highlight=False, markup=False)
        if st.shape.asset_bits is not None:  # part of what is proven: say it
            results.print(f" {st.balance_bounds()}", highlight=False, markup=False)
        _print_report(report, f"verified in {seconds:.1f} s", evidence.sources)
    raise SystemExit(exit_code(report))


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--account", required=True, help="The customer's account id (Unicode NFC-normalized, as the book's ids).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Inclusion proof file (written 0600: it holds the customer's salt and balances).")
@click.option("--force", is_flag=True, help="Replace --out if it exists (otherwise an existing file is refused).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary on stdout.")
@handle_errors
def inclusion(directory: Path, account: str, out: Path, force: bool, as_json: bool) -> None:
    """Export one customer's inclusion proof (their salt, balances and path) from the
    operator's private/inclusion.sqlite: give it to that customer only. An existing
    --out is never replaced without --force; the file is written to a temporary path,
    then renamed.

    Example: solvent inclusion attestation/ --account alice@example.com --out alice.json
    """
    if out.exists() and not force:
        fail_usage(f"{out} exists: give --force to replace it")
    # imported here: the operator's export reads the proving side's database (native tree
    # code); `verify` and `verify-inclusion` in this module must run without the native module
    from ..pipeline.inclusion_export import export

    proof = export(directory, account)
    write_atomic(out, json.dumps(proof.model_dump(mode="json"), indent=1), mode=0o600)
    if as_json:
        emit_json({"account_id": proof.account_id, "out": str(out), "institution": proof.institution,
                   "epoch": proof.epoch, "batch": proof.batch, "leaf_index": proof.leaf_index,
                   "attestation_hash": proof.attestation_hash})
    else:
        results.print(f"inclusion proof for {proof.account_id!r} (batch {proof.batch}) written to {out}",
                      highlight=False, markup=False)


INCLUSION_HELP = ("Keys are trusted only on evidence given here (--trusted-keys, --ceremony/--ptau, the trust store), "
                  "never on the attestation's own labels; --allow-insecure-keys accepts development keys. Exit codes: "
                  "0 your account and every finding pass, 1 your account or an attestation-wide finding fails, "
                  "2 bad input or a malformed expectation, 3 every check passed but some key is untrusted.")


@click.command("verify-inclusion", epilog=INCLUSION_HELP)
@click.argument("proof_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--attestation", "attestation_dir", type=click.Path(exists=True, path_type=Path), required=True,
              help="The published attestation (directory or attestation.json).")
@click.option("--account", "account_id", required=True,
              help="Your own account id: a file for another account fails (compared after Unicode NFC normalization).")
@click.option("--signer", callback=_address, metavar="ADDR",
              help="The address your institution publishes as its signer: an attestation signed by another key fails.")
@click.option("--epoch", "min_epoch", type=click.IntRange(min=0), metavar="N",
              help="Refuse attestations OLDER than epoch N (a replayed old attestation fails; a newer one passes).")
@click.option("--expect", multiple=True, metavar="ASSET=AMOUNT",
              help="Equity you expect, as an exact decimal at the asset's decimals (BTC=2.84312683 and "
                   "BTC=2.843126830 are the same); asset symbols are case-sensitive, as in the book. Repeatable.")
@click.option("--expect-debt", multiple=True, metavar="ASSET=AMOUNT", help="Debt you expect per asset (as --expect).")
@click.option("--expect-position", multiple=True, metavar="INSTRUMENT=QTY",
              help="Signed quantity you hold per instrument (negative: short; 0 for none), with the margin statement.")
@click.option("--fast", is_flag=True, help="Use the native verifier.")
@trust_options
@click.option("--json", "as_json", is_flag=True,
              help="The verdict as one JSON object on stdout: account, findings, checks, exit_code.")
@handle_errors
@pin_options
def verify_inclusion(proof_file: Path, attestation_dir: Path, account_id: str, signer: str | None,
                     min_epoch: int | None, expect: tuple[str, ...], expect_debt: tuple[str, ...],
                     expect_position: tuple[str, ...], fast: bool, trust: TrustOptions, as_json: bool, pins) -> None:
    """Check that your account is in an attestation with the balances, debt and positions
    you expect.

    YOUR ACCOUNT: the file is for this attestation, its institution and epoch, and your
    account id; your leaf, recomputed from your id, salt, balances, debt and positions,
    walks to your batch's root and on to the attested book root; each --expect,
    --expect-debt and --expect-position holds exactly. ATTESTATION-WIDE FINDINGS (the same
    for every customer): the institution's signature (and --signer, --epoch), the
    statement, the keys and their trust, your batch's proof, the batches digest, the top
    proof, and solvency, insurance and outcome bits where the attestation has them.

    Exit 0: your account checks and every finding pass; 1: an account check or a finding
    fails (the verdict says which, and says so when your own account is fine); 2: bad
    input, including a malformed expectation (checked before any verification); 3: every
    check passed but some key is untrusted.

    Example: solvent verify-inclusion alice.json --attestation attestation/ --account alice@example.com
    --signer 0xAbC… --epoch 7 --expect BTC=1.5 --expect-debt USDT=200 --expect-position BTC-PERP=-2
    """
    if not account_id.strip():
        fail_usage("--account '': give your own account id")
    try:
        proof = inc.load_proof(proof_file)
    except ValidationError as e:
        fail_usage(f"{proof_file}: not an inclusion proof ({e.errors()[0]['msg']})")
    except OSError as e:
        fail_usage(f"{proof_file}: {e.strerror}")
    att = load(attestation_dir)
    try:
        expectations = parse_expectations(att, expect, expect_debt, expect_position)
    except ExpectationError as e:
        fail_usage(str(e))
    evidence = gather(att, trust)
    report = inc.verify_inclusion(proof, att, proof_checker(fast), trust_evidence=evidence,
                                  allow_insecure_keys=trust.allow_insecure_keys, account_id=account_id,
                                  expectations=expectations, signer=signer, min_epoch=min_epoch, pins=pins)
    code = exit_code(report)
    if as_json:
        emit_json({**report.to_dict(), "account_id": proof.account_id, "institution": proof.institution,
                   "epoch": proof.epoch, "batch": proof.batch, "evidence_sources": evidence.sources,
                   "balances": {s: b.model_dump() for s, b in proof.balances.items()}, "positions": proof.positions,
                   "summary": inclusion_summary(report), "exit_code": code})
    else:
        _print_inclusion(report, proof, evidence.sources)
    raise SystemExit(code)


def inclusion_summary(report: inc.InclusionReport) -> str:
    """One sentence: your account, then the attestation, each named by what failed."""
    bad_account = [c.name for c in report.account if not c.ok]
    bad_findings = [c.name for c in report.findings if not c.ok]
    if bad_account:
        mine = f"your account check FAILED ({', '.join(bad_account)})"
    else:
        mine = "your account is included with the balances you expect" if any(
            c.name.startswith("expected ") for c in report.account) else "your account is included"
    if bad_findings:
        wide = f"attestation-wide findings FAILED ({', '.join(bad_findings)})"
        if not bad_account:
            wide += ": your own path and balances are fine; what failed concerns the attestation as a whole"
    elif not report.keys_trusted:
        wide = "every attestation-wide finding passes, but some keys are untrusted"
    else:
        wide = "every attestation-wide finding passes"
    return f"{mine}; {wide}"


def _print_inclusion(report: inc.InclusionReport, proof: inc.InclusionProof, sources: list[str]) -> None:
    """Your account (what the file says, then its checks), the attestation-wide findings,
    the keys and caveats, and the verdict (stdout)."""
    results.print(f"account {proof.account_id!r} at {proof.institution!r}, epoch {proof.epoch}, batch {proof.batch}:",
                  highlight=False, markup=False)
    for symbol, b in proof.balances.items():
        results.print(f"   {symbol}: {b.equity}, debt {b.debt}", highlight=False, markup=False)
    for name, q in (proof.positions or {}).items():
        results.print(f"   position {name}: {q}", highlight=False, markup=False)
    results.print("your account:", highlight=False)
    for c in report.account:
        results.print(_check_line(c), highlight=False)
    results.print("attestation-wide findings (the same for every customer):", highlight=False)
    for c in report.findings:
        results.print(_check_line(c), highlight=False)
    results.print(" keys:", highlight=False)
    print_keys(report, sources, console=results)
    for w in report.warnings:
        results.print(f" [yellow]![/] {escape(w)}", highlight=False)
    mark = "[green]✓[/]" if report.account_ok else "[bold red]✗[/]"
    results.print(f"{mark} {escape(inclusion_summary(report))}", highlight=False)
    results.print(f"inclusion: {headline(report)}", highlight=False)
