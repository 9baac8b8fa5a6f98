"""The committed account book's layout: the formulas a customer or auditor recomputes.

This module *is* the specification of solvent's leaves, sum commitments, nodes and
batch bindings (circuits/liabilities.md explains why each is so). The circuits
(``solvent.circuits.liabilities``) and the Rust tree builder implement the same
formulas independently; tests hold all three together.

All hashes are ``hash_many(label, xs)`` of docs/hashing.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import MalformedInput
from .field import R
from .poseidon import encode_bytes, hash_many

TAG_BITS = 240
"""Tags are below 2^240: a leaf binds one customer through its whole tag, collision
resistant to about 2^120 work (circuits/liabilities.md, "Order keys")."""
ORDER_BITS = 96
"""Leaves are ordered by their tag's low 96 bits (``order_key``): the circuits prove the
keys strictly increasing with 96-bit range checks; distinct keys make distinct leaves."""
MAX_LEAVES_LOG2 = 30
"""A book has at most 2^30 leaves, so a per-asset sum of b-bit values is below 2^(b+30):
for 96-bit balances a sum takes 126 bits and two still pack into one field element."""
MAX_BATCH_LOG2 = 12
"""The largest batch is 2^12 leaves; the in-batch ordering argument needs only
2^96·(1 + batch size) < r, which holds far beyond."""
PACK_BITS = 252
"""Packed values stay below 2^252 < r, so packing is injective."""

TAG = "solvent.tag.v1"
LEAF = "solvent.leaf.v2"
SUM = "solvent.sum.v1"
NODE = "solvent.node.v1"
BATCH = "solvent.batch.v1"
DIGEST = "solvent.digest.v1"
EMPTY = "solvent.empty.v1"


def pack(values: Sequence[int], width: int) -> list[int]:
    """Values of ``width`` bits, as many per field element as fit below 2^252, in order:
    element j holds ``Σ_k values[j·per + k]·2^(k·width)``."""
    per = PACK_BITS // width
    if per == 0:
        raise ValueError(f"{width}-bit values cannot be packed")
    out = []
    for i in range(0, len(values), per):
        acc = 0
        for k, v in enumerate(values[i:i + per]):
            if not 0 <= v < 1 << width:
                raise MalformedInput(f"value {v} does not fit in {width} bits")
            acc |= v << (k * width)
        out.append(acc)
    return out


def sum_width(range_bits: int) -> int:
    """Bits of a per-asset sum over a whole book."""
    return range_bits + MAX_LEAVES_LOG2


def tag_of(account_id: str, salt: int) -> int:
    """``low240(hash_many(TAG, [salt, *encode_bytes(id)]))``: a customer recomputes their
    tag from their id and the salt the institution gave them."""
    if not 0 <= salt < R:
        raise MalformedInput("salt is not a field element")
    return hash_many(TAG, [salt, *encode_bytes(account_id.encode("utf-8"))]) % (1 << TAG_BITS)


def order_key(tag: int) -> int:
    """``tag mod 2^96``: what leaves are sorted by and the circuits order."""
    if not 0 <= tag < 1 << TAG_BITS:
        raise MalformedInput("tag out of range")
    return tag % (1 << ORDER_BITS)


def key_shift(n_assets: int, range_bits: int) -> int | None:
    """Where the order key sits in the last packed equity element: ``count · range_bits``
    for the ``count`` values that element holds, when ``count · range_bits + 96 ≤ 252``;
    ``None`` when it does not fit (the key is then a leaf input of its own)."""
    per = PACK_BITS // range_bits
    if n_assets < 1 or per == 0:
        raise ValueError(f"{n_assets} assets of {range_bits} bits cannot be packed")
    shift = (n_assets - per * ((n_assets - 1) // per)) * range_bits
    return shift if shift + ORDER_BITS <= PACK_BITS else None


def leaf_inputs(key: Any, tag: Any, equity_packed: Sequence[Any], debt_packed: Sequence[Any] | None, positions: Any,
                shift: int | None) -> list[Any]:
    """The leaf's hash inputs ``[key?, tag, *equity', *debt?, positions]`` (circuits/liabilities.md,
    "The committed book"): with ``shift`` the key is added into the last packed equity
    element at ``2^shift`` instead of taking an input; ``debt_packed`` is ``None`` in a
    book without debt. Works on ints and on circuit expressions alike."""
    if shift is None:
        xs = [key, tag, *equity_packed]
    else:
        xs = [tag, *equity_packed[:-1], equity_packed[-1] + key * (1 << shift)]
    return [*xs, *(debt_packed if debt_packed is not None else ()), positions]


def leaf_hash(tag: int, equity: Sequence[int], debt: Sequence[int] | None, positions: int, range_bits: int) -> int:
    """One account: its order key and tag, per-asset equity and debt (each < 2^range_bits;
    ``debt`` is ``None`` in a book committed without debt), and the commitment to its
    derivative positions (0 when it has none)."""
    key = order_key(tag)
    if debt is not None and len(equity) != len(debt):
        raise MalformedInput("equity and debt must list the same assets")
    debt_packed = pack(debt, range_bits) if debt is not None else None
    return hash_many(LEAF, leaf_inputs(key, tag, pack(equity, range_bits), debt_packed, positions % R,
                                       key_shift(len(equity), range_bits)))


def sums_lanes(equity_sums: Sequence[int], debt_sums: Sequence[int], range_bits: int,
               extras: Sequence[int] = (), netted_sums: Sequence[int] | None = None) -> list[int]:
    """Per-asset sums (equity, debt, and with the collateral statement the debt that
    nets, ``verifier.risk.netted_debt``) packed in lanes of ``range_bits + 30`` bits, then
    the collateral/margin outcome sums (``verifier.risk.outcome``), one element each."""
    values = [*equity_sums, *debt_sums, *(netted_sums if netted_sums is not None else ())]
    return [*pack(values, sum_width(range_bits)), *extras]


def lane_count(n_assets: int, range_bits: int, netted: bool, extra_lanes: int) -> int:
    """Field elements of a node's sums: ``2A`` (or ``3A`` with netted debt) packed values,
    then the outcome lanes."""
    per = PACK_BITS // sum_width(range_bits)
    return -(-(3 if netted else 2) * n_assets // per) + extra_lanes


def sum_commitment(lanes: Sequence[int], blind: int) -> int:
    """Hiding commitment to a node's per-asset sums."""
    return hash_many(SUM, [*lanes, blind])


