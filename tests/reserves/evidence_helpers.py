"""Holdings with balance evidence, and signed price snapshots, for tests (throw-away keys
derived from labels: never real keys)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from solvent.formulas.eip191 import sign_text
from solvent.inputs.prices import report_message
from solvent.inputs.reserves.custody import holding_message
from solvent.inputs.reserves.signing import ethereum_address

from .helpers import EPOCH, INSTITUTION, SNAPSHOT, eth_holding, throwaway_key

FIXTURE: dict[str, Any] = json.loads((Path(__file__).parent / "fixtures" / "eth_state.json").read_text())
TOKEN = FIXTURE["token"]
BLOCKS = FIXTURE["blocks"]
HOLDERS = FIXTURE["holders"]


def fixture_proof(label: str, what: str, block: int = 0) -> dict[str, Any]:
    """The fixture's eth_getProof response for holder ``label`` ("eth" or "token") at block index ``block``."""
    return copy.deepcopy(FIXTURE["proofs"][str(BLOCKS[block]["number"])][HOLDERS[label]][what])


def proven_balance(label: str, what: str, block: int = 0) -> str:
    """The balance the fixture proves, as a decimal in the asset's units (ETH 18, token 6 decimals)."""
    from decimal import Decimal

    p = fixture_proof(label, what, block)
    raw = int(p["balance"], 16) if what == "eth" else int(p["storageProof"][0]["value"], 16)
    text = f"{Decimal(raw).scaleb(-(18 if what == 'eth' else TOKEN['decimals'])):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def state_proof_holding(label: str, what: str, *, block: int = 0, proof_block: int | None = None,
                        proof_of: str | None = None, balance: str | None = None, asset: str | None = None) -> dict:
    """A holding at ``label``'s address backed by the fixture's proof (of ``proof_of``'s
    account, taken at ``proof_block``), checked against block ``block``."""
    asset = asset or ("ETH" if what == "eth" else "USDT")
    pb = block if proof_block is None else proof_block
    h = eth_holding(label, asset, balance or proven_balance(label, what, block))
    h["as_of"] = {"block": BLOCKS[block]["number"], "time": SNAPSHOT}
    h["evidence"] = {"kind": "eth_state_proof", "block_hash": BLOCKS[block]["hash"],
                     "proof": fixture_proof(proof_of or label, what, pb)}
    if what == "token":
        h["evidence"]["token"] = dict(TOKEN)
    return h


def custodian_holding(label: str, asset: str, balance: str, custodian: str = "vault", *, signer: str | None = None,
                      epoch: int = EPOCH, stated_balance: str | None = None) -> dict:
    """A holding whose balance ``custodian``'s key states (signed by ``signer``'s key,
    for ``epoch`` and ``stated_balance`` — by default the same)."""
    h = eth_holding(label, asset, balance)
    msg = holding_message(INSTITUTION, epoch, SNAPSHOT, "ethereum", h["address"], asset, stated_balance or balance)
    h["evidence"] = {"kind": "custodian_statement", "custodian": ethereum_address(throwaway_key(custodian)),
                     "name": f"{custodian} custody", "message": msg,
                     "signature": sign_text(throwaway_key(signer or custodian), msg)}
    return h


def eth_blocks(*indexes: int) -> list[dict]:
    return [dict(BLOCKS[i]) for i in indexes]


def oracle_report(source: str, asset: str, price: str, timestamp: str = SNAPSHOT, quote: str = "USD",
                  signer: str | None = None) -> dict:
    msg = report_message(asset, price, quote, timestamp)
    return {"source": source, "key": ethereum_address(throwaway_key(f"oracle {source}")), "price": price,
            "timestamp": timestamp, "signature": sign_text(throwaway_key(f"oracle {signer or source}"), msg)}


def oracle_address(source: str) -> str:
    return ethereum_address(throwaway_key(f"oracle {source}"))


def price_snapshot(prices: dict[str, list[str]], *, quote: str = "USD", min_sources: int = 3, max_age: int = 300,
                   max_spread_bps: int = 200, bands: dict[str, tuple[str, str]] | None = None) -> dict:
    """Reports from sources ``src-0``, ``src-1``, … for each asset's listed prices."""
    bands = bands or {}
    return {"version": "solvent.prices/1", "quote": quote,
            "rules": {"min_sources": min_sources, "max_age_seconds": max_age, "max_spread_bps": max_spread_bps},
            "assets": {a: {"min_price": bands.get(a, ("0.000001", "100000000"))[0],
                           "max_price": bands.get(a, ("0.000001", "100000000"))[1],
                           "reports": [oracle_report(f"src-{i}", a, p, quote=quote) for i, p in enumerate(ps)]}
                       for a, ps in prices.items()}}
