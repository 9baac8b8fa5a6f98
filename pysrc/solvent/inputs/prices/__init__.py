"""Signed oracle price snapshots (``solvent.prices/1``, ``docs/prices.md``): per asset,
reports from several named sources, each an EIP-191 signature over (asset, price, quote,
timestamp); the published price is their median, checked against the file's rules."""

from .check import AssetPrice, PriceCheck, PriceError, check_snapshot, median, require_snapshot
from .message import report_message
from .models import VERSION, PriceSnapshot, load_snapshot, parse_snapshot

__all__ = ["VERSION", "AssetPrice", "PriceCheck", "PriceError", "PriceSnapshot", "check_snapshot", "load_snapshot",
           "median", "parse_snapshot", "report_message", "require_snapshot"]
