"""The circuit DSL: write a circuit once, against a small API that does not know which
proving system will run it (docs/ir.md)."""

from .builder import CircuitBuilder, Kind
from .cache import build
from .compiled import CompiledCircuit
from .lc import LC, Expr

__all__ = ["CircuitBuilder", "CompiledCircuit", "Kind", "LC", "Expr", "build"]
