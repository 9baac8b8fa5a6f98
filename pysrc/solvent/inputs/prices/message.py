"""The text an oracle source signs for one price report (EIP-191 ``personal_sign``).

Lines joined by ``\\n``, no trailing newline; the price in canonical decimal form (no
sign, exponent or trailing fractional zero), so one price has one message:

    solvent.prices.report/1
    Asset: BTC
    Quote: USD
    Price: 64000.5
    Timestamp: 2026-11-21T00:00:00Z

It names no institution: a source's report is a fact about the market, reusable by
anyone, and a verifier rebuilds it from the report's fields.
"""

from __future__ import annotations

import re

from ...errors import UsageError
from ..reserves.message import one_line

HEADER = "solvent.prices.report/1"
CANONICAL_PRICE = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def report_message(asset: str, price: str, quote: str, timestamp: str) -> str:
    if not CANONICAL_PRICE.fullmatch(price):
        raise UsageError(f"price {price!r} is not a canonical decimal (digits, one point, no trailing zero)")
    if not TIMESTAMP.fullmatch(timestamp):
        raise UsageError(f"timestamp {timestamp!r} is not YYYY-MM-DDTHH:MM:SSZ")
    return "\n".join([HEADER, f"Asset: {one_line('asset', asset)}", f"Quote: {one_line('quote', quote)}",
                      f"Price: {price}", f"Timestamp: {timestamp}"])
