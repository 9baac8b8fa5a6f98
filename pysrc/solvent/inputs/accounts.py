"""The accounts file, in long form: one row per (account, asset).

CSV or Parquet with columns ``account_id, asset, balance`` and optionally ``debt``.
Amounts are decimal strings in the asset's units. Parquet may also use decimal columns
(read exactly, whatever their scale) and integer columns that say their unit in the
column's field metadata (``solvent.units``: ``smallest`` — satoshis, wei — or
``whole``); an integer column that does not say is refused, and floats always are:
rounding would drop liabilities. A UTF-8 byte-order mark at the start of a CSV file is
skipped. Account ids are Unicode NFC-normalized as they are read, so two spellings of
the same id (``é`` as one code point or as ``e`` + accent) are one account — and two
rows of it are a duplicate. Rows are numbered as the file's lines for CSV (the header
is row 1) and from 1 for Parquet.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .assets import CSV_ENCODING, Asset
from .errors import InputError

REQUIRED = ("account_id", "asset", "balance")
OPTIONAL = ("debt",)
MAX_ID_BYTES = 434  # docs/hashing.md: encode_bytes limit
UNITS_KEY = b"solvent.units"
"""Parquet field metadata that says what an integer amount column counts."""
UNITS = ("smallest", "whole")
AMOUNT_COLUMNS = ("balance", "debt", "quantity")


def normalize_id(account_id: str) -> str:
    """The account id as solvent hashes and compares it: Unicode NFC (ASCII is already)."""
    return account_id if account_id.isascii() else unicodedata.normalize("NFC", account_id)


def signed_decimal(units: int, decimals: int) -> str:
    """``units`` of ``10^-decimals`` as a plain decimal string, sign kept (-150 at 2 → -1.5)."""
    from ..formulas.amounts import format_amount

    return ("-" if units < 0 else "") + format_amount(abs(units), decimals)


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
        """Add an account programmatically (balances in smallest units; the id
        NFC-normalized, as read from a file); returns its index."""
        return self.store.add_account(normalize_id(account_id), list(equity), None if debt is None else list(debt))

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
        with open(path, newline="", encoding=CSV_ENCODING) as f:
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


def _integer_unit(path: Path, field) -> str:
    """What an integer amount column counts, as its field metadata says; refused (with
    what to do) when it says nothing: 150000000 is satoshis or bitcoins, and a guess is a
    liability multiplied or dropped."""
    meta = field.metadata or {}
    unit = meta.get(UNITS_KEY, b"").decode("utf-8", "replace")
    if unit in UNITS:
        return unit
    if unit:
        raise InputError(path, f"field metadata solvent.units is {unit!r}: use 'smallest' or 'whole'",
                         field=field.name)
    raise InputError(path, f"column type {field.type} holds integers but the file does not say their unit "
                           f"(150000000 could be satoshis or bitcoins): set the column's Parquet field metadata "
                           f"solvent.units to 'smallest' (the asset's smallest unit: satoshis, wei) or 'whole' "
                           f"(whole units) — with pyarrow, pa.field({field.name!r}, pa.{field.type}(), "
                           f"metadata={{'solvent.units': 'smallest'}}) — or write the amounts as a decimal or "
                           f"string column", field=field.name)


def _column_reader(path: Path, field) -> Callable[[list, Callable[[int], int | None] | None], list[str]]:
    """How the Parquet column ``field`` becomes text, exactly: strings as they are (ids
    NFC-normalized), decimals without exponent (``0E-18`` is ``0.000000000000000000``),
    integers of an amount column in the unit its metadata names (``scale(i)``: the
    decimals of row i's asset or instrument; None for an unknown one, refused by the
    validation that names it); floats refused."""
    import pyarrow as pa

    t = field.type
    if pa.types.is_floating(t):
        raise InputError(path, f"column type {t} is a float: amounts must be exact", field=field.name)
    if field.name == "account_id":
        return lambda values, scale: ["" if v is None else normalize_id(str(v)) for v in values]
    if pa.types.is_decimal(t):
        return lambda values, scale: ["" if v is None else format(v, "f") for v in values]
    if pa.types.is_integer(t) and field.name in AMOUNT_COLUMNS:
        if _integer_unit(path, field) == "whole":
            return lambda values, scale: ["" if v is None else str(v) for v in values]

        def smallest(values: list, scale: Callable[[int], int | None] | None) -> list[str]:
            if scale is None:
                raise InputError(path, "smallest-unit integer columns are read for account balances and debts, "
                                       "not here: write the amounts as a decimal or string column", field=field.name)
            # an unknown asset (scale None) is refused by the row validation, which names it;
            # its amount becomes "" so that it can never be read in whole units instead
            out = []
            for i, v in enumerate(values):
                d = None if v is None else scale(i)
                out.append("" if v is None or d is None else signed_decimal(v, d))
            return out
        return smallest
    return lambda values, scale: ["" if v is None else str(v) for v in values]


def _open_parquet(path: Path, required: tuple[str, ...], optional: tuple[str, ...]):
    """The Parquet file, its header checked, and a text reader per column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as e:
        raise InputError(path, f"cannot read Parquet: {e}") from e
    schema = pf.schema_arrow
    _check_header(path, schema.names, required, optional)
    return pf, {name: _column_reader(path, schema.field(name)) for name in schema.names}


