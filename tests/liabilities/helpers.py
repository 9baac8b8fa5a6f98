"""Small books for tests."""

from __future__ import annotations

import random

from solvent.circuits.shape import BookShape
from solvent.inputs.accounts import AccountBook
from solvent.inputs.assets import Asset

ASSETS = [Asset("BTC", 8), Asset("USDT", 6)]
SECRET = b"test institution secret, never use in production"


def small_book(n: int, with_debt: bool = False, seed: int = 1, range_bits: int = 64) -> AccountBook:
    rnd = random.Random(seed)
    book = AccountBook(assets=list(ASSETS), range_bits=range_bits, debt=with_debt)
    for i in range(n):
        equity = [rnd.randrange(0, 10**9), rnd.randrange(0, 10**12)]
        book.add_account(f"user-{i:05d}", equity, [rnd.randrange(0, 10**6), 0] if with_debt else None)
    return book


def small_shape(with_debt: bool = False, batch_size: int = 4, capacity: int = 4) -> BookShape:
    return BookShape(n_assets=len(ASSETS), batch_size=batch_size, capacity=capacity, with_debt=with_debt)
