"""BN254 points for the verifier: validation, conversion to py_ecc, pairing products.

Why the checks live here and are explicit: py_ecc's ``pairing`` checks that its
inputs lie on the curve but *not* that a G2 point lies in the prime-order
subgroup, and nothing stops a caller from handing it coordinates ``>= q``
(py_ecc would silently reduce them).  A Groth16 verifier that skips either check
can be fooled with points of small order or with several encodings of one
point.  So every point the verifier uses is first validated by
:func:`check_g1` / :func:`check_g2`:

* each coordinate is an ``int`` in ``[0, q)`` (canonical, never reduced);
* the point satisfies the curve equation (G1: ``y^2 = x^3 + 3`` over Fq;
  G2: ``y^2 = x^3 + 3/(9+u)`` over Fq2 = Fq[u]/(u^2+1));
* a G2 point is in the order-``r`` subgroup: ``[r]Q = O``.  The twist curve
  has a large cofactor, so on-curve is not enough.  (G1 has cofactor 1 on
  BN254: every point on the curve is in the group, so no G1 check is needed.)

Points are represented in affine form by plain ints, Fq2 elements as
``(c0, c1)`` meaning ``c0 + c1*u`` (real part first, as in snarkjs JSON and
py_ecc's ``FQ2([c0, c1])``).  The point at infinity has no affine form, so it
cannot be represented at all: Groth16 verifying keys and honest proofs never
contain it, and rejecting it closes the "unbound public input" hole of an
``IC`` point at infinity.
"""

from __future__ import annotations

from collections.abc import Sequence

from py_ecc.fields import optimized_bn128_FQ as FQ
from py_ecc.fields import optimized_bn128_FQ2 as FQ2
from py_ecc.fields import optimized_bn128_FQ12 as FQ12
from py_ecc.optimized_bn128 import (
    add,
    b2,
    final_exponentiate,
    is_inf,
    multiply,
    neg,
    normalize,
    pairing,
)

from ..formulas.errors import MalformedInput
from ..formulas.field import Q, R

#: Affine G1 point ``(x, y)``.
G1Affine = tuple[int, int]
#: Affine G2 point ``((x_c0, x_c1), (y_c0, y_c1))``.
G2Affine = tuple[tuple[int, int], tuple[int, int]]

# py_ecc's projective point types (x, y, z); kept loose for readability.
PyG1 = tuple[FQ, FQ, FQ]
PyG2 = tuple[FQ2, FQ2, FQ2]

_B1 = 3


