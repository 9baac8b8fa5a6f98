"""Proof of reserves, public side: the reserves snapshot file (holdings at addresses the
institution proves it controls) and the checks on it. See ``docs/reserves.md``."""

from .message import canonical_address, ownership_message
from .models import VERSION, Holding, Reserves, ReservesError, load_reserves, parse_reserves
from .ownership import OwnershipError, OwnershipResult, require_ownership, verify_ownership
from .totals import reserves_per_asset

__all__ = [
    "VERSION", "Holding", "OwnershipError", "OwnershipResult", "Reserves", "ReservesError", "canonical_address",
    "load_reserves", "ownership_message", "parse_reserves", "require_ownership", "reserves_per_asset",
    "verify_ownership",
]
