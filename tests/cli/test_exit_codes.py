"""The one map from error class to exit code (cli/common.py): what solvent explains exits
with its code and message; a plain ValueError, KeyError or AssertionError is a bug and is
raised as one, never dressed up as a usage error."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from solvent import native
from solvent.attestation.verify import AttestationFormatError
from solvent.backend.errors import NativeInputError, NativeProvingError, classify
from solvent.cli.common import EXIT_INVALID, EXIT_USAGE, exit_code_for, handle_errors
from solvent.errors import SolventError, UsageError
from solvent.formulas.errors import MalformedInput
from solvent.inputs.errors import InputError
from solvent.pipeline.errors import ProvingError, WouldBeInvalid


@pytest.mark.parametrize("error,code", [
    (InputError("book.csv", "negative balance", row=3, field="BTC"), EXIT_USAGE),
    (UsageError("--reserves given but --statements does not include solvency"), EXIT_USAGE),
    (MalformedInput("proof.pi_a: not on the curve"), EXIT_USAGE),
    (AttestationFormatError("attestation.json: not JSON"), EXIT_USAGE),
    (FileExistsError("out exists"), EXIT_USAGE),
    (ProvingError("the circuit and the tree disagree"), EXIT_INVALID),
    (WouldBeInvalid(["BTC not covered"]), EXIT_INVALID),
    (native.KeyFileError("keys/batch.pk: truncated"), EXIT_USAGE),
    (native.UnsatisfiedError("constraint 12 unsatisfied"), EXIT_INVALID),
])
def test_explained_errors_map_to_their_code(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code


@pytest.mark.parametrize("bug", [ValueError("oops"), KeyError("missing"), AssertionError("invariant")])
def test_a_bug_has_no_exit_code(bug: BaseException) -> None:
    assert not isinstance(bug, SolventError)
    assert exit_code_for(bug) is None


def test_native_exceptions_join_the_tree() -> None:
    assert isinstance(classify(native.IrError("bad IR")), NativeInputError)
    assert isinstance(classify(native.ProverError("failed")), NativeProvingError)
    assert classify(ValueError("not native")) is None
    assert classify(native.ArgumentError("a value solvent should not have passed")) is None, "a bug"


def _command(error: BaseException) -> click.Command:
    @click.command()
    @handle_errors
    def cmd() -> None:
        raise error

    return cmd


def test_handle_errors_exits_with_the_message_and_lets_bugs_through() -> None:
    r = CliRunner().invoke(_command(InputError("book.csv", "negative balance", row=3, field="BTC")))
    assert r.exit_code == EXIT_USAGE and "book.csv, row 3, field 'BTC': negative balance" in r.output
    r = CliRunner().invoke(_command(KeyError("internal")))
    assert r.exit_code == 1 and isinstance(r.exception, KeyError), "a bug is not a usage error"
