"""The shape of a committed book: what fixes the circuits (and so their keys)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..verifier import book


@dataclass(frozen=True)
class BookShape:
    n_assets: int
    batch_size: int
    capacity: int
    """Batch slots of the top circuit: one key pair serves every book of up to
    ``capacity × batch_size`` leaves."""
    range_bits: int = 64
    with_debt: bool = False
    risk: dict | None = None
    """``{"regions", "instruments", "scenarios"}`` when collateral (and margin, with
    instruments) are proven: fixes the risk parameters' layout, not their values."""
    solvency: dict | None = None
    """``{"mode": "pass_fail" | "buckets", "reserves": "public" | "committed"}`` when the
    solvency statement is proven."""

    def __post_init__(self) -> None:
        if self.n_assets < 1:
            raise ValueError("a book needs at least one asset")
        if not 1 <= self.range_bits <= 128:
            raise ValueError(f"range bits {self.range_bits} outside 1..128")
        for what, v in (("batch size", self.batch_size), ("capacity", self.capacity)):
            if v < 2 or v & (v - 1):
                raise ValueError(f"{what} {v} must be a power of two ≥ 2")
        if self.batch_size > 1 << book.MAX_BATCH_LOG2:
            raise ValueError(f"batch size {self.batch_size} above 2^{book.MAX_BATCH_LOG2}")
        if self.batch_size * self.capacity > 1 << book.MAX_LEAVES_LOG2:
            raise ValueError("batch size × capacity above 2^32 leaves")
        if self.risk is not None:
            if set(self.risk) != {"regions", "instruments", "scenarios"} or self.risk["regions"] < 1 \
                    or self.risk["scenarios"] < 1 or self.risk["instruments"] < 0:
                raise ValueError(f"bad risk shape {self.risk}")
            if self.range_bits > 64:
                raise ValueError("collateral and margin need balances of at most 64 bits")
        if self.solvency is not None and (set(self.solvency) != {"mode", "reserves"}
                                          or self.solvency["mode"] not in ("pass_fail", "buckets")
                                          or self.solvency["reserves"] not in ("public", "committed")):
            raise ValueError(f"bad solvency shape {self.solvency}")

    def solvency_params(self) -> dict:
        assert self.solvency is not None
        return {"n_assets": self.n_assets, "range_bits": self.range_bits, "extra_lanes": self.extra_lanes,
                **self.solvency}

    @property
    def extra_lanes(self) -> int:
        return 4 if self.risk is not None else 0

    @property
    def lanes(self) -> int:
        """Field elements holding a node's packed sums (equity and debt per asset)."""
        per = book.PACK_BITS // book.sum_width(self.range_bits)
        return -(-2 * self.n_assets // per) + self.extra_lanes

    @property
    def leaf_inputs(self) -> int:
        per = book.PACK_BITS // self.range_bits
        return 2 + 2 * -(-self.n_assets // per)

    def batch_params(self) -> dict:
        params = {"n_assets": self.n_assets, "range_bits": self.range_bits,
                  "batch_size": self.batch_size, "with_debt": self.with_debt}
        if self.risk is not None:
            params["risk"] = dict(self.risk)
        return params

    def top_params(self) -> dict:
        params = {"n_assets": self.n_assets, "range_bits": self.range_bits, "capacity": self.capacity}
        if self.extra_lanes:
            params["extra_lanes"] = self.extra_lanes
        return params

    def to_dict(self) -> dict:
        return asdict(self)


def internal_nodes(n_leaves: int) -> int:
    total, n = 0, n_leaves
    for a in book.arities(n_leaves):
        n //= a
        total += n
    return total
