"""Inclusion paths checked on chain (PoseidonInclusionVerifier) and in Python
(solvent.evm.inclusion.verify_path), same answers, in the tree of formulas/book.py.

Trees here are built with the spec's own node_hash over made-up leaves and commitments,
for every mix of arities the book uses (8 below, one level of 2 or 4 on top of a batch
tree and of the top tree; levels of 3, 5, 6, 7 for batch sizes with those factors)."""

from __future__ import annotations

import itertools
import random

import pytest

from solvent.evm.inclusion import EncodedPath, decode_path, encode_path, verify_path
from solvent.evm.inclusion_gen import inclusion_source
from solvent.formulas import book as spec
from solvent.formulas.errors import MalformedInput
from solvent.formulas.field import R
from tests.harness.contracts import deploy_inclusion_verifier

from .trees import Tree

SHAPES = [[8], [2], [4], [8, 2], [8, 4], [8, 8], [2, 4], [8, 2, 8, 4],
          [3], [5], [6], [7], [8, 3], [8, 8, 7, 4, 8, 2], [8, 5, 5, 2], [8, 6, 2, 8, 8]]


@pytest.fixture(scope="module")
def onchain(compiled):
    from tests.harness.chain import Chain

    return deploy_inclusion_verifier(Chain(), compiled)


def check(v, root, leaf_hash, levels, words):
    expected = verify_path(root, leaf_hash, levels, words)
    res = v.call("verifyPath", root, leaf_hash, levels, list(words))
    assert res.ok, res.error  # malformed paths give false, never a revert
    assert res.value is expected
    return expected


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_honest_paths_verify(onchain, shape):
    tree = Tree.build(shape, seed=len(shape))
    n = len(tree.levels[0])
    for index in sorted({0, 1, n // 2, n - 1}):
        steps = tree.path(index)
        assert spec.root_from_path(tree.levels[0][index], steps[:1], shape[0]) == tree.levels[1][index // shape[0]]
        enc = encode_path(steps)
        assert check(onchain, tree.root, tree.levels[0][index], enc.levels, enc.words), index


def test_the_encoding():
    steps = Tree.build([8, 4]).path(8 * 2 + 5)
    enc = encode_path(steps)
    assert enc.levels == 0x42_85  # arity 8 position 5, then arity 4 position 2
    assert enc.words[:8] == (*steps[0].siblings, steps[0].parent_commitment)
    assert len(enc.words) == 12
    assert decode_path(enc.levels, enc.words) == steps
    assert encode_path([spec.PathLevel(2, (1, 2), 3)]).levels == 0x32  # arity 3 (batch sizes 3·2^k)
    for siblings in ((), tuple(range(8))):  # arity 1, arity 9
        with pytest.raises(MalformedInput):
            encode_path([spec.PathLevel(0, siblings, 3)])
    with pytest.raises(MalformedInput):
        encode_path([])


def test_tampered_paths_fail(onchain):
    tree = Tree.build([8, 4], seed=3)
    i = 21
    h, root = tree.levels[0][i], tree.root
    enc = encode_path(tree.path(i))
    assert check(onchain, root, h, enc.levels, enc.words)
    assert not check(onchain, root, tree.levels[0][i - 1], enc.levels, enc.words)  # another leaf
    assert not check(onchain, (root + 1) % R, h, enc.levels, enc.words)            # another root
    for w in range(len(enc.words)):                                                # any word
        bad = list(enc.words)
        bad[w] = (bad[w] + 1) % R
        assert not check(onchain, root, h, enc.levels, bad), w
    for levels in (0x42_84, 0x42_86, 0x43_85, 0x41_85):                            # another position
        assert not check(onchain, root, h, levels, enc.words), hex(levels)


def test_claiming_another_arity_fails(onchain):
    """A level of 8 re-read as two of 2 and 4 (same word count) hashes with other widths and
    domains: no root matches."""
    tree = Tree.build([8], seed=5)
    enc = encode_path(tree.path(0))
    for levels in (0x40_40, 0x20_20_40, 0x40_20_20):
        assert not check(onchain, tree.root, tree.levels[0][0], levels, enc.words), hex(levels)


def test_malformed_paths_return_false(onchain):
    tree = Tree.build([8, 2], seed=9)
    i = 13
    h, root = tree.levels[0][i], tree.root
    enc = encode_path(tree.path(i))
    w = list(enc.words)
    assert not check(onchain, root, h, 0, [])                      # no level
    assert not check(onchain, root, h, enc.levels, w[:-1])         # too short
    assert not check(onchain, root, h, enc.levels, w + [0])        # too long
    assert not check(onchain, root, h, enc.levels & 0xFF, w)       # path cut short (words left over)
    assert not check(onchain, root, h, enc.levels & 0xFF, w[:8])   # path cut short (batch root only)
    assert enc.levels == 0x21_85 and check(onchain, root, h, enc.levels, w)
    assert not check(onchain, root, h, 0x20_85, w)                 # position 0 at the top, not 1
    for levels in (0x22_85, 0x30_85, 0x10_85, 0xA0_85, 0x21_8F, 0x21_05, 0x2100_85, 0x85_0021):
        assert not check(onchain, root, h, levels, w), hex(levels)  # bad arity, position, zero byte
    assert not check(onchain, root, h, enc.levels | 1 << 255, w)   # a level beyond the end
    assert not check(onchain, root, h + R, enc.levels, w)          # leaf >= r
    assert not check(onchain, root + R, h, enc.levels, w)          # root >= r
    aliased = list(w)
    aliased[3] += R                                                # a sibling >= r (same value mod r)
    assert not check(onchain, root, h, enc.levels, aliased)
    aliased = list(w)
    aliased[7] += R                                                # a commitment >= r
    assert not check(onchain, root, h, enc.levels, aliased)


def test_32_levels_is_the_limit():
    with pytest.raises(MalformedInput):
        encode_path([spec.PathLevel(0, (1,), 2)] * 33)
    long = encode_path([spec.PathLevel(1, (1,), 2)] * 32)
    assert long.levels >> 248 == 0x21 and decode_path(long.levels, long.words) is not None
    assert decode_path(long.levels << 8, long.words) is None
    assert isinstance(long, EncodedPath)


def test_tables_are_pinned(chain, compiled):
    """The constructor refuses any table but solvent's (code hashes are in the source)."""
    from solvent.evm.inclusion_gen import ARITIES, width
    from tests.harness.contracts import deploy_tables

    tables = [a for ar in ARITIES for a in deploy_tables(chain, width(ar))]
    good = chain.deploy(compiled["PoseidonInclusionVerifier"], tables)
    assert good.address
    for bad in (tables[:-1], tables[1:] + tables[:1], [tables[2], tables[1], tables[0], *tables[3:]]):
        with pytest.raises(RuntimeError):
            chain.deploy(compiled["PoseidonInclusionVerifier"], bad)
    assert "0x" in inclusion_source()


def test_gas_grows_linearly_with_depth(onchain):
    """Gas does not depend on the words' values (every level is hashed, then compared)."""
    rng = random.Random(1)
    gas = []
    for depth in (1, 2, 3, 4):
        words = [rng.randrange(R) for _ in range(8 * depth)]
        levels = sum(0x80 << (8 * k) for k in range(depth))
        res = onchain.call("verifyPath", 1, 2, levels, words)
        assert res.ok and res.value is False
        gas.append(res.gas)
    steps = [b - a for a, b in itertools.pairwise(gas)]
    assert max(steps) - min(steps) < 1_000, steps
