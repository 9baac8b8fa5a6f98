"""A cheating prover against per-asset widths (circuits/liabilities.md, "Per-asset widths").

With ``asset_bits`` a BTC balance is proven below 2^51 although its packing slot holds 64
bits. The prover tries, on a hand-made witness (not through ``solvent prove``, whose own
pre-check would refuse the book first), a balance of exactly 2^w and a negative balance:
the range check of that very balance fails, and a proof made from the witness anyway does
not verify. 2^w − 1 is accepted: the bound is exactly the asset's width.
"""

from __future__ import annotations

import warnings

import pytest

from solvent import _native
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.circuits.shape import BookShape
from solvent.formulas.field import R
from solvent.pipeline import keys as keymod
from solvent.pipeline.layout import batch_inputs, lay_out
from tests.liabilities.helpers import SECRET, small_book

CONTEXT = 99
WIDTHS = (51, 60)  # BTC (8 decimals, 21·10^6), USDT (6 decimals, 10^12): tests.liabilities.helpers.ASSETS


@pytest.fixture(scope="module", params=[False, True], ids=["equity", "with-debt"])
def setting(request, tmp_path_factory, backend):
    with_debt = request.param
    shape = BookShape(n_assets=2, batch_size=4, capacity=2, range_bits=64, with_debt=with_debt, asset_bits=WIDTHS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        sk = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp("width-keys"), backend, seed=b"widths")
    book = small_book(4, with_debt=with_debt)
    return sk, book, lay_out(book, shape, SECRET, epoch=1)


def _forged(setting, backend, column, account, asset, value):
    sk, book, layout = setting
    c = sk.circuits["batch"]
    inputs = batch_inputs(layout, book, 0, CONTEXT)
    inputs[column][account][asset] = value
    return sk, c, inputs


def _rejected(backend, sk, c, w):
    res = backend.prove(sk.keys["batch"], c, w, check=False)
    return not backend.verify_native(sk.keys["batch"].vk_json, res.public, res.proof)


@pytest.mark.parametrize("asset", [0, 1], ids=["BTC", "USDT"])
@pytest.mark.parametrize("value, why", [("2^w", "the asset's bound itself"), (R - 1, "negative (-1)"),
                                        (R - 10**8, "negative (-1 BTC)"), (2**64 - 1, "fits the 64-bit slot")])
def test_balance_at_or_above_the_asset_width(setting, backend, asset, value, why):
    sk, _, _ = setting
    column = "debt" if sk.shape.with_debt else "equity"
    w_a = WIDTHS[asset]
    v = 1 << w_a if value == "2^w" else value
    sk, c, inputs = _forged(setting, backend, column, 2, asset, v)
    with pytest.raises(_native.WitnessError, match=f"does not fit in {w_a} bits"):
        backend.witness(c, inputs)
    w = backend.witness(c, inputs, strict=False)
    row = backend.circuit(c).first_unsatisfied(w)
    assert row is not None and row[2] == "BITS" and row[3] == f"account[2]/{column}[{asset}]", why
    assert _rejected(backend, sk, c, w), why


@pytest.mark.parametrize("asset", [0, 1], ids=["BTC", "USDT"])
def test_the_largest_balance_below_the_width_is_proven(setting, backend, asset):
    sk, _, _ = setting
    column = "debt" if sk.shape.with_debt else "equity"
    sk, c, inputs = _forged(setting, backend, column, 1, asset, (1 << WIDTHS[asset]) - 1)
    w = backend.witness(c, inputs)
    assert backend.circuit(c).first_unsatisfied(w) is None
    res = backend.prove(sk.keys["batch"], c, w, check=False)
    assert backend.verify_native(sk.keys["batch"].vk_json, res.public, res.proof)


def test_the_batch_circuit_range_checks_each_asset_at_its_width(setting, backend):
    """Per account and balance column: w_a + 1 constraints (w_a bits and their sum)
    instead of range_bits + 1; nothing else in the circuit changes."""
    sk, _, _ = setting
    plain = keymod.compile_circuits(BookShape(**{**sk.shape.to_dict(), "asset_bits": None}))
    columns = 2 if sk.shape.with_debt else 1
    saved = sk.shape.batch_size * columns * sum(64 - w for w in WIDTHS)
    n = backend.circuit(sk.circuits["batch"]).num_constraints
    assert backend.circuit(plain["batch"]).num_constraints - n == saved
    assert plain["top"].hash == sk.circuits["top"].hash, "the top circuit packs 64-bit slots either way"
