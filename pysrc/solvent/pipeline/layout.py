"""From an account book to the committed tree's leaves: salts and tags derived from
the institution secret, padding leaves that look like real ones, one global order by
the tags' order keys, and the native per-batch sum trees."""

from __future__ import annotations

from dataclasses import dataclass

from .. import native
from ..circuits.shape import BookShape
from ..errors import UsageError
from ..formulas import book as spec
from ..formulas import risk as risk_spec
from ..formulas.field import R
from ..inputs.accounts import AccountBook, _View, first_too_wide, too_wide_message
from ..inputs.evaluate import AccountRisk, RiskSetup, evaluate


@dataclass
class BookLayout:
    """The committed leaves. ``tree`` is the native layout (``solvent.native.Layout``):
    tags in leaf order (sorted by order key), the leaf → account ``order`` (-1: padding), ``leaf_of`` each
    account, salts, and every batch's tree; the fields below are views on it."""

    shape: BookShape
    epoch: int
    tree: native.Layout
    risk: RiskSetup | None = None
    leaf_risk: list[AccountRisk] | None = None
    """Per leaf (leaf order), with collateral/margin statements."""
    positions: list[int] | None = None
    """Per leaf positions commitment, with the margin statement."""

    def __post_init__(self) -> None:
        n_leaves = lambda: self.tree.num_leaves  # noqa: E731
        n_accounts = lambda: self.tree.num_accounts  # noqa: E731
        self.tags = _View(n_leaves, lambda k: int(self.tree.tag(k)))
        self.order = _View(n_leaves, self.tree.order)
        self.leaf_of = _View(n_accounts, self.tree.leaf_of)
        self.salts = _View(n_accounts, lambda i: int(self.tree.salt(i)))

    @property
    def num_batches(self) -> int:
        return self.tree.num_batches

    def batch_range(self, b: int) -> range:
        return range(b * self.shape.batch_size, (b + 1) * self.shape.batch_size)


def outcome_totals(layout: BookLayout) -> list[int]:
    """The four outcome sums over every leaf (empty without risk statements)."""
    if layout.leaf_risk is None:
        return []
    return [sum(r.outcome[j] for r in layout.leaf_risk) for j in range(4)]


def batch_outcome_bits(layout: BookLayout, b: int) -> list[int]:
    """What batch ``b``'s proof outputs after its root and commitment: 1 when no account
    of the batch is under-collateralized (and, with margin, under-margined) — the batch
    root's count lanes are zero. Empty without risk statements."""
    if layout.risk is None:
        return []
    under_c, _, under_m, _ = layout.tree.lanes(b)[-4:]
    return [int(under_c == 0)] + ([int(under_m == 0)] if layout.risk.margin else [])


def netted_totals(book: AccountBook, layout: BookLayout) -> list[int] | None:
    """Per asset, the debt that nets against liabilities (``verifier.risk.netted_debt``),
    summed over the book's accounts; None without the collateral statement."""
    if layout.leaf_risk is None:
        return None
    totals = [0] * len(book.assets)
    zeros = [0] * len(book.assets)
    for i in range(book.size):
        debt = book.debt[i] if book.debt is not None else zeros
        for a, d in enumerate(risk_spec.netted_debt(debt, layout.leaf_risk[layout.leaf_of[i]].outcome)):
            totals[a] += d
    return totals


def positions_commitment(quantities: list[int]) -> int:
    """``verifier.risk.positions_commitment``, with the native Poseidon (bulk)."""
    offset = 1 << (risk_spec.QUANTITY_BITS - 1)
    return native.hash_many(risk_spec.POSITIONS, spec.pack([q + offset for q in quantities], risk_spec.QUANTITY_BITS))


def _fr_bytes(values) -> bytes:
    return b"".join(v.to_bytes(32, "little") for v in values)


