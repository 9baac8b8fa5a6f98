"""Shared CLI plumbing: exit codes, errors that name what failed, JSON output, progress.

Conventions every command follows (README, "CLI conventions"): results go to stdout
(``results``), progress, warnings and diagnostics to stderr (``err``); with ``--json`` the
result is one JSON object on stdout, and so is an error (``error_object``), with the same
exit code as without ``--json``.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from ..attestation.proofs import PYTHON_PROOFS, ProofChecker
from ..errors import SolventError
from ..pipeline.errors import ProvingError, WouldBeInvalid
from ..printable import printable

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_UNTRUSTED = 0, 1, 2, 3
"""3: every check passed, but some verifying key is not trusted on evidence (docs/keys.md)."""

EXIT_INTERRUPTED = 130
"""Interrupted by SIGINT (Ctrl-C): 128 + the signal's number, as shells report it."""

results = Console(soft_wrap=True)
"""What a command found or made: stdout, so that it can be piped or redirected."""
err = Console(stderr=True, soft_wrap=True)
"""Progress, warnings and diagnostics: stderr, so that stdout holds only results."""


def json_requested(args: Sequence[str] | None = None) -> bool:
    """Whether ``--json`` was given: to the running command (its parsed parameters), or,
    before a command has parsed its options, anywhere in ``args`` before ``--``."""
    if args is not None:
        args = list(args)
        return "--json" in (args[:args.index("--")] if "--" in args else args)
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.params.get("as_json"):
            return True
        ctx = ctx.parent
    return False


def error_object(message: str, exit_code: int, kind: str, details: dict | None = None) -> dict:
    """The one shape of an error under ``--json``:
    ``{"error": {"type": KIND, "message": TEXT, "exit_code": N}}``. ``type`` is ``usage``
    (the command line), ``input`` (a file or value given), ``invalid`` (a check failed or
    the command refused), ``interrupted`` (SIGINT) or ``internal`` (a bug: please report).
    ``details``: more fields of the error (``resume``: the command that continues a run)."""
    return {"error": {"type": kind, "message": printable(message), "exit_code": exit_code, **(details or {})}}


def run_reporting_errors_as_json(invoke: Callable[[], Any]) -> NoReturn:
    """Run the command line (``invoke``: click's ``main`` with ``standalone_mode=False``)
    when ``--json`` was given: what click would print as text before or around the command
    (a usage error, an option that does not parse, Ctrl-C) becomes the JSON error object on
    stdout, with click's exit code; an unexpected exception becomes type ``internal``
    (exit 1, as Python exits on one), its traceback on stderr."""
    import traceback

    try:
        rv = invoke()
    except click.ClickException as e:
        emit_json(error_object(e.format_message(), e.exit_code, "usage"))
        sys.exit(e.exit_code)
    except click.Abort:
        emit_json(error_object("interrupted", EXIT_INVALID, "interrupted"))
        sys.exit(EXIT_INVALID)
    except Exception as e:  # noqa: BLE001 - a bug still answers in the promised shape
        traceback.print_exc()
        emit_json(error_object(f"{type(e).__name__}: {e}", EXIT_INVALID, "internal"))
        sys.exit(EXIT_INVALID)
    sys.exit(rv if isinstance(rv, int) else EXIT_VALID)


def fail(message: str, exit_code: int = EXIT_USAGE, kind: str = "input", details: dict | None = None) -> NoReturn:
    """Stop the command with ``message``: a JSON error object on stdout under ``--json``
    (``details`` added to it), else ``error: …`` on stderr; exit ``exit_code`` either way."""
    if json_requested():
        emit_json(error_object(message, exit_code, kind, details))
    else:
        err.print(f"[bold red]error:[/] {escape(printable(message))}", highlight=False)
    raise SystemExit(exit_code)


def fail_usage(message: str) -> NoReturn:
    """Bad input or usage: exit 2."""
    fail(message, EXIT_USAGE, "input")


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
        return PYTHON_PROOFS
    # imported here: the native module is only needed (and only loaded) with --fast, so that
    # pure-Python verification runs where the Rust extension is not installed
    from ..backend.groth16 import NATIVE_PROOFS

    return NATIVE_PROOFS


def refuse_overwrite(paths: Iterable[Path], force: bool) -> None:
    """Nothing already written is replaced without ``--force``: exit 2 naming the files."""
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        fail_usage(f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''} "
                   "(pass --force to replace)")


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


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=1, sort_keys=True))


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
