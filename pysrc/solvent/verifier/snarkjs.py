"""Strict readers and writers for the point encodings of snarkjs JSON files.

snarkjs writes every number as a decimal string and every point in projective
form with ``z = 1``:

* G1: ``["x", "y", "1"]`` (infinity: ``["0", "1", "0"]``);
* G2: ``[["x_c0", "x_c1"], ["y_c0", "y_c1"], ["1", "0"]]``, Fq2 elements real
  part first (infinity: z = ``["0", "0"]``).

Why strict: each accepted spelling of a value must be the only one, otherwise a
proof or key could be re-encoded (leading zeros, ``z = 2`` with scaled
coordinates, a coordinate plus q) into a file that verifies the same but hashes
differently, which breaks any system that names artefacts by hash.  So the
readers accept exactly the shapes above, canonical decimal strings only,
coordinates below q, and ``z`` exactly ``"1"`` / ``["1", "0"]``.  A point at
infinity is reported as such (it is never acceptable in a verifying key or an
honest proof).  The readers return plain affine coordinates; the curve and
subgroup checks run when those coordinates become a
:class:`~solvent.verifier.groth16.VerifyingKey` or
:class:`~solvent.verifier.groth16.Proof`, the only place points are validated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..formulas.errors import MalformedInput
from ..formulas.field import parse_base
from .curve import G1Affine, G2Affine

G1Json = list[str]
G2Json = list[list[str]]


def _expect_list(v: object, length: int, what: str) -> list[Any]:
    if not isinstance(v, list):
        raise MalformedInput(f"{what}: expected a JSON array, got {_json_type(v)}")
    if len(v) != length:
        raise MalformedInput(f"{what}: expected {length} entries, got {len(v)}")
    return v


def _json_type(v: object) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, Mapping):
        return "object"
    return type(v).__name__


def expect_object(v: object, what: str) -> Mapping[str, Any]:
    """``v`` as a JSON object (a mapping), or :class:`MalformedInput`."""
    if not isinstance(v, Mapping):
        raise MalformedInput(f"{what}: expected a JSON object, got {_json_type(v)}")
    return v


def parse_g1(v: object, what: str) -> G1Affine:
    """Read a snarkjs G1 point's coordinates; reject infinity and non-canonical forms.

    The point is *not* yet checked to be on the curve (see module docstring).
    """
    x_s, y_s, z_s = _expect_list(v, 3, what)
    if z_s == "0":
        raise MalformedInput(f"{what}: point at infinity is not allowed")
    if z_s != "1":
        raise MalformedInput(f"{what}: projective z must be \"1\" for a finite point, got {z_s!r}")
    return (parse_base(x_s, f"{what}[0]"), parse_base(y_s, f"{what}[1]"))


def _parse_fq2(v: object, what: str) -> tuple[int, int]:
    c0, c1 = _expect_list(v, 2, what)
    return (parse_base(c0, f"{what}[0]"), parse_base(c1, f"{what}[1]"))


def parse_g2(v: object, what: str) -> G2Affine:
    """Read a snarkjs G2 point's coordinates; reject infinity and non-canonical forms.

    Curve and subgroup membership are checked later (see module docstring).
    """
    x_j, y_j, z_j = _expect_list(v, 3, what)
    z = _expect_list(z_j, 2, f"{what}[2]")
    if z == ["0", "0"]:
        raise MalformedInput(f"{what}: point at infinity is not allowed")
    if z != ["1", "0"]:
        raise MalformedInput(
            f"{what}: projective z must be [\"1\", \"0\"] for a finite point, got {z!r}"
        )
    return (_parse_fq2(x_j, f"{what}[0]"), _parse_fq2(y_j, f"{what}[1]"))


def g1_json(p: G1Affine) -> G1Json:
    """snarkjs encoding of an affine G1 point."""
    return [str(p[0]), str(p[1]), "1"]


def g2_json(p: G2Affine) -> G2Json:
    """snarkjs encoding of an affine G2 point."""
    (x0, x1), (y0, y1) = p
    return [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]


def check_header(d: Mapping[str, Any], what: str) -> None:
    """Check the optional ``protocol`` / ``curve`` tags of a snarkjs document.

    Absent tags are tolerated (some tools omit them); present ones must say
    Groth16 over bn128, so a PLONK key or a BLS12-381 proof is refused up front
    instead of failing obscurely later.
    """
    if "protocol" in d and d["protocol"] != "groth16":
        raise MalformedInput(f"{what}.protocol: expected \"groth16\", got {d['protocol']!r}")
    if "curve" in d and d["curve"] != "bn128":
        raise MalformedInput(f"{what}.curve: expected \"bn128\", got {d['curve']!r}")


def require(d: Mapping[str, Any], key: str, what: str) -> Any:
    """``d[key]``, or :class:`MalformedInput` naming the missing field."""
    if key not in d:
        raise MalformedInput(f"{what}.{key}: missing")
    return d[key]


__all__ = [
    "expect_object",
    "parse_g1",
    "parse_g2",
    "g1_json",
    "g2_json",
    "check_header",
    "require",
]
