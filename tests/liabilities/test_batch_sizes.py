"""Batch sizes that are not powers of two (3·2^k, 5·2^k, 7·2^k, …): the tree's shape rule,
the refusals, the Rust tree against the Python spec, and a book proven end to end with
every customer's inclusion checked, the last (padded) batch included."""

from __future__ import annotations

import warnings

import pytest

from solvent.attestation.inclusion import verify_inclusion
from solvent.attestation.verify import verify
from solvent.backend import NATIVE_PROOFS
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.circuits.shape import BookShape, ShapeError
from solvent.formulas import book as spec
from solvent.formulas.errors import MalformedInput
from solvent.pipeline import keys as keymod
from solvent.pipeline.inclusion_export import export
from solvent.pipeline.layout import lay_out
from solvent.pipeline.prove import prove_book
from solvent.pipeline.statement import ProveOptions
from tests.liabilities.helpers import SECRET, small_book, small_shape


def _power_of_two_rule(k: int) -> list[int]:
    """The tree shape of 2^k leaves before other sizes were allowed: keys, shapes and
    attestations of those sizes keep their meaning only if it is unchanged."""
    return [8] * (k // 3) + ([1 << (k % 3)] if k % 3 else [])


def test_powers_of_two_keep_their_tree():
    for k in range(1, 31):
        assert spec.arities(1 << k) == _power_of_two_rule(k)


@pytest.mark.parametrize(("n", "arities"), [
    (3, [3]), (6, [6]), (12, [6, 2]), (24, [8, 3]), (14, [7, 2]), (56, [8, 7]), (40, [8, 5]), (72, [8, 3, 3]),
    (96, [8, 6, 2]), (1280, [8, 8, 5, 4]), (1536, [8, 8, 8, 3]), (1792, [8, 8, 7, 4]), (3072, [8, 8, 8, 6]),
])
def test_other_sizes(n, arities):
    assert spec.arities(n) == arities
    BookShape(n_assets=2, batch_size=n, capacity=4)


def test_every_accepted_size_factors_into_levels_of_two_to_eight():
    for n in range(2, 4097):
        try:
            a = spec.arities(n)
        except MalformedInput:
            rest = n
            for p in (2, 3, 5, 7):
                while rest % p == 0:
                    rest //= p
            assert rest > 1, f"{n} has no prime factor above 7 but is refused"
            continue
        prod = 1
        for x in a:
            assert 2 <= x <= 8
            prod *= x
        assert prod == n
        assert a[:a.count(8)] == [8] * a.count(8), "8s first"


@pytest.mark.parametrize(("n", "message"), [
    (0, "outside 2..4096"), (1, "outside 2..4096"), (11, "has the factor 11"), (22, "has the factor 11"),
    (4097, "outside 2..4096"), (3 << 12, "outside 2..4096"), (13 * 64, "has the factor 13"),
])
def test_malformed_batch_sizes_are_refused(n, message):
    with pytest.raises(ShapeError, match=message):
        BookShape(n_assets=2, batch_size=n, capacity=4)


def test_spec_refuses_trees_it_cannot_build():
    for n in (0, 1):
        with pytest.raises(MalformedInput, match="at least 2"):
            spec.arities(n)
    with pytest.raises(MalformedInput, match="4097 has the factor 17"):
        spec.arities(4097)
    huge_prime = (1 << 61) - 1  # a size from a hostile file: refused at once, no factor search
    with pytest.raises(MalformedInput, match="has a prime factor above 7"):
        spec.arities(huge_prime)
    with pytest.raises(MalformedInput, match="has a prime factor above 7"):
        spec.root_from_path(1, [], huge_prime * 8)
    with pytest.raises(ShapeError, match="capacity 24 must be a power of two"):
        BookShape(n_assets=2, batch_size=24, capacity=24)


def _le(raw: bytes) -> list[int]:
    return [int.from_bytes(raw[j:j + 32], "little") for j in range(0, len(raw), 32)]


def _spec_tree(leaves: list[int], lanes: list[list[int]], blinds: list[int], n: int):
    """The batch tree by the spec alone: levels of hashes, commitments, the root's lanes."""
    blinds = list(blinds)
    levels, commitments = [leaves], []
    for arity in spec.arities(n):
        hs, ls, cs = [], [], []
        for i in range(len(levels[-1]) // arity):
            kids = range(i * arity, (i + 1) * arity)
            s = [sum(lanes[k][j] for k in kids) for j in range(len(lanes[0]))]
            c = spec.sum_commitment(s, blinds.pop(0))
            hs.append(spec.node_hash([levels[-1][k] for k in kids], c))
            ls.append(s)
            cs.append(c)
        levels.append(hs)
        commitments.append(cs)
        lanes = ls
    assert not blinds
    return levels, commitments, lanes[0]


def _path(levels, commitments, index: int, n: int) -> list[spec.PathLevel]:
    path = []
    for level, arity in enumerate(spec.arities(n)):
        parent, pos = divmod(index, arity)
        siblings = tuple(levels[level][parent * arity + j] for j in range(arity) if j != pos)
        path.append(spec.PathLevel(pos, siblings, commitments[level][parent]))
        index = parent
    return path


@pytest.mark.parametrize("n", [3, 6, 12, 14, 24, 40, 56, 72])
def test_native_tree_equals_python_spec(n):
    bk = small_book(n + n // 2, with_debt=True)
    shape = small_shape(with_debt=True, batch_size=n)
    lay = lay_out(bk, shape, SECRET, epoch=5)
    assert lay.num_batches == 2 and lay.order.count(-1) == 2 * n - bk.size, "padded to two full batches"
    for b in range(lay.num_batches):
        members = [lay.order[k] for k in lay.batch_range(b)]
        eq = [bk.equity[i] if i >= 0 else [0, 0] for i in members]
        de = [bk.debt[i] if i >= 0 else [0, 0] for i in members]
        leaves = [spec.leaf_hash(lay.tags[k], e, d, 0, 64) for k, e, d in zip(lay.batch_range(b), eq, de, strict=True)]
        lanes = [spec.sums_lanes(e, d, 64) for e, d in zip(eq, de, strict=True)]
        levels, commitments, root_lanes = _spec_tree(leaves, lanes, lay.tree.node_blinds(b), n)
        native_levels = [_le(x) for x in lay.tree.level_hashes(b)]
        assert native_levels == levels
        assert [_le(x) for x in lay.tree.level_commitments(b)] == commitments
        assert lay.tree.root(b) == levels[-1][0] and lay.tree.lanes(b) == root_lanes
        for index in range(n):
            path = _path(levels, commitments, index, n)
            assert spec.root_from_path(leaves[index], path, n) == lay.tree.root(b)
            assert spec.position_in_batch(path) == index


@pytest.fixture(scope="module", params=[24, 14], ids=["B=3·8", "B=7·2"])
def odd_attested(request, tmp_path_factory, backend, institution):
    """A book of 2 full batches and a third padded one, proven under keys for batch ``B``."""
    n = request.param
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        sk = keymod.setup_dev_insecure(small_shape(batch_size=n), tmp_path_factory.mktemp(f"keys-{n}"), backend,
                                       seed=b"odd sizes")
    book = small_book(2 * n + n // 3)
    out = tmp_path_factory.mktemp(f"att-{n}") / "attestation"
    att = prove_book(book, sk, institution, ProveOptions(epoch=4, snapshot_time="2026-11-21T00:00:00Z"), out, backend)
    return n, book, att, out


def test_odd_batch_size_end_to_end(odd_attested):
    n, book, att, out = odd_attested
    assert att.statement.shape.batch_size == n and len(att.batches) == 3
    report = verify(att, allow_insecure_keys=True)  # the pure-Python verifier, every proof
    assert report.valid, report.to_dict()
    leaves, seen = set(), [set() for _ in spec.arities(n)]
    for i, account in enumerate(book.ids):  # every customer, so every batch (padding leaves mix in by tag)
        proof = export(out, account)
        assert proof.batch * n + proof.leaf_index not in leaves
        leaves.add(proof.batch * n + proof.leaf_index)
        assert [len(s.siblings) + 1 for s in proof.path] == spec.arities(n)
        for level, step in enumerate(proof.path):
            seen[level].add(step.position)
        r = verify_inclusion(proof, att, NATIVE_PROOFS, allow_insecure_keys=True, account_id=account)
        assert r.valid, (i, r.to_dict())
    assert {p // n for p in leaves} == {0, 1, 2}
    assert seen == [set(range(a)) for a in spec.arities(n)], "a customer at every position of every level"


def test_odd_batch_size_inclusion_tampered(odd_attested):
    """A path of the wrong shape or with a moved position fails, as for powers of two."""
    n, book, att, out = odd_attested
    proof = export(out, book.ids[-1])
    top = proof.path[-1]
    moved = top.model_copy(update={"position": (top.position + 1) % (len(top.siblings) + 1)})
    bad = proof.model_copy(update={"path": [*proof.path[:-1], moved]})
    assert not verify_inclusion(bad, att, NATIVE_PROOFS, allow_insecure_keys=True).valid
    short = proof.model_copy(update={"path": proof.path[:-1]})
    assert not verify_inclusion(short, att, NATIVE_PROOFS, allow_insecure_keys=True).valid


def test_odd_batch_size_registry_call(odd_attested):
    """The on-chain verifier's encoding of an odd-size book's path (batch then top tree)
    verifies in the contract's Python model (tests/solidity check the contract itself)."""
    from solvent.attestation.inclusion import leaf_of
    from solvent.evm.inclusion import registry_call, verify_path

    n, book, att, out = odd_attested
    for account in (book.ids[0], book.ids[-1]):
        proof = export(out, account)
        call = registry_call(proof, att)
        assert call.levels & 0xF0 == spec.arities(n)[0] << 4
        assert verify_path(int(att.top.book_root), leaf_of(proof, att), call.levels, call.path)


def test_cost_model_counts_exactly(backend):
    """The constraint count ``--batch-size auto`` ranks sizes by is the compiled circuit's,
    for trees of every arity, with and without debt."""
    from dataclasses import replace

    from solvent.pipeline.batch_fill import CostModel, measure

    for shape in (small_shape(), small_shape(with_debt=True)):
        model = CostModel.fit(shape, backend)
        for n in (9, 24, 30, 35, 40, 49, 64, 96, 120):
            got = measure(replace(shape, batch_size=n), backend)
            assert model.fill(n) == got, n


def test_auto_batch_size_fills_the_domain_best(backend):
    from dataclasses import replace

    from solvent.pipeline.batch_fill import (
        CostModel,
        auto_batch_size,
        best_fill,
        domain_size,
        measure,
        valid_batch_sizes,
    )

    assert [domain_size(x) for x in (1, 2, 3, 4, 5, 1 << 20, (1 << 20) + 1)] == [1, 2, 4, 4, 8, 1 << 20, 1 << 21]
    shape = small_shape()
    chosen = auto_batch_size(shape, backend, limit=200)
    model = CostModel.fit(shape, backend)
    fills = [model.fill(b) for b in valid_batch_sizes(200)]
    assert chosen == best_fill(fills)
    assert all(chosen.domain_per_account <= f.domain_per_account for f in fills)
    assert all(f.batch_size <= chosen.batch_size for f in fills if f.domain_per_account == chosen.domain_per_account)
    powers = [f for f in fills if f.batch_size & (f.batch_size - 1) == 0]
    assert chosen.domain_per_account <= min(f.domain_per_account for f in powers)
    assert measure(replace(shape, batch_size=chosen.batch_size), backend).constraints == chosen.constraints
