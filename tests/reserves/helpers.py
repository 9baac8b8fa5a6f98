"""Reserves files for tests, signed with throw-away keys derived from a label (never real
keys: anyone can recompute them from this file)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from solvent.inputs.reserves import ownership_message
from solvent.inputs.reserves.signing import bitcoin_address, ethereum_address, sign_bitcoin, sign_ethereum

INSTITUTION, EPOCH, SNAPSHOT = "Test Exchange", 7, "2026-11-21T00:00:00Z"
SELF_REPORTED = {"kind": "self_reported"}
BTC_KINDS = ("p2pkh-uncompressed", "p2pkh-compressed", "p2sh-p2wpkh", "p2wpkh")


def throwaway_key(label: str) -> bytes:
    return hashlib.sha256(b"solvent test key: " + label.encode()).digest()


def eth_holding(label: str, asset: str, balance: str, *, institution: str = INSTITUTION, epoch: int = EPOCH,
                snapshot: str = SNAPSHOT, signer: str | None = None) -> dict[str, Any]:
    """A holding at the address of ``label``'s key, signed by ``signer``'s key (default:
    the same) over the ownership message of (institution, epoch, snapshot)."""
    address = ethereum_address(throwaway_key(label))
    message = ownership_message(institution, epoch, snapshot, "ethereum", address)
    return {"chain": "ethereum", "address": address, "asset": asset, "balance": balance,
            "as_of": {"block": 21_000_000, "time": SNAPSHOT}, "source": "test node",
            "ownership": {"scheme": "eip191", "message": message,
                          "signature": sign_ethereum(throwaway_key(signer or label), message)},
            "evidence": dict(SELF_REPORTED)}


def btc_holding(label: str, kind: str, balance: str, *, institution: str = INSTITUTION, epoch: int = EPOCH,
                snapshot: str = SNAPSHOT, signer: str | None = None, sign_as: str | None = None) -> dict[str, Any]:
    address = bitcoin_address(throwaway_key(label), kind)  # type: ignore[arg-type]
    message = ownership_message(institution, epoch, snapshot, "bitcoin", address)
    return {"chain": "bitcoin", "address": address, "asset": "BTC", "balance": balance,
            "as_of": {"block": 870_000}, "source": "test node",
            "ownership": {"scheme": "bip137", "message": message,
                          "signature": sign_bitcoin(throwaway_key(signer or label), message, sign_as or kind)},  # type: ignore[arg-type]
            "evidence": dict(SELF_REPORTED)}


def valid_holdings() -> list[dict[str, Any]]:
    """One Ethereum address holding USDT and one of each Bitcoin address kind."""
    return [eth_holding("eth-hot", "USDT", "2500000.25"),
            *(btc_holding(f"btc-{k}", k, f"{i + 1}.5") for i, k in enumerate(BTC_KINDS))]


def reserves_doc(holdings: list[dict[str, Any]]) -> dict[str, Any]:
    return {"version": "solvent.reserves/1", "holdings": holdings}


def write_reserves(path: Path, holdings: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(reserves_doc(holdings), indent=1))
    return path
