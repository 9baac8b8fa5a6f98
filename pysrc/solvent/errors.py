"""The root of solvent's exceptions: every error solvent raises on purpose is a ``SolventError``.

Each layer defines its own subclasses (``formulas.MalformedInput``, ``inputs.InputError``,
``attestation.AttestationFormatError``, ``backend.NativeError``, …); the command line maps
them to exit codes in one place (``solvent.cli.common.EXIT_CODES``). Anything else that
escapes — a plain ``ValueError``, ``KeyError`` or ``AssertionError`` — is a bug, and is
reported as one, never as a usage error. This module imports nothing.
"""

from __future__ import annotations


class SolventError(Exception):
    """Something solvent detected and explains: bad input, a failed check, a refused key."""


class UsageError(SolventError, ValueError):
    """A request that cannot be carried out as asked: options that contradict each other, a
    book that does not fit the keys given, an account the attestation does not hold."""


class ProvingError(SolventError, RuntimeError):
    """Proving failed: the circuit and the native tree disagree, inputs a statement needs are
    missing, or the native prover could not prove (the run is resumable)."""
