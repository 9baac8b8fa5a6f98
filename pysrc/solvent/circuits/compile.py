"""The circuits of a book shape, compiled with the pure-Python DSL.

This module imports no proving backend and no native code, so a verifier can recompile
the circuits an attestation names from the shape it states — the circuits' IR hashes are
what key trust is anchored to (``solvent.attestation.trust``) — on a machine without the
Rust extension.
"""

from __future__ import annotations

from ..dsl import CompiledCircuit, build
from . import liabilities
from .shape import BookShape
from .solvency import solvency


def compile_circuits(shape: BookShape) -> dict[str, CompiledCircuit]:
    """Every circuit of the shape by role: batch and top, and solvency when it is proven."""
    circuits = {
        "batch": build(liabilities.batch, "liabilities_batch", **shape.batch_params()),
        "top": build(liabilities.top, "liabilities_top", **shape.top_params()),
    }
    if shape.solvency is not None:
        circuits["solvency"] = build(solvency, "liabilities_solvency", **shape.solvency_params())
    return circuits
