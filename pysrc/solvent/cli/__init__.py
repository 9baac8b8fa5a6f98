"""The ``solvent`` command line (click). Exit codes: 0 valid, 1 invalid or failed
verification, 2 usage or input error."""

from __future__ import annotations

import click

from .demo import demo
from .export_verifier import export_verifier


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="solvent")
def main() -> None:
    """solvent: zero-knowledge proofs of solvency over BN254 Groth16."""


main.add_command(demo)
main.add_command(export_verifier)
