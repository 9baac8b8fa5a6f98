"""The solvency circuit: reserves vs. net liabilities per asset, totals opened privately."""

import pytest

from solvent import _native
from solvent.backend import Groth16
from solvent.circuits.solvency import solvency
from solvent.dsl import build
from solvent.formulas import book as spec
from solvent.formulas import solvency as sspec
from solvent.formulas.field import R
from solvent.pipeline.layout import lay_out, netted_totals, outcome_totals
from tests.liabilities.helpers import SECRET, small_book, small_shape

CONTEXT = 4242


@pytest.fixture(scope="module")
def totals():
    """A book without debt: net liabilities are the equity."""
    bk = small_book(6)
    shape = small_shape()
    lay = lay_out(bk, shape, SECRET, 1)
    eq, de = bk.totals()
    lanes = spec.sums_lanes(eq, de, 64, outcome_totals(lay))
    blind = _native.top_node_blinds(SECRET, 1, spec.arities(shape.capacity), shape.capacity)[-1]
    return eq, de, lanes, blind, spec.sum_commitment(lanes, blind)


def circuit(mode="pass_fail", reserves="public", extra=0):
    return build(solvency, "liabilities_solvency", n_assets=2, range_bits=64, extra_lanes=extra, mode=mode,
                 reserves=reserves, **({"netted": True} if extra else {}))


def inputs(totals, res, **extra):
    eq, de, lanes, blind, commitment = totals
    return {"context": CONTEXT, "totals_commitment": commitment, "reserves": res, "totals_lanes": lanes,
            "totals_blind": blind, **extra}


def test_solvent_and_insolvent_assets(totals):
    eq, de = totals[0], totals[1]
    c, backend = circuit(), Groth16()
    net = [e - d for e, d in zip(eq, de, strict=True)]
    w = backend.witness(c, inputs(totals, [net[0], net[1] + 10]))
    assert backend.circuit(c).first_unsatisfied(w) is None
    assert c.name_publics(w.public_values())["coverage"] == [1, 1]
    w = backend.witness(c, inputs(totals, [net[0] - 1, net[1]]))  # BTC under-covered by one unit
    assert c.name_publics(w.public_values())["coverage"] == [0, 1]
    assert [sspec.coverage(r, e, d, "pass_fail") for r, e, d in zip([net[0] - 1, net[1]], eq, de, strict=True)] == [0, 1]


def test_buckets(totals):
    eq, de = totals[0], totals[1]
    c, backend = circuit("buckets"), Groth16()
    net = [e - d for e, d in zip(eq, de, strict=True)]
    for pct, bucket in [(99, 0), (100, 1), (107, 2), (119, 3), (149, 4), (300, 5)]:
        res = [net[0] * pct // 100 + (1 if pct * net[0] % 100 else 0), net[1] * 2]
        w = backend.witness(c, inputs(totals, res))
        assert backend.circuit(c).first_unsatisfied(w) is None
        got = c.name_publics(w.public_values())["coverage"]
        assert got[0] == bucket == sspec.coverage(res[0], eq[0], de[0], "buckets"), pct
        assert got[1] == 5


def test_committed_reserves(totals):
    eq, de = totals[0], totals[1]
    c, backend = circuit(reserves="committed"), Groth16()
    res = [e - d for e, d in zip(eq, de, strict=True)]
    rc = sspec.reserves_commitment(res, 99, CONTEXT)
    i = inputs(totals, res, reserves_commitment=rc, reserves_blind=99)
    w = backend.witness(c, i)
    assert backend.circuit(c).first_unsatisfied(w) is None
    assert c.name_publics(w.public_values())["coverage"] == [1, 1]
    i["reserves"] = [res[0] + 10**9, res[1]]  # claim more reserves than committed
    assert backend.circuit(c).first_unsatisfied(backend.witness(c, i))[3] == "reserves"


def test_cheats(totals):
    eq, de, lanes, blind, commitment = totals
    c, backend = circuit(), Groth16()
    i = inputs(totals, [0, 0])
    i["totals_lanes"] = [lanes[0] - 10**6, *lanes[1:]]  # understate liabilities
    assert backend.circuit(c).first_unsatisfied(backend.witness(c, i))[3] == "open_totals"
    i = inputs(totals, [R - 1, 0])  # "negative" reserves to wrap the comparison
    assert backend.circuit(c).first_unsatisfied(backend.witness(c, i, strict=False))[3] == "reserves"
    w = backend.witness(c, inputs(totals, [0, 0]))  # insolvent, claims coverage
    forged = w.with_wire(c.group("coverage").first, 1)
    assert backend.circuit(c).first_unsatisfied(forged) is not None


@pytest.fixture(scope="module")
def risk_totals():
    """The risk book's committed totals: equity, gross debt, netted debt, outcome lanes."""
    from tests.risk.helpers import risk_book, risk_shape

    shape, setup = risk_shape(margin=True)
    bk = risk_book(6)
    lay = lay_out(bk, shape, SECRET, 1, setup)
    e2, d2 = bk.totals()
    netted, out = netted_totals(bk, lay), outcome_totals(lay)
    lanes = spec.sums_lanes(e2, d2, 64, out, netted)
    assert lay.tree.lanes(0) != lanes and len(lanes) == shape.lanes
    blind = _native.top_node_blinds(SECRET, 1, spec.arities(shape.capacity), shape.capacity)[-1]
    return e2, d2, netted, out, lanes, blind


def _risk_inputs(risk_totals, reserves, fund):
    _, _, _, _, lanes, blind = risk_totals
    return {"context": 1, "totals_commitment": spec.sum_commitment(lanes, blind), "reserves": reserves,
            "insurance_fund": fund, "totals_lanes": lanes, "totals_blind": blind}


def test_only_covered_debt_nets(risk_totals):
    """USDT: 119,000 owed, of which the under-collateralized account's 9,000 does not net."""
    e2, d2, netted, out, _, _ = risk_totals
    assert d2[1] == 119_000 * 10**6 and netted[1] == 110_000 * 10**6
    c, backend = circuit(extra=4), Groth16()
    for res, covered in [(e2[1] - netted[1], 1), (e2[1] - netted[1] - 1, 0)]:
        w = backend.witness(c, _risk_inputs(risk_totals, [e2[0], max(res, 0)], 0))
        assert backend.circuit(c).first_unsatisfied(w) is None
        got = c.name_publics(w.public_values())["coverage"][1]
        assert got == (covered if res >= 0 else 1) == sspec.coverage(max(res, 0), e2[1], netted[1], "pass_fail")


def test_insurance_fund(risk_totals):
    e2, _, _, out, _, _ = risk_totals
    c, backend = circuit(extra=4), Groth16()
    worst = max(out[1], out[3])
    for fund, covered in [(worst, 1), (worst - 1, 0), (0, 0)]:
        w = backend.witness(c, _risk_inputs(risk_totals, [e2[0], e2[1]], fund))
        assert backend.circuit(c).first_unsatisfied(w) is None
        assert c.name_publics(w.public_values())["insurance_covered"] == covered
        assert sspec.insurance_covered(fund, out[1], out[3]) == bool(covered)
