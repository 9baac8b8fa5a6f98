"""A hand-computed book: two assets (BTC with 8 decimals, ETH with 18), debt, one
under-collateralized debtor, one under-margined trader, an insurance fund — every figure
the proofs commit to worked out by hand below (USD, prices BTC 60,000 and ETH 3,000).

  account  equity               debt      collateral C (after haircut)       debt D   outcome
  alice    2 BTC, 1,000 ETH     —         120,000 + 2,700,000 = 2,820,000    0        fine
  bob      1 BTC                5 ETH     60,000                             15,000   covered: 5 ETH nets
  carol    2 ETH                0.2 BTC   5,400 (ETH at 90 %)                12,000   under-collateralized by 6,600;
                                                                                      C − D = −6,600 < 0: under-margined by 6,600
  dave     1 ETH, short 10 ETH-PERP       2,700                              0        requirement max(scan 6,000,
                                                                                      floor 10·3,000·10 % = 3,000) = 6,000:
                                                                                      under-margined by 3,300
  erin     0.5 BTC              —         30,000                             0        fine

  under-collateralized: 1 account, shortfall 6,600 USD
  under-margined:       2 accounts (carol, dave), shortfall 9,900 USD
  BTC: equity 3.5, debt 0.2, of which nets 0 (carol is not covered)  → net liabilities 3.5
  ETH: equity 1,003, debt 5, of which nets 5 (bob is covered)        → net liabilities 998
  insurance fund: 0.2 BTC = 12,000 USD ≥ max(6,600, 9,900): covered

1,000 ETH is 10^21 wei ≥ 2^64: with no width given the book is proven with 96-bit balances.
"""

from __future__ import annotations

import json
from pathlib import Path

from solvent.inputs.reserves.message import ownership_message
from solvent.inputs.reserves.signing import ethereum_address, sign_ethereum

INSTITUTION, EPOCH, SNAPSHOT = "Hand Exchange", 5, "2026-11-21T00:00:00Z"
ASSETS = "symbol,decimals\nBTC,8\nETH,18\n"
ACCOUNTS = ("account_id,asset,balance,debt\n"
            "alice,BTC,2,0\nalice,ETH,1000,0\n"
            "bob,BTC,1,0\nbob,ETH,0,5\n"
            "carol,ETH,2,0\ncarol,BTC,0,0.2\n"
            "dave,ETH,1,0\n"
            "erin,BTC,0.5,0\n")
POSITIONS = "account_id,instrument,quantity\ndave,ETH-PERP,-10\n"
# loss per long contract: unchanged, then ±1/3, ±2/3, ±3/3 of a 600 USD range (price up: a
# long gains), each with volatility up and down, then the two extreme moves at a fraction
PERP = ["0", "0", "-200", "-200", "200", "200", "-400", "-400", "400", "400",
        "-600", "-600", "600", "600", "-594", "594"]
RISK = {
    "version": "solvent.risk/1", "quote": "USD", "value_decimals": 18,
    "prices": {"BTC": "60000", "ETH": "3000"},
    "collateral_tiers": {"BTC": [{"up_to": None, "ratio": "100"}], "ETH": [{"up_to": None, "ratio": "90"}]},
    "instruments": {"ETH-PERP": {"kind": "future", "underlying": "ETH", "quantity_decimals": 4,
                                 "mark_price": "3000", "maintenance_rate": "10", "risk_array": PERP}},
    "scenarios": 16,
}

# what the test asserts, by hand
UNDER_COLLATERALIZED, COLLATERAL_SHORTFALL = 1, "6600"
UNDER_MARGINED, MARGIN_SHORTFALL = 2, "9900"
EQUITY = {"BTC": "3.5", "ETH": "1003"}
DEBT = {"BTC": "0.2", "ETH": "5"}
NETTED = {"BTC": "0", "ETH": "5"}
NET_LIABILITIES = {"BTC": "3.5", "ETH": "998"}
FUND_USD = "12000"


def holding(key: bytes, asset: str, balance: str, purpose: str | None = None,
            institution: str = INSTITUTION, epoch: int = EPOCH, snapshot: str = SNAPSHOT) -> dict:
    address = ethereum_address(key)
    msg = ownership_message(institution, epoch, snapshot, "ethereum", address)
    h = {"chain": "ethereum", "address": address, "asset": asset, "balance": balance,
         "as_of": {"time": snapshot}, "source": "test node",
         "ownership": {"scheme": "eip191", "message": msg, "signature": sign_ethereum(key, msg)},
         "evidence": {"kind": "self_reported"}}
    if purpose:
        h["purpose"] = purpose
    return h


def reserves(btc: str = "3.5", eth: str = "998", fund_btc: str | None = "0.2") -> dict:
    """Customer-backing reserves at two addresses and (unless None) the insurance fund at a third."""
    holdings = [holding(b"\x01" * 32, "BTC", btc), holding(b"\x02" * 32, "ETH", eth)]
    if fund_btc is not None:
        holdings.append(holding(b"\x03" * 32, "BTC", fund_btc, "insurance"))
    return {"version": "solvent.reserves/1", "holdings": holdings}


def write_files(d: Path, accounts: str = ACCOUNTS, reserves_doc: dict | None = None) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (d / "assets.csv").write_text(ASSETS)
    (d / "accounts.csv").write_text(accounts)
    (d / "positions.csv").write_text(POSITIONS)
    (d / "risk.json").write_text(json.dumps(RISK))
    (d / "reserves.json").write_text(json.dumps(reserves_doc if reserves_doc is not None else reserves()))
    return d


def prove_args(d: Path, out: Path, *extra, statements: str = "liabilities,collateral,margin,solvency") -> list:
    args = ["prove", "--accounts", d / "accounts.csv", "--assets", d / "assets.csv", "--out", out,
            "--institution", INSTITUTION, "--epoch", EPOCH, "--snapshot-time", SNAPSHOT, "--batch-size", 4,
            "--statements", statements, "--risk", d / "risk.json"]
    if "margin" in statements:
        args += ["--positions", d / "positions.csv"]
    if "solvency" in statements:
        args += ["--reserves", d / "reserves.json"]
    return [str(a) for a in [*args, *extra]]
