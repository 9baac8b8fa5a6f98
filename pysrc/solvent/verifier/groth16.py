"""Groth16 verification over BN254, independent of solvent's Rust prover.

The check is the textbook one: for a verifying key ``(alpha, beta, gamma,
delta, IC)``, public inputs ``x_1..x_l`` and a proof ``(A, B, C)``,

    vk_x = IC[0] + sum_i x_i * IC[i]
    e(A, B) == e(alpha, beta) * e(vk_x, gamma) * e(C, delta)

evaluated as ``e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1``
with one Miller loop per pairing and a single final exponentiation (py_ecc).
The Miller value of ``e(alpha, beta)`` depends only on the key and is cached,
so a check costs three Miller loops and one final exponentiation.

What is rejected, and how (see :mod:`.errors` for the split):

* :class:`MalformedInput` for anything that is not a well-formed statement:
  public inputs that are not ints in ``[0, r)`` or of the wrong count,
  coordinates ``>= q``, points off the curve, G2 points outside the
  prime-order subgroup, points at infinity anywhere in a key or proof, a key
  whose ``gamma`` equals its ``delta`` (then ``e(vk_x, gamma) * e(C, delta)``
  collapses into ``e(vk_x + C, delta)`` and a proof for one input can be
  re-targeted to any other, the failure mode of skipped phase-2 ceremonies),
  and JSON of the wrong shape;
* ``False`` only for a well-formed proof that fails the pairing equation.

:class:`VerifyingKey` and :class:`Proof` validate themselves when constructed,
so an instance is always safe to verify with.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from py_ecc.fields import optimized_bn128_FQ12 as FQ12

from ..formulas.errors import MalformedInput
from ..formulas.field import parse_field, to_field
from .curve import (
    G1Affine,
    G2Affine,
    check_g1,
    check_g2,
    g1_lincomb,
    g1_neg,
    g1_to_py,
    g2_to_py,
    miller_loop,
    pairing_product_is_one,
)
from .snarkjs import (
    check_header,
    expect_object,
    g1_json,
    g2_json,
    parse_g1,
    parse_g2,
    require,
)

#: Bits of each random batching scalar: a batch containing a bad proof passes
#: with probability about 2^-128.
BATCH_SCALAR_BITS = 128


@dataclass(frozen=True)
class VerifyingKey:
    """A Groth16 verifying key; validated on construction.

    ``ic[0]`` is the constant term and ``ic[i]`` (``i >= 1``) multiplies the
    ``i``-th public input, so ``len(ic) - 1`` public inputs are expected.
    """

    alpha1: G1Affine
    beta2: G2Affine
    gamma2: G2Affine
    delta2: G2Affine
    ic: tuple[G1Affine, ...]

    def __post_init__(self) -> None:
        check_g1(self.alpha1, "vk.vk_alpha_1")
        check_g2(self.beta2, "vk.vk_beta_2")
        check_g2(self.gamma2, "vk.vk_gamma_2")
        check_g2(self.delta2, "vk.vk_delta_2")
        if self.gamma2 == self.delta2:
            raise MalformedInput(
                "vk.vk_delta_2: equals vk_gamma_2, which leaves public inputs unbound"
            )
        if isinstance(self.ic, list):
            object.__setattr__(self, "ic", tuple(self.ic))
        if not isinstance(self.ic, tuple) or not self.ic:
            raise MalformedInput("vk.IC: must be a non-empty sequence of G1 points")
        for i, p in enumerate(self.ic):
            check_g1(p, f"vk.IC[{i}]")

    @property
    def n_public(self) -> int:
        """Number of public inputs the key expects."""
        return len(self.ic) - 1

    @cached_property
    def alpha_beta_miller(self) -> FQ12:
        """Miller-loop value of ``e(alpha, beta)``, computed once per key."""
        return miller_loop(g1_to_py(self.alpha1), g2_to_py(self.beta2))

    @classmethod
    def from_snarkjs(cls, d: object) -> VerifyingKey:
        """Read snarkjs's ``verification_key.json`` (already JSON-decoded).

        ``protocol`` / ``curve`` must say groth16 / bn128 when present;
        ``nPublic``, when present, must equal ``len(IC) - 1``;
        ``vk_alphabeta_12`` and unknown keys are ignored.
        """
        obj = expect_object(d, "vk")
        check_header(obj, "vk")
        ic_json = require(obj, "IC", "vk")
        if not isinstance(ic_json, list) or not ic_json:
            raise MalformedInput("vk.IC: expected a non-empty JSON array of G1 points")
        ic = tuple(parse_g1(p, f"vk.IC[{i}]") for i, p in enumerate(ic_json))
        if "nPublic" in obj:
            n = obj["nPublic"]
            if isinstance(n, bool) or not isinstance(n, int):
                raise MalformedInput(f"vk.nPublic: expected an integer, got {n!r}")
            if n != len(ic) - 1:
                raise MalformedInput(
                    f"vk.nPublic: says {n} public inputs but IC has {len(ic)} points "
                    f"(expected nPublic + 1)"
                )
        return cls(
            alpha1=parse_g1(require(obj, "vk_alpha_1", "vk"), "vk.vk_alpha_1"),
            beta2=parse_g2(require(obj, "vk_beta_2", "vk"), "vk.vk_beta_2"),
            gamma2=parse_g2(require(obj, "vk_gamma_2", "vk"), "vk.vk_gamma_2"),
            delta2=parse_g2(require(obj, "vk_delta_2", "vk"), "vk.vk_delta_2"),
            ic=ic,
        )

    def to_snarkjs(self) -> dict[str, Any]:
        """snarkjs ``verification_key.json`` layout (without ``vk_alphabeta_12``)."""
        return {
            "protocol": "groth16",
            "curve": "bn128",
            "nPublic": self.n_public,
            "vk_alpha_1": g1_json(self.alpha1),
            "vk_beta_2": g2_json(self.beta2),
            "vk_gamma_2": g2_json(self.gamma2),
            "vk_delta_2": g2_json(self.delta2),
            "IC": [g1_json(p) for p in self.ic],
        }


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof ``(A, B, C)``; validated on construction."""

    a: G1Affine
    b: G2Affine
    c: G1Affine

    def __post_init__(self) -> None:
        check_g1(self.a, "proof.pi_a")
        check_g2(self.b, "proof.pi_b")
        check_g1(self.c, "proof.pi_c")

    @classmethod
    def from_snarkjs(cls, d: object) -> Proof:
        """Read snarkjs's ``proof.json`` (already JSON-decoded)."""
        obj = expect_object(d, "proof")
        check_header(obj, "proof")
        return cls(
            a=parse_g1(require(obj, "pi_a", "proof"), "proof.pi_a"),
            b=parse_g2(require(obj, "pi_b", "proof"), "proof.pi_b"),
            c=parse_g1(require(obj, "pi_c", "proof"), "proof.pi_c"),
        )

    def to_snarkjs(self) -> dict[str, Any]:
        """snarkjs ``proof.json`` layout."""
        return {
            "pi_a": g1_json(self.a),
            "pi_b": g2_json(self.b),
            "pi_c": g1_json(self.c),
            "protocol": "groth16",
            "curve": "bn128",
        }


