"""How full a batch circuit's evaluation domain is, and the batch size that fills it best.

Groth16's FFTs and its H multi-scalar multiplication cost in proportion to the proof's
evaluation domain: the power of two at or above the constraints plus one row per instance
variable (the public values and the constant 1; ``prover/src/groth16/qap.rs``). A batch of
1,024 accounts × 8 assets has 1,314,101 constraints, a domain of 2^21 that is 62.7 % full;
1,536 accounts (``book.arities``: ``[8, 8, 8, 3]``) fill the same domain to about 94 %.

:func:`auto_batch_size` picks, for a shape, the batch size with the smallest domain per
account. It counts constraints with :class:`CostModel`, exact for every batch size: a batch
circuit's constraints are a constant plus, for every internal node of its tree, a cost
that depends on the node's arity alone (the per-account constraints are absorbed into the
node costs: a tree's nodes have ``Σ (arity − 1) = B − 1``, so a per-leaf cost ``α`` is
``α·(arity − 1)`` per node and ``α`` in the constant). The model is fitted on batches of
2..8 and 16 accounts and checked against compiled circuits in tests/pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..backend import Groth16
from ..circuits.compile import compile_circuits
from ..circuits.shape import BookShape, ShapeError, check_batch_size
from ..formulas import book

MAX_AUTO_BATCH = 1 << book.MAX_BATCH_LOG2
"""The largest batch size ``--batch-size auto`` considers (the circuits' limit)."""


def domain_size(rows: int) -> int:
    """The radix-2 domain of ``rows`` rows: the next power of two (at least 1)."""
    return 1 << max(0, rows - 1).bit_length()


@dataclass(frozen=True)
class DomainFill:
    """A batch circuit's size against its evaluation domain."""

    batch_size: int
    constraints: int
    public: int
    """Public values (inputs and outputs); the domain also holds one row for the constant 1."""

    @property
    def rows(self) -> int:
        return self.constraints + self.public + 1

    @property
    def domain(self) -> int:
        return domain_size(self.rows)

    @property
    def fill(self) -> float:
        """Share of the domain's rows in use, 0..1."""
        return self.rows / self.domain

    @property
    def domain_per_account(self) -> float:
        return self.domain / self.batch_size

    def describe(self) -> str:
        """``batch circuit: 1,314,101 constraints, domain 2^21, 62.7 % full``."""
        return (f"batch circuit ({self.batch_size:,} accounts): {self.constraints:,} constraints, "
                f"domain 2^{self.domain.bit_length() - 1}, {100 * self.fill:.1f} % full")


def measure(shape: BookShape, backend: Groth16) -> DomainFill:
    """The compiled batch circuit of ``shape``, counted."""
    compiled = compile_circuits(shape)["batch"]
    return DomainFill(shape.batch_size, backend.circuit(compiled).num_constraints, compiled.num_public)


@dataclass(frozen=True)
class CostModel:
    """Exact constraint counts of a shape's batch circuit for every batch size: ``base``
    plus ``node[a]`` per internal node of arity ``a`` (see the module's docstring)."""

    base: int
    node: dict[int, int]
    public: int

    @classmethod
    def fit(cls, shape: BookShape, backend: Groth16) -> CostModel:
        """Fitted on the batch circuits of 2..8 and 16 accounts of ``shape``'s kind:
        ``c(a) = base + node[a]``, and ``c(16) = base + 2·node[8] + node[2]``."""
        counts = {b: measure(replace(shape, batch_size=b), backend) for b in (*range(2, 9), 16)}
        c = {b: f.constraints for b, f in counts.items()}
        twice_node8 = c[16] - c[2]
        if twice_node8 % 2:
            raise AssertionError(f"batch circuit costs are not per node: c(16) − c(2) = {twice_node8} is odd")
        base = c[8] - twice_node8 // 2
        return cls(base, {a: c[a] - base for a in range(2, 9)}, counts[2].public)

    def constraints(self, batch_size: int) -> int:
        total, nodes = self.base, batch_size
        for arity in book.arities(batch_size):
            nodes //= arity
            total += nodes * self.node[arity]
        return total

    def fill(self, batch_size: int) -> DomainFill:
        return DomainFill(batch_size, self.constraints(batch_size), self.public)


def valid_batch_sizes(limit: int = MAX_AUTO_BATCH) -> list[int]:
    """Every batch size in 2..``limit`` the circuits take (``check_batch_size``)."""
    out = []
    for b in range(2, limit + 1):
        try:
            check_batch_size(b)
        except ShapeError:
            continue
        out.append(b)
    return out


NEAR_BEST = 1.01
"""Sizes within 1 % of the least domain per account count as equally good."""

MAX_AUTO_DOMAIN_LOG2 = 21
"""``auto`` keeps a batch proof within a domain of 2^21 (about 4 GB of peak memory at 8
assets): a larger domain costs no less per account, only more memory per proof."""


def largest_near_least(fills: list[DomainFill], cost: Callable[[DomainFill], float]) -> DomainFill:
    """Among the sizes within 1 % of the least ``cost``, the largest batch (fewer proofs, a
    smaller top circuit, MSMs that are cheaper per point, headroom for a growing book)."""
    least = min(cost(f) for f in fills)
    near = [f for f in fills if cost(f) <= least * NEAR_BEST]
    return max(near, key=lambda f: f.batch_size)


def best_fill(fills: list[DomainFill]) -> DomainFill:
    """Among the sizes within 1 % of the least domain per account, the largest batch."""
    return largest_near_least(fills, lambda f: f.domain_per_account)


COLUMN_COST = 1.34
"""What one constraint costs in the per-column MSMs (A, B in G1 and in G2, L), in units of
one domain row of the domain-sized work (6 FFTs and the H MSM): measured on a 1,960 × 8
batch proof (docs/prover.md: 32.3 CPU-s for 2,076,944 constraints, 24.3 CPU-s for 2^21
rows)."""

PROOF_OVERHEAD = 25_000
"""What every batch proof costs beyond its rows and constraints, in the same units (≈ 0.3
CPU-s: smaller MSMs are less efficient per point). With it one proof at 8 assets costs
11.9 µs per unit ± 3.5 % from 56 accounts (2^16) to 1,960 (2^21) (docs/prover.md)."""


def proving_cost(fill: DomainFill, accounts: int) -> float:
    """Relative cost of proving a book of ``accounts`` in batches of ``fill.batch_size``:
    per batch (the last one padded) its domain, ``COLUMN_COST`` per constraint and
    ``PROOF_OVERHEAD``."""
    batches = max(1, -(-accounts // fill.batch_size))
    return batches * (fill.domain + COLUMN_COST * fill.constraints + PROOF_OVERHEAD)


def best_for_book(fills: list[DomainFill], accounts: int) -> DomainFill:
    """Among the sizes within 1 % of the least cost for a book of ``accounts``, the largest batch."""
    return largest_near_least(fills, lambda f: proving_cost(f, accounts))


def auto_batch_size(shape: BookShape, backend: Groth16, limit: int = MAX_AUTO_BATCH,
                    accounts: int | None = None) -> DomainFill:
    """The batch size up to ``limit`` for ``shape`` (its batch size is ignored), within a
    domain of 2^MAX_AUTO_DOMAIN_LOG2, with its predicted count: the least domain per account,
    or with ``accounts`` the least cost of proving a book of that many accounts (so a book
    smaller than the best-filling batch is not padded to it)."""
    model = CostModel.fit(shape, backend)
    fills = [model.fill(b) for b in valid_batch_sizes(limit)]
    fitting = [f for f in fills if f.domain <= 1 << MAX_AUTO_DOMAIN_LOG2] or fills[:1]
    return best_fill(fitting) if accounts is None else best_for_book(fitting, accounts)
