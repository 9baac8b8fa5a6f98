"""solvent.formulas.field: moduli and strict conversions."""

from __future__ import annotations

import pytest
from py_ecc.optimized_bn128 import curve_order, field_modulus

from solvent.formulas.errors import MalformedInput
from solvent.formulas.field import Q, R, inverse, is_canonical_decimal, parse_base, parse_decimal, parse_field, to_field


def test_moduli_match_py_ecc() -> None:
    # Cross-check of the verifier's own literals against an independent source.
    assert R == curve_order
    assert Q == field_modulus
    assert R < Q


@pytest.mark.parametrize("x", [0, 1, R - 1])
def test_to_field_accepts_canonical(x: int) -> None:
    assert to_field(x) == x


@pytest.mark.parametrize("x", [R, R + 1, 2 * R, -1, -R])
def test_to_field_rejects_out_of_range(x: int) -> None:
    with pytest.raises(MalformedInput):
        to_field(x, "thing")


@pytest.mark.parametrize("x", [True, False, 1.0, "1", None, b"\x01"])
def test_to_field_rejects_non_ints(x: object) -> None:
    with pytest.raises(MalformedInput, match="thing"):
        to_field(x, "thing")


def test_malformed_input_is_value_error() -> None:
    assert issubclass(MalformedInput, ValueError)


@pytest.mark.parametrize("s", ["0", "1", "10", "35", str(R - 1)])
def test_parse_field_accepts_canonical(s: str) -> None:
    assert parse_field(s, "x") == int(s)


@pytest.mark.parametrize(
    "s",
    [
        "",
        "00",
        "01",
        "035",
        "+35",
        "-35",
        "-0",
        " 35",
        "35 ",
        "35\n",
        "\t35",
        "0x23",
        "0X23",
        "3_5",
        "1e3",
        "3.5",
        "\u0663\u0665",  # Arabic-Indic digits: int() would accept them
        "\uff13\uff15",  # full-width digits
        "9" * 79,
    ],
)
def test_parse_field_rejects_non_canonical(s: str) -> None:
    assert not is_canonical_decimal(s)
    with pytest.raises(MalformedInput, match="public\\[0\\]"):
        parse_field(s, "public[0]")


@pytest.mark.parametrize("v", [35, 3.5, None, ["35"], b"35"])
def test_parse_field_rejects_non_strings(v: object) -> None:
    with pytest.raises(MalformedInput, match="decimal string"):
        parse_field(v, "x")


def test_parse_bounds() -> None:
    with pytest.raises(MalformedInput, match="modulus"):
        parse_field(str(R), "x")
    # r <= value < q is a valid base-field coordinate but not a scalar
    assert parse_base(str(R), "x") == R
    with pytest.raises(MalformedInput):
        parse_base(str(Q), "x")
    assert parse_decimal("7", "x", 8) == 7
    with pytest.raises(MalformedInput):
        parse_decimal("8", "x", 8)


def test_inverse() -> None:
    for a in (1, 2, 12345, R - 1):
        assert a * inverse(a) % R == 1
    assert 7 * inverse(7, Q) % Q == 1
    with pytest.raises(ZeroDivisionError):
        inverse(R)