def _check_coord(v: object, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise MalformedInput(f"{what}: coordinate must be an int, got {type(v).__name__}")
    if not 0 <= v < Q:
        raise MalformedInput(f"{what}: coordinate is not in [0, q)")
    return v


def check_g1(p: object, what: str) -> G1Affine:
    """Validate an affine G1 point; return it as a tuple of ints.

    Raises :class:`MalformedInput` naming ``what`` if a coordinate is not
    canonical or the point is not on the curve.
    """
    if not isinstance(p, tuple) or len(p) != 2:
        raise MalformedInput(f"{what}: a G1 point must be a pair (x, y)")
    x = _check_coord(p[0], what)
    y = _check_coord(p[1], what)
    if (y * y - x * x * x - _B1) % Q != 0:
        raise MalformedInput(f"{what}: point not on the curve")
    return (x, y)


def _fq2(c: object, what: str) -> tuple[int, int]:
    if not isinstance(c, tuple) or len(c) != 2:
        raise MalformedInput(f"{what}: an Fq2 element must be a pair (c0, c1)")
    return (_check_coord(c[0], what), _check_coord(c[1], what))


def check_g2(p: object, what: str) -> G2Affine:
    """Validate an affine G2 point: canonical, on the twist, in the subgroup.

    The subgroup test is the definition itself, ``[r]Q == O`` (about 25 ms in
    py_ecc), chosen over faster endomorphism criteria for being obviously
    correct.
    """
    if not isinstance(p, tuple) or len(p) != 2:
        raise MalformedInput(f"{what}: a G2 point must be a pair (x, y) of Fq2 elements")
    x = _fq2(p[0], what)
    y = _fq2(p[1], what)
    point = (x, y)
    if not g2_on_curve(point):
        raise MalformedInput(f"{what}: point not on the curve (G2 twist)")
    if not g2_in_subgroup(point):
        raise MalformedInput(f"{what}: point not in the G2 subgroup")
    return point


def g2_on_curve(p: G2Affine) -> bool:
    """Whether affine ``p`` satisfies ``y^2 = x^3 + b2`` over Fq2."""
    x = FQ2(list(p[0]))
    y = FQ2(list(p[1]))
    return bool(y * y == x * x * x + b2)


def g2_in_subgroup(p: G2Affine) -> bool:
    """Whether an on-curve affine G2 point has order dividing ``r``."""
    return bool(is_inf(multiply(g2_to_py(p), R)))


def g1_to_py(p: G1Affine) -> PyG1:
    """Convert a (validated) affine G1 point to py_ecc's projective form."""
    return (FQ(p[0]), FQ(p[1]), FQ.one())


def g2_to_py(p: G2Affine) -> PyG2:
    """Convert a (validated) affine G2 point to py_ecc's projective form."""
    return (FQ2(list(p[0])), FQ2(list(p[1])), FQ2.one())


def g1_from_py(p: PyG1) -> G1Affine | None:
    """Affine form of a py_ecc G1 point, or ``None`` for the point at infinity."""
    if is_inf(p):
        return None
    x, y = normalize(p)
    return (int(x), int(y))


def g2_from_py(p: PyG2) -> G2Affine | None:
    """Affine form of a py_ecc G2 point, or ``None`` for the point at infinity."""
    if is_inf(p):
        return None
    x, y = normalize(p)
    return ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))


def g1_lincomb(points: Sequence[PyG1], scalars: Sequence[int]) -> PyG1:
    """``sum_i scalars[i] * points[i]`` in G1 (scalars taken modulo r)."""
    if len(points) != len(scalars):
        raise ValueError("points and scalars differ in length")
    acc: PyG1 = (FQ.one(), FQ.one(), FQ.zero())
    for pt, k in zip(points, scalars, strict=True):
        k %= R
        if k:
            acc = add(acc, multiply(pt, k))
    return acc


def g1_neg(p: PyG1) -> PyG1:
    """``-p`` in G1."""
    out: PyG1 = neg(p)
    return out


def miller_loop(p: PyG1, q: PyG2) -> FQ12:
    """The Miller-loop value of ``e(p, q)`` before final exponentiation.

    Multiplying several of these and exponentiating once is the cheap way to
    evaluate a product of pairings; py_ecc returns 1 for a point at infinity.
    """
    return pairing(q, p, final_exponentiate=False)


def pairing_product_is_one(
    pairs: Sequence[tuple[PyG1, PyG2]], extra: Sequence[FQ12] = ()
) -> bool:
    """Whether ``prod_i e(P_i, Q_i) == 1`` in GT.

    One Miller loop per pair, one final exponentiation for the whole product.
    ``extra`` holds Miller-loop values computed earlier (e.g. a verifying key's
    cached ``e(alpha, beta)``) that join the product.  Callers must have
    validated the points: this function does no subgroup check.
    """
    f = FQ12.one()
    for value in extra:
        f = f * value
    for p, q in pairs:
        f = f * miller_loop(p, q)
    return bool(final_exponentiate(f) == FQ12.one())


__all__ = [
    "G1Affine",
    "G2Affine",
    "check_g1",
    "check_g2",
    "g2_on_curve",
    "g2_in_subgroup",
    "g1_to_py",
    "g2_to_py",
    "g1_from_py",
    "g2_from_py",
    "g1_lincomb",
    "g1_neg",
    "miller_loop",
    "pairing_product_is_one",
]
