"""Risk parameters: prices, tiered collateral ratios, maintenance rates and SPAN-style
risk arrays. Public, published with the attestation, and hashed into every proof that
uses them (``params_hash``), so a proof made with other prices or ratios fails.

Everything becomes an exact integer in *value units* (``10^-value_decimals`` of the quote
currency): a price is converted to value units per smallest unit of the asset, and must
be exact there (no rounding anywhere, hence no rounding in anyone's favour). Ratios are
in basis points; ratio-weighted values are compared scaled by 10^4.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from ..formulas.risk import PRICE_BITS, RISK_BITS  # the circuits' bounds
from .assets import Asset
from .errors import InputError

Dec = Annotated[str, StringConstraints(pattern=r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")]
BPS = 10_000


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    up_to: Dec | None = Field(description="Upper end of the band, in the quote currency; null: unbounded")
    ratio: Dec = Field(description="Collateral ratio in percent, e.g. 97.5")


class Instrument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["future", "option"]
    underlying: str
    quantity_decimals: int = Field(ge=0, le=18)
    mark_price: Dec = Field(description="Quote-currency value of one whole contract")
    maintenance_rate: Dec = Field(description="Futures: maintenance margin in percent of notional; options: 0")
    risk_array: list[Dec] = Field(description="Loss per whole contract in each scenario (negative: a gain)")


class RiskParamsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal["solvent.risk/1"]
    quote: str = Field(min_length=1, max_length=16)
    value_decimals: int = Field(ge=0, le=30)
    prices: dict[str, Dec] = Field(default_factory=dict)
    """Quote currency per whole unit; taken from a signed price snapshot with ``--prices``."""
    collateral_tiers: dict[str, list[Band]]
    instruments: dict[str, Instrument] = Field(default_factory=dict)
    scenarios: int = Field(ge=1, le=64, default=16)

    @field_validator("instruments")
    @classmethod
    def _names(cls, v: dict) -> dict:
        for name in v:
            if not name or len(name) > 64:
                raise ValueError(f"instrument name {name!r}")
        return v


@dataclass(frozen=True)
class Tiers:
    """One asset's tiers in value units: ``bounds[k]`` the top of band k (the last may be
    ``None``: unbounded), ``ratios[k]`` in basis points, non-increasing (a concave value)."""

    bounds: tuple[int | None, ...]
    ratios: tuple[int, ...]

@dataclass(frozen=True)
class RiskParams:
    """Validated parameters as exact integers, in the book's asset order."""

    quote: str
    value_decimals: int
    prices: tuple[int, ...]  # value units per smallest unit, per asset
    tiers: tuple[Tiers, ...]
    instruments: tuple[str, ...]
    quantity_decimals: tuple[int, ...]
    mark_prices: tuple[int, ...]  # value units per smallest contract unit
    maintenance_bps: tuple[int, ...]
    risk_arrays: tuple[tuple[int, ...], ...]  # value units per smallest contract unit, signed
    scenarios: int
    source: RiskParamsFile


def _exact(text: str, scale_pow: int, what: str, path: Path) -> int:
    """``text × 10^scale_pow`` as an integer, refusing anything that would round."""
    v = Decimal(text).scaleb(scale_pow)
    if v != v.to_integral_value():
        raise InputError(path, f"{what} = {text} is not exact at this value scale "
                               f"(raise value_decimals or publish fewer digits)", field=what)
    return int(v)


def _bps(text: str, what: str, path: Path) -> int:
    v = _exact(text, 2, what, path)
    if not 0 <= v <= BPS:
        raise InputError(path, f"{what} = {text}% is outside 0..100%", field=what)
    return v


def read_risk_file(path: str | Path) -> RiskParamsFile:
    """The file's structure, validated (InputError naming the file and field)."""
    path = Path(path)
    try:
        return RiskParamsFile.model_validate_json(path.read_bytes())
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from e
    except ValidationError as e:
        first = e.errors()[0]
        raise InputError(path, first["msg"], field=".".join(str(p) for p in first["loc"])) from None