def _rows_parquet(path: Path, required: tuple[str, ...], optional: tuple[str, ...],
                  scale_of: Callable[[dict[str, str]], int | None] | None) -> Iterator[tuple[int, dict[str, str]]]:
    import pyarrow as pa

    pf, readers = _open_parquet(path, required, optional)
    amount_names = [n for n in readers if n in AMOUNT_COLUMNS]
    row = 1
    try:
        for batch in pf.iter_batches(batch_size=CHUNK_ROWS):
            raw = {n: batch.column(n).to_pylist() for n in readers}
            cols = {n: readers[n](raw[n], None) for n in readers if n not in amount_names}
            records = [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]
            scale = None if scale_of is None else (lambda i, records=records: scale_of(records[i]))
            for n in amount_names:
                for rec, text in zip(records, readers[n](raw[n], scale), strict=True):
                    rec[n] = text
            for k, rec in enumerate(records):
                yield row + k, rec
            row += batch.num_rows
    except pa.ArrowException as e:
        raise InputError(path, f"cannot read Parquet: {e}") from e


def rows(path: str | Path, columns: tuple[str, ...] = REQUIRED, optional: tuple[str, ...] = (),
         scale_of: Callable[[dict[str, str]], int | None] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """``(row number, record)`` of a CSV or Parquet file with the given columns, every
    value as text (``account_id`` NFC-normalized). ``scale_of(record)``: the decimals of
    the record's amounts, for Parquet integer columns in smallest units (None: refused)."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        return _rows_parquet(path, columns, optional, scale_of)
    return ((row, _normalized(rec)) for row, rec in _rows_csv(path, columns, optional))


def _normalized(record: dict[str, str]) -> dict[str, str]:
    if "account_id" in record:
        record["account_id"] = normalize_id(record["account_id"])
    return record


CHUNK_ROWS = 65_536
"""Rows handed to the native store at a time: the only Python objects a read creates."""


def _arrow_chunks(path: Path, decimals: dict[str, int]) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """``(first row, columns)`` chunks of text, streamed by pyarrow. CSV rows are numbered
    from the header (row 1) by record — the line number unless a quoted field spans
    lines. ``decimals`` (by asset symbol) reads Parquet integer columns in smallest units.
    Account ids are NFC-normalized."""
    import pyarrow as pa

    if path.suffix.lower() in (".parquet", ".pq"):
        pf, readers = _open_parquet(path, REQUIRED, OPTIONAL)
        row = 1
        try:
            for batch in pf.iter_batches(batch_size=CHUNK_ROWS):
                raw = {n: batch.column(n).to_pylist() for n in readers}
                assets = ["" if a is None else str(a).strip() for a in raw["asset"]]
                scale = lambda i, assets=assets: decimals.get(assets[i])  # noqa: E731
                yield row, {n: readers[n](raw[n], scale) for n in readers}
                row += batch.num_rows
        except pa.ArrowException as e:
            raise InputError(path, f"cannot read Parquet: {e}") from e
        return

    import pyarrow.csv as pacsv

    try:
        with open(path, newline="", encoding=CSV_ENCODING) as f:
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
                cols = {n: part.column(n).to_pylist() for n in header}
                cols["account_id"] = [normalize_id(x) for x in cols["account_id"]]
                yield row, cols
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
    for first, cols in _arrow_chunks(path, {a.symbol: a.decimals for a in assets}):
        if with_debt is None:
            with_debt = "debt" in cols
            book.store.set_debt(with_debt)
        try:
            book.store.add_rows(first, cols["account_id"], cols["asset"], cols["balance"],
                                cols["debt"] if with_debt else None)
        except native.BookRowError as e:
            row, field, message = e.args
            if message.startswith("duplicate row") and not cols["account_id"][row - first].isascii():
                message += " (account ids are compared after Unicode NFC normalization)"
            raise InputError(path, message, row=row, field=field) from None
    if book.size == 0:
        raise InputError(path, "the book is empty: no account rows")
    book.store.finish()
    return book


def first_too_wide(book: AccountBook, widths: Sequence[int]) -> tuple[int, int, str] | None:
    """The first ``(account index, asset index, "balance" | "debt")`` whose amount is at or
    above ``2^widths[asset]``; None when every amount fits its asset's width (one native
    pass over the book)."""
    found = book.store.first_too_wide(list(widths))
    return None if found is None else (found[0], found[1], "debt" if found[2] else "balance")


def too_wide_message(book: AccountBook, widths: Sequence[int], found: tuple[int, int, str]) -> str:
    i, a, what = found
    asset = book.assets[a]
    amount = (book.equity if what == "balance" else book.debt)[i][a]
    return (f"account {book.store.id(i)!r}, asset {asset.symbol}: {what} {signed_decimal(amount, asset.decimals)} "
            f"is at or above 2^{widths[a]} smallest units, the bound the keys prove {asset.symbol} balances below "
            f"(from its max_supply): new keys with a larger max_supply for {asset.symbol} are needed (solvent setup)")


def check_widths(book: AccountBook, path: str | Path, widths: Sequence[int]) -> None:
    """Refuse (InputError naming the file, row, account and asset) an amount of asset
    ``a`` at or above ``2^widths[a]``: the circuit proves every balance of the asset
    below that bound, so the proof could not be made. Checked before proving, so it is
    never a witness-solver failure."""
    found = first_too_wide(book, widths)
    if found is not None:
        i, a, what = found
        raise InputError(path, too_wide_message(book, widths, found),
                         row=_row_of(path, book, book.store.id(i), book.assets[a].symbol), field=what)


def _row_of(path: str | Path, book: AccountBook, account: str, symbol: str) -> int | None:
    """The file row of (account, asset), found again (only on the error path: the store
    keeps no row numbers once read)."""
    decimals = {a.symbol: a.decimals for a in book.assets}
    for row, rec in rows(path, REQUIRED, OPTIONAL, scale_of=lambda r: decimals.get(r["asset"].strip())):
        if rec["account_id"] == account and rec["asset"].strip() == symbol:
            return row
    return None
