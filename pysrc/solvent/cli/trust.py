"""Key-trust options shared by ``verify``, ``verify-inclusion`` and ``report``, gathering
the evidence they stand for, and printing what was decided (docs/keys.md)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from ..attestation.checks import Report
from ..attestation.models import Attestation, Shape
from ..attestation.trust import Evidence, KeyTrust, TrustEvidence
from ..attestation.trust_files import TrustStore, pinned_evidence
from .common import EXIT_INVALID, EXIT_UNTRUSTED, EXIT_VALID, err, results

TRUST_HELP = ("Keys are trusted only on evidence given here (a ceremony transcript re-verified now, the local "
              "trust store, or a trusted-keys file), never on the attestation's own labels. Exit codes: 0 valid, "
              "1 invalid, 2 bad input, 3 every check passed but some key is untrusted.")


@dataclass(frozen=True)
class TrustOptions:
    trusted_keys: tuple[Path, ...] = ()
    ceremony: Path | None = None
    ptau: Path | None = None
    trust_store: Path | None = None
    allow_insecure_keys: bool = False

    @property
    def store(self) -> TrustStore:
        return TrustStore(self.trust_store)


def trust_options(fn: Callable) -> Callable:
    """Add the key-trust options; the command receives one ``trust: TrustOptions``."""
    @functools.wraps(fn)
    def wrapper(*args: Any, trusted_keys: tuple[Path, ...], ceremony: Path | None, ptau: Path | None,
                trust_store: Path | None, allow_insecure_keys: bool, **kwargs: Any) -> Any:
        if (ceremony is None) != (ptau is None):
            raise click.UsageError("--ceremony DIR and --ptau FILE go together")
        return fn(*args, trust=TrustOptions(trusted_keys, ceremony, ptau, trust_store, allow_insecure_keys), **kwargs)

    options = [
        click.option("--trusted-keys", "trusted_keys", multiple=True,
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="A trusted-keys file (solvent.trusted-keys/1) whose publisher you rely on; repeatable."),
        click.option("--ceremony", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="Directory with each circuit's final transcript <circuit>.ph2: re-verified now against "
                          "the circuits recompiled from the attestation's shape, and recorded in the trust store."),
        click.option("--ptau", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="The powers-of-tau file the ceremony started from (with --ceremony)."),
        click.option("--trust-store", "trust_store", type=click.Path(dir_okay=False, path_type=Path),
                     help="Trust store file (default $SOLVENT_TRUST_STORE, else the user's cache directory: "
                          "solvent/trust.json)."),
        click.option("--allow-insecure-keys", is_flag=True,
                     help="Accept keys no evidence vouches for (development keys): the verdict then reads "
                          "'VALID — UNTRUSTED KEYS' and --json has keys_trusted: false."),
    ]
    for opt in reversed(options):
        wrapper = opt(wrapper)
    return wrapper


def ceremony_evidence(ceremony_dir: Path, ptau: Path, shape: Shape, store: TrustStore,
                      threads: int | None = None) -> tuple[TrustEvidence, list]:
    """Re-verify every circuit's transcript of ``ceremony_dir`` against the circuits
    recompiled from ``shape`` (native), record those that hold in ``store``. Returns the
    evidence and the checks."""
    from ..backend.ceremony import check_circuits
    from ..circuits.compile import compile_circuits
    from ..circuits.shape import BookShape

    compiled = compile_circuits(BookShape(**shape.model_dump()))
    err.print(f"re-verifying {len(compiled)} ceremony transcripts in {ceremony_dir} from {ptau} …", highlight=False)
    checks, refusals = check_circuits(ceremony_dir, ptau, compiled, shape, threads)
    store.add([c.entry for c in checks])
    keys = [Evidence("ceremony", c.entry.circuit, c.entry.ir_hash, c.entry.vk_hash, str(c.state),
                     c.entry.summary() + " (checked now)", c.entry.transcript_hash, c.entry.ptau_hash) for c in checks]
    return TrustEvidence(keys=keys, refusals=refusals,
                         sources=[f"ceremony {ceremony_dir} from {ptau}: {len(checks)} of {len(compiled)} transcripts "
                                  f"verified, recorded in {store.path}"]), checks


def gather(att: Attestation, opts: TrustOptions) -> TrustEvidence:
    """Everything ``opts`` names, as evidence (a ceremony is checked and recorded first)."""
    evidence = TrustEvidence()
    store = opts.store
    if opts.ceremony is not None and opts.ptau is not None:
        evidence.extend(ceremony_evidence(opts.ceremony, opts.ptau, att.statement.shape, store)[0])
    evidence.extend(store.evidence())
    for path in opts.trusted_keys:
        evidence.extend(pinned_evidence(path))
    return evidence


def key_line(k: KeyTrust) -> str:
    mark = "[green]✓[/]" if k.trusted else "[bold red]✗[/]"
    claimed = f" [dim](the attestation claims setup '{escape(k.claimed_setup)}')[/]" if k.claimed_setup else ""
    return f" {mark} {escape(k.describe())}{claimed}"


def print_keys(report: Report, sources: list[str] | None = None, console: Console | None = None) -> None:
    """The evidence consulted and each key's trust decision: part of the result (stdout)."""
    console = console or results
    for s in sources or []:
        console.print(f"   [dim]evidence: {escape(s)}[/]", highlight=False)
    for k in report.keys:
        console.print(key_line(k), highlight=False, markup=True)


def headline(report: Report) -> str:
    """The verdict line (rich markup); the untrusted case says why in words."""
    names = ", ".join(k.role for k in report.untrusted())
    if not report.checks_ok:
        return "[bold red]INVALID[/]"
    if report.keys_trusted:
        return "[bold green]VALID[/] (every key trusted on evidence checked by this verifier)"
    if report.allow_insecure_keys:
        return (f"[bold green]VALID[/] [bold white on red] UNTRUSTED KEYS [/] — the {names} keys are not shown to "
                "come from a ceremony or a pinned list: whoever holds their trapdoor could have forged these proofs")
    return (f"[bold red]NOT VALID: the proofs cannot be trusted because their keys are unverified[/] ({names}). "
            "Give --trusted-keys FILE or --ceremony DIR --ptau FILE, or record the ceremony first with "
            "`solvent keys trust`; --allow-insecure-keys accepts development keys")


def exit_code(report: Report) -> int:
    if report.valid:
        return EXIT_VALID
    return EXIT_INVALID if not report.checks_ok else EXIT_UNTRUSTED


__all__ = ["TRUST_HELP", "TrustOptions", "trust_options", "ceremony_evidence", "gather", "key_line", "print_keys",
           "headline", "exit_code"]
