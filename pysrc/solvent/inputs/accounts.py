"""The accounts file, in long form: one row per (account, asset).

CSV or Parquet with columns ``account_id, asset, balance`` and optionally ``debt``.
Amounts are decimal strings in the asset's units (Parquet may also use integer or
decimal columns; floats are refused — rounding would drop liabilities). Rows are
numbered as the file's lines for CSV (the header is row 1) and from 1 for Parquet.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .assets import Asset
from .errors import InputError

REQUIRED = ("account_id", "asset", "balance")
OPTIONAL = ("debt",)
MAX_ID_BYTES = 434  # docs/hashing.md: encode_bytes limit


class _View(Sequence):
    """A read-only sequence over native data (rows fetched on demand)."""

    def __init__(self, n: Callable[[], int], get: Callable[[int], Any]):
        self._n, self._get = n, get

    def __len__(self) -> int:
        return self._n()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._get(k) for k in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        return self._get(i % n)


class AccountBook:
    """Every account of the attestation, each with a balance (and a debt) per asset.

    The balances live in a native store (``solvent.native.BookStore``): a book of
    millions of accounts is flat arrays, not Python objects. ``ids``, ``equity`` and
    ``debt`` are read-only views; ``positions`` (signed quantities per instrument, from a
    positions file) is a Python list when present.
    """

    def __init__(self, assets: list[Asset], range_bits: int = 64, debt: bool | None = None):
        from .. import native  # at use: this module's constants and row reader work without the extension

        self.assets = list(assets)
        self.store = native.BookStore([a.symbol for a in assets], [a.decimals for a in assets], range_bits)
        if debt is not None:
            self.store.set_debt(debt)
        self.positions: list[list[int]] | None = None
        self.ids = _View(lambda: len(self.store), self.store.id)
        self.equity = _View(lambda: len(self.store), lambda i: [int(v) for v in self.store.equity_row(i)])

    @property
    def debt(self):
        return _View(lambda: len(self.store), lambda i: [int(v) for v in self.store.debt_row(i)]) \
            if self.has_debt else None

    def add_account(self, account_id: str, equity: Sequence[int], debt: Sequence[int] | None = None) -> int:
        """Add an account programmatically (balances in smallest units); returns its index."""
        return self.store.add_account(account_id, list(equity), None if debt is None else list(debt))

    @property
    def size(self) -> int:
        return len(self.store)

    @property
    def range_bits(self) -> int:
        """Every amount of the book is below 2^range_bits (checked as rows are read)."""
        return self.store.range_bits

    def max_bits(self) -> int:
        """Bits of the largest amount, equity or debt."""
        return self.store.max_bits()

    def set_range_bits(self, bits: int) -> None:
        """Narrow the width after reading (``read_accounts(range_bits=None)``): every
        amount must fit, or ValueError."""
        self.store.set_range_bits(bits)

    @property
    def has_debt(self) -> bool:
        return self.store.has_debt

    def totals(self) -> tuple[list[int], list[int]]:
        eq, de = self.store.totals()
        return [int(x) for x in eq], ([int(x) for x in de] if self.has_debt else [0] * len(self.assets))


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
                yield line, dict(zip(header, record, strict=True))
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
    import pyarrow as pa  # at use: a heavy import that only reading a book needs
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


CHUNK_ROWS = 65_536
"""Rows handed to the native store at a time: the only Python objects a read creates."""


def _arrow_chunks(path: Path) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """``(first row, columns)`` chunks, streamed by pyarrow. CSV rows are numbered from
    the header (row 1) by record — the line number unless a quoted field spans lines."""
    import pyarrow as pa

    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except (OSError, pa.ArrowException) as e:
            raise InputError(path, f"cannot read Parquet: {e}") from e
        names = pf.schema_arrow.names
        _check_header(path, names, REQUIRED, OPTIONAL)
        for name in names:
            if pa.types.is_floating(pf.schema_arrow.field(name).type):
                raise InputError(path, f"column type {pf.schema_arrow.field(name).type} is a float: "
                                       "amounts must be exact", field=name)
        row = 1
        for batch in pf.iter_batches(batch_size=CHUNK_ROWS):
            cols = {n: ["" if v is None else str(v) for v in batch.column(n).to_pylist()] for n in names}
            yield row, cols
            row += batch.num_rows
        return

    import pyarrow.csv as pacsv

    try:
        with open(path, newline="", encoding="utf-8") as f:
            header = next(csv.reader(f), None)
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise InputError(path, "not UTF-8 text") from e
    if header is None:
        raise InputError(path, "the book is empty (no header, no rows)")
    header = [h.strip() for h in header]
    _check_header(path, header, REQUIRED, OPTIONAL)
    malformed: list[str] = []

    def invalid(bad_row) -> str:
        malformed.append(bad_row.text)
        return "error"

    row = 2
    try:
        reader = pacsv.open_csv(
            path, pacsv.ReadOptions(block_size=1 << 22, column_names=header, skip_rows=1),
            pacsv.ParseOptions(ignore_empty_lines=False, newlines_in_values=True, invalid_row_handler=invalid),
            pacsv.ConvertOptions(column_types={n: pa.string() for n in header}, strings_can_be_null=False,
                                 quoted_strings_can_be_null=False))
        for batch in reader:
            for start in range(0, batch.num_rows, CHUNK_ROWS):
                part = batch.slice(start, CHUNK_ROWS)
                yield row, {n: part.column(n).to_pylist() for n in header}
                row += part.num_rows
    except (pa.ArrowInvalid, UnicodeDecodeError) as e:
        # the rare malformed file: let the line-exact Python reader name the row
        for _ in _rows_csv(path, REQUIRED, OPTIONAL):
            pass
        raise InputError(path, f"malformed CSV: {malformed[0] if malformed else e}") from None


WIDEST_RANGE_BITS = 128


def read_accounts(path: str | Path, assets: list[Asset], range_bits: int | None = 64) -> AccountBook:
    """Validate every row into an ``AccountBook``; the first bad row stops the run.
    Rows stream through pyarrow into the native store, one chunk at a time.
    ``range_bits=None`` reads amounts up to 2^128 and leaves the width to the caller
    (``set_range_bits``: the smallest width that fits the book, ``circuits.shape``)."""
    from .. import native  # at use, as in AccountBook

    path = Path(path)
    book = AccountBook(assets=assets, range_bits=WIDEST_RANGE_BITS if range_bits is None else range_bits)
    with_debt = None
    for first, cols in _arrow_chunks(path):
        if with_debt is None:
            with_debt = "debt" in cols
            book.store.set_debt(with_debt)
        try:
            book.store.add_rows(first, cols["account_id"], cols["asset"], cols["balance"],
                                cols["debt"] if with_debt else None)
        except native.BookRowError as e:
            row, field, message = e.args
            raise InputError(path, message, row=row, field=field) from None
    if book.size == 0:
        raise InputError(path, "the book is empty: no account rows")
    book.store.finish()
    return book
