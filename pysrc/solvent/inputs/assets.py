"""The asset list: symbols, their declared decimals and, optionally, their maximum supply
(CSV ``symbol,decimals`` or ``symbol,decimals,max_supply``)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

CSV_ENCODING = "utf-8-sig"
"""UTF-8; a byte-order mark at the start (as some spreadsheets write) is dropped."""

_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
_SUPPLY = re.compile(r"(\d+)(?:\.(\d+))?")
MAX_DECIMALS = 36
MAX_SUPPLY_BITS = 128
"""The widest balance a circuit takes (``circuits.shape``): a larger cap is refused."""
HEADERS = (["symbol", "decimals"], ["symbol", "decimals", "max_supply"])


@dataclass(frozen=True)
class Asset:
    symbol: str
    decimals: int
    max_units: int | None = None
    """The asset's maximum supply in smallest units (``max_supply · 10^decimals``), public
    knowledge; None: no cap."""

    @property
    def bits(self) -> int | None:
        """Bits every balance of the asset fits (the bit length of its maximum supply in
        smallest units): the width its balances are range-checked to; None: no cap."""
        return self.max_units.bit_length() if self.max_units is not None else None


def supply_units(text: str, decimals: int) -> int:
    """A maximum supply in whole units (exact decimal, e.g. ``21000000`` or ``120000000.5``)
    as smallest units; ValueError says why not."""
    m = _SUPPLY.fullmatch(text)
    if m is None:
        raise ValueError(f"max_supply must be a plain decimal number of whole units, got {text!r}")
    whole, frac = m.group(1), (m.group(2) or "").rstrip("0")
    if len(frac) > decimals:
        raise ValueError(f"max_supply {text} has more decimals than the asset's {decimals}")
    units = int(whole + frac.ljust(decimals, "0"))
    if units == 0:
        raise ValueError("max_supply must be positive (leave the cell empty for no cap)")
    if units.bit_length() > MAX_SUPPLY_BITS:
        raise ValueError(f"max_supply {text} needs {units.bit_length()} bits in smallest units, "
                         f"more than the widest balance ({MAX_SUPPLY_BITS} bits)")
    return units


def read_assets(path: str | Path) -> list[Asset]:
    path = Path(path)
    try:
        with open(path, newline="", encoding=CSV_ENCODING) as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in reader.fieldnames] if reader.fieldnames is not None else None
            if header not in HEADERS:
                raise InputError(path, f"header must be 'symbol,decimals' or 'symbol,decimals,max_supply', "
                                       f"got {reader.fieldnames}", row=1)
            assert reader.fieldnames is not None
            reader.fieldnames = header  # a padded header cell names its column unpadded
            assets: list[Asset] = []
            seen: set[str] = set()
            for row in reader:
                line = reader.line_num
                if None in row or any(v is None for v in row.values()):
                    raise InputError(path, f"expected {len(header)} fields", row=line)
                symbol = row["symbol"].strip()
                if not _SYMBOL.fullmatch(symbol):
                    raise InputError(path, f"invalid asset symbol {symbol!r}", row=line, field="symbol")
                if symbol in seen:
                    raise InputError(path, f"asset {symbol} listed twice", row=line, field="symbol")
                dec = row["decimals"].strip()
                if not dec.isdigit() or int(dec) > MAX_DECIMALS:
                    raise InputError(path, f"decimals must be an integer 0..{MAX_DECIMALS}, got {dec!r}",
                                     row=line, field="decimals")
                cap = (row.get("max_supply") or "").strip()
                try:
                    units = supply_units(cap, int(dec)) if cap else None
                except ValueError as e:
                    raise InputError(path, f"asset {symbol}: {e}", row=line, field="max_supply") from None
                seen.add(symbol)
                assets.append(Asset(symbol, int(dec), units))
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise InputError(path, "not UTF-8 text") from e
    if not assets:
        raise InputError(path, "no assets listed")
    return assets
