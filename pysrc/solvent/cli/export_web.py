"""``solvent export-web``: the customer's page for an attestation."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import click

from ..attestation.verify import load
from .common import EXIT_INVALID, emit_json, err, fail, fail_usage, handle_errors


@click.command("export-web")
@click.argument("attestation", type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for the site (index.html is written into it).")
@click.option("--trusted-keys", "trusted_keys", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Trusted-keys file: the verifying keys the page accepts (docs/web.md).")
@click.option("--allow-insecure-keys", is_flag=True,
              help="Pin the attestation's own keys (no trust evidence): the page says UNTRUSTED KEYS.")
@click.option("--signer", help="Pin the institution's address: the page fails if another key signed.")
@click.option("--force", is_flag=True, help="Replace an existing index.html.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary on stdout.")
@handle_errors
def export_web(attestation: Path, out: Path, trusted_keys: Path | None, allow_insecure_keys: bool,
               signer: str | None, force: bool, as_json: bool) -> None:
    """Write a static, self-contained web page in which a customer checks their own
    account: they drop the inclusion file `solvent inclusion` gave them and type their
    id; the page recomputes their leaf and path, verifies their batch proof, the top
    proof and the institution's signature, checks the verifying keys against the keys
    pinned here, and shows their balances with a verdict. It needs no server and makes
    no network request: open OUT/index.html from disk or put OUT/ on any static host.
    Exit 0 written; 1 the page would reject every customer (a key not pinned, circuits
    that are not solvent's for the stated shape, another signer), nothing written; 2 bad
    input.

    Example: solvent export-web attestation/ --trusted-keys auditor-keys.json --signer 0xAbC… --out site/
    """
    from ..web import Pins, attestation_keys, circuit_problems, export_site, read_trusted_keys, unpinned

    if (trusted_keys is None) == (not allow_insecure_keys):
        fail_usage("give the keys the page trusts: --trusted-keys FILE, or --allow-insecure-keys "
                   "to pin the attestation's own keys (the page will say UNTRUSTED KEYS)")
    if signer is not None and not re.fullmatch(r"0x[0-9a-fA-F]{40}", signer):
        fail_usage(f"--signer {signer!r}: not an Ethereum address (0x and 40 hex digits)")
    att = load(attestation)
    if allow_insecure_keys:
        pins = Pins(keys=attestation_keys(att), signer=signer, insecure=True, source=None)
    else:
        assert trusted_keys is not None
        keys, publisher = read_trusted_keys(trusted_keys)
        digest = hashlib.sha256(trusted_keys.read_bytes()).hexdigest()
        by = f" published by {publisher}" if publisher else ""
        pins = Pins(keys=keys, signer=signer, source=f"{trusted_keys.name}{by} (sha256 {digest[:16]}…)")
    problems = unpinned(att, pins.keys) + circuit_problems(att)
    if signer is not None and signer.lower() != att.statement.signer.lower():
        problems.append(f"the attestation names signer {att.statement.signer}, not {signer}")
    if problems:
        fail("the page would reject every customer: " + "; ".join(problems), EXIT_INVALID, "invalid",
             {"problems": problems})
    page = export_site(att, out, pins, force=force)
    size = page.stat().st_size
    if as_json:
        emit_json({"page": str(page), "bytes": size, "insecure_keys": pins.insecure, "signer_pinned": signer is not None,
                   "keys": [k.model_dump() for k in pins.keys]})
    else:
        if pins.insecure:
            err.print("[bold red]WARNING: the page pins the attestation's own keys (--allow-insecure-keys): "
                      "it will say UNTRUSTED KEYS to every customer.[/]", highlight=False)
        click.echo(f"customer page written to {page} ({size / 1024:,.0f} KiB): open it in a browser, "
                   "or publish the directory on any static host")
