"""Exact decimal amounts: ``"12.345"`` in an asset with 8 decimals is 1234500000 units.
No floats anywhere: a rounding that understates a balance is a liability dropped."""

from __future__ import annotations

import re

from ..errors import SolventError

_AMOUNT = re.compile(r"(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]+))?")


class AmountError(SolventError, ValueError):
    pass


def parse_amount(text: str, decimals: int, max_bits: int, unit: str = "asset") -> int:
    """Integer amount in the smallest unit; refuses signs, exponents, excess decimals and
    values of ``max_bits`` bits or more (``unit`` names what has the decimals)."""
    s = text.strip()
    if s.startswith("-"):
        raise AmountError(f"negative amount {s!r}")
    m = _AMOUNT.fullmatch(s)
    if m is None:
        raise AmountError(f"{s!r} is not a plain decimal amount")
    frac = m.group("frac") or ""
    if len(frac.rstrip("0")) > decimals:
        raise AmountError(f"{s!r} has more than the {unit}'s {decimals} decimals")
    frac = frac[:decimals] if len(frac) > decimals else frac
    units: int = int(m.group("int")) * 10**decimals + int(frac.ljust(decimals, "0") or "0")
    if units >= 1 << max_bits:
        raise AmountError(f"{s!r} is not below the 2^{max_bits} range bound")
    return units


def parse_signed_amount(text: str, decimals: int, max_bits: int, unit: str = "instrument") -> int:
    """``parse_amount`` with an optional leading ``-`` (a position's quantity: negative is
    short); the magnitude is bounded by ``2^max_bits``."""
    s = text.strip()
    negative = s.startswith("-")
    rest = s[1:] if negative else s
    if not rest[:1].isdigit():
        raise AmountError(f"{s!r} is not a signed decimal amount")
    units = parse_amount(rest, decimals, max_bits, unit)
    return -units if negative else units


def format_signed_amount(units: int, decimals: int) -> str:
    """Inverse of ``parse_signed_amount``."""
    return ("-" if units < 0 else "") + format_amount(abs(units), decimals)


def format_amount(units: int, decimals: int) -> str:
    """Inverse of ``parse_amount`` (canonical: no trailing zeros after the point)."""
    if decimals == 0:
        return str(units)
    whole, frac = divmod(units, 10**decimals)
    frac_s = str(frac).rjust(decimals, "0").rstrip("0")
    return f"{whole}.{frac_s}" if frac_s else str(whole)
