"""Proof of liabilities: the batch circuit and the top circuit (spec: circuits/liabilities.md at the repository root).

Both follow ``solvent.formulas.book`` formula for formula; tests check that a
witness's public values equal what that module (and the Rust tree builder) compute.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..dsl import LC, CircuitBuilder
from ..dsl import gadgets as g
from ..formulas import book
from ..formulas import risk as risk_spec
from . import risk as risk_gadgets
from .shape import ShapeError, internal_nodes


def sum_tree(cs: CircuitBuilder, hashes: Sequence[LC], lanes: Sequence[Sequence[LC]],
             blinds: Sequence[LC]) -> tuple[LC, list[LC], LC]:
    """Hash a level of ``len(hashes)`` nodes up to the root. Each internal node's sums
    are the sum of its children's (linear, so no node can claim anything else), committed
    with a blind, and its hash covers its children's hashes and that commitment.
    Returns ``(root, root lanes, root sum commitment)``."""
    blinds = list(blinds)
    commitment = LC.const(0)
    for level, arity in enumerate(book.arities(len(hashes)), start=1):
        nxt_h, nxt_l = [], []
        for i in range(len(hashes) // arity):
            kids = range(i * arity, (i + 1) * arity)
            with cs.scope(f"node[{level},{i}]"):
                sums = [g.sum_of([lanes[k][j] for k in kids]) for j in range(len(lanes[0]))]
                commitment = g.hash_many(cs, book.SUM, [*sums, blinds.pop(0)])
                nxt_h.append(g.hash_many(cs, book.NODE, [*(hashes[k] for k in kids), commitment]))
                nxt_l.append(sums)
        hashes, lanes = nxt_h, nxt_l
    return hashes[0], list(lanes[0]), commitment


def batch(cs: CircuitBuilder, n_assets: int, range_bits: int, batch_size: int, with_debt: bool,
          risk: dict | None = None, asset_bits: Sequence[int] | None = None) -> None:
    """``batch_size`` accounts: every balance in range, order keys strictly increasing
    below 2^96, leaves hashed (key and tag), the batch's sum tree, and a hiding commitment
    binding the batch's sums and boundary keys to the attestation context. With ``risk``
    (``{"regions", "instruments", "scenarios"}``) it also proves, per account, collateral
    adequacy and (with instruments) margin, over the same leaves, and sums the outcome
    (see circuits/risk.md) up the tree as four extra lanes, with the debt that nets (circuits/solvency.md)
    as A more packed values; it outputs whether every account of the batch is
    collateralized (and margined): the batch root's count lanes are zero. With
    ``asset_bits`` asset ``a``'s balances are range-checked to ``asset_bits[a] ≤
    range_bits`` bits; leaves and lanes still pack ``range_bits``-bit slots."""
    B, A = batch_size, n_assets
    widths = list(asset_bits) if asset_bits is not None else [range_bits] * A
    if len(widths) != A or not all(1 <= w <= range_bits for w in widths):
        raise ShapeError(f"asset bits {widths}: one width per asset, each in 1..{range_bits}")
    context = cs.public_input("context")
    rs = risk_gadgets.RiskShape(n_assets=A, range_bits=range_bits, **risk) if risk else None
    if rs is not None:
        if range_bits > risk_spec.BALANCE_BITS:
            raise ShapeError(f"collateral and margin take balances of at most {risk_spec.BALANCE_BITS} bits")
        params_hash = cs.public_input("params_hash")
        params_in = cs.private_input("params", (rs.params_len,))
        with cs.scope("params"):
            cs.assert_equal(g.hash_many(cs, risk_spec.PARAMS, params_in), params_hash)
        params = risk_gadgets.split_params(rs, params_in)
        onehot = cs.private_input("regions", (B, A, rs.regions))
        if rs.margin:
            quantities = cs.private_input("quantities", (B, rs.instruments))
            scan = cs.private_input("scan_risk", (B,))
            claims = cs.private_input("requirement", (B,))
    keys = cs.private_input("keys", (B,))
    tags = cs.private_input("tags", (B,))
    equity = cs.private_input("equity", (B, A))
    debt = cs.private_input("debt", (B, A)) if with_debt else [[LC.const(0)] * A for _ in range(B)]
    positions = cs.private_input("positions", (B,)) if rs is None or not rs.margin else None
    node_blinds = cs.private_input("node_blinds", (internal_nodes(B),))
    batch_blind = cs.private_input("batch_blind")

    with cs.scope("keys"):
        # 2^96·(1 + B) < r: with the ends below 2^96 and every step in [1, 2^96], the
        # running integer never reaches r, so "increasing mod r" is increasing: the keys,
        # hence the leaves, are distinct. The tags are hashed, not range-checked, and
        # key = tag mod 2^96 is not checked: a leaf breaking it is one no customer
        # recognises, a fictitious account (circuits/liabilities.md, "Order keys").
        with cs.scope("first"):
            cs.range_check(keys[0], book.ORDER_BITS)
        with cs.scope("last"):
            cs.range_check(keys[B - 1], book.ORDER_BITS)
        for i in range(B - 1):
            with cs.scope(f"order[{i}]"):
                g.assert_lt(cs, keys[i], keys[i + 1], book.ORDER_BITS)

    leaves, lanes = [], []
    width = book.sum_width(range_bits)
    key_shift = book.key_shift(A, range_bits)
    for i in range(B):
        with cs.scope(f"account[{i}]"):
            for a in range(A):
                with cs.scope(f"equity[{a}]"):
                    cs.range_check(equity[i][a], widths[a])
                if with_debt:
                    with cs.scope(f"debt[{a}]"):
                        cs.range_check(debt[i][a], widths[a])
            extras: list[LC] = []
            netted: list[LC] = []
            pos = positions[i] if positions is not None else None
            if rs is not None:
                coll = risk_gadgets.collateral_value(cs, rs, params, equity[i], onehot[i])
                owed = risk_gadgets.debt_value(cs, params, debt[i])
                with cs.scope("collateral_outcome"):
                    extras += risk_gadgets.shortfall(cs, coll, owed, rs.value_bits)
                    netted = risk_gadgets.netted_debt(cs, debt[i], extras[0])
                if rs.margin:
                    pos, req = risk_gadgets.requirement(cs, rs, params, quantities[i], scan[i], claims[i])
                    with cs.scope("margin_outcome"):
                        extras += risk_gadgets.shortfall(cs, coll - owed, req, rs.margin_bits)
                else:
                    extras += [LC.const(0), LC.const(0)]
            assert pos is not None, "a positions input, or the margin gadget's commitment"
            with cs.scope("leaf"):
                # the key rides in the last equity element when it fits: every value is
                # range-checked below 2^range_bits and every key is below 2^96 (the order
                # checks above), so the element determines both (liabilities.md)
                leaves.append(g.hash_many(cs, book.LEAF, book.leaf_inputs(
                    keys[i], tags[i], g.pack_all(equity[i], range_bits),
                    g.pack_all(debt[i], range_bits) if with_debt else None, pos, key_shift)))
            lanes.append([*g.pack_all([*equity[i], *debt[i], *netted], width), *extras])

    root, root_lanes, _ = sum_tree(cs, leaves, lanes, node_blinds)
    with cs.scope("batch_commitment"):
        commitment = g.hash_many(cs, book.BATCH, [context, *root_lanes, keys[0], keys[B - 1], batch_blind])
    cs.public_output("batch_root", root)
    cs.public_output("batch_commitment", commitment)
    if rs is not None:
        # the outcome lanes follow the packed sums: [under_c, short_c, under_m, short_m]
        counts = root_lanes[-risk_gadgets.EXTRA_LANES:]
        with cs.scope("outcome_bits"):
            cs.public_output("all_collateralized", g.is_zero(cs, counts[0]))
            if rs.margin:
                cs.public_output("all_margined", g.is_zero(cs, counts[2]))


def top(cs: CircuitBuilder, n_assets: int, range_bits: int, capacity: int, extra_lanes: int = 0,
        netted: bool = False) -> None:
    """Binds every batch proof into one book: opens each active slot's batch commitment,
    chains ``(root, commitment)`` into the digest the verifier recomputes from the batch
    proofs, orders the batches' boundary keys, and builds the top tree whose root sum commitment is
    the commitment to the book's totals (with ``netted``, the netted debt per asset too)."""
    M = capacity
    L = book.lane_count(n_assets, range_bits, netted, extra_lanes)
    context = cs.public_input("context")
    active = cs.private_input("active", (M,))
    roots = cs.private_input("batch_roots", (M,))
    commitments = cs.private_input("batch_commitments", (M,))
    lanes = cs.private_input("batch_lanes", (M, L))
    firsts = cs.private_input("first_keys", (M,))
    lasts = cs.private_input("last_keys", (M,))
    blinds = cs.private_input("batch_blinds", (M,))
    node_blinds = cs.private_input("node_blinds", (internal_nodes(M),))

    empty = book.empty_root()
    digest: LC = context
    slot_roots, slot_lanes = [], []
    with cs.scope("active"):
        cs.assert_equal(active[0], 1)  # at least one batch; then a prefix of ones
        for i in range(M):
            g.assert_boolean(cs, active[i])
            if i:
                cs.assert_mul(active[i], 1 - active[i - 1], 0)
    for i in range(M):
        with cs.scope(f"slot[{i}]"):
            opened = g.hash_many(cs, book.BATCH, [context, *lanes[i], firsts[i], lasts[i], blinds[i]])
            cs.assert_mul(active[i], commitments[i] - opened, 0)
            step = g.hash_many(cs, book.DIGEST, [digest, roots[i], commitments[i]])
            digest = g.select(cs, active[i], step, digest)
            slot_roots.append(g.select(cs, active[i], roots[i], empty))
            slot_lanes.append([cs.mul(active[i], lane) for lane in lanes[i]])
            if i:
                with cs.scope("order"):
                    # boundary keys are below 2^96 (range-checked by the batch circuit)
                    cs.range_check(cs.mul(active[i], firsts[i] - lasts[i - 1] - 1), book.ORDER_BITS)
    root, _, totals = sum_tree(cs, slot_roots, slot_lanes, node_blinds)
    cs.public_output("book_root", root)
    cs.public_output("totals_commitment", totals)
    cs.public_output("batches_digest", digest)
