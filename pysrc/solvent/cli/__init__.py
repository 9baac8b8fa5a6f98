"""The ``solvent`` command line (click). Exit codes: 0 valid, 1 invalid or failed
verification, 2 usage or input error, 3 every check passed but some verifying key is not
trusted on evidence (docs/keys.md)."""

from __future__ import annotations

import click

from .ceremony import ceremony
from .circom import circom
from .demo import demo
from .export_verifier import export_verifier
from .keys import keys
from .prove import prove, setup
from .report import report
from .verify import inclusion, verify, verify_inclusion


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="solvent")
def main() -> None:
    """solvent: zero-knowledge proofs of solvency over BN254 Groth16."""


for command in (demo, setup, prove, verify, inclusion, verify_inclusion, export_verifier, report, ceremony, keys, circom):
    main.add_command(command)
