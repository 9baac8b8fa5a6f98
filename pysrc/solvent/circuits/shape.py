"""The shape of a committed book: what fixes the circuits (and so their keys)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ..errors import SolventError
from ..formulas import book
from ..formulas import risk as risk_spec
from ..formulas.errors import MalformedInput

SUPPORTED_RANGE_BITS = (64, 96, 128)
"""Balance widths chosen automatically (``auto_range_bits``); any width in 1..128 may be
asked for explicitly. Collateral and margin take at most ``risk_spec.BALANCE_BITS``."""


class ShapeError(SolventError, ValueError):
    """A book shape no circuit can take (asset count, widths, batch sizes, statements)."""


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
    asset_bits: tuple[int, ...] | None = None
    """Per asset, the width its equity and debt are range-checked to (each in
    1..``range_bits``); None: every asset at ``range_bits``. ``range_bits`` stays the
    packing slot of leaves and lanes, so only the batch circuit's range checks change
    (circuits/liabilities.md, "Per-asset widths")."""

    def __post_init__(self) -> None:
        if self.n_assets < 1:
            raise ShapeError("a book needs at least one asset")
        if not 1 <= self.range_bits <= 128:
            raise ShapeError(f"range bits {self.range_bits} outside 1..128")
        if self.asset_bits is not None:
            widths = tuple(self.asset_bits)
            if len(widths) != self.n_assets or not all(type(w) is int and 1 <= w <= self.range_bits for w in widths):
                raise ShapeError(f"asset bits {list(widths)}: one width per asset ({self.n_assets}), "
                                 f"each in 1..{self.range_bits} (the range bits)")
            # one spelling per circuit: every asset at range_bits is the shape without widths
            object.__setattr__(self, "asset_bits", None if set(widths) == {self.range_bits} else widths)
        check_batch_size(self.batch_size)
        if self.capacity < 2 or self.capacity & (self.capacity - 1):
            raise ShapeError(f"capacity {self.capacity} must be a power of two ≥ 2")
        if self.batch_size * self.capacity > 1 << book.MAX_LEAVES_LOG2:
            raise ShapeError(f"batch size × capacity above 2^{book.MAX_LEAVES_LOG2} leaves")
        if self.risk is not None:
            if set(self.risk) != {"regions", "instruments", "scenarios"} or self.risk["regions"] < 1 \
                    or self.risk["scenarios"] < 1 or self.risk["instruments"] < 0:
                raise ShapeError(f"bad risk shape {self.risk}")
            if self.range_bits > risk_spec.BALANCE_BITS:
                raise ShapeError(f"collateral and margin take balances of at most {risk_spec.BALANCE_BITS} bits "
                                 f"(not {self.range_bits})")
        if self.solvency is not None and (set(self.solvency) != {"mode", "reserves"}
                                          or self.solvency["mode"] not in ("pass_fail", "buckets")
                                          or self.solvency["reserves"] not in ("public", "committed")):
            raise ShapeError(f"bad solvency shape {self.solvency}")
        if self.solvency is not None and self.with_debt and self.risk is None:
            raise ShapeError("the solvency statement over a book with debt needs the collateral statement "
                             "(--statements liabilities,collateral,solvency with --risk FILE): only debt that "
                             "collateral covers may reduce net liabilities")

    def solvency_params(self) -> dict:
        assert self.solvency is not None
        params = {"n_assets": self.n_assets, "range_bits": self.range_bits, "extra_lanes": self.extra_lanes,
                  **self.solvency}
        if self.nets_debt:
            params["netted"] = True
        return params

    @property
    def extra_lanes(self) -> int:
        return 4 if self.risk is not None else 0

    @property
    def nets_debt(self) -> bool:
        """Whether the tree sums the debt that collateral covers (with the collateral
        statement): the only debt that reduces net liabilities."""
        return self.risk is not None

    @property
    def lanes(self) -> int:
        """Field elements holding a node's packed sums (equity, debt and netted debt per
        asset) and outcome lanes."""
        return book.lane_count(self.n_assets, self.range_bits, self.nets_debt, self.extra_lanes)

    @property
    def leaf_inputs(self) -> int:
        per = book.PACK_BITS // self.range_bits
        return 2 + 2 * -(-self.n_assets // per)

    @property
    def widths(self) -> tuple[int, ...]:
        """Per asset, the bits its balances are proven below (``asset_bits`` or ``range_bits``)."""
        return self.asset_bits if self.asset_bits is not None else (self.range_bits,) * self.n_assets

    def batch_params(self) -> dict:
        params = {"n_assets": self.n_assets, "range_bits": self.range_bits,
                  "batch_size": self.batch_size, "with_debt": self.with_debt}
        if self.risk is not None:
            params["risk"] = dict(self.risk)  # type: ignore[assignment]  # JSON-shaped: int | bool | dict
        if self.asset_bits is not None:  # absent otherwise: the same cache key and IR as before widths
            params["asset_bits"] = list(self.asset_bits)  # type: ignore[assignment]
        return params

    def top_params(self) -> dict:
        params = {"n_assets": self.n_assets, "range_bits": self.range_bits, "capacity": self.capacity}
        if self.extra_lanes:
            params["extra_lanes"] = self.extra_lanes
        if self.nets_debt:
            params["netted"] = True
        return params

    def to_dict(self) -> dict:
        """JSON-shaped; ``asset_bits`` only when set, so a shape without widths has the
        same dict (shape files, dev-key cache names) as before widths existed."""
        d = asdict(self)
        if self.asset_bits is None:
            del d["asset_bits"]
        else:
            d["asset_bits"] = list(self.asset_bits)
        return d


def asset_widths(symbols: Sequence[str], caps: Sequence[int | None], range_bits: int) -> tuple[int, ...] | None:
    """``BookShape.asset_bits`` from each asset's width (None: no cap, the asset takes
    ``range_bits``); None when every asset takes ``range_bits``."""
    for symbol, cap in zip(symbols, caps, strict=True):
        if cap is not None and cap > range_bits:
            raise ShapeError(f"asset {symbol}: its max_supply needs {cap} bits, more than the {range_bits} "
                             "range bits (ask for wider --range-bits)")
    widths = tuple(range_bits if cap is None else cap for cap in caps)
    return None if set(widths) == {range_bits} else widths


def check_batch_size(batch_size: int) -> None:
    """A batch size the batch circuit and its tree take: 2..2^12 leaves whose prime factors
    are at most 7, so the tree has levels of 2 to 8 children (``book.arities``). Powers of
    two are not required: a size such as 3·2^9 fills the proof's FFT domain better."""
    if not 2 <= batch_size <= 1 << book.MAX_BATCH_LOG2:
        raise ShapeError(f"batch size {batch_size} outside 2..{1 << book.MAX_BATCH_LOG2} "
                         f"(2^{book.MAX_BATCH_LOG2}, the circuits' largest batch)")
    try:
        book.arities(batch_size)
    except MalformedInput as e:
        raise ShapeError(f"batch size {batch_size}: {e}") from None


def auto_range_bits(max_bits: int, with_risk: bool) -> int:
    """The smallest supported width that holds an amount of ``max_bits`` bits (collateral
    and margin take at most ``risk_spec.BALANCE_BITS``)."""
    limit = risk_spec.BALANCE_BITS if with_risk else SUPPORTED_RANGE_BITS[-1]
    for width in SUPPORTED_RANGE_BITS:
        if max_bits <= width <= limit:
            return width
    raise ShapeError(f"an amount of the book needs {max_bits} bits; "
                     + (f"collateral and margin take at most {limit}" if with_risk else f"the widest balance is {limit} bits"))


def internal_nodes(n_leaves: int) -> int:
    total, n = 0, n_leaves
    for a in book.arities(n_leaves):
        n //= a
        total += n
    return total
