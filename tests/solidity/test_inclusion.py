"""Inclusion paths checked on chain (PoseidonInclusionVerifier) and in Python, same answers.

The layout is the one assumed in solvent.evm.inclusion (arity 4, (hash, sum) per node)."""

from __future__ import annotations

import random

import pytest

from solvent.evm.contracts import deploy_inclusion_verifier
from solvent.evm.inclusion import SumTree, verify_path
from solvent.verifier import R, poseidon

DEPTH = 3  # 64 leaves


def leaf(i: int) -> tuple[int, int]:
    return poseidon([i, 1000 + i]), poseidon([i * 7 + 1, 5])


def parent_sum(children):
    return poseidon([s for _, s in children])  # opaque to the contract: any commitment


@pytest.fixture(scope="module")
def tree():
    return SumTree.build([leaf(i) for i in range(4**DEPTH)], parent_sum)


@pytest.fixture(scope="module", params=["unrolled", "generic"])
def onchain(compiled, request):
    from solvent.evm.chain import Chain

    chain = Chain()
    return deploy_inclusion_verifier(chain, compiled, generic=request.param == "generic")


def check(v, root, leaf_hash, index, path):
    expected = verify_path(root, leaf_hash, index, path)
    res = v.call("verifyPath", root, leaf_hash, index, path)
    assert res.ok, res.error  # malformed paths give false, never a revert
    assert res.value is expected
    return expected


@pytest.mark.parametrize("index", [0, 1, 2, 3, 17, 42, 63])
def test_honest_paths_verify(onchain, tree, index):
    assert check(onchain, tree.root, tree.levels[0][index][0], index, tree.path(index))


def test_tampered_paths_fail(onchain, tree):
    i = 42
    h, path, root = tree.levels[0][i][0], tree.path(i), tree.root
    assert not check(onchain, root, h, i + 1, path)           # wrong position
    assert not check(onchain, root, leaf(41)[0], i, path)     # another leaf
    assert not check(onchain, (root + 1) % R, h, i, path)     # another root
    for w in range(len(path)):                                # any word of the path
        bad = list(path)
        bad[w] = (bad[w] + 1) % R
        assert not check(onchain, root, h, i, bad), w


def test_malformed_paths_return_false(onchain, tree):
    i = 5
    h, path, root = tree.levels[0][i][0], tree.path(i), tree.root
    assert not check(onchain, root, h, i + 4**DEPTH, path)    # index beyond the tree
    assert not check(onchain, root, h, 2**255, path)
    assert not check(onchain, root, h, i, path[:-1])          # length not a multiple of 7
    assert not check(onchain, root, h, i, [])
    assert not check(onchain, root, h + R, i, path)           # leaf >= r
    aliased = list(path)
    aliased[3] += R                                           # a sibling >= r
    assert not check(onchain, root, h, i, aliased)
    assert not check(onchain, root, h, i % 16, path[:14])     # a subtree root is not the root


def test_gas_grows_linearly_with_depth(onchain, tree):
    rng = random.Random(1)
    gas = []
    for d in (1, 2, 3):
        sub = SumTree.build([leaf(rng.randrange(10**6)) for _ in range(4**d)], parent_sum)
        res = onchain.call("verifyPath", sub.root, sub.levels[0][1][0], 1, sub.path(1))
        assert res.value is True
        gas.append(res.gas)
    assert gas[0] < gas[1] < gas[2]
