"""A cheating institution against collateral adequacy and margin: each attempt is
stopped by a named constraint, and a proof made anyway does not verify."""

from __future__ import annotations

import warnings

import pytest

from solvent.backend import Groth16
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.circuits import liabilities
from solvent.dsl import CircuitBuilder, build
from solvent.dsl.builder import Op
from solvent.formulas import risk as spec
from solvent.formulas.field import R
from solvent.inputs.evaluate import prepare
from solvent.pipeline.layout import batch_inputs, lay_out
from tests.liabilities.helpers import SECRET
from tests.risk.helpers import risk_book, risk_params, risk_shape

CONTEXT = 5


@pytest.fixture(scope="module")
def world():
    shape, setup = risk_shape(margin=True)
    book = risk_book(6)
    layout = lay_out(book, shape, SECRET, 1, setup)
    backend = Groth16()
    compiled = build(liabilities.batch, "liabilities_batch", **shape.batch_params())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        keys = backend.setup_dev_insecure(compiled, seed=b"risk attacks")
    return shape, setup, book, layout, backend, compiled, keys


def _fails_at(world, inputs, where: str, tamper=None) -> None:
    _, _, _, _, backend, compiled, keys = world
    w = backend.witness(compiled, inputs, strict=False)
    if tamper is not None:
        w = tamper(w)
    row = backend.circuit(compiled).first_unsatisfied(w)
    assert row is not None, "the cheat was not caught"
    assert row[3].startswith(where) or where in row[3], row
    res = backend.prove(keys, compiled, w, check=False)
    assert not backend.verify_native(keys.vk_json, res.public, res.proof)


def _which_account(layout, book, account: int) -> tuple[int, int]:
    k = layout.leaf_of[account]
    return divmod(k, layout.shape.batch_size)


def test_honest_batches_are_fine(world):
    shape, setup, book, layout, backend, compiled, _ = world
    for b in range(layout.num_batches):
        assert backend.circuit(compiled).first_unsatisfied(backend.witness(compiled, batch_inputs(layout, book, b, CONTEXT))) is None


def test_understated_debt_value(world):
    """The prover lowers the computed debt value of the under-collateralized account."""
    shape, setup, book, layout, *_ = world
    b, pos = _which_account(layout, book, 1)
    cs = CircuitBuilder("liabilities_batch")
    liabilities.batch(cs, **shape.batch_params())
    debt_usdt = cs.outputs(f"account[{pos}]", Op.MUL)  # products recorded at account scope
    assert debt_usdt, "debt-value products are recorded at the account's scope"
    inputs = batch_inputs(layout, book, b, CONTEXT)
    _fails_at(world, inputs, f"account[{pos}]", tamper=lambda w: w.with_wire(debt_usdt[-1], 0))


def test_haircut_not_applied(world):
    """2,000 BTC (130M USD) sits in the 97.5% band; claiming the 100% band fails."""
    shape, setup, book, layout, *_ = world
    b, pos = _which_account(layout, book, 4)
    inputs = batch_inputs(layout, book, b, CONTEXT)
    assert inputs["regions"][pos][0] == [0, 1, 0]
    inputs["regions"][pos][0] = [1, 0, 0]
    _fails_at(world, inputs, f"account[{pos}]/collateral[0]")


def test_two_regions_at_once(world):
    shape, setup, book, layout, *_ = world
    b, pos = _which_account(layout, book, 4)
    inputs = batch_inputs(layout, book, b, CONTEXT)
    inputs["regions"][pos][0] = [1, 1, 0]
    _fails_at(world, inputs, f"account[{pos}]/collateral[0]")


@pytest.mark.parametrize("change", ["price", "risk array", "ratio"])
def test_parameters_other_than_published(world, change):
    shape, setup, book, layout, *_ = world
    inputs = batch_inputs(layout, book, 0, CONTEXT)
    v = inputs["params"]
    if change == "price":
        v[0] -= 1  # BTC price
    elif change == "ratio":
        v[1 + 4 + 2] = 10_000  # BTC's second region: 97.5% -> 100%
    else:
        v[-1] = 0  # last scenario of the last instrument
    _fails_at(world, inputs, "params")


def test_understated_scan_risk_or_requirement(world):
    shape, setup, book, layout, *_ = world
    b, pos = _which_account(layout, book, 2)  # short calls: a real margin requirement
    inputs = batch_inputs(layout, book, b, CONTEXT)
    inputs["scan_risk"][pos] = (inputs["scan_risk"][pos] - 1) % R
    _fails_at(world, inputs, f"account[{pos}]/scan_risk")
    inputs = batch_inputs(layout, book, b, CONTEXT)
    inputs["requirement"][pos] -= 1
    _fails_at(world, inputs, f"account[{pos}]/requirement")
    inputs = batch_inputs(layout, book, b, CONTEXT)
    inputs["requirement"][pos] = R - 1  # "negative": wraps to a huge field element
    _fails_at(world, inputs, f"account[{pos}]/requirement")


def test_values_chosen_to_wrap_the_field(world):
    shape, setup, book, layout, *_ = world
    b, pos = _which_account(layout, book, 0)
    inputs = batch_inputs(layout, book, b, CONTEXT)
    inputs["quantities"][pos][1] = 1 << (spec.QUANTITY_BITS - 1)  # just outside the signed range
    _fails_at(world, inputs, f"account[{pos}]/positions")
    inputs = batch_inputs(layout, book, b, CONTEXT)
    inputs["debt"][pos][1] = R - 10**9  # a "negative" debt
    _fails_at(world, inputs, f"account[{pos}]/debt[1]")


def test_omitted_position_changes_the_committed_leaf(world):
    """Dropping a position changes the positions commitment, hence the leaf and root: the
    customer's inclusion check (which recomputes the commitment from their positions) fails."""
    shape, setup, book, layout, backend, compiled, _ = world
    b, pos = _which_account(layout, book, 2)
    inputs = batch_inputs(layout, book, b, CONTEXT)
    honest_root = backend.witness(compiled, inputs).public_values()[2]
    inputs["quantities"][pos] = [0, 0]
    r_ = prepare(risk_params())
    assert r_.params_hash == setup.params_hash
    inputs["scan_risk"][pos] = 0
    inputs["requirement"][pos] = 0
    w = backend.witness(compiled, inputs)
    assert backend.circuit(compiled).first_unsatisfied(w) is None, "a consistent lie about positions proves…"
    assert w.public_values()[2] != honest_root == layout.tree.root(b), "…but not under the committed root"
