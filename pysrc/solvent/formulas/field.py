"""BN254 field moduli and strict conversions into them.

Why this module is strict: a Groth16 verifier that silently reduces a public
input modulo ``r`` accepts ``x + r`` wherever ``x`` was proven, so one proof
"proves" several different statements (a known verifier bug class).  Every
value that enters the verifier therefore goes through :func:`to_field` (for
Python ints) or :func:`parse_decimal` (for the decimal strings of snarkjs JSON),
and both *reject* anything that is not already the canonical representative.

Decimal strings are parsed by hand rather than with ``int(s)`` because
``int`` is lenient: it accepts signs, surrounding whitespace, underscores
(``"1_0"``) and non-ASCII digits, each of which would give a second spelling
of the same number and so break the "one value, one encoding" property that
hashes of artefacts (for example :func:`solvent.verifier.groth16.vk_hash`)
rely on.
"""

from __future__ import annotations

import re
from typing import Final

from .errors import MalformedInput

#: Order of the BN254 (alt_bn128) G1/G2 groups, i.e. the scalar field Fr in which
#: every circuit value, public input and Poseidon state element lives.
R: Final[int] = 21888242871839275222246405745257275088548364400416034343698204186575808495617

#: Characteristic of the base field Fq over which the curve points' coordinates
#: are defined.
Q: Final[int] = 21888242871839275222246405745257275088696311157297823662689037894645226208583

SCALAR_MODULUS: Final[int] = R
BASE_MODULUS: Final[int] = Q

#: The BN curve parameter of BN254.  BN curves are the family
#: q(u) = 36u^4 + 36u^3 + 24u^2 + 6u + 1, r(u) = 36u^4 + 36u^3 + 18u^2 + 6u + 1;
#: checking the literals above against it at import guards against a typo in
#: a 77-digit constant (the kind of slip that no unit test of "small" values catches).
BN_U: Final[int] = 4965661367192848881


def _bn_poly(u: int, c2: int) -> int:
    return 36 * u**4 + 36 * u**3 + c2 * u**2 + 6 * u + 1


if _bn_poly(BN_U, 24) != Q or _bn_poly(BN_U, 18) != R:  # pragma: no cover - import-time guard
    raise ImportError("BN254 moduli do not match the BN parametrization")

# r and q both have 77 decimal digits; a longer string can never be canonical,
# and refusing it early keeps hostile inputs from costing quadratic parse time.
_MAX_DIGITS: Final[int] = 78
_CANONICAL_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def is_canonical_decimal(s: object) -> bool:
    """Whether ``s`` is a ``str`` spelling a non-negative integer canonically.

    Canonical means ASCII digits only, no sign, no whitespace, no ``0x``, no
    underscores, and no leading zero unless the whole string is ``"0"``.
    """
    return (
        isinstance(s, str)
        and 0 < len(s) <= _MAX_DIGITS
        and _CANONICAL_DECIMAL.fullmatch(s) is not None
    )


def parse_decimal(s: object, what: str, bound: int) -> int:
    """Parse a canonical decimal string into an int in ``[0, bound)``.

    ``what`` names the field for the error message (e.g. ``"proof.pi_a[0]"``).
    Raises :class:`MalformedInput` when ``s`` is not a string, is not
    canonical, or is ``>= bound``.
    """
    if not isinstance(s, str):
        raise MalformedInput(f"{what}: expected a decimal string, got {type(s).__name__}")
    if not is_canonical_decimal(s):
        shown = s if len(s) <= 90 else s[:87] + "..."
        raise MalformedInput(
            f"{what}: not a canonical decimal string: {shown!r} "
            "(digits only, no sign, whitespace, hex or leading zeros)"
        )
    value = int(s)
    if value >= bound:
        raise MalformedInput(f"{what}: value {value} is not below the modulus {bound}")
    return value


def parse_field(s: object, what: str) -> int:
    """Parse a canonical decimal string into an element of Fr (``< r``)."""
    return parse_decimal(s, what, R)


def parse_base(s: object, what: str) -> int:
    """Parse a canonical decimal string into an element of Fq (``< q``)."""
    return parse_decimal(s, what, Q)


def to_field(x: object, what: str = "value") -> int:
    """Return ``x`` unchanged if it is a canonical element of Fr, else raise.

    Accepts only genuine ``int`` values (``bool`` is refused: ``True`` as a
    public input is almost certainly a caller bug) with ``0 <= x < r``.  Values
    ``>= r`` are *rejected*, never reduced; see the module docstring for why.
    """
    if isinstance(x, bool) or not isinstance(x, int):
        raise MalformedInput(f"{what}: expected an int field element, got {type(x).__name__}")
    if x < 0:
        raise MalformedInput(f"{what}: negative value {x} is not a field element")
    if x >= R:
        raise MalformedInput(f"{what}: value {x} is not below the scalar field modulus r")
    return x


def inverse(a: int, modulus: int = R) -> int:
    """Multiplicative inverse of ``a`` modulo a prime ``modulus``.

    Raises :class:`ZeroDivisionError` for ``a == 0 (mod modulus)``; callers use
    it on values that are non-zero by construction.
    """
    a %= modulus
    if a == 0:
        raise ZeroDivisionError("0 has no inverse")
    return pow(a, modulus - 2, modulus)