def load_risk_params(path: str | Path, assets: list[Asset]) -> RiskParams:
    return from_file(read_risk_file(path), assets, Path(path))


def from_file(raw: RiskParamsFile, assets: list[Asset], path: Path = Path("<risk parameters>")) -> RiskParams:
    symbols = [a.symbol for a in assets]
    for what, table in (("prices", raw.prices), ("collateral_tiers", raw.collateral_tiers)):
        missing, extra = set(symbols) - set(table), set(table) - set(symbols)
        if missing or extra:
            raise InputError(path, f"{what} must list exactly the assets {symbols} "
                                   f"(missing {sorted(missing)}, unknown {sorted(extra)})", field=what)
    vd = raw.value_decimals
    prices, tiers = [], []
    for a in assets:
        p = _exact(raw.prices[a.symbol], vd - a.decimals, f"prices.{a.symbol}", path)
        if not 0 < p < 1 << PRICE_BITS:
            raise InputError(path, f"price of {a.symbol} is {p} value units per smallest unit, outside 1..2^{PRICE_BITS}"
                             + (" (a zero price would value debt and collateral in it at nothing: refused)"
                                if p == 0 else ""), field=f"prices.{a.symbol}")
        prices.append(p)
        bands = raw.collateral_tiers[a.symbol]
        if not bands:
            raise InputError(path, f"{a.symbol} has no collateral band", field=f"collateral_tiers.{a.symbol}")
        bounds: list[int | None] = []  # None: the last band, unbounded
        ratios: list[int] = []
        last = 0
        for k, b in enumerate(bands):
            where = f"collateral_tiers.{a.symbol}[{k}]"
            hi = None if b.up_to is None else _exact(b.up_to, vd, where + ".up_to", path)
            if hi is not None and hi <= last:
                raise InputError(path, "band bounds must increase", field=where)
            if hi is None and k != len(bands) - 1:
                raise InputError(path, "only the last band may be unbounded", field=where)
            r = _bps(b.ratio, where + ".ratio", path)
            if ratios and r > ratios[-1]:
                raise InputError(path, "ratios must not increase from band to band (tiers are haircuts)", field=where)
            bounds.append(hi)
            ratios.append(r)
            last = hi or last
        tiers.append(Tiers(tuple(bounds), tuple(ratios)))
    names = sorted(raw.instruments)
    qd, marks, rates, arrays = [], [], [], []
    for name in names:
        ins = raw.instruments[name]
        where = f"instruments.{name}"
        if ins.underlying not in symbols:
            raise InputError(path, f"unknown underlying {ins.underlying!r}", field=where + ".underlying")
        if len(ins.risk_array) != raw.scenarios:
            raise InputError(path, f"risk array has {len(ins.risk_array)} entries, expected {raw.scenarios}",
                             field=where + ".risk_array")
        m = _exact(ins.mark_price, vd - ins.quantity_decimals, where + ".mark_price", path)
        if not 0 <= m < 1 << RISK_BITS:
            raise InputError(path, f"mark price {m} outside 0..2^{RISK_BITS} value units", field=where + ".mark_price")
        rate = _bps(ins.maintenance_rate, where + ".maintenance_rate", path)
        if ins.kind == "option" and rate:
            raise InputError(path, "options are margined by their risk array; maintenance_rate must be 0",
                             field=where + ".maintenance_rate")
        arr = tuple(_exact(x, vd - ins.quantity_decimals, f"{where}.risk_array[{s}]", path)
                    for s, x in enumerate(ins.risk_array))
        if any(abs(x) >= 1 << RISK_BITS for x in arr):
            raise InputError(path, f"risk array entries must be below 2^{RISK_BITS} value units", field=where)
        qd.append(ins.quantity_decimals)
        marks.append(m)
        rates.append(rate)
        arrays.append(arr)
    return RiskParams(raw.quote, vd, tuple(prices), tuple(tiers), tuple(names), tuple(qd), tuple(marks),
                      tuple(rates), tuple(arrays), raw.scenarios, raw)

