"""Checking a price snapshot against an attestation's snapshot time, and its medians.

Per asset, in this order (the first failure is reported):

1. at least ``rules.min_sources`` reports;
2. every report's EIP-191 signature recovers to the report's key over
   ``report_message(asset, price, quote, timestamp)``; with pinned oracles
   (``--oracle``) every key must be one of them;
3. every timestamp within ``rules.max_age_seconds`` of the snapshot time (either side);
4. ``0 < min_price ≤ price ≤ max_price`` for every report (zero, negative and absurd
   prices are refused);
5. spread: ``(max − min) × 10^4 ≤ rules.max_spread_bps × median``.

The median of n sorted prices is the middle one for odd n and, for even n, the exact mean
of the two middle ones (a decimal: halving a decimal never needs rounding). All arithmetic
is on ``Decimal`` values made exact (no float, no rounding).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, localcontext

from ...errors import SolventError
from ...formulas.eip191 import signed_by
from ..pins import Pins
from .message import report_message
from .models import PriceSnapshot


class PriceError(SolventError, ValueError):
    """A snapshot that fails its checks (raised by ``require_snapshot``)."""


@dataclass(frozen=True)
class AssetPrice:
    asset: str
    ok: bool
    detail: str
    median: str | None
    """Canonical decimal (quote per whole unit), None when the checks failed."""
    sources: tuple[str, ...]
    keys: tuple[str, ...]


@dataclass(frozen=True)
class PriceCheck:
    assets: tuple[AssetPrice, ...]
    caveats: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return all(a.ok for a in self.assets)

    @property
    def medians(self) -> dict[str, str]:
        return {a.asset: a.median for a in self.assets if a.median is not None}

    @property
    def errors(self) -> list[str]:
        return [f"{a.asset}: {a.detail}" for a in self.assets if not a.ok]


def canonical(d: Decimal) -> str:
    """A Decimal as the canonical text of the price pattern (no exponent, no trailing zero)."""
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def median(prices: list[str]) -> str:
    """The median, exact: the middle price, or the mean of the two middle ones."""
    values = sorted(Decimal(p) for p in prices)
    n = len(values)
    if n == 0:
        raise ValueError("the median of no prices")
    if n % 2:
        return canonical(values[n // 2])
    with localcontext() as ctx:
        ctx.prec = 200  # (a + b) / 2 of two exact decimals is exact with this many digits
        return canonical((values[n // 2 - 1] + values[n // 2]) / 2)


def _seconds(timestamp: str) -> int:
    return int(datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def _check_asset(snap: PriceSnapshot, symbol: str, snapshot_time: str, pins: Pins) -> AssetPrice:
    entry, rules = snap.assets[symbol], snap.rules
    sources = tuple(r.source for r in entry.reports)
    keys = tuple(r.key for r in entry.reports)

    def fail(why: str) -> AssetPrice:
        return AssetPrice(symbol, False, why, None, sources, keys)

    if len(entry.reports) < rules.min_sources:
        return fail(f"{len(entry.reports)} reports, the rules ask at least {rules.min_sources} sources")
    for r in entry.reports:
        problem = signed_by(report_message(symbol, r.price, snap.quote, r.timestamp), r.signature, r.key)
        if problem is not None:
            return fail(f"report of {r.source!r}: {problem}")
        if pins.oracles and r.key.lower() not in pins.oracles:
            return fail(f"report of {r.source!r} is signed by {r.key}, not a pinned oracle (--oracle)")
    now = _seconds(snapshot_time)
    for r in entry.reports:
        age = now - _seconds(r.timestamp)
        if abs(age) > rules.max_age_seconds:
            when = f"{age} s before" if age > 0 else f"{-age} s after"
            return fail(f"report of {r.source!r} at {r.timestamp} is {when} the snapshot {snapshot_time}: "
                        f"stale (rules allow {rules.max_age_seconds} s)")
    lo, hi = Decimal(entry.min_price), Decimal(entry.max_price)
    if lo <= 0 or hi < lo:
        return fail(f"sanity band [{entry.min_price}, {entry.max_price}] must have 0 < min_price ≤ max_price")
    for r in entry.reports:
        if not lo <= Decimal(r.price) <= hi:
            return fail(f"report of {r.source!r}: price {r.price} {snap.quote} is outside the sanity band "
                        f"[{entry.min_price}, {entry.max_price}] (zero or absurd)")
    m = median([r.price for r in entry.reports])
    prices = [Decimal(r.price) for r in entry.reports]
    spread = max(prices) - min(prices)
    if spread * 10_000 > rules.max_spread_bps * Decimal(m):
        return fail(f"sources disagree by {canonical(spread)} {snap.quote} ({min(prices)} to {max(prices)}), more "
                    f"than {rules.max_spread_bps} bps of the median {m}")
    return AssetPrice(symbol, True, f"median {m} {snap.quote} of {len(prices)} signed reports "
                                    f"({', '.join(sources)})", m, sources, keys)


def check_snapshot(snap: PriceSnapshot, snapshot_time: str, pins: Pins | None = None,
                   assets: list[str] | None = None) -> PriceCheck:
    """Every asset's checks; with ``assets``, the snapshot must price exactly those."""
    pins = pins or Pins()
    results = [_check_asset(snap, s, snapshot_time, pins) for s in sorted(snap.assets)]
    if assets is not None:
        missing = sorted(set(assets) - set(snap.assets))
        extra = sorted(set(snap.assets) - set(assets))
        results += [AssetPrice(s, False, "the snapshot has no reports for this asset", None, (), ()) for s in missing]
        results += [AssetPrice(s, False, "not an asset of the attestation", None, (), ()) for s in extra]
    caveats = () if pins.oracles else (
        "oracle keys are named by the institution: pin them with --oracle ADDRESS if you know they are the "
        f"sources' ({', '.join(sorted({k for a in results for k in a.keys}))})",)
    return PriceCheck(tuple(results), caveats)


def require_snapshot(snap: PriceSnapshot, snapshot_time: str, assets: list[str] | None = None) -> PriceCheck:
    """``check_snapshot`` that raises PriceError naming the file and every failing asset."""
    result = check_snapshot(snap, snapshot_time, assets=assets)
    if not result.ok:
        raise PriceError(f"{snap.source}: " + "; ".join(result.errors))
    return result
