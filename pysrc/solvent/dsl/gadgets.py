"""Gadgets built from the IR's primitives: the vocabulary of solvent's circuits.

Each gadget documents what it constrains and what it assumes of its inputs (bounds
that an earlier range check must have established); none relies on a hint alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..formulas.poseidon import domain  # the one definition (docs/hashing.md)
from .builder import CircuitBuilder
from .lc import LC, Expr

MAX_INPUTS = 16


def hash_many(cs: CircuitBuilder, label: str, xs: Sequence[Expr]) -> LC:
    """Domain-separated hash of any number of elements (docs/hashing.md)."""
    if not xs:
        raise ValueError("hash_many of no elements")
    d = domain(label, len(xs))
    if len(xs) <= MAX_INPUTS:
        return cs.poseidon(xs, init=d)
    acc = cs.poseidon(xs[:MAX_INPUTS], init=d)
    for i in range(MAX_INPUTS, len(xs), MAX_INPUTS - 1):
        acc = cs.poseidon([acc, *xs[i:i + MAX_INPUTS - 1]], init=d)
    return acc


def assert_boolean(cs: CircuitBuilder, b: Expr) -> None:
    """``b ∈ {0, 1}``: ``b·(1 − b) = 0``."""
    b = LC.of(b)
    cs.assert_mul(b, 1 - b, 0)


def is_zero(cs: CircuitBuilder, x: Expr) -> LC:
    """1 if ``x = 0`` else 0. With ``inv`` a hint: ``out = 1 − x·inv`` and ``x·out = 0``
    leave the prover no choice (x ≠ 0 forces out = 0, then inv = 1/x; x = 0 forces out = 1)."""
    x = LC.of(x)
    inv = cs.hint_inverse(x)
    out = 1 - cs.mul(x, inv)
    cs.assert_mul(x, out, 0)
    return out


def select(cs: CircuitBuilder, cond: Expr, if_true: Expr, if_false: Expr) -> LC:
    """``cond ? if_true : if_false`` for a boolean ``cond`` (one constraint)."""
    t, f = LC.of(if_true), LC.of(if_false)
    return cs.mul(cond, t - f) + f


def assert_lt(cs: CircuitBuilder, a: Expr, b: Expr, bits: int) -> None:
    """``a < b``, given ``0 ≤ a, b < 2^bits``."""
    cs.range_check(LC.of(b) - a - 1, bits)


def geq(cs: CircuitBuilder, a: Expr, b: Expr, bits: int) -> LC:
    """Boolean ``a ≥ b`` for ``0 ≤ a, b < 2^bits`` (bits ≤ 251): bit ``bits`` of
    ``a − b + 2^bits``, a value in ``(0, 2^(bits+1))``."""
    if bits > 251:
        raise ValueError("geq needs bits ≤ 251")
    return cs.bits(LC.of(a) - b + (1 << bits), bits + 1)[bits]


def maximum(cs: CircuitBuilder, a: Expr, b: Expr, bits: int) -> LC:
    """``max(a, b)`` for values below ``2^bits``."""
    return select(cs, geq(cs, a, b, bits), a, b)


def pack(values: Sequence[Expr], width: int) -> LC:
    """``Σ values[i]·2^(i·width)``: injective when every value is below ``2^width`` and
    ``len(values)·width ≤ 252`` — the caller must have range-checked them."""
    if len(values) * width > 252:
        raise ValueError(f"{len(values)} values of {width} bits do not fit below 2^252")
    acc = LC.const(0)
    for i, v in enumerate(values):
        acc = acc + LC.of(v) * (1 << (i * width))
    return acc


def pack_all(values: Sequence[Expr], width: int) -> list[LC]:
    """``values`` packed as many to an element as fit below 2^252."""
    per = 252 // width
    if per == 0:
        raise ValueError(f"values of {width} bits cannot be packed")
    return [pack(values[i:i + per], width) for i in range(0, len(values), per)]


def sum_of(values: Sequence[Expr]) -> LC:
    acc = LC.const(0)
    for v in values:
        acc = acc + v
    return acc
