"""What a customer expects their inclusion file to say: equity and debt per asset, quantity
per instrument, each given as ``NAME=AMOUNT`` and read as an exact number at the asset's
(or instrument's) decimals, so ``BTC=2.843126830`` is the same expectation as
``BTC=2.84312683``.

Expectations are parsed against the attestation before any verification work: a typo
(an unknown or differently-cased name, a malformed amount, more decimals than the asset
has, the same name twice) is an :class:`ExpectationError` naming the flag and the value,
never a failed check that reads as "your balance is wrong".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..formulas.amounts import AmountError, format_signed_amount, parse_amount, parse_signed_amount
from .models import Attestation

Kind = Literal["equity", "debt", "position"]

FLAGS: dict[Kind, str] = {"equity": "--expect", "debt": "--expect-debt", "position": "--expect-position"}
"""The command-line flag of each kind (the messages name it)."""

QUANTITY_BITS = 47
"""A position's magnitude bound in smallest units (the circuit range-checks ``q + 2^47``
in 48 bits; ``risk.positions.QUANTITY_BITS``)."""


class ExpectationError(ValueError):
    """A malformed expectation (exit 2): the message names the flag and the value."""


@dataclass(frozen=True)
class Expectation:
    kind: Kind
    name: str
    """The asset symbol or instrument, exactly as the attestation spells it."""
    units: int
    """Smallest units (signed for positions)."""
    decimals: int

    @property
    def flag(self) -> str:
        return FLAGS[self.kind]

    @property
    def shown(self) -> str:
        """The expected amount in canonical form (no trailing zeros)."""
        return format_signed_amount(self.units, self.decimals)


def instruments(att: Attestation) -> list[tuple[str, int]]:
    """``(name, quantity decimals)`` in the risk parameters' (sorted) instrument order."""
    listed = (att.risk.params.get("instruments") or {}) if att.risk else {}
    return [(name, int(listed[name]["quantity_decimals"])) for name in sorted(listed)]


def instrument_decimals(att: Attestation) -> dict[str, int]:
    """Quantity decimals per instrument of the margin statement (empty without it)."""
    return dict(instruments(att)) if "margin" in att.statement.statements else {}


def _known(kind: Kind, att: Attestation) -> dict[str, int]:
    if kind == "position":
        return instrument_decimals(att)
    return {a.symbol: a.decimals for a in att.statement.assets}


def _unknown(kind: Kind, name: str, known: dict[str, int], value: str) -> ExpectationError:
    flag, what = FLAGS[kind], "instrument" if kind == "position" else "asset"
    if not known:
        return ExpectationError(f"{flag} {value!r}: this attestation has no margin statement, so no positions")
    same = [k for k in known if k.casefold() == name.casefold()]
    hint = f" (names are case-sensitive: did you mean {same[0]}?)" if same else ""
    return ExpectationError(f"{flag} {value!r}: unknown {what} {name!r}{hint}; this attestation has "
                            f"{', '.join(sorted(known))}")


def parse_one(kind: Kind, value: str, att: Attestation) -> Expectation:
    """One ``NAME=AMOUNT`` of ``kind`` (ExpectationError when malformed)."""
    flag = FLAGS[kind]
    name, sep, amount = value.partition("=")
    if not sep or not name or not amount.strip():
        raise ExpectationError(f"{flag} {value!r}: use {'INSTRUMENT=QUANTITY' if kind == 'position' else 'ASSET=AMOUNT'}")
    known = _known(kind, att)
    if name not in known:
        raise _unknown(kind, name, known, value)
    decimals = known[name]
    try:
        if kind == "position":
            units = parse_signed_amount(amount, decimals, QUANTITY_BITS)
        else:
            units = parse_amount(amount, decimals, att.statement.shape.range_bits)
    except AmountError as e:
        raise ExpectationError(f"{flag} {value!r}: {e}") from e
    return Expectation(kind, name, units, decimals)


def parse_expectations(att: Attestation, equity: Sequence[str] = (), debt: Sequence[str] = (),
                       positions: Sequence[str] = ()) -> list[Expectation]:
    """Every expectation, in the order given per kind; a name given twice for one kind is
    refused (which of the two would the customer mean?)."""
    out: list[Expectation] = []
    for kind, values in (("equity", equity), ("debt", debt), ("position", positions)):
        seen: dict[str, str] = {}
        for value in values:
            e = parse_one(kind, value, att)  # type: ignore[arg-type]
            if e.name in seen:
                raise ExpectationError(f"{e.flag} {value!r}: {e.name} is already expected ({e.flag} {seen[e.name]!r})")
            seen[e.name] = value
            out.append(e)
    return out
