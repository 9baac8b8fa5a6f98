"""Collateral and margin inside the batch circuit: the witness satisfies it and its
public values are the native tree's; the top circuit aggregates the outcome."""

import pytest

from solvent.backend import Groth16
from solvent.circuits import liabilities
from solvent.dsl import build
from solvent.pipeline.layout import batch_inputs, lay_out, top_inputs
from tests.liabilities.helpers import SECRET
from tests.risk.helpers import risk_book, risk_shape

CONTEXT = 777


@pytest.mark.parametrize("margin", [False, True])
def test_witness_satisfies_and_matches_tree(margin):
    shape, setup = risk_shape(margin=margin)
    book = risk_book(6)
    if not margin:
        book.positions = None
    lay = lay_out(book, shape, SECRET, 1, setup)
    backend = Groth16()
    batch = build(liabilities.batch, "liabilities_batch", **shape.batch_params())
    print(backend.circuit(batch).num_constraints, "constraints for", shape.batch_size, "accounts")
    for b in range(lay.num_batches):
        w = backend.witness(batch, batch_inputs(lay, book, b, CONTEXT))
        assert backend.circuit(batch).first_unsatisfied(w) is None
        named = batch.name_publics(w.public_values())
        assert named["params_hash"] == setup.params_hash
        assert named["batch_root"] == lay.tree.root(b)
        assert named["batch_commitment"] == lay.tree.commitment(b, CONTEXT)
    top = build(liabilities.top, "liabilities_top", **shape.top_params())
    w = backend.witness(top, top_inputs(lay, SECRET, CONTEXT))
    assert backend.circuit(top).first_unsatisfied(w) is None
    outcomes = [r.outcome for r in lay.leaf_risk]
    totals = [sum(o[j] for o in outcomes) for j in range(4)]
    assert totals[0] == 1 + (1 if margin else 0) or totals[0] >= 1
    lanes = [lay.tree.lanes(b) for b in range(lay.num_batches)]
    assert [sum(x[-4 + j] for x in lanes) for j in range(4)] == totals
