"""The asset list: symbols and their declared decimals (CSV ``symbol,decimals``)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

CSV_ENCODING = "utf-8-sig"
"""UTF-8; a byte-order mark at the start (as some spreadsheets write) is dropped."""

_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
MAX_DECIMALS = 36


@dataclass(frozen=True)
class Asset:
    symbol: str
    decimals: int


def read_assets(path: str | Path) -> list[Asset]:
    path = Path(path)
    try:
        with open(path, newline="", encoding=CSV_ENCODING) as f:
            reader = csv.DictReader(f)
            if reader.fieldnames is None or [h.strip() for h in reader.fieldnames] != ["symbol", "decimals"]:
                raise InputError(path, f"header must be 'symbol,decimals', got {reader.fieldnames}", row=1)
            assets: list[Asset] = []
            seen: set[str] = set()
            for row in reader:
                line = reader.line_num
                if None in row or any(v is None for v in row.values()):
                    raise InputError(path, "expected 2 fields", row=line)
                symbol = row["symbol"].strip()
                if not _SYMBOL.fullmatch(symbol):
                    raise InputError(path, f"invalid asset symbol {symbol!r}", row=line, field="symbol")
                if symbol in seen:
                    raise InputError(path, f"asset {symbol} listed twice", row=line, field="symbol")
                dec = row["decimals"].strip()
                if not dec.isdigit() or int(dec) > MAX_DECIMALS:
                    raise InputError(path, f"decimals must be an integer 0..{MAX_DECIMALS}, got {dec!r}",
                                     row=line, field="decimals")
                seen.add(symbol)
                assets.append(Asset(symbol, int(dec)))
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise InputError(path, "not UTF-8 text") from e
    if not assets:
        raise InputError(path, "no assets listed")
    return assets
