"""The ``solvent`` command line (click). Exit codes: 0 valid, 1 invalid or failed
verification, 2 usage or input error, 3 every check passed but some verifying key is not
trusted on evidence (docs/keys.md).

Subcommands are imported when they run, not at start-up (click's lazy-loading pattern):
importing every command pulls in eth-account and py_ecc, seconds of start-up that
``solvent circom prove`` or ``solvent prove`` would otherwise pay on every call.
"""

from __future__ import annotations

import importlib
import sys

import click

#: command name → "module:attribute" under solvent.cli
COMMANDS = {
    "demo": "demo:demo",
    "setup": "prove:setup",
    "prove": "prove:prove",
    "verify": "verify:verify",
    "inclusion": "verify:inclusion",
    "verify-inclusion": "verify:verify_inclusion",
    "export-verifier": "export_verifier:export_verifier",
    "export-web": "export_web:export_web",
    "report": "report:report",
    "ceremony": "ceremony:ceremony",
    "keys": "keys:keys",
    "circom": "circom:circom",
    "reserves": "reserves:reserves",
    "prices": "prices:prices",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def __init__(self, *args, lazy: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            module, attr = self.lazy[name].split(":")
            command = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
            if command.name != name:
                raise RuntimeError(f"solvent.cli.{module}:{attr} is command {command.name!r}, not {name!r}")
            self.add_command(command)
        return super().get_command(ctx, name)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Under ``--json`` even click's own errors are a JSON object on stdout (exits.py)."""
        from .exits import json_requested, run_reporting_errors_as_json

        args = list(sys.argv[1:] if args is None else args)
        if not standalone_mode or not json_requested(args):
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        return run_reporting_errors_as_json(
            lambda: super(LazyGroup, self).main(args, prog_name, complete_var, False, **extra))


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="solvent")
def main() -> None:
    """solvent: zero-knowledge proofs of solvency over BN254 Groth16."""
