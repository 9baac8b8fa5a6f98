"""The light half of the CLI's plumbing: exit codes, errors that name what failed, the
``--json`` error object, and the refusal to overwrite. It imports only click and the
standard library (rich only when an error is printed), so that commands whose own work
is small or native (``solvent circom prove``, a usage error) do not pay for pydantic,
py_ecc or the attestation models at start-up; :mod:`.common` re-exports all of it.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..printable import printable

if TYPE_CHECKING:
    from rich.console import Console

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_UNTRUSTED = 0, 1, 2, 3
"""3: every check passed, but some verifying key is not trusted on evidence (docs/keys.md)."""

EXIT_INTERRUPTED = 130
"""Interrupted by SIGINT (Ctrl-C): 128 + the signal's number, as shells report it."""


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


@functools.cache
def stderr_console() -> Console:
    """Progress, warnings and diagnostics: stderr, so that stdout holds only results (made
    on first use: importing rich costs start-up that most successful commands never need)."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True)


def fail(message: str, exit_code: int = EXIT_USAGE, kind: str = "input", details: dict | None = None) -> NoReturn:
    """Stop the command with ``message``: a JSON error object on stdout under ``--json``
    (``details`` added to it), else ``error: …`` on stderr; exit ``exit_code`` either way."""
    if json_requested():
        emit_json(error_object(message, exit_code, kind, details))
    else:
        from rich.markup import escape

        stderr_console().print(f"[bold red]error:[/] {escape(printable(message))}", highlight=False)
    raise SystemExit(exit_code)


def fail_usage(message: str) -> NoReturn:
    """Bad input or usage: exit 2."""
    fail(message, EXIT_USAGE, "input")


def refuse_overwrite(paths: Iterable[Path], force: bool) -> None:
    """Nothing already written is replaced without ``--force``: exit 2 naming the files."""
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        fail_usage(f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''} "
                   "(pass --force to replace)")


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=1, sort_keys=True))