def parse_public_inputs(v: object) -> list[int]:
    """Read snarkjs's ``public.json``: a JSON array of canonical decimal strings < r."""
    if not isinstance(v, list):
        raise MalformedInput("public: expected a JSON array of decimal strings")
    return [parse_field(s, f"public[{i}]") for i, s in enumerate(v)]


def public_inputs_to_snarkjs(xs: Sequence[int]) -> list[str]:
    """snarkjs ``public.json`` layout for already-validated inputs."""
    return [str(to_field(x, f"public[{i}]")) for i, x in enumerate(xs)]


def _check_inputs(vk: VerifyingKey, public_inputs: Sequence[int], what: str) -> list[int]:
    if isinstance(public_inputs, (str, bytes)) or not isinstance(public_inputs, Sequence):
        raise MalformedInput(f"{what}: expected a sequence of ints")
    xs = [to_field(x, f"{what}[{i}]") for i, x in enumerate(public_inputs)]
    if len(xs) != vk.n_public:
        raise MalformedInput(
            f"{what}: the verifying key expects {vk.n_public} public inputs, got {len(xs)}"
        )
    return xs


def _check_types(vk: object, proof: object) -> None:
    if not isinstance(vk, VerifyingKey):
        raise TypeError(f"expected a VerifyingKey, got {type(vk).__name__}")
    if not isinstance(proof, Proof):
        raise TypeError(f"expected a Proof, got {type(proof).__name__}")


def verify(vk: VerifyingKey, public_inputs: Sequence[int], proof: Proof) -> bool:
    """Check one Groth16 proof; ``True`` iff the pairing equation holds.

    Raises :class:`MalformedInput` for public inputs that are not ints in
    ``[0, r)`` or whose count differs from ``vk.n_public``.
    """
    _check_types(vk, proof)
    xs = _check_inputs(vk, public_inputs, "public")
    ic = [g1_to_py(p) for p in vk.ic]
    vk_x = g1_lincomb(ic, [1, *xs])
    return pairing_product_is_one(
        [
            (g1_neg(g1_to_py(proof.a)), g2_to_py(proof.b)),
            (vk_x, g2_to_py(vk.gamma2)),
            (g1_to_py(proof.c), g2_to_py(vk.delta2)),
        ],
        extra=[vk.alpha_beta_miller],
    )


