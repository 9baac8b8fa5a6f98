"""From an account book to the committed tree's leaves: salts and tags derived from
the institution secret, padding leaves that look like real ones, global tag order,
and the native per-batch sum trees."""

from __future__ import annotations

from dataclasses import dataclass

from .. import _native
from ..book import AccountBook
from ..circuits.shape import BookShape
from ..field import R
from ..risk.evaluate import AccountRisk, RiskSetup, evaluate
from ..verifier import book as spec
from ..verifier import risk as risk_spec


def _ints(data: bytes) -> list[int]:
    return [int.from_bytes(data[i:i + 32], "little") for i in range(0, len(data), 32)]


def _u128(values: list[list[int]]) -> bytes:
    return b"".join(v.to_bytes(16, "little") for row in values for v in row)


@dataclass
class BookLayout:
    """Leaves in tag order. ``order[k]`` is the account index at leaf ``k``, or -1 for a
    padding leaf; ``leaf_of[i]`` is account ``i``'s leaf."""

    shape: BookShape
    epoch: int
    tags: list[int]
    salts: list[int]
    order: list[int]
    leaf_of: list[int]
    tree: _native.BookTree
    risk: RiskSetup | None = None
    leaf_risk: list[AccountRisk] | None = None
    """Per leaf (tag order), with collateral/margin statements."""
    positions: list[int] | None = None
    """Per leaf positions commitment, with the margin statement."""

    @property
    def num_batches(self) -> int:
        return len(self.tags) // self.shape.batch_size

    def batch_range(self, b: int) -> range:
        return range(b * self.shape.batch_size, (b + 1) * self.shape.batch_size)


def positions_commitment(quantities: list[int]) -> int:
    """``verifier.risk.positions_commitment``, with the native Poseidon (bulk)."""
    offset = 1 << (risk_spec.QUANTITY_BITS - 1)
    return _native.hash_many(risk_spec.POSITIONS, spec.pack([q + offset for q in quantities], risk_spec.QUANTITY_BITS))


