"""Sum-tree inclusion paths in the layout ``PoseidonInclusionVerifier.verifyPath`` checks.

ASSUMED LAYOUT (to be aligned with the tree spec of issue #3 at merge; docs/evm.md):

* every node carries ``(hash, sum commitment)``; for a leaf both come from the leaf
  layout (not fixed here: callers pass them in);
* a parent's hash is ``poseidon([h_0, s_0, …, h_{k-1}, s_{k-1}], init=node_domain)``
  over its ``k`` children in order (width ``2k + 1``; ``k = 4`` gives width 9), with
  ``node_domain = domain("solvent.node.v1", 2k)`` by default;
* a parent's sum commitment is opaque here (the liabilities proof ties it to the
  children's sums); the prover supplies it;
* the book root is the root node's hash;
* a path lists, per level from the leaf up, ``2k - 1`` words: the current node's sum
  commitment, then ``(hash, sum)`` of each sibling in child order, skipping the
  current position; the position at level ``i`` is the ``i``-th base-``k`` digit of
  the leaf index.

This module is pure Python over solvent's independent Poseidon; it builds small test
trees and their paths, and checks a path exactly as the contract does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from ..verifier.field import R
from ..verifier.poseidon import domain, poseidon

NODE_LABEL = "solvent.node.v1"
ARITY = 4

Node = tuple[int, int]  # (hash, sum commitment)


def node_domain(arity: int = ARITY, label: str = NODE_LABEL) -> int:
    return domain(label, 2 * arity)


def parent_hash(children: Sequence[Node], dom: int) -> int:
    flat = [v for h, s in children for v in (h, s)]
    return poseidon(flat, init=dom)


@dataclass
class SumTree:
    """A complete ``arity``-ary tree over ``arity**depth`` leaves (pad them yourself)."""

    levels: list[list[Node]]  # levels[0] = leaves, levels[-1] = [root]
    arity: int
    dom: int

    @classmethod
    def build(cls, leaves: Sequence[Node], parent_sum: Callable[[Sequence[Node]], int],
              arity: int = ARITY, label: str = NODE_LABEL) -> "SumTree":
        n = len(leaves)
        if n < arity or n & (n - 1) or (n.bit_length() - 1) % (arity.bit_length() - 1):
            raise ValueError(f"need a power of {arity} leaves, at least {arity}, got {n}")
        dom = node_domain(arity, label)
        levels = [list(leaves)]
        while len(levels[-1]) > 1:
            cur = levels[-1]
            levels.append([(parent_hash(cur[i:i + arity], dom), parent_sum(cur[i:i + arity]))
                           for i in range(0, len(cur), arity)])
        return cls(levels, arity, dom)

    @property
    def root(self) -> int:
        return self.levels[-1][0][0]

    def path(self, index: int) -> list[int]:
        out: list[int] = []
        for level in self.levels[:-1]:
            base = index - index % self.arity
            pos = index % self.arity
            out.append(level[index][1])
            for j in range(self.arity):
                if j != pos:
                    out += list(level[base + j])
            index //= self.arity
        return out


def verify_path(root: int, leaf_hash: int, index: int, path: Sequence[int], arity: int = ARITY,
                label: str = NODE_LABEL) -> bool:
    """The contract's check, in Python (same answers, including for malformed paths)."""
    per = 2 * arity - 1
    if not path or len(path) % per or not 0 <= leaf_hash < R or not 0 <= root < R:
        return False
    depth = len(path) // per
    if not 0 <= index < arity**depth:
        return False
    if any(not 0 <= w < R for w in path):
        return False
    dom = node_domain(arity, label)
    cur = leaf_hash
    for lvl in range(depth):
        words = path[lvl * per:(lvl + 1) * per]
        pos = index % arity
        sibs = [(words[1 + 2 * i], words[2 + 2 * i]) for i in range(arity - 1)]
        children = sibs[:pos] + [(cur, words[0])] + sibs[pos:]
        cur = parent_hash(children, dom)
        index //= arity
    return cur == root


__all__ = ["NODE_LABEL", "ARITY", "node_domain", "parent_hash", "SumTree", "verify_path"]
