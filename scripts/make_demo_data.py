"""Regenerates the demo's bundled inputs (pysrc/solvent/data/demo/): a fictitious exchange
with 500 customers over four assets, some borrowing USDT against their coins and some
holding futures and options; its risk parameters; a price snapshot signed by three
oracle sources; and a reserves file whose every address signs ownership, with each kind
of balance evidence (self-reported, an Ethereum state proof, a custodian's statement) and
an insurance fund. Deterministic (seeded); the output is committed.

Every key here is an INSECURE demo key: sha256 of a public label, so anyone can sign
with it. They make the demo's signatures real, not its evidence trustworthy:
`solvent verify` prints oracle and custodian keys as the institution's choice unless
pinned, as for any attestation.

    .venv/bin/python scripts/make_demo_data.py
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "pysrc" / "solvent" / "data" / "demo"

from solvent.cli.demo import EPOCH, INSTITUTION, SNAPSHOT  # noqa: E402  (what every signature here is bound to)
from solvent.cli.demo import demo_secret as demo_key  # noqa: E402  (an INSECURE key: sha256 of a public label)
from solvent.formulas.amounts import format_amount  # noqa: E402
from solvent.formulas.eip191 import sign_text  # noqa: E402
from solvent.inputs.accounts import read_accounts  # noqa: E402
from solvent.inputs.assets import read_assets  # noqa: E402
from solvent.inputs.evaluate import evaluate, prepare  # noqa: E402
from solvent.inputs.params import load_risk_params  # noqa: E402
from solvent.inputs.positions import read_positions  # noqa: E402
from solvent.inputs.prices import report_message  # noqa: E402
from solvent.inputs.reserves.custody import holding_message  # noqa: E402
from solvent.inputs.reserves.message import ownership_message  # noqa: E402
from solvent.inputs.reserves.signing import ethereum_address  # noqa: E402

N_CUSTOMERS = 500
ASSETS = [("BTC", 8, 0.05), ("ETH", 18, 1.5), ("USDT", 6, 2_000.0), ("SOL", 9, 40.0)]
"""ETH at its native 18 decimals (wei): the book needs 96-bit balances, chosen automatically."""
PRICES = {"BTC": ("65000", "64990", "65012.5"), "ETH": ("3010", "3000", "3020"), "USDT": ("1", "0.9998", "1.0001"),
          "SOL": ("150.5", "150.25", "150.75")}
"""Each oracle source's report (USD per whole unit); the published price is the median."""
ORACLES = ("Demo Oracle A", "Demo Oracle B", "Demo Oracle C")
ETH_FIXTURE = ROOT / "tests" / "reserves" / "fixtures" / "eth_state.json"
"""A real eth_getProof of 12.34567890123456789 ETH at a throw-away address, against a
block of the test chain tests/reserves/make_eth_fixture.py builds (its key: the tests'
throw-away key "eth-hot")."""

PERP = ["0", "0", "-3250", "-3250", "3250", "3250", "-6500", "-6500", "6500", "6500",
        "-9750", "-9750", "9750", "9750", "-3217.5", "3217.5"]
CALL = ["0", "400", "1500", "1900", "-800", "-500", "2600", "3200", "-1200", "-900",
        "2400", "3000", "-1300", "-1000", "900", "-400"]
RISK = {
    "version": "solvent.risk/1", "quote": "USD", "value_decimals": 18,
    "collateral_tiers": {
        "BTC": [{"up_to": "1000000", "ratio": "95"}, {"up_to": None, "ratio": "90"}],
        "ETH": [{"up_to": "1000000", "ratio": "92.5"}, {"up_to": None, "ratio": "85"}],
        "USDT": [{"up_to": None, "ratio": "100"}],
        "SOL": [{"up_to": "100000", "ratio": "80"}, {"up_to": None, "ratio": "70"}],
    },
    "instruments": {
        "BTC-PERP": {"kind": "future", "underlying": "BTC", "quantity_decimals": 4, "mark_price": "65000",
                     "maintenance_rate": "5", "risk_array": PERP},
        "BTC-C-70000": {"kind": "option", "underlying": "BTC", "quantity_decimals": 4, "mark_price": "1200",
                        "maintenance_rate": "0", "risk_array": CALL},
    },
    "scenarios": 16,
}


