"""The ``solvent`` command line (click). Exit codes: 0 valid, 1 invalid or failed
verification, 2 usage or input error."""

from __future__ import annotations

import click

from .ceremony import ceremony
from .circom import circom
from .demo import demo


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="solvent")
def main() -> None:
    """solvent: zero-knowledge proofs of solvency over BN254 Groth16."""


main.add_command(demo)
main.add_command(ceremony)
main.add_command(circom)
