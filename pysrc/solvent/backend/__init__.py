"""Everything that wraps the native module (``solvent._native``, Rust/arkworks) for proving.

Groth16 over BN254 (:mod:`.groth16`: setup, witness, prove, native verification, key
files), the phase-2 ceremony (:mod:`.ceremony`) and circom interop (:mod:`.circom`).
Circuits are written against :mod:`solvent.dsl` only; a backend takes a compiled circuit
and proves it. The native verification paths that attestation verification may use
(``--fast`` proofs, ceremony re-verification) are injected from the command line.

May import attestation (models and trust files, for the ceremony), circuits, dsl,
inputs and formulas; nothing but the pipeline and the command line imports it.

The names below are :mod:`.groth16`'s, imported on first use (PEP 562): importing the
package for :mod:`.circom` alone (``solvent circom prove``) must not load the DSL, the
circuits and the attestation models that :mod:`.groth16` needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .groth16 import INSECURE_SETUP_WARNING, NATIVE_PROOFS, Groth16, KeyPair, NativeProofChecker, ProofResult

__all__ = ["Groth16", "KeyPair", "ProofResult", "INSECURE_SETUP_WARNING", "NativeProofChecker", "NATIVE_PROOFS"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(".groth16", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
