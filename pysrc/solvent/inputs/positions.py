"""The positions file: ``account_id,instrument,quantity``, one row per (account,
instrument); quantities are signed decimals in the instrument's units (negative: short).
A position of an account absent from the balances file adds that account with zero
balances: no account is ever dropped."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from .accounts import MAX_ID_BYTES, AccountBook, rows
from .errors import InputError
from .params import RiskParams

QUANTITY_BITS = 48
"""Signed quantities lie in (−2^47, 2^47) smallest units, checked in circuit by a 48-bit
range check of ``q + 2^47``."""
_QTY = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


def read_positions(path: str | Path, book: AccountBook, params: RiskParams) -> None:
    """Add ``book.positions`` (``[account][instrument]`` signed smallest units)."""
    path = Path(path)
    index = {name: i for i, name in enumerate(params.instruments)}
    n = len(params.instruments)
    positions = [[0] * n for _ in range(book.size)]
    seen: dict[tuple[int, int], int] = {}
    header_checked = False
    def scale_of(rec: dict[str, str]) -> int | None:  # Parquet integer quantities in smallest units
        j = index.get(rec["instrument"].strip())
        return None if j is None else params.quantity_decimals[j]

    for row, rec in rows(path, columns=("account_id", "instrument", "quantity"), scale_of=scale_of):
        header_checked = True
        aid, name, text = rec["account_id"], rec["instrument"].strip(), rec["quantity"].strip()
        if not aid or aid != aid.strip() or len(aid.encode()) > MAX_ID_BYTES:
            raise InputError(path, f"account id {aid!r} is empty, too long or has surrounding spaces",
                             row=row, field="account_id")
        j = index.get(name)
        if j is None:
            raise InputError(path, f"unknown instrument {name!r} (not in the risk parameters)", row=row, field="instrument")
        if not _QTY.fullmatch(text):
            raise InputError(path, f"{text!r} is not a signed decimal quantity", row=row, field="quantity")
        q = Decimal(text).scaleb(params.quantity_decimals[j])
        if q != q.to_integral_value():
            raise InputError(path, f"{text!r} has more than the instrument's {params.quantity_decimals[j]} decimals",
                             row=row, field="quantity")
        if abs(int(q)) >= 1 << (QUANTITY_BITS - 1):
            raise InputError(path, f"{text!r} is outside ±2^{QUANTITY_BITS - 1} units", row=row, field="quantity")
        i = book.store.index_of(aid)
        if i is None:
            i = book.add_account(aid, [0] * len(book.assets))
            positions.append([0] * n)
        if (i, j) in seen:
            raise InputError(path, f"duplicate position of {aid!r} in {name} (first at row {seen[(i, j)]})",
                             row=row, field="instrument")
        seen[(i, j)] = row
        positions[i][j] = int(q)
    if not header_checked and not path.exists():
        raise InputError(path, "cannot read")
    book.positions = positions