class RandomBits(Protocol):
    """Source of batching randomness: anything with ``getrandbits(k)``."""

    def getrandbits(self, k: int, /) -> int: ...


def verify_batch(
    vk: VerifyingKey,
    items: Sequence[tuple[Sequence[int], Proof]],
    rng: RandomBits | None = None,
) -> bool:
    """Check many proofs for one key at once; ``True`` iff all are valid.

    Each proof ``j`` gets an independent random 128-bit scalar ``z_j`` and the
    verifier checks the single product

        prod_j e(-z_j A_j, B_j) * e(Z alpha, beta) * e(sum_j z_j vk_x_j, gamma)
                               * e(sum_j z_j C_j, delta) == 1,   Z = sum_j z_j

    which costs N + 3 Miller loops and one final exponentiation.  If some proof
    is invalid the product is 1 with probability about 2^-128 over the choice
    of the ``z_j``.  The scalars must be unpredictable to whoever made the
    proofs: with fixed scalars (say all 1) two bad proofs can cancel each
    other.  ``rng`` defaults to the ``secrets`` module; pass a seeded
    ``random.Random`` only in tests.  An empty batch is an error, not a pass.
    """
    if not isinstance(vk, VerifyingKey):
        raise TypeError(f"expected a VerifyingKey, got {type(vk).__name__}")
    if len(items) == 0:
        raise ValueError("verify_batch needs at least one proof")
    checked: list[tuple[list[int], Proof]] = []
    for j, item in enumerate(items):
        if not isinstance(item, tuple) or len(item) != 2:
            raise TypeError(f"items[{j}]: expected a (public_inputs, proof) pair")
        inputs, proof = item
        _check_types(vk, proof)
        checked.append((_check_inputs(vk, inputs, f"items[{j}].public"), proof))

    draw = rng.getrandbits if rng is not None else secrets.randbits
    scalars = []
    for _ in checked:
        z = 0
        while z == 0:
            z = draw(BATCH_SCALAR_BITS)
        scalars.append(z)

    # sum_j z_j vk_x_j = (sum_j z_j) IC[0] + sum_i (sum_j z_j x_ji) IC[i]
    ic_coeffs = [sum(scalars)] + [
        sum(z * xs[i] for z, (xs, _) in zip(scalars, checked, strict=True)) for i in range(vk.n_public)
    ]
    vk_x = g1_lincomb([g1_to_py(p) for p in vk.ic], ic_coeffs)
    alpha_z = g1_lincomb([g1_to_py(vk.alpha1)], [sum(scalars)])
    c_z = g1_lincomb([g1_to_py(proof.c) for _, proof in checked], scalars)
    pairs = [
        (g1_neg(g1_lincomb([g1_to_py(proof.a)], [z])), g2_to_py(proof.b))
        for z, (_, proof) in zip(scalars, checked, strict=True)
    ]
    pairs += [
        (alpha_z, g2_to_py(vk.beta2)),
        (vk_x, g2_to_py(vk.gamma2)),
        (c_z, g2_to_py(vk.delta2)),
    ]
    return pairing_product_is_one(pairs)


def vk_hash(vk: VerifyingKey) -> str:
    """SHA-256 (lowercase hex) of a canonical encoding of the verifying key.

    The encoding concatenates 32-byte big-endian unsigned integers, with no
    separators or header, in this order:

        alpha1.x, alpha1.y,
        beta2.x.c0, beta2.x.c1, beta2.y.c0, beta2.y.c1,
        gamma2.x.c0, gamma2.x.c1, gamma2.y.c0, gamma2.y.c1,
        delta2.x.c0, delta2.x.c1, delta2.y.c0, delta2.y.c1,
        IC[0].x, IC[0].y, ..., IC[n].x, IC[n].y

    (affine coordinates; Fq2 elements real part ``c0`` first, as in snarkjs
    JSON, which is the reverse of the EVM precompile order).  Every field has
    a fixed width, and the number of IC points follows from the total length
    ``32 * (14 + 2 * len(IC))``, so the encoding is injective.  Because the
    verifier only accepts canonical keys, one key has exactly one hash.
    """
    if not isinstance(vk, VerifyingKey):
        raise TypeError(f"expected a VerifyingKey, got {type(vk).__name__}")
    coords: list[int] = [*vk.alpha1]
    for g2 in (vk.beta2, vk.gamma2, vk.delta2):
        coords += [*g2[0], *g2[1]]
    for p in vk.ic:
        coords += [*p]
    return hashlib.sha256(b"".join(c.to_bytes(32, "big") for c in coords)).hexdigest()


__all__ = [
    "VerifyingKey",
    "Proof",
    "parse_public_inputs",
    "public_inputs_to_snarkjs",
    "verify",
    "verify_batch",
    "vk_hash",
    "BATCH_SCALAR_BITS",
    "RandomBits",
]