def lay_out(book: AccountBook, shape: BookShape, secret: bytes, epoch: int, risk: RiskSetup | None = None) -> BookLayout:
    if shape.n_assets != len(book.assets):
        raise UsageError(f"shape has {shape.n_assets} assets, the book {len(book.assets)}")
    if book.has_debt and not shape.with_debt:
        raise UsageError("the book has debt but the circuits were set up without debt")
    if book.range_bits != shape.range_bits:
        raise UsageError(f"book validated for {book.range_bits} bits, circuits use {shape.range_bits}")
    too_wide = first_too_wide(book, shape.widths)
    if too_wide is not None:  # `solvent prove` names the row first (inputs.accounts.check_widths)
        raise UsageError(too_wide_message(book, list(shape.widths), too_wide))
    if (risk is None) != (shape.risk is None) or (risk is not None and risk.shape() != shape.risk):
        raise UsageError(f"the risk parameters ({risk.shape() if risk else None}) do not fit the circuits' "
                         f"risk shape ({shape.risk})")
    if risk is not None and risk.range_bits != shape.range_bits:
        raise UsageError(f"the risk parameters were prepared for {risk.range_bits}-bit balances, the circuits "
                         f"take {shape.range_bits}")
    B = shape.batch_size
    n_batches = max(1, -(-book.size // B))
    if n_batches > shape.capacity:
        raise UsageError(f"{book.size} accounts need {n_batches} batches of {B}; the top circuit "
                         f"takes {shape.capacity} (set up with a larger capacity)")
    account_risk = positions = None
    kwargs: dict = {}
    if risk is not None:
        account_risk = [evaluate(book, risk, i) for i in range(book.size)]
        padding_risk = evaluate(book, risk, None)
        n_instr = len(risk.params.instruments)
        kwargs["extras"] = b"".join(v.to_bytes(32, "little") for r in account_risk for v in r.outcome)
        kwargs["n_extras"] = shape.extra_lanes
        kwargs["covered"] = bytes(1 - r.outcome[0] for r in account_risk)
        if risk.margin:
            positions = [positions_commitment(book.positions[i] if book.positions is not None else [0] * n_instr)
                         for i in range(book.size)]
            kwargs["padding_positions"] = positions_commitment([0] * n_instr)
        kwargs["positions"] = _fr_bytes(positions or [0] * book.size)
    tree = native.Layout.build(book.store, B, n_batches, secret, epoch, shape.with_debt, **kwargs)
    layout = BookLayout(shape, epoch, tree, risk)
    if account_risk is not None:
        order = tree.orders(0, tree.num_leaves)
        layout.leaf_risk = [account_risk[i] if i >= 0 else padding_risk for i in order]
        if positions is not None:
            layout.positions = [positions[i] if i >= 0 else kwargs["padding_positions"] for i in order]
    return layout


def batch_inputs(layout: BookLayout, book: AccountBook, b: int, context: int) -> dict:
    """The batch circuit's named inputs for batch ``b``."""
    shape = layout.shape
    zeros = [0] * shape.n_assets
    rng = layout.batch_range(b)
    idx = layout.tree.orders(rng.start, rng.stop)
    inputs = {
        "context": context,
        "keys": [spec.order_key(layout.tags[k]) for k in rng],
        "tags": [layout.tags[k] for k in rng],
        "equity": [list(book.equity[i]) if i >= 0 else list(zeros) for i in idx],
        "positions": [0] * shape.batch_size,
        "node_blinds": layout.tree.node_blinds(b),
        "batch_blind": layout.tree.batch_blind(b),
    }
    if shape.with_debt:
        inputs["debt"] = [list(book.debt[i]) if (i >= 0 and book.debt is not None) else list(zeros) for i in idx]
    if layout.risk is not None:
        assert layout.leaf_risk is not None  # evaluated with the risk setup
        setup, rs = layout.risk, [layout.leaf_risk[k] for k in rng]
        inputs["params_hash"] = setup.params_hash
        inputs["params"] = list(setup.vector)
        inputs["regions"] = [[[int(k == reg) for k in range(setup.n_regions)] for reg in r.regions] for r in rs]
        if setup.margin:
            n_instr = len(setup.params.instruments)
            del inputs["positions"]
            inputs["quantities"] = [[q % R for q in (book.positions[i] if i >= 0 and book.positions is not None
                                                     else [0] * n_instr)] for i in idx]
            inputs["scan_risk"] = [r.scan % R for r in rs]  # type: ignore[operator]  # set with margin
            inputs["requirement"] = [r.requirement for r in rs]
    return inputs


def top_inputs(layout: BookLayout, secret: bytes, context: int) -> dict:
    """The top circuit's named inputs: active slots carry the batches, the rest zeros."""
    shape = layout.shape
    M, n = shape.capacity, layout.num_batches
    lanes_zero = [0] * shape.lanes
    t = layout.tree
    bounds = [t.boundary_keys(b) for b in range(n)]
    return {
        "context": context,
        "active": [1] * n + [0] * (M - n),
        "batch_roots": [t.root(b) for b in range(n)] + [0] * (M - n),
        "batch_commitments": [t.commitment(b, context) for b in range(n)] + [0] * (M - n),
        "batch_lanes": [t.lanes(b) for b in range(n)] + [list(lanes_zero) for _ in range(M - n)],
        "first_keys": [f for f, _ in bounds] + [0] * (M - n),
        "last_keys": [last for _, last in bounds] + [0] * (M - n),
        "batch_blinds": [t.batch_blind(b) for b in range(n)] + [0] * (M - n),
        "node_blinds": native.top_node_blinds(secret, layout.epoch, spec.arities(M), M),
    }
