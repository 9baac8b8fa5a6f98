"""Linear combinations: the values a circuit computes with.

An ``LC`` is ``Σ coeff·wire`` over Fr, wire 0 being the constant one. Adding LCs or
scaling them by constants costs nothing in any backend; multiplying two non-constant
LCs asks the builder for a multiplication op. Plain ints mix freely with LCs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..formulas.field import R

if TYPE_CHECKING:  # pragma: no cover
    from .builder import CircuitBuilder

Expr = Union["LC", int]


class LC:
    __slots__ = ("terms", "cs")

    def __init__(self, terms: dict[int, int], cs: CircuitBuilder | None = None):
        self.terms = terms  # wire -> coeff in [1, R)
        self.cs = cs

    # construction -------------------------------------------------------------------
    @staticmethod
    def const(value: int) -> LC:
        value %= R
        return LC({0: value} if value else {})

    @staticmethod
    def of(x: Expr) -> LC:
        if isinstance(x, LC):
            return x
        if isinstance(x, bool) or not isinstance(x, int):
            raise TypeError(f"expected an LC or an int, got {type(x).__name__}")
        return LC.const(x)

    # inspection ---------------------------------------------------------------------
    def is_constant(self) -> bool:
        return all(w == 0 for w in self.terms)

    def constant_value(self) -> int:
        if not self.is_constant():
            raise ValueError("LC is not constant")
        return self.terms.get(0, 0)

    def single_wire(self) -> int | None:
        """The wire if this LC is exactly ``1·wire``."""
        if len(self.terms) == 1:
            ((w, c),) = self.terms.items()
            if c == 1 and w != 0:
                return w
        return None

    # arithmetic ---------------------------------------------------------------------
    def _builder(self, other: LC) -> CircuitBuilder | None:
        return self.cs or other.cs

    def __add__(self, other: Expr) -> LC:
        o = LC.of(other)
        terms = dict(self.terms)
        for w, c in o.terms.items():
            v = (terms.get(w, 0) + c) % R
            if v:
                terms[w] = v
            else:
                terms.pop(w, None)
        return LC(terms, self._builder(o))

    __radd__ = __add__

    def __neg__(self) -> LC:
        return LC({w: R - c for w, c in self.terms.items()}, self.cs)

    def __sub__(self, other: Expr) -> LC:
        return self + (-LC.of(other))

    def __rsub__(self, other: Expr) -> LC:
        return LC.of(other) + (-self)

    def scale(self, k: int) -> LC:
        k %= R
        if k == 0:
            return LC({}, self.cs)
        return LC({w: c * k % R for w, c in self.terms.items()}, self.cs)

    def __mul__(self, other: Expr) -> LC:
        if isinstance(other, int) and not isinstance(other, bool):
            return self.scale(other)
        o = LC.of(other)
        if o.is_constant():
            return self.scale(o.constant_value())
        if self.is_constant():
            return o.scale(self.constant_value())
        cs = self._builder(o)
        assert cs is not None, "a product of variables needs a circuit builder"
        return cs.mul(self, o)

    def __rmul__(self, other: Expr) -> LC:
        return self.__mul__(other)

    def __repr__(self) -> str:
        parts = [f"{c}·w{w}" if w else str(c) for w, c in sorted(self.terms.items())]
        return "LC(" + (" + ".join(parts) or "0") + ")"

    def __bool__(self) -> bool:  # pragma: no cover - guard against `if lc:` mistakes
        raise TypeError("an LC has no truth value inside a circuit; use a gadget")
