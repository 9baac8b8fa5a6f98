"""Risk parameters and small books with debt and positions for tests."""

from __future__ import annotations

import json

from solvent.circuits.shape import BookShape
from solvent.inputs.accounts import AccountBook
from solvent.inputs.assets import Asset
from solvent.inputs.evaluate import prepare
from solvent.inputs.params import RiskParamsFile, from_file

ASSETS = [Asset("BTC", 8), Asset("USDT", 6)]
# Futures: long one contract loses when the price falls. The option (a short call, quoted
# per contract) loses most at +2/3 of the range with volatility up, not at the largest move.
PERP = ["0", "0", "-3250", "-3250", "3250", "3250", "-6500", "-6500", "6500", "6500",
        "-9750", "-9750", "9750", "9750", "-3217.5", "3217.5"]
CALL = ["0", "400", "1500", "1900", "-800", "-500", "2600", "3200", "-1200", "-900",
        "2400", "3000", "-1300", "-1000", "900", "-400"]
RISK = {
    "version": "solvent.risk/1", "quote": "USD", "value_decimals": 8,
    "prices": {"BTC": "65000", "USDT": "1"},
    "collateral_tiers": {
        "BTC": [{"up_to": "100000000", "ratio": "100"}, {"up_to": "200000000", "ratio": "97.5"},
                {"up_to": None, "ratio": "90"}],
        "USDT": [{"up_to": None, "ratio": "100"}],
    },
    "instruments": {
        "BTC-PERP": {"kind": "future", "underlying": "BTC", "quantity_decimals": 4, "mark_price": "65000",
                     "maintenance_rate": "5", "risk_array": PERP},
        "BTC-C-70000": {"kind": "option", "underlying": "BTC", "quantity_decimals": 2, "mark_price": "1200",
                        "maintenance_rate": "0", "risk_array": CALL},
    },
    "scenarios": 16,
}


def risk_params(overrides: dict | None = None, margin: bool = True):
    raw = json.loads(json.dumps(RISK))
    if not margin:
        raw["instruments"] = {}
    raw.update(overrides or {})
    return from_file(RiskParamsFile.model_validate(raw), ASSETS)


def risk_book(n: int = 6) -> AccountBook:
    """Accounts with collateral, debt and positions; account 1 is under-collateralized,
    account 2 adequately collateralized but under-margined (a large short option)."""
    book = AccountBook(assets=list(ASSETS), range_bits=64, debt=True)
    book.positions = []
    rows = [  # (equity, debt, {instrument: quantity in smallest units})
        ([150_000_000, 10_000_000_000], [0, 50_000_000_000], {"BTC-PERP": 10_000}),  # long 1 perp
        ([10_000_000, 0], [0, 9_000_000_000], {}),           # 0.1 BTC (6.5k USD) vs 9k USDT debt: short
        ([100_000_000, 0], [0, 60_000_000_000], {"BTC-C-70000": -5_000}),  # 1 BTC vs 60k debt, short 50 calls
        ([0, 0], [0, 0], {}),
        ([200_000_000_000, 0], [0, 0], {"BTC-PERP": -20_000}),  # 2,000 BTC: 130M USD crosses a tier
        ([0, 123_456_789], [0, 0], {"BTC-C-70000": 300}),       # long 3 calls
    ]
    instruments = sorted(RISK["instruments"])
    for i in range(n):
        eq, de, q = rows[i % len(rows)]
        book.add_account(f"trader-{i:03d}", eq, de)
        book.positions.append([q.get(name, 0) for name in instruments])
    return book


def risk_shape(margin: bool = True, batch_size: int = 4, capacity: int = 4) -> tuple[BookShape, object]:
    setup = prepare(risk_params(margin=margin))
    return BookShape(n_assets=2, batch_size=batch_size, capacity=capacity, with_debt=True, risk=setup.shape()), setup
