"""The accounts file, in long form: one row per (account, asset).

CSV or Parquet with columns ``account_id, asset, balance`` and optionally ``debt``.
Amounts are decimal strings in the asset's units (Parquet may also use integer or
decimal columns; floats are refused — rounding would drop liabilities). Rows are
numbered as the file's lines for CSV (the header is row 1) and from 1 for Parquet.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .amounts import AmountError, parse_amount
from .assets import Asset
from .errors import InputError

REQUIRED = ("account_id", "asset", "balance")
OPTIONAL = ("debt",)
MAX_ID_BYTES = 434  # docs/hashing.md: encode_bytes limit


@dataclass
class AccountBook:
    """Every account of the attestation, each with a balance (and a debt) per asset."""

    assets: list[Asset]
    range_bits: int
    ids: list[str] = field(default_factory=list)
    equity: list[list[int]] = field(default_factory=list)
    debt: list[list[int]] | None = None
    positions: list[list[int]] | None = None
    """Signed quantities per instrument (smallest units), when a positions file is given."""

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def has_debt(self) -> bool:
        return self.debt is not None

    def totals(self) -> tuple[list[int], list[int]]:
        n = len(self.assets)
        eq = [sum(row[a] for row in self.equity) for a in range(n)]
        de = [sum(row[a] for row in self.debt) for a in range(n)] if self.debt else [0] * n
        return eq, de


def _rows_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise InputError(path, "the book is empty (no header, no rows)")
            header = [h.strip() for h in header]
            _check_header(path, header, required, optional)
            for record in reader:
                line = reader.line_num
                if not record or record == [""]:
                    raise InputError(path, "empty row", row=line)
                if len(record) != len(header):
                    raise InputError(path, f"expected {len(header)} fields, got {len(record)}", row=line)
                yield line, dict(zip(header, record))
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise InputError(path, "not UTF-8 text") from e
    except csv.Error as e:
        raise InputError(path, f"malformed CSV: {e}") from e


def _check_header(path: Path, header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required + optional]
    if missing or unknown or len(set(header)) != len(header):
        extra = "".join(f" [, {c}]" for c in optional)
        raise InputError(path, f"columns must be {', '.join(required)}{extra}; got {', '.join(header)}", row=1)


def _rows_parquet(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as e:
        raise InputError(path, f"cannot read Parquet: {e}") from e
    _check_header(path, table.column_names, required, optional)
    columns = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_floating(col.type):
            raise InputError(path, f"column type {col.type} is a float: amounts must be exact", field=name)
        columns[name] = col.to_pylist()
    for i in range(table.num_rows):
        yield i + 1, {name: ("" if v[i] is None else str(v[i])) for name, v in columns.items()}


def rows(path: str | Path, columns: tuple[str, ...] = REQUIRED,
         optional: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """``(row number, record)`` of a CSV or Parquet file with the given columns."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        return _rows_parquet(path, columns, optional)
    return _rows_csv(path, columns, optional)


def read_accounts(path: str | Path, assets: list[Asset], range_bits: int = 64,
                  records: Iterable[tuple[int, dict[str, str]]] | None = None) -> AccountBook:
    """Validate every row into an ``AccountBook``; the first bad row stops the run."""
    path = Path(path)
    index = {a.symbol: i for i, a in enumerate(assets)}
    book = AccountBook(assets=assets, range_bits=range_bits)
    account_index: dict[str, int] = {}
    seen: dict[tuple[int, int], int] = {}
    with_debt: bool | None = None
    for row, rec in (records if records is not None else rows(path, REQUIRED, OPTIONAL)):
        if with_debt is None:
            with_debt = "debt" in rec
            if with_debt:
                book.debt = []
        account_id = rec["account_id"]
        if not account_id or account_id != account_id.strip():
            raise InputError(path, f"account id {account_id!r} is empty or has surrounding spaces",
                             row=row, field="account_id")
        if len(account_id.encode("utf-8")) > MAX_ID_BYTES:
            raise InputError(path, f"account id longer than {MAX_ID_BYTES} bytes", row=row, field="account_id")
        symbol = rec["asset"].strip()
        a = index.get(symbol)
        if a is None:
            raise InputError(path, f"unknown asset {symbol!r} (not in the asset list)", row=row, field="asset")
        values = {}
        for fld in ("balance", "debt") if with_debt else ("balance",):
            try:
                values[fld] = parse_amount(rec[fld], assets[a].decimals, range_bits)
            except AmountError as e:
                raise InputError(path, str(e), row=row, field=fld) from None
        i = account_index.get(account_id)
        if i is None:
            i = account_index[account_id] = len(book.ids)
            book.ids.append(account_id)
            book.equity.append([0] * len(assets))
            if book.debt is not None:
                book.debt.append([0] * len(assets))
        if (i, a) in seen:
            raise InputError(path, f"duplicate row for account {account_id!r} and asset {symbol} "
                                   f"(first at row {seen[(i, a)]})", row=row, field="asset")
        seen[(i, a)] = row
        book.equity[i][a] = values["balance"]
        if book.debt is not None:
            book.debt[i][a] = values["debt"]
    if not book.ids:
        raise InputError(path, "the book is empty: no account rows")
    return book
