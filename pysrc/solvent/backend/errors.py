"""The native core's exceptions, placed in solvent's error tree (``SolventError``).

The Rust extension raises its own classes (``IrError``, ``KeyFileError``, …, all derived
from its ``NativeError``; prover/python/src/errors.rs), which cannot derive from a Python
class. :func:`classify` says which of solvent's kinds a native exception is, so the command
line maps it to an exit code in the same table as every other error. ``ArgumentError`` and
``IndexOutOfRange`` are left out on purpose: they mean solvent passed the core a value it
should not have, a bug, not the user's input."""

from __future__ import annotations

from .. import native
from ..errors import ProvingError, SolventError

INPUT_ERRORS = ("IrError", "KeyFileError", "FormatError", "BookRowError", "InteropError", "CeremonyError")
"""A file or value given to the core that it refuses: bad IR, key, ptau/r1cs/zkey file, book row."""
PROVING_ERRORS = ("WitnessError", "UnsatisfiedError", "ProverError")
"""The core could not prove: the witness does not satisfy the circuit, or proving failed."""


class NativeError(SolventError):
    """A native-core failure, with the native exception as ``__cause__``."""


class NativeInputError(NativeError, ValueError):
    """The core refused a file or a value it was given."""


class NativeProvingError(NativeError, ProvingError):
    """The core could not prove what it was asked to."""


def _classes(names: tuple[str, ...]) -> tuple[type[BaseException], ...]:
    return tuple(c for n in names if isinstance(c := getattr(native, n, None), type))


def classify(e: BaseException) -> NativeError | None:
    """``e`` as solvent's error (chained to it), or None if it is not a native exception."""
    if isinstance(e, _classes(INPUT_ERRORS)):
        return NativeInputError(str(e))
    if isinstance(e, _classes(PROVING_ERRORS)):
        return NativeProvingError(str(e))
    return None
