"""Risk parameters whose prices come from a checked price snapshot.

``solvent prove --prices FILE``: the snapshot's medians become the risk parameters'
``prices`` (the risk file may omit them; if it lists them they must be the medians, so
there is one source of each price). The attestation's risk section then carries the
snapshot, and ``solvent verify`` recomputes every median from it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..errors import InputError
from ..params import RiskParamsFile
from .check import PriceCheck
from .models import PriceSnapshot


def differences(prices: dict[str, str], medians: dict[str, str]) -> list[str]:
    """Assets whose price is not the snapshot's median (exact decimal comparison)."""
    out = [f"{s}: {prices.get(s, 'missing')} is not the median {m}" for s, m in sorted(medians.items())
           if s not in prices or Decimal(prices[s]) != Decimal(m)]
    return out + [f"{s}: priced {prices[s]} but the snapshot has no reports for it"
                  for s in sorted(set(prices) - set(medians))]


def with_snapshot_prices(raw: RiskParamsFile, snap: PriceSnapshot, check: PriceCheck, path: Path) -> RiskParamsFile:
    """``raw`` with its prices taken from the (already checked) snapshot's medians."""
    if snap.quote != raw.quote:
        raise InputError(path, f"the risk parameters quote {raw.quote}, the price snapshot {snap.source} quotes "
                               f"{snap.quote}", field="quote")
    if raw.prices:
        diff = differences(dict(raw.prices), check.medians)
        if diff:
            raise InputError(path, "with --prices, prices come from the snapshot; the risk file lists others ("
                             + "; ".join(diff) + "): drop its prices or make them the medians", field="prices")
    return raw.model_copy(update={"prices": check.medians})
