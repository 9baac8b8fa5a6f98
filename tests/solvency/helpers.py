"""A signed reserves document (solvent.reserves/1) for given per-asset amounts."""

from solvent.book import format_amount
from solvent.reserves.message import ownership_message
from solvent.reserves.signing import ethereum_address, sign_ethereum

DECIMALS = {"BTC": 8, "USDT": 6}


def signed_reserves(units: dict[str, int], institution: str, epoch: int, snapshot: str) -> dict:
    holdings = []
    for k, (symbol, amount) in enumerate(sorted(units.items()), start=1):
        key = bytes([k]) * 32
        address = ethereum_address(key)
        msg = ownership_message(institution, epoch, snapshot, "ethereum", address)
        holdings.append({"chain": "ethereum", "address": address, "asset": symbol,
                         "balance": format_amount(amount, DECIMALS[symbol]), "as_of": {"time": snapshot},
                         "source": "test", "ownership": {"scheme": "eip191", "message": msg,
                                                         "signature": sign_ethereum(key, msg)}})
    return {"version": "solvent.reserves/1", "holdings": holdings}
