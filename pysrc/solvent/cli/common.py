"""Shared CLI plumbing: exit codes, errors that name what failed, JSON output, progress."""

from __future__ import annotations

import functools
import json
import sys
import time
from typing import Any, Callable

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_UNTRUSTED = 0, 1, 2, 3
"""3: every check passed, but some verifying key is not trusted on evidence (docs/keys.md)."""

err = Console(stderr=True, soft_wrap=True)


def fail_usage(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise SystemExit(EXIT_USAGE)


def handle_errors(fn: Callable) -> Callable:
    """Input problems exit 2 with the file/row/field message; nothing is half-written."""
    from ..attestation.trust_files import TrustFileError
    from ..attestation.verify import AttestationFormatError
    from ..book import InputError

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (InputError, AttestationFormatError, TrustFileError, FileExistsError, FileNotFoundError, KeyError) as e:
            fail_usage(str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e))
        except ValueError as e:
            fail_usage(str(e))

    return wrapper


def pin_options(fn: Callable) -> Callable:
    """``--eth-block``, ``--custodian``, ``--oracle``, ``--token``: what the auditor pins so
    that a caveat becomes a check (``solvent.pins``); the command gets ``pins``."""
    from ..pins import parse_pins

    @functools.wraps(fn)
    def wrapper(*args: Any, eth_blocks: tuple[str, ...], custodians: tuple[str, ...], oracles: tuple[str, ...],
                tokens: tuple[str, ...], **kwargs: Any) -> Any:
        return fn(*args, pins=parse_pins(eth_blocks, custodians, oracles, tokens), **kwargs)

    for opt in reversed([
        click.option("--eth-block", "eth_blocks", multiple=True, metavar="NUMBER:HASH",
                     help="An Ethereum block you checked is canonical: state proofs against it are then checked, "
                          "not caveated (repeatable)."),
        click.option("--custodian", "custodians", multiple=True, metavar="ADDRESS",
                     help="A custodian key you trust; statements by any other key fail (repeatable)."),
        click.option("--oracle", "oracles", multiple=True, metavar="ADDRESS",
                     help="An oracle source key you trust; price reports by any other key fail (repeatable)."),
        click.option("--token", "tokens", multiple=True, metavar="SYMBOL=ADDRESS",
                     help="The ERC-20 contract that is SYMBOL; a state proof of another contract fails (repeatable)."),
    ]):
        wrapper = opt(wrapper)
    return wrapper


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=1, sort_keys=True))


def insecure_banner(what: str) -> None:
    err.print(f"[bold red]WARNING: {what} uses an INSECURE single-party development setup.[/] "
              "Whoever ran the setup could forge proofs; production keys come from a ceremony.", highlight=False)


class BatchProgress:
    """A progress bar over batches with accounts/s and ETA (stderr, so --json stays clean)."""

    def __init__(self, accounts_per_batch: int):
        self.per = accounts_per_batch
        self.enabled = sys.stderr.isatty()
        self.progress: Progress | None = None
        self.task = None
        self.started = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "batch":
            if self.progress is None and self.enabled:
                self.progress = Progress(
                    TextColumn("[bold]proving batches"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err, transient=True)
                self.progress.start()
                self.task = self.progress.add_task("batches", total=total, rate="")
                self.started = time.perf_counter()
            if self.progress is not None:
                elapsed = time.perf_counter() - self.started
                rate = f"{done * self.per / elapsed:,.0f} accounts/s" if done and elapsed > 0 else ""
                self.progress.update(self.task, completed=done, rate=rate)
        elif stage == "top" and done == 0:
            self.close()
            if self.enabled:
                err.print("proving the top-level binding proof…")

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
