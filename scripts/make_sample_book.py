"""Regenerates solvent's bundled sample book (pysrc/solvent/data): a fictitious exchange
with 2,500 customers over four assets. Deterministic (seeded); the output is committed.

    python scripts/make_sample_book.py
"""

import csv
import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "pysrc" / "solvent" / "data"
ASSETS = [("BTC", 8, 0.05), ("ETH", 18, 1.5), ("USDT", 6, 2_000.0), ("SOL", 9, 40.0)]
"""ETH at its native 18 decimals (wei): the book needs 96-bit balances, chosen automatically."""


def main(n: int = 2500, seed: int = 2026) -> None:
    rnd = random.Random(seed)
    with open(DATA / "sample_assets.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["symbol", "decimals"])
        w.writerows((s, d) for s, d, _ in ASSETS)
    with open(DATA / "sample_accounts.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "asset", "balance"])
        for i in range(n):
            account = f"customer-{i:05d}@example.com"
            held = [a for a in ASSETS if rnd.random() < 0.6] or [rnd.choice(ASSETS)]
            for symbol, decimals, scale in held:
                units = int(rnd.lognormvariate(0, 1.6) * scale * 10**decimals)
                whole, frac = divmod(units, 10**decimals)
                text = f"{whole}.{str(frac).rjust(decimals, '0')}".rstrip("0").rstrip(".")
                w.writerow([account, symbol, text])


if __name__ == "__main__":
    main()
