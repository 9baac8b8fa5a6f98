"""Shared CLI plumbing: exit codes, errors that name what failed, JSON output, progress.

Conventions every command follows (README, "CLI conventions"): results go to stdout
(``results``), progress, warnings and diagnostics to stderr (``err``); with ``--json`` the
result is one JSON object on stdout, and so is an error (``error_object``), with the same
exit code as without ``--json``.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from ..errors import SolventError
from ..pipeline.errors import ProvingError, WouldBeInvalid
from .exits import (  # noqa: F401  (re-exported: every command imports them from here)
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_UNTRUSTED,
    EXIT_USAGE,
    EXIT_VALID,
    emit_json,
    error_object,
    fail,
    fail_usage,
    json_requested,
    refuse_overwrite,
    run_reporting_errors_as_json,
    stderr_console,
)

results = Console(soft_wrap=True)
"""What a command found or made: stdout, so that it can be piped or redirected."""
err = stderr_console()
"""Progress, warnings and diagnostics: stderr, so that stdout holds only results."""

if TYPE_CHECKING:
    from ..attestation.proofs import ProofChecker

EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (WouldBeInvalid, EXIT_INVALID),   # `prove --strict`: the attestation's own proofs would make it INVALID
    (ProvingError, EXIT_INVALID),     # proving failed (the run is resumable)
    (SolventError, EXIT_USAGE),       # everything solvent explains: bad input, options, files, keys
    (ValidationError, EXIT_USAGE),    # a JSON document the user gave that fails its model
    (FileExistsError, EXIT_USAGE),    # an output that exists (nothing is overwritten without --force)
    (FileNotFoundError, EXIT_USAGE),  # an input path that does not exist
)
"""The one map from error class to exit code: the first row whose class the error is an
instance of (so subclasses go before their bases). Anything else — a plain ``ValueError``,
``KeyError`` or ``AssertionError`` — is a bug in solvent and is raised as one (a traceback,
exit 1), never dressed up as a usage error."""


def exit_code_for(e: BaseException) -> int | None:
    """``e``'s exit code from :data:`EXIT_CODES` (native exceptions classified first), or None."""
    if "solvent._native" in sys.modules:
        # imported here: only a process that loaded the native module can meet its exceptions,
        # and verification must not load it
        from ..backend.errors import classify

        e = classify(e) or e
    return next((code for cls, code in EXIT_CODES if isinstance(e, cls)), None)


def handle_errors(fn: Callable) -> Callable:
    """Errors solvent explains exit with their code (:data:`EXIT_CODES`) and message, naming
    the file, row and field; nothing is half-written. Anything else propagates: it is a bug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            code = exit_code_for(e)
            if code is None:
                raise
            fail(str(e), code, "invalid" if code == EXIT_INVALID else "input")

    return wrapper


def proof_checker(fast: bool) -> ProofChecker:
    """The proof checker ``--fast`` asks for: the native arkworks verifier, else the
    independent pure-Python one (the default, which needs no native module)."""
    if not fast:
        # imported here: the pure-Python verifier (py_ecc) is start-up that proving commands never need
        from ..attestation.proofs import PYTHON_PROOFS

        return PYTHON_PROOFS
    # imported here: the native module is only needed (and only loaded) with --fast, so that
    # pure-Python verification runs where the Rust extension is not installed
    from ..backend.groth16 import NATIVE_PROOFS

    return NATIVE_PROOFS


def pin_options(fn: Callable) -> Callable:
    """``--eth-block``, ``--custodian``, ``--oracle``, ``--token``: what the auditor pins so
    that a caveat becomes a check (``solvent.inputs.pins``); the command gets ``pins``."""
    from ..inputs.pins import parse_pins

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


def insecure_banner(what: str, verb: str = "uses") -> None:
    """``WARNING: <what> <verb> an INSECURE …`` on stderr (``these keys``, ``come from``)."""
    err.print(f"[bold red]WARNING: {what} {verb} an INSECURE single-party development setup.[/] "
              "Whoever ran the setup could forge proofs; production keys come from a ceremony.", highlight=False)


class BatchProgress:
    """A progress bar over batches with accounts/s and ETA (stderr, so --json stays clean)."""

    def __init__(self, accounts_per_batch: int, resuming: str | None = None):
        self.per = accounts_per_batch
        self.enabled = sys.stderr.isatty()
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.started = time.perf_counter()
        self.resuming = resuming
        """The run directory when resuming: the first event then says what was reused."""
        self.reused: int | None = None
        """Batches taken from the checkpoint (the first batch event's count)."""
        self.discarded = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "discarded":
            self.discarded = done
        if stage == "batch" and self.reused is None:
            self.reused = done
            if self.resuming is not None:
                dropped = f"; {self.discarded} checkpoint(s) were damaged or stale and are proven again" \
                    if self.discarded else ""
                err.print(f"resuming {self.resuming}: reused {done} of {total} batch proofs from the checkpoint, "
                          f"{total - done} left to prove{dropped}", highlight=False, markup=False)
        if stage == "batch":
            if self.progress is None and self.enabled:
                self.progress = Progress(
                    TextColumn("[bold]proving batches"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err, transient=True)
                self.progress.start()
                self.task = self.progress.add_task("batches", total=total, rate="")
                self.started = time.perf_counter()
            if self.progress is not None and self.task is not None:
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