def tests_key(label: str) -> bytes:
    """The tests' throw-away key of ``label`` (tests/reserves/helpers.py), behind the ETH fixture."""
    return hashlib.sha256(b"solvent test key: " + label.encode()).digest()


def _decimal(units: int, decimals: int) -> str:
    return format_amount(units, decimals)


def write_book(rnd: random.Random, out: Path) -> None:
    with open(out / "assets.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["symbol", "decimals"])
        w.writerows((s, d) for s, d, _ in ASSETS)
    prices = {"BTC": 65000, "ETH": 3010, "USDT": 1, "SOL": 150.5}
    with open(out / "accounts.csv", "w", newline="") as f, open(out / "positions.csv", "w", newline="") as p:
        w, wp = csv.writer(f, lineterminator="\n"), csv.writer(p, lineterminator="\n")
        w.writerow(["account_id", "asset", "balance", "debt"])
        wp.writerow(["account_id", "instrument", "quantity"])
        for i in range(N_CUSTOMERS):
            account = f"customer-{i:05d}@example.com"
            held = [a for a in ASSETS if rnd.random() < 0.6] or [rnd.choice(ASSETS)]
            coins = {s: int(rnd.lognormvariate(0, 1.6) * scale * 10**d) for s, d, scale in held}
            debt = 0
            if rnd.random() < 0.15 and any(s != "USDT" for s in coins):
                value = sum(coins[s] / 10**d * prices[s] for s, d, _ in ASSETS if s in coins and s != "USDT")
                # most borrowers stay well inside their haircut collateral; every tenth does not
                ratio = rnd.uniform(1.0, 1.6) if i % 10 == 3 else rnd.uniform(0.1, 0.6)
                debt = int(value * ratio * 10**6)
                coins.pop("USDT", None)  # a borrower holds no USDT of its own
            for symbol, decimals, _ in ASSETS:
                if symbol in coins or (symbol == "USDT" and debt):
                    w.writerow([account, symbol, _decimal(coins.get(symbol, 0), decimals),
                                _decimal(debt, 6) if symbol == "USDT" else "0"])
            if rnd.random() < 0.1:
                wp.writerow([account, "BTC-PERP", f"{rnd.choice((-1, 1)) * rnd.randint(1, 40) / 100:.2f}"])
            if i % 50 == 7:  # a few traders wrote calls: the largest exceed their margin
                wp.writerow([account, "BTC-C-70000", f"-{rnd.randint(1, 30)}"])
    (out / "risk.json").write_text(json.dumps(RISK, indent=1) + "\n")


def oracle_report(source: str, asset: str, price: str) -> dict:
    key = demo_key(f"oracle {source}")
    return {"source": source, "key": ethereum_address(key), "price": price, "timestamp": SNAPSHOT,
            "signature": sign_text(key, report_message(asset, price, "USD", SNAPSHOT))}


def write_prices(out: Path) -> None:
    snap = {"version": "solvent.prices/1", "quote": "USD",
            "rules": {"min_sources": 3, "max_age_seconds": 300, "max_spread_bps": 200},
            "assets": {a: {"min_price": "0.01", "max_price": "10000000",
                           "reports": [oracle_report(s, a, p) for s, p in zip(ORACLES, PRICES[a], strict=True)]}
                       for a in PRICES}}
    (out / "prices.json").write_text(json.dumps(snap, indent=1) + "\n")


def _holding(key: bytes, asset: str, balance: str, source: str, purpose: str = "reserves") -> dict:
    address = ethereum_address(key)
    msg = ownership_message(INSTITUTION, EPOCH, SNAPSHOT, "ethereum", address)
    h = {"chain": "ethereum", "address": address, "asset": asset, "balance": balance, "as_of": {"time": SNAPSHOT},
         "source": source, "ownership": {"scheme": "eip191", "message": msg, "signature": sign_text(key, msg)},
         "evidence": {"kind": "self_reported"}}
    if purpose != "reserves":
        h["purpose"] = purpose
    return h


def _custodian(h: dict, name: str) -> dict:
    key = demo_key(f"custodian {name}")
    msg = holding_message(INSTITUTION, EPOCH, SNAPSHOT, "ethereum", h["address"], h["asset"], h["balance"])
    h["evidence"] = {"kind": "custodian_statement", "custodian": ethereum_address(key), "name": name,
                     "message": msg, "signature": sign_text(key, msg)}
    return h


def _state_proven_eth() -> tuple[dict, dict]:
    """The fixture's proven ETH holding and its block, ownership signed for the demo."""
    fixture = json.loads(ETH_FIXTURE.read_text())
    block = fixture["blocks"][0]
    address = fixture["holders"]["eth-hot"]
    proof = fixture["proofs"][str(block["number"])][address]["eth"]
    balance = f"{Decimal(int(proof['balance'], 16)).scaleb(-18):f}".rstrip("0").rstrip(".")
    h = _holding(tests_key("eth-hot"), "ETH", balance, "archive node, eth_getProof")
    assert h["address"] == address
    h["as_of"] = {"block": block["number"], "time": SNAPSHOT}
    h["evidence"] = {"kind": "eth_state_proof", "block_hash": block["hash"], "proof": proof}
    return h, {k: block[k] for k in ("number", "hash", "header_rlp")}


def write_reserves(out: Path) -> None:
    """Reserves of 104–130 % of each asset's customer equity (so every asset is covered
    whatever debt nets), and an insurance fund of twice the larger shortfall."""
    assets = read_assets(out / "assets.csv")
    book = read_accounts(out / "accounts.csv", assets, range_bits=96)
    setup = prepare(load_risk_params(_priced_risk(), assets), range_bits=96)
    read_positions(out / "positions.csv", book, setup.params)
    results = [evaluate(book, setup, i) for i in range(book.size)]
    short_c = sum(r.outcome[1] for r in results)
    short_m = sum(r.outcome[3] for r in results)
    print(f"{sum(r.outcome[0] for r in results)} under-collateralized, {sum(r.outcome[2] for r in results)} "
          f"under-margined; shortfalls ×10^4 value units {short_c:,} / {short_m:,}")
    equity, _ = book.totals()
    btc_price = setup.params.prices[0]  # value units per satoshi
    fund_sats = -(-2 * max(short_c, short_m) // (10_000 * btc_price))
    eth_proven, block = _state_proven_eth()
    holdings = []
    for k, a in enumerate(assets):
        target = equity[k] * (104 + 7 * k) // 100
        if a.symbol == "ETH":
            proven = int(Decimal(eth_proven["balance"]).scaleb(18))
            holdings.append(eth_proven)
            rest = target - proven
            holdings.append(_holding(demo_key("reserve ETH cold"), "ETH", _decimal(rest, 18), "own node, eth_getBalance"))
        elif a.symbol == "BTC":
            # the demo keeps to Ethereum addresses: wrapped BTC held by a custodian who signs the balance
            holdings.append(_custodian(_holding(demo_key("reserve BTC vault"), "BTC", _decimal(target, a.decimals),
                                                "custodian statement"), "Demo Vault Co"))
        else:
            holdings.append(_holding(demo_key(f"reserve {a.symbol} hot"), a.symbol, _decimal(target, a.decimals),
                                     "own node"))
    holdings.append(_holding(demo_key("insurance fund BTC"), "BTC", _decimal(fund_sats, 8), "own node", "insurance"))
    doc = {"version": "solvent.reserves/1", "eth_blocks": [block], "holdings": holdings}
    (out / "reserves.json").write_text(json.dumps(doc, indent=1) + "\n")


def _priced_risk() -> Path:
    """The risk parameters with the snapshot's medians, for sizing the insurance fund."""
    import tempfile

    raw = json.loads(json.dumps(RISK))
    raw["prices"] = {a: str(sorted(PRICES[a], key=Decimal)[1]) for a in PRICES}
    path = Path(tempfile.mkdtemp()) / "risk.json"
    path.write_text(json.dumps(raw))
    return path


def main(out: Path = DATA, seed: int = 2026) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_book(random.Random(seed), out)
    write_prices(out)
    write_reserves(out)


if __name__ == "__main__":
    main()