def lay_out(book: AccountBook, shape: BookShape, secret: bytes, epoch: int, risk: RiskSetup | None = None) -> BookLayout:
    if shape.n_assets != len(book.assets):
        raise ValueError(f"shape has {shape.n_assets} assets, the book {len(book.assets)}")
    if book.has_debt and not shape.with_debt:
        raise ValueError("the book has debt but the circuits were set up without debt")
    if book.range_bits != shape.range_bits:
        raise ValueError(f"book validated for {book.range_bits} bits, circuits use {shape.range_bits}")
    if (risk is None) != (shape.risk is None) or (risk is not None and risk.shape() != shape.risk):
        raise ValueError(f"the risk parameters ({risk.shape() if risk else None}) do not fit the circuits' "
                         f"risk shape ({shape.risk})")
    B = shape.batch_size
    n_batches = max(1, -(-book.size // B))
    if n_batches > shape.capacity:
        raise ValueError(f"{book.size} accounts need {n_batches} batches of {B}; the top circuit "
                         f"takes {shape.capacity} (set up with a larger capacity)")
    salts_b, tags_b = _native.account_tags(secret, epoch, book.ids)
    salts, tags = _ints(salts_b), _ints(tags_b)
    n_pad = n_batches * B - book.size
    pad_tags = _ints(_native.padding_tags(secret, epoch, 0, n_pad))
    all_tags = tags + pad_tags
    if len(set(all_tags)) != len(all_tags):
        # two real ids cannot share a tag unless Poseidon collides on 240 bits; a clash
        # with a padding tag is as unlikely, but either would merge two leaves
        raise ValueError("tag collision between two leaves; change the institution secret")
    order = sorted(range(len(all_tags)), key=all_tags.__getitem__)
    order = [i if i < book.size else -1 for i in order]
    leaf_of = [0] * book.size
    for k, i in enumerate(order):
        if i >= 0:
            leaf_of[i] = k
    zeros = [0] * shape.n_assets
    equity = [book.equity[i] if i >= 0 else zeros for i in order]
    debt = [book.debt[i] if i >= 0 else zeros for i in order] if book.debt is not None else None
    sorted_tags = sorted(all_tags)
    leaf_risk = positions = None
    extras = b""
    if risk is not None:
        leaf_risk = [evaluate(book, risk, i if i >= 0 else None) for i in order]
        extras = b"".join(v.to_bytes(32, "little") for r in leaf_risk for v in r.outcome)
        if risk.margin:
            n_instr = len(risk.params.instruments)
            positions = [positions_commitment(book.positions[i] if i >= 0 and book.positions is not None
                                              else [0] * n_instr) for i in order]
    tree = _native.BookTree.build(
        secret, epoch, shape.range_bits, shape.n_assets, B,
        b"".join(t.to_bytes(32, "little") for t in sorted_tags),
        _u128(equity), _u128(debt) if debt is not None else None,
        b"".join(p.to_bytes(32, "little") for p in positions) if positions is not None else None,
        extras or None, shape.extra_lanes,
    )
    return BookLayout(shape, epoch, sorted_tags, salts, order, leaf_of, tree, risk, leaf_risk, positions)


def batch_inputs(layout: BookLayout, book: AccountBook, b: int, context: int) -> dict:
    """The batch circuit's named inputs for batch ``b``."""
    shape = layout.shape
    zeros = [0] * shape.n_assets
    rng = layout.batch_range(b)
    idx = [layout.order[k] for k in rng]
    inputs = {
        "context": context,
        "tags": [layout.tags[k] for k in rng],
        "equity": [list(book.equity[i]) if i >= 0 else list(zeros) for i in idx],
        "positions": [0] * shape.batch_size,
        "node_blinds": layout.tree.node_blinds(b),
        "batch_blind": layout.tree.batch_blind(b),
    }
    if shape.with_debt:
        inputs["debt"] = [list(book.debt[i]) if (i >= 0 and book.debt is not None) else list(zeros) for i in idx]
    if layout.risk is not None:
        setup, rs = layout.risk, [layout.leaf_risk[k] for k in rng]
        inputs["params_hash"] = setup.params_hash
        inputs["params"] = list(setup.vector)
        inputs["regions"] = [[[int(k == reg) for k in range(setup.n_regions)] for reg in r.regions] for r in rs]
        if setup.margin:
            n_instr = len(setup.params.instruments)
            del inputs["positions"]
            inputs["quantities"] = [[q % R for q in (book.positions[i] if i >= 0 and book.positions is not None
                                                     else [0] * n_instr)] for i in idx]
            inputs["scan_risk"] = [r.scan % R for r in rs]
            inputs["requirement"] = [r.requirement for r in rs]
    return inputs


def top_inputs(layout: BookLayout, secret: bytes, context: int) -> dict:
    """The top circuit's named inputs: active slots carry the batches, the rest zeros."""
    from ..verifier import book as spec

    shape = layout.shape
    M, n = shape.capacity, layout.num_batches
    lanes_zero = [0] * shape.lanes
    t = layout.tree
    bounds = [t.boundary_tags(b) for b in range(n)]
    return {
        "context": context,
        "active": [1] * n + [0] * (M - n),
        "batch_roots": [t.root(b) for b in range(n)] + [0] * (M - n),
        "batch_commitments": [t.commitment(b, context) for b in range(n)] + [0] * (M - n),
        "batch_lanes": [t.lanes(b) for b in range(n)] + [list(lanes_zero) for _ in range(M - n)],
        "first_tags": [f for f, _ in bounds] + [0] * (M - n),
        "last_tags": [last for _, last in bounds] + [0] * (M - n),
        "batch_blinds": [t.batch_blind(b) for b in range(n)] + [0] * (M - n),
        "node_blinds": _native.top_node_blinds(secret, layout.epoch, spec.arities(M), M),
    }
