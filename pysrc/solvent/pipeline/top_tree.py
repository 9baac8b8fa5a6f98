"""The top tree over batch slots, rebuilt outside the circuit so that customers can be
given the path from their batch root to the book root (the on-chain registry stores the
book root). Cross-checked against the top proof's outputs before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from .. import native
from ..formulas import book as spec


@dataclass
class TopTree:
    levels: list[list[int]]  # levels[0] = slot roots, last = [book root]
    commitments: list[list[int]]  # commitments[l] for the nodes of levels[l + 1]
    root_lanes: list[int]  # the book's packed totals, what totals_commitment commits to
    root_blind: int  # the blind that opens totals_commitment

    @property
    def root(self) -> int:
        return self.levels[-1][0]

    @property
    def totals_commitment(self) -> int:
        return self.commitments[-1][0]


def build(roots: list[int], lanes: list[list[int]], capacity: int, blinds: list[int]) -> TopTree:
    """``roots``/``lanes`` of the active batches; empty slots get the empty root and zero
    sums, exactly as the top circuit fills them. Lanes add without carries: every
    per-asset sum of a book stays below the lane width."""
    n_lanes = len(lanes[0])
    hashes = roots + [spec.empty_root()] * (capacity - len(roots))
    sums = [list(x) for x in lanes] + [[0] * n_lanes for _ in range(capacity - len(roots))]
    root_blind = blinds[-1]
    blinds = list(blinds)
    levels, commitments = [hashes], []
    for arity in spec.arities(capacity):
        nxt_h, nxt_s, cs = [], [], []
        for i in range(len(hashes) // arity):
            kids = range(i * arity, (i + 1) * arity)
            s = [sum(sums[k][j] for k in kids) for j in range(n_lanes)]
            c = native.hash_many(spec.SUM, [*s, blinds.pop(0)])
            nxt_h.append(native.hash_many(spec.NODE, [*(hashes[k] for k in kids), c]))
            nxt_s.append(s)
            cs.append(c)
        hashes, sums = nxt_h, nxt_s
        levels.append(hashes)
        commitments.append(cs)
    return TopTree(levels, commitments, sums[0], root_blind)
