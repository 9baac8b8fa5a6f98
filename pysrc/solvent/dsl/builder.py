"""The circuit builder: declares inputs and outputs and records IR ops (docs/ir.md).

A circuit is a Python function that takes a ``CircuitBuilder`` and its shape parameters;
it never sees which proving system will run it. ``compile()`` turns the record into
the backend-neutral IR bytes and the layout a caller needs to assign inputs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum

from .lc import LC, Expr

MAX_BITS = 252
"""Widest range check: 2^252 < r, so a bit decomposition cannot alias modulo r."""


class Kind(IntEnum):
    PRIVATE_INPUT = 0
    PUBLIC_INPUT = 1
    PUBLIC_OUTPUT = 2


class Op(IntEnum):
    MUL = 1
    LIN = 2
    ASSERT = 3
    BITS = 4
    POSEIDON = 5
    HINT_INV = 16
    HINT_DIVMOD = 17


@dataclass(frozen=True)
class Group:
    name: str
    kind: Kind
    first: int
    shape: tuple[int, ...]

    @property
    def count(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


def _nest(flat: list[LC], shape: tuple[int, ...]):
    """Reshape a flat list of LCs (row-major) into nested lists; a scalar for shape ()."""
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return flat
    step = len(flat) // shape[0]
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


class CircuitBuilder:
    def __init__(self, name: str):
        self.name = name
        self.num_wires = 1  # wire 0 is the constant one
        self.groups: list[Group] = []
        self.ops: list[tuple] = []
        self._scope: list[str] = []
        self._labels: dict[str, int] = {"": 0}
        self._label = 0

    # wires and groups ----------------------------------------------------------------
    def _alloc(self, n: int) -> int:
        first = self.num_wires
        self.num_wires += n
        return first

    def _wire(self, w: int) -> LC:
        return LC({w: 1}, self)

    def _group(self, name: str, kind: Kind, shape: tuple[int, ...]) -> Group:
        if any(g.name == name for g in self.groups):
            raise ValueError(f"circuit {self.name}: group '{name}' declared twice")
        if any(d <= 0 for d in shape):
            raise ValueError(f"circuit {self.name}: group '{name}' has an empty dimension {shape}")
        g = Group(name, kind, 0, shape)
        g = Group(name, kind, self._alloc(g.count), shape)
        self.groups.append(g)
        return g

    def private_input(self, name: str, shape: Sequence[int] = ()):
        """Secret inputs; a scalar LC for ``shape=()``, else nested lists (row-major)."""
        g = self._group(name, Kind.PRIVATE_INPUT, tuple(shape))
        return _nest([self._wire(g.first + i) for i in range(g.count)], g.shape)

    def public_input(self, name: str, shape: Sequence[int] = ()):
        g = self._group(name, Kind.PUBLIC_INPUT, tuple(shape))
        return _nest([self._wire(g.first + i) for i in range(g.count)], g.shape)

    def public_output(self, name: str, values: Expr | Sequence[Expr]) -> None:
        """Make computed values public (like circom's output signals)."""
        vals = [values] if isinstance(values, (LC, int)) else list(values)
        g = self._group(name, Kind.PUBLIC_OUTPUT, () if isinstance(values, (LC, int)) else (len(vals),))
        for i, v in enumerate(vals):
            self._record(Op.LIN, g.first + i, LC.of(v).terms)

    # labels --------------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Label the ops recorded inside, so an unsatisfied constraint names its origin."""
        self._scope.append(name)
        label = "/".join(self._scope)
        saved = self._label
        self._label = self._labels.setdefault(label, len(self._labels))
        try:
            yield
        finally:
            self._scope.pop()
            self._label = saved

    def _record(self, code: Op, *payload) -> None:
        self.ops.append((code, self._label, *payload))

    # primitive ops ---------------------------------------------------------------------
    def mul(self, a: Expr, b: Expr) -> LC:
        a, b = LC.of(a), LC.of(b)
        if a.is_constant() or b.is_constant():
            return a * b
        out = self._alloc(1)
        self._record(Op.MUL, out, a.terms, b.terms)
        return self._wire(out)

    def assert_mul(self, a: Expr, b: Expr, c: Expr) -> None:
        """Constrain ``a·b = c``."""
        self._record(Op.ASSERT, LC.of(a).terms, LC.of(b).terms, LC.of(c).terms)

    def assert_equal(self, a: Expr, b: Expr) -> None:
        self.assert_mul(LC.of(a) - b, 1, 0)

    def bits(self, x: Expr, n: int) -> list[LC]:
        """Little-endian bits of ``x``, constraining ``0 ≤ x < 2^n``."""
        if not 1 <= n <= MAX_BITS:
            raise ValueError(f"bit width {n} outside 1..{MAX_BITS}")
        first = self._alloc(n)
        self._record(Op.BITS, LC.of(x).terms, n, first)
        return [self._wire(first + i) for i in range(n)]

    def range_check(self, x: Expr, n: int) -> None:
        """Constrain ``0 ≤ x < 2^n`` (n ≤ 252)."""
        self.bits(x, n)

    def poseidon(self, inputs: Sequence[Expr], init: int = 0) -> LC:
        """circomlib PoseidonEx(len(inputs), 1) with initial state ``init`` (docs/hashing.md)."""
        if not 1 <= len(inputs) <= 16:
            raise ValueError(f"poseidon takes 1..16 inputs, got {len(inputs)}")
        out = self._alloc(1)
        self._record(Op.POSEIDON, init, [LC.of(x).terms for x in inputs], out)
        return self._wire(out)

    def hint_inverse(self, x: Expr) -> LC:
        """Unconstrained ``1/x`` (0 for 0): the caller must constrain its use."""
        out = self._alloc(1)
        self._record(Op.HINT_INV, LC.of(x).terms, out)
        return self._wire(out)

    def hint_divmod(self, x: Expr, d: Expr) -> tuple[LC, LC]:
        """Unconstrained integer ``divmod(x, d)``: the caller must constrain both outputs."""
        q, rem = self._alloc(2), None
        rem = q + 1
        self._record(Op.HINT_DIVMOD, LC.of(x).terms, LC.of(d).terms, q, rem)
        return self._wire(q), self._wire(rem)

    # inspection ------------------------------------------------------------------------
    def outputs(self, label: str, code: Op) -> list[int]:
        """Output wires of the ops of kind ``code`` recorded under scope ``label`` (in
        order): how tests reach an internal value to play a cheating prover."""
        idx = self._labels.get(label)
        out_pos = {Op.MUL: 0, Op.LIN: 0, Op.POSEIDON: 2, Op.HINT_INV: 1}[code]
        return [op[2 + out_pos] for op in self.ops if op[0] == code and op[1] == idx]

    # output ----------------------------------------------------------------------------
    @property
    def labels(self) -> list[str]:
        return sorted(self._labels, key=self._labels.__getitem__)

    def compile(self):
        from .compiled import CompiledCircuit  # here: compiled imports this module

        return CompiledCircuit.from_builder(self)
