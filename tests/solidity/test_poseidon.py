"""Poseidon in Solidity, every width 2..17, against solvent's independent Python Poseidon."""

from __future__ import annotations

import random

import pytest

from solvent.evm.poseidon_gen import optimized_tables, permute_optimized, table_chunks
from solvent.formulas.field import R
from solvent.formulas.poseidon import PARTIAL_ROUNDS, domain, permute, poseidon
from tests.harness.contracts import deploy_poseidon_hasher, deploy_tables

P12 = 7853200120776062878684798364095072458815029376092732009249414926327459813530
P34 = 14763215145315200506921711489642608356394854266165572616578112107564877678998
WIDTHS = list(range(2, 18))


@pytest.mark.parametrize("t", WIDTHS)
def test_rewritten_tables_compute_the_same_permutation(t):
    rng = random.Random(t)
    tables = optimized_tables(t)
    for state in ([0] * t, [rng.randrange(R) for _ in range(t)], [R - 1] * t):
        assert permute_optimized(state, tables) == permute(state)


def test_tables_fit_data_contracts():
    for t in WIDTHS:
        chunks = table_chunks(t)
        assert 1 <= len(chunks) <= 4
        assert all(len(c) <= 24_576 and c[0] == 0 for c in chunks)
        assert sum(len(c) - 1 for c in chunks) == 32 * (8 * t + 2 * t * t + PARTIAL_ROUNDS[t] * 2 * t)


@pytest.fixture(scope="module")
def hashers(compiled):
    """Per width: the unrolled contract (PoseidonHasherT{t})."""
    from tests.harness.chain import Chain

    chain = Chain()
    return chain, {t: deploy_poseidon_hasher(chain, compiled, t) for t in WIDTHS}


@pytest.fixture(scope="module")
def generic_hashers(compiled):
    """Per width: the generic contract (loops over t), same tables."""
    from tests.harness.chain import Chain

    chain = Chain()
    return chain, {t: deploy_poseidon_hasher(chain, compiled, t, generic=True) for t in WIDTHS}


def test_known_answer_vectors_on_chain(hashers):
    _, h = hashers
    assert h[3]("hash", 0, [1, 2]) == P12
    assert h[3]("hash", 0, [3, 4]) == P34


@pytest.mark.parametrize("t", WIDTHS)
@pytest.mark.parametrize("kind", ["unrolled", "generic"])
def test_every_width_matches_python(hashers, generic_hashers, t, kind):
    _, h = hashers if kind == "unrolled" else generic_hashers
    rng = random.Random(100 + t)
    inputs = [rng.randrange(R) for _ in range(t - 1)]
    init = domain("solvent.test", t - 1)
    assert h[t]("hash", init, inputs) == poseidon(inputs, init=init)
    assert h[t]("hash", 0, list(range(1, t))) == poseidon(list(range(1, t)))
    assert h[t]("hash", R - 1, [R - 1] * (t - 1)) == poseidon([R - 1] * (t - 1), init=R - 1)


def test_non_field_inputs_and_wrong_lengths_revert(hashers):
    _, h = hashers
    assert h[3].call("hash", 0, [R, 1]).error == "NotInField"
    assert h[3].call("hash", R, [1, 1]).error == "NotInField"
    assert h[3].call("hash", 0, [1, 2, 3]).error == "WrongLength"
    assert h[3].call("hash", 0, []).error == "WrongLength"


def test_constructor_refuses_tables_of_the_wrong_size(chain, compiled):
    t9 = deploy_tables(chain, 9)
    t5 = deploy_tables(chain, 5)
    with pytest.raises(RuntimeError):
        chain.deploy(compiled["PoseidonHasher"], 9, PARTIAL_ROUNDS[9], t9[:1])
    with pytest.raises(RuntimeError):
        chain.deploy(compiled["PoseidonHasher"], 9, PARTIAL_ROUNDS[9], t5)
    with pytest.raises(RuntimeError):
        chain.deploy(compiled["PoseidonHasher"], 18, 68, t9)


def test_unrolled_is_cheaper_than_generic(hashers, generic_hashers):
    _, fast = hashers
    _, slow = generic_hashers
    for t in (3, 9, 17):
        args = (0, list(range(1, t)))
        assert fast[t].call("hash", *args).gas < slow[t].call("hash", *args).gas
