"""The three implementations of the book layout agree: the Python spec
(solvent.formulas.book), the Rust tree builder, and the circuits' witnesses."""

import pytest

from solvent import _native
from solvent.backend import Groth16
from solvent.circuits import liabilities
from solvent.dsl import build
from solvent.formulas import book as spec
from solvent.pipeline.layout import batch_inputs, lay_out, top_inputs
from tests.liabilities.helpers import SECRET, small_book, small_shape

CONTEXT = 123456789


@pytest.mark.parametrize("with_debt", [False, True])
def test_native_tree_equals_python_spec(with_debt):
    bk = small_book(6, with_debt=with_debt)
    shape = small_shape(with_debt=with_debt)
    lay = lay_out(bk, shape, SECRET, epoch=3)
    assert lay.num_batches == 2 and len(lay.tags) == 8
    keys = [spec.order_key(t) for t in lay.tags]
    assert keys == sorted(keys) and len(set(keys)) == len(keys), "leaves sorted by order key, all distinct"
    assert all(t < 2**240 for t in lay.tags)
    for i, account in enumerate(bk.ids):
        assert _native.account_tag(account, lay.salts[i]) == spec.tag_of(account, lay.salts[i]) == lay.tags[lay.leaf_of[i]]
    for b in range(lay.num_batches):
        leaves = []
        for k in lay.batch_range(b):
            i = lay.order[k]
            eq = bk.equity[i] if i >= 0 else [0, 0]
            de = (bk.debt[i] if i >= 0 else [0, 0]) if with_debt else None
            leaves.append(spec.leaf_hash(lay.tags[k], eq, de, 0, 64))
        hashes = lay.tree.level_hashes(b)
        assert [int.from_bytes(hashes[0][j:j + 32], "little") for j in range(0, 128, 32)] == leaves
        # root from a path, via the spec
        comms = lay.tree.level_commitments(b)
        level1 = [int.from_bytes(hashes[1][j:j + 32], "little") for j in range(0, 32, 32)]
        c1 = int.from_bytes(comms[0][:32], "little")
        assert spec.node_hash(leaves, c1) == level1[0] == lay.tree.root(b)
        eq_sums = [sum((bk.equity[i] if i >= 0 else [0, 0])[a] for i in (lay.order[k] for k in lay.batch_range(b))) for a in range(2)]
        members = [lay.order[k] for k in lay.batch_range(b)]
        de_sums = [sum((bk.debt[i] if i >= 0 else [0, 0])[a] for i in members) for a in range(2)] if with_debt else [0, 0]
        lanes = spec.sums_lanes(eq_sums, de_sums, 64)
        assert lay.tree.lanes(b) == lanes
        assert spec.sum_commitment(lanes, lay.tree.node_blinds(b)[0]) == c1
        first, last = lay.tree.boundary_keys(b)
        assert (first, last) == (keys[lay.batch_range(b)[0]], keys[lay.batch_range(b)[-1]])
        assert lay.tree.commitment(b, CONTEXT) == spec.batch_commitment(CONTEXT, lanes, first, last, lay.tree.batch_blind(b))


@pytest.mark.parametrize("with_debt", [False, True])
def test_circuit_witnesses_equal_the_tree(with_debt):
    bk = small_book(6, with_debt=with_debt)
    shape = small_shape(with_debt=with_debt)
    lay = lay_out(bk, shape, SECRET, epoch=3)
    backend = Groth16()
    batch = build(liabilities.batch, "liabilities_batch", **shape.batch_params())
    for b in range(lay.num_batches):
        w = backend.witness(batch, batch_inputs(lay, bk, b, CONTEXT))
        backend.circuit(batch).check(w)
        assert batch.name_publics(w.public_values()) == {
            "context": CONTEXT, "batch_root": lay.tree.root(b), "batch_commitment": lay.tree.commitment(b, CONTEXT)}
    top = build(liabilities.top, "liabilities_top", **shape.top_params())
    w = backend.witness(top, top_inputs(lay, SECRET, CONTEXT))
    backend.circuit(top).check(w)
    out = top.name_publics(w.public_values())
    pairs = [(lay.tree.root(b), lay.tree.commitment(b, CONTEXT)) for b in range(lay.num_batches)]
    assert out["batches_digest"] == spec.digest(CONTEXT, pairs)


def test_risk_lanes_and_outcome_bits_agree():
    """With the collateral and margin statements: the native tree's lanes (equity, debt, the
    debt that nets, outcome lanes) are the spec's, the circuit's public values are the tree's,
    and its outcome bits are the spec's is-zero of the batch's counts."""
    from solvent.formulas import risk as risk_spec
    from solvent.inputs.evaluate import evaluate
    from tests.risk.helpers import risk_book, risk_shape

    shape, setup = risk_shape(margin=True)
    bk = risk_book(6)
    lay = lay_out(bk, shape, SECRET, epoch=2, risk=setup)
    backend = Groth16()
    batch = build(liabilities.batch, "liabilities_batch", **shape.batch_params())
    for b in range(lay.num_batches):
        rng = lay.batch_range(b)
        members = [i for i in lay.tree.orders(rng.start, rng.stop) if i >= 0]
        risks = {i: evaluate(bk, setup, i) for i in members}
        eq = [sum(bk.equity[i][a] for i in members) for a in range(2)]
        de = [sum(bk.debt[i][a] for i in members) for a in range(2)]
        net = [sum(risk_spec.netted_debt(bk.debt[i], risks[i].outcome)[a] for i in members) for a in range(2)]
        outcome = [sum(risks[i].outcome[j] for i in members) for j in range(4)]
        lanes = spec.sums_lanes(eq, de, 64, outcome, net)
        assert lay.tree.lanes(b) == lanes and len(lanes) == shape.lanes
        w = backend.witness(batch, batch_inputs(lay, bk, b, CONTEXT))
        backend.circuit(batch).check(w)
        publics = batch.name_publics(w.public_values())
        assert publics["batch_root"] == lay.tree.root(b)
        assert publics["batch_commitment"] == lay.tree.commitment(b, CONTEXT)
        assert [publics["all_collateralized"], publics["all_margined"]] == [int(outcome[0] == 0), int(outcome[2] == 0)]
    assert any(risk_spec.netted_debt(bk.debt[i], evaluate(bk, setup, i).outcome) != bk.debt[i]
               for i in range(bk.size)), "some account's debt does not net"