def node_hash(children: Sequence[int], commitment: int) -> int:
    """An internal node commits to its children's hashes and (through ``commitment``)
    to its sums, which equal the sum of its children's sums."""
    return hash_many(NODE, [*children, commitment])


def batch_commitment(context: int, lanes: Sequence[int], first_key: int, last_key: int, blind: int) -> int:
    """Binds a batch proof's sums and boundary order keys to one attestation context."""
    return hash_many(BATCH, [context, *lanes, first_key, last_key, blind])


def digest(context: int, batches: Sequence[tuple[int, int]]) -> int:
    """Hash chain over ``(batch_root, batch_commitment)`` in batch order, from ``context``."""
    d = context
    for root, commitment in batches:
        d = hash_many(DIGEST, [d, root, commitment])
    return d


def empty_root() -> int:
    """Root of an unused batch slot in the top tree."""
    return hash_many(EMPTY, [0])


MAX_ARITY = 8
"""Children of a node at most: 8 children and the sum commitment fill one Poseidon
permutation (9 inputs, width 10)."""


def arities(n_leaves: int) -> list[int]:
    """Children per node, bottom level first. Levels of 8 (a node of 8 children and its
    sum commitment fills one Poseidon permutation) from the bottom while 8 divides what is
    left; then, while more than one node is left, a level of the largest arity in 2..8
    that divides it. A power of two thus has 8s and at most one level of 2 or 4 on top
    (``1536 → [8, 8, 8, 3]``, ``1792 → [8, 8, 7, 4]``, ``1280 → [8, 8, 5, 4]``).
    ``n_leaves`` is at least 2 and has no prime factor above 7."""
    if n_leaves < 2:
        raise MalformedInput(f"{n_leaves} leaves: a tree needs at least 2")
    out, n = [], n_leaves
    while n % MAX_ARITY == 0:
        out.append(MAX_ARITY)
        n //= MAX_ARITY
    while n > 1:
        arity = next((a for a in range(MAX_ARITY, 1, -1) if n % a == 0), None)
        if arity is None:
            # the factor named is searched for in a bounded range: a size read from a file may be huge
            factor = next((p for p in range(11, min(n, 1 << 16) + 1) if n % p == 0), None)
            raise MalformedInput(f"{n_leaves} leaves: a tree takes sizes whose prime factors are 2, 3, 5 and 7 only "
                                 f"(nodes of 2 to {MAX_ARITY} children), and {n_leaves} has "
                                 + (f"the factor {factor}" if factor else "a prime factor above 7"))
        out.append(arity)
        n //= arity
    return out


@dataclass(frozen=True)
class PathLevel:
    """One level of an inclusion path: where the node sits among its siblings, the
    siblings' hashes (in order, without the node), and the parent's sum commitment."""

    position: int
    siblings: tuple[int, ...]
    parent_commitment: int


def root_from_path(leaf: int, path: Sequence[PathLevel], n_leaves: int) -> int:
    """Recompute a batch root from a leaf and its path; the path's shape must be the
    tree's (same arities, positions in range)."""
    shape = arities(n_leaves)
    if len(path) != len(shape):
        raise MalformedInput(f"path has {len(path)} levels, a {n_leaves}-leaf tree has {len(shape)}")
    h = leaf
    for level, (arity, step) in enumerate(zip(shape, path, strict=True)):
        if len(step.siblings) != arity - 1 or not 0 <= step.position < arity:
            raise MalformedInput(f"path level {level}: expected {arity - 1} siblings and a position below {arity}")
        children = list(step.siblings)
        children.insert(step.position, h)
        h = node_hash(children, step.parent_commitment)
    return h


def position_in_batch(path: Sequence[PathLevel]) -> int:
    """The leaf index the path's positions spell (mixed radix, bottom level first)."""
    index, scale = 0, 1
    for step in path:
        index += step.position * scale
        scale *= len(step.siblings) + 1
    return index
