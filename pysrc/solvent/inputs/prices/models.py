"""The price snapshot file (``solvent.prices/1``, JSON): pydantic models and loading.

Loading checks structure only (formats, one report per source key and name, the rules
within their hard limits); ``check.check_snapshot`` checks signatures, staleness, spread,
sanity bands and the median against an attestation's snapshot time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, ValidationError, model_validator

from ..errors import InputError

VERSION = "solvent.prices/1"
MAX_AGE_LIMIT = 86_400
"""No file may allow reports older (or newer) than a day around the snapshot."""
MAX_SPREAD_LIMIT_BPS = 2_000
"""No file may allow sources to disagree by more than 20 % of the median."""
MIN_SOURCES_FLOOR = 2
"""A single source is never enough: one key could set the price alone."""

Price = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$")]
Symbol = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
Timestamp = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
Address = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{40}$")]
Signature = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{130}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rules(_Strict):
    """What every asset's reports must satisfy (``docs/prices.md``)."""

    min_sources: int = Field(ge=MIN_SOURCES_FLOOR, le=100)
    max_age_seconds: int = Field(ge=0, le=MAX_AGE_LIMIT)
    """Every report's timestamp is within this many seconds of the snapshot time, either side."""
    max_spread_bps: int = Field(ge=0, le=MAX_SPREAD_LIMIT_BPS)
    """(highest − lowest report) ≤ max_spread_bps / 10^4 × median."""


class Report(_Strict):
    """One source's signed price: quote currency per whole unit of the asset."""

    source: str = Field(min_length=1, max_length=100)
    key: Address
    price: Price
    timestamp: Timestamp
    signature: Signature


class AssetReports(_Strict):
    min_price: Price
    max_price: Price
    """The sanity band: every report lies in [min_price, max_price] and min_price > 0."""
    reports: list[Report] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct_sources(self) -> AssetReports:
        keys = [r.key.lower() for r in self.reports]
        names = [r.source for r in self.reports]
        if len(set(keys)) != len(keys) or len(set(names)) != len(names):
            raise ValueError("a source (key or name) reports twice: each source counts once")
        return self


class PriceSnapshot(_Strict):
    version: Literal["solvent.prices/1"]
    quote: Symbol
    rules: Rules
    assets: dict[Symbol, AssetReports] = Field(min_length=1)
    _source: str = PrivateAttr(default="<prices>")

    @property
    def source(self) -> str:
        return self._source


class PriceFileError(InputError):
    """A malformed price file: names the file and the field."""


def parse_snapshot(raw: Any, path: str | Path = "<prices>") -> PriceSnapshot:
    try:
        snap = PriceSnapshot.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        more = f" (and {e.error_count() - 1} more errors)" if e.error_count() > 1 else ""
        raise PriceFileError(path, first["msg"].removeprefix("Value error, ") + more,
                             field=".".join(str(p) for p in first["loc"]) or None) from None
    snap._source = str(path)
    return snap


def load_snapshot(path: str | Path) -> PriceSnapshot:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise PriceFileError(path, f"cannot read: {e.strerror}") from e
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise PriceFileError(path, f"not JSON text: {e}") from None
    return parse_snapshot(raw, path)
