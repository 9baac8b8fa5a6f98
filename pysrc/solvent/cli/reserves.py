"""``solvent reserves …``: the messages reserve addresses and custodians sign, checking a
reserves file before proving, and attaching a custodian's statement to an attestation
with committed reserves (docs/reserves.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from rich.markup import escape

from .common import EXIT_INVALID, EXIT_VALID, emit_json, err, fail, fail_usage, handle_errors, pin_options, results

_institution = click.option("--institution", required=True, help="The attestation's institution name.")
_epoch = click.option("--epoch", type=int, required=True, help="The attestation's epoch.")
_snapshot = click.option("--snapshot-time", "snapshot_time", required=True, help="YYYY-MM-DDTHH:MM:SSZ")
_chain = click.option("--chain", type=click.Choice(["ethereum", "bitcoin"]), required=True)
_address = click.option("--address", required=True, help="The reserve address.")


@click.group()
def reserves() -> None:
    """Reserve ownership messages, custodian statements, and checking a reserves file."""


@reserves.command()
@_institution
@_epoch
@_snapshot
@_chain
@_address
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output: {\"message\": TEXT}.")
@handle_errors
def message(institution: str, epoch: int, snapshot_time: str, chain: str, address: str, as_json: bool) -> None:
    """Print exactly the ownership message ADDRESS must sign (EIP-191 personal_sign for
    Ethereum, BIP-137 for Bitcoin): nothing else goes to stdout, and no trailing newline
    (the message has none).

    Example: solvent reserves message --institution "Test Exchange" --epoch 7
    --snapshot-time 2026-11-21T00:00:00Z --chain ethereum --address 0x4759…
    """
    from ..inputs.reserves.message import ownership_message

    _emit_message(ownership_message(institution, epoch, snapshot_time, chain, address), as_json)  # type: ignore[arg-type]


@reserves.command("custodian-message")
@_institution
@_epoch
@_snapshot
@_chain
@_address
@click.option("--asset", required=True, help="Asset symbol.")
@click.option("--balance", required=True, help="Balance in the asset's units, e.g. 2500000.25.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output: {\"message\": TEXT}.")
@handle_errors
def custodian_message(institution: str, epoch: int, snapshot_time: str, chain: str, address: str, asset: str,
                      balance: str, as_json: bool) -> None:
    """Print exactly the statement a custodian signs (EIP-191) for one holding's balance
    (evidence kind custodian_statement); no trailing newline.

    Example: solvent reserves custodian-message --institution "Test Exchange" --epoch 7
    --snapshot-time 2026-11-21T00:00:00Z --chain ethereum --address 0x4759… --asset USDT --balance 2500000.25
    """
    from ..formulas.amounts import AmountError, parse_amount
    from ..inputs.reserves.custody import holding_message

    try:
        parse_amount(balance, 36, 256)
    except AmountError as e:
        fail_usage(f"--balance: {e}")
    _emit_message(holding_message(institution, epoch, snapshot_time, chain, address, asset, balance),  # type: ignore[arg-type]
                  as_json)


def _emit_message(text: str, as_json: bool) -> None:
    """Exactly the text to sign on stdout (no trailing newline), or ``{"message": text}``."""
    if as_json:
        emit_json({"message": text})
    else:
        click.echo(text, nl=False)


def _audit_json(audits) -> list[dict]:
    return [{"index": a.ownership.index, "chain": a.ownership.chain, "address": a.ownership.address,
             "asset": a.ownership.asset, "ok": a.ok,
             "ownership": {"ok": a.ownership.ok, "detail": a.ownership.detail},
             "evidence": {"kind": a.evidence.kind, "ok": a.evidence.ok, "detail": a.evidence.detail,
                          "caveats": list(a.evidence.caveats)}} for a in audits]


def _print_audits(audits, caveats: list[str], console=None) -> None:
    """Each holding's ownership and evidence, and the caveats: the result of ``check``
    (stdout); ``commitment-message`` passes stderr, its stdout being the message alone."""
    console = console or results
    for a in audits:
        mark = "[green]✓[/]" if a.ok else "[bold red]✗[/]"
        console.print(f" {mark} holdings[{a.ownership.index}] {escape(a.ownership.chain)} {escape(a.ownership.address)} "
                      f"{escape(a.ownership.asset)}", highlight=False)
        console.print(f"     ownership: {'ok' if a.ownership.ok else 'FAILED'} — {escape(a.ownership.detail)}",
                      highlight=False)
        console.print(f"     evidence ({escape(a.evidence.kind)}): {'ok' if a.evidence.ok else 'FAILED'} — "
                      f"{escape(a.evidence.detail)}", highlight=False)
    for c in caveats:
        console.print(f" [yellow]![/] {escape(c)}", highlight=False)


@reserves.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_institution
@_epoch
@_snapshot
@click.option("--assets", "assets_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Asset list CSV: also check every holding's asset and decimals.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@handle_errors
@pin_options
def check(file: Path, institution: str, epoch: int, snapshot_time: str, assets_file: Path | None, as_json: bool,
          pins) -> None:
    """Check a reserves file before proving: its format and duplicates (exit 2 if
    malformed), then every holding's ownership signature and balance evidence for this
    institution, epoch and snapshot (exit 1 if any fails, 0 if all pass; caveats are
    printed).

    Example: solvent reserves check reserves.json --institution "Test Exchange" --epoch 7
    --snapshot-time 2026-11-21T00:00:00Z
    """
    from ..inputs.assets import read_assets
    from ..inputs.reserves import load_reserves, reserves_per_asset
    from ..inputs.reserves.audit import audit_holdings, caveats_of

    doc = load_reserves(file)
    if assets_file is not None:
        reserves_per_asset(doc, read_assets(assets_file))  # unknown asset or too many decimals: exit 2
    audits = audit_holdings(doc, institution, epoch, snapshot_time, pins)
    caveats = caveats_of(audits)
    ok = all(a.ok for a in audits)
    if as_json:
        emit_json({"valid": ok, "file": str(file), "holdings": _audit_json(audits), "caveats": caveats})
    else:
        _print_audits(audits, caveats)
        good = sum(a.ok for a in audits)
        results.print(f"{escape(str(file))}: {good} of {len(audits)} holdings check: "
                  + ("[bold green]OK[/]" if ok else "[bold red]FAILED[/]"), highlight=False)
    raise SystemExit(EXIT_VALID if ok else EXIT_INVALID)


@reserves.command("commitment-message")
@click.argument("opening_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Machine-readable output: the message and each holding's check.")
@handle_errors
@pin_options
def commitment_message(opening_file: Path, as_json: bool, pins) -> None:
    """For a custodian or auditor: check a committed-reserves opening (OUT/private/
    reserves-opening.json, handed over by the institution) — the commitment recomputed
    from its amounts and blind, every holding's ownership and evidence, their sums — and
    print exactly the message to sign (EIP-191), nothing else. Exit 1 (nothing on stdout)
    if anything fails.

    Example: solvent reserves commitment-message reserves-opening.json
    """
    from ..inputs.reserves.audit import caveats_of
    from ..inputs.reserves.commitment import check_opening, load_opening, opening_message

    op = load_opening(opening_file)
    problems, audits = check_opening(op, pins, str(opening_file))
    if not as_json:
        _print_audits(audits, caveats_of(audits), err)
    if problems:
        fail(f"{opening_file}: do not sign: the opening does not vouch for its commitment: " + "; ".join(problems),
             EXIT_INVALID, "invalid", {"problems": problems, "holdings": _audit_json(audits)})
    if as_json:
        emit_json({"message": opening_message(op), "holdings": _audit_json(audits), "caveats": caveats_of(audits)})
        return
    err.print(f"{opening_file}: the commitment opens to these holdings; the message to sign follows on stdout",
              highlight=False, markup=False)
    click.echo(opening_message(op), nl=False)


def _signing_key(directory: Path, key_file: Path | None) -> bytes:
    from ..pipeline.jobs.spec import read_hex_secret

    if key_file is not None:
        return read_hex_secret(str(key_file), "the signing key")
    if os.environ.get("SOLVENT_SIGNING_KEY"):
        return bytes.fromhex(os.environ["SOLVENT_SIGNING_KEY"].strip().removeprefix("0x"))
    kept = directory / "private" / "signing.key"
    if kept.is_file():
        return read_hex_secret(str(kept), "the signing key")
    fail_usage("give --signing-key-file or $SOLVENT_SIGNING_KEY: the attestation is signed again with the statement")
    raise AssertionError  # unreachable


@reserves.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--custodian", required=True, help="The custodian's key (Ethereum address) that signed.")
@click.option("--name", required=True, help="The custodian's name, as it appears in the attestation.")
@click.option("--signature", required=True, help="Its EIP-191 signature of `solvent reserves commitment-message`.")
@click.option("--signing-key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The institution's signing key (default: $SOLVENT_SIGNING_KEY, then DIR/private/signing.key).")
@click.option("--force", is_flag=True, help="Replace a statement the attestation already has.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def attach(directory: Path, custodian: str, name: str, signature: str, signing_key_file: Path | None,
           force: bool, as_json: bool) -> None:
    """Attach a custodian's statement over the reserves commitment to an attestation with
    committed reserves, and sign the attestation again (its statement, context and proofs
    do not change). The signature is checked first: nothing is written if it is not the
    custodian's over this attestation's commitment message.

    Example: solvent reserves attach attestation/ --custodian 0x… --name "Vault Co" --signature 0x…
    """
    from eth_account import Account

    from ..attestation import hashing
    from ..attestation.models import ReservesStatement
    from ..attestation.verify import load
    from ..formulas.eip191 import signed_by
    from ..inputs.reserves.custody import commitment_message
    from ..io import write_atomic

    att = load(directory)
    st, s = att.statement, att.solvency
    if s is None or s.reserves_commitment is None:
        fail_usage(f"{directory}: the attestation has no reserves commitment (prove with --private-reserves)")
    if att.reserves_statement is not None and not force:
        fail_usage(f"{directory}: the attestation already has a reserves statement (--force replaces it)")
    msg = commitment_message(st.institution, st.epoch, st.snapshot_time, [a.symbol for a in st.assets],
                             s.reserves_commitment)
    problem = signed_by(msg, signature, custodian)
    if problem is not None:
        fail_usage(f"--signature: {problem}")
    key = _signing_key(directory, signing_key_file)
    if Account.from_key(key).address.lower() != st.signer.lower():
        fail_usage(f"the signing key is not the attestation's signer {st.signer}")
    stmt = ReservesStatement(custodian=custodian, name=name, signature="0x" + signature[2:].lower())
    signed = hashing.sign(att.model_copy(update={"reserves_statement": stmt}), key)
    write_atomic(directory / "attestation.json", json.dumps(signed.model_dump(mode="json"), indent=1).encode())
    if as_json:
        emit_json({"attestation": str(directory / "attestation.json"), "custodian": custodian, "name": name,
                   "replaced": att.reserves_statement is not None})
        return
    results.print(f"{directory / 'attestation.json'}: reserves statement of {name} ({custodian}) attached, "
                  "attestation signed again", highlight=False, markup=False)
