"""Made-up trees in the layout of formulas/book.py, for the on-chain inclusion tests."""

from __future__ import annotations

import random
from dataclasses import dataclass

from solvent.formulas import book as spec
from solvent.formulas.field import R
from solvent.formulas.poseidon import poseidon


@dataclass
class Tree:
    """A complete tree with the given arities (bottom first), built with spec.node_hash."""

    levels: list[list[int]]  # hashes, levels[0] = leaves
    commitments: list[list[int]]  # commitments[l] of the nodes of levels[l + 1]
    arities: list[int]

    @classmethod
    def build(cls, arities: list[int], seed: int = 0) -> Tree:
        rng = random.Random(seed)
        n = 1
        for a in arities:
            n *= a
        levels, commitments = [[poseidon([seed, i]) for i in range(n)]], []
        for a in arities:
            cur = levels[-1]
            cs = [rng.randrange(R) for _ in range(len(cur) // a)]
            levels.append([spec.node_hash(cur[i * a:(i + 1) * a], cs[i]) for i in range(len(cs))])
            commitments.append(cs)
        return cls(levels, commitments, arities)

    @property
    def root(self) -> int:
        return self.levels[-1][0]

    def path(self, index: int) -> list[spec.PathLevel]:
        out = []
        for level, a in enumerate(self.arities):
            parent, pos = divmod(index, a)
            sibs = tuple(self.levels[level][parent * a + j] for j in range(a) if j != pos)
            out.append(spec.PathLevel(pos, sibs, self.commitments[level][parent]))
            index = parent
        return out
