"""A run's state rebuilt from its spec: the validated book, risk parameters, reserves,
keys and options. The driver, a resumed run and every Dask worker call ``load_state``
and get the same book, hence the same tree and the same inputs for every batch."""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

from ...backend import Groth16
from ...backend.groth16 import InsecureSetupWarning
from ...circuits.shape import BookShape, ShapeError, asset_widths, auto_range_bits
from ...dsl.cache import cache_dir
from ...errors import UsageError
from ...inputs.accounts import AccountBook, check_widths, read_accounts
from ...inputs.assets import Asset, read_assets
from ...inputs.evaluate import RiskSetup, at_width, prepare
from ...inputs.params import RiskParamsFile, from_file, load_risk_params, read_risk_file
from ...inputs.positions import read_positions
from ...inputs.prices import load_snapshot, median, require_snapshot
from ...inputs.prices.check import AssetPrice, PriceCheck
from ...inputs.prices.risk import with_snapshot_prices
from ...inputs.reserves import load_reserves, reserves_per_asset
from ...inputs.reserves.audit import require_audit
from .. import keys as keymod
from ..batch_fill import auto_batch_size
from ..statement import Institution, ProveOptions
from .spec import RunSpec, read_hex_secret

DEFAULT_BATCH = 256


@dataclass
class RunState:
    spec: RunSpec
    book: AccountBook
    keys: keymod.ShapeKeys
    inst: Institution
    opts: ProveOptions

    @property
    def shape(self) -> BookShape:
        return self.keys.shape


def capacity_for(batches: int) -> int:
    return max(2, 1 << (batches - 1).bit_length())


def sized_to_book(shape: BookShape, accounts: int, backend: Groth16) -> BookShape:
    """``shape`` with the batch size of least proving cost for ``accounts`` (``--batch-size
    auto``) and a top circuit just large enough for its batches."""
    bs = auto_batch_size(shape, backend, accounts=accounts).batch_size
    return replace(shape, batch_size=bs, capacity=capacity_for(-(-accounts // bs)))


def risk_setup(spec: RunSpec, assets, regions: int | None) -> RiskSetup | None:
    return risk_setup_from(spec.risk.check("risk parameters") if spec.risk else None, assets, spec.statements, regions,
                           spec.prices.check("price snapshot") if spec.prices else None, spec.snapshot_time)


def risk_setup_from(path: Path | None, assets, statements: list[str], regions: int | None,
                    prices_path: Path | None = None, snapshot_time: str | None = None) -> RiskSetup | None:
    """The risk parameters the statements need (instruments only with margin); with
    ``prices_path`` their prices are the medians of that signed snapshot, checked against
    ``snapshot_time`` (``setup`` passes none: it only needs the circuits' shape)."""
    if "collateral" not in statements:
        if path is not None or prices_path is not None:
            raise UsageError("--risk or --prices given but --statements asks for neither collateral nor margin")
        return None
    if path is None:
        raise UsageError("collateral and margin need --risk FILE (prices, tiers, instruments)")
    params = load_risk_params(path, assets) if prices_path is None else \
        _snapshot_priced(path, assets, prices_path, snapshot_time)
    if "margin" in statements and not params.instruments:
        raise UsageError(f"{path}: the margin statement needs instruments in the risk parameters")
    if "margin" not in statements and params.instruments:
        params = from_file(params.source.model_copy(update={"instruments": {}}), assets, path)
    return prepare(params, regions)


def _snapshot_priced(path: Path, assets, prices_path: Path, snapshot_time: str | None):
    snap = load_snapshot(prices_path)
    symbols = [a.symbol for a in assets]
    if snapshot_time is not None:
        check = require_snapshot(snap, snapshot_time, assets=symbols)
    else:  # setup: the medians only fix the parameters' shape; prove checks the snapshot
        check = PriceCheck(tuple(AssetPrice(s, True, "", median([r.price for r in e.reports]), (), ())
                                 for s, e in snap.assets.items()), ())
    raw: RiskParamsFile = read_risk_file(path)
    return from_file(with_snapshot_prices(raw, snap, check, path), assets, path)


def price_snapshot_document(spec: RunSpec) -> dict | None:
    """The snapshot as published in the attestation's risk section (verbatim JSON)."""
    return json.loads(Path(spec.prices.path).read_text()) if spec.prices is not None else None


def dev_keys(shape: BookShape, backend: Groth16, banner=None) -> tuple[keymod.ShapeKeys, Path]:
    """An INSECURE dev setup for ``shape``, cached per shape so later runs reuse it."""
    digest = hashlib.sha256(json.dumps(shape.to_dict(), sort_keys=True).encode()).hexdigest()[:16]
    d = cache_dir() / "dev-keys" / digest
    if (d / "shape.json").exists():
        try:
            return keymod.load(d, backend), d
        except ValueError:
            pass  # stale keys (circuits changed): set up again
    if banner:
        banner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        return keymod.setup_dev_insecure(shape, d, backend), d


def load_state(spec: RunSpec, backend: Groth16, banner=None) -> RunState:
    """Read and validate every input of ``spec``; resolves ``spec.keys_dir`` if unset."""
    assets = read_assets(spec.assets.check("asset list"))
    keys_dir = Path(spec.keys_dir) if spec.keys_dir else None
    fixed = keymod.read_shape(keys_dir) if keys_dir else None
    risk = risk_setup(spec, assets, fixed.risk["regions"] if fixed and fixed.risk else None)
    book = read_book(spec.accounts.check("accounts file"), assets,
                     fixed.range_bits if fixed else spec.range_bits, risk is not None)
    risk = at_width(risk, book.range_bits) if risk is not None else None
    if spec.positions is not None:
        if risk is None or not risk.margin:
            raise UsageError("--positions given but --statements does not include margin")
        read_positions(spec.positions.check("positions file"), book, risk.params)
    elif risk is not None and risk.margin:
        raise UsageError("the margin statement needs --positions FILE")
    if risk is not None and not book.has_debt:
        book.store.set_debt(True)  # debt is zero unless the file says otherwise
    solvency = None
    if "solvency" in spec.statements:
        if spec.reserves is None:
            raise UsageError("the solvency statement needs --reserves FILE")
        if book.has_debt and risk is None:
            raise UsageError(f"{spec.accounts.path}: the book has a debt column, and the solvency statement over a "
                             "book with debt needs the collateral statement (--statements "
                             "liabilities,collateral,solvency with --risk FILE): only debt that collateral covers "
                             "may reduce net liabilities")
        solvency = {"mode": spec.solvency_mode, "reserves": "committed" if spec.private_reserves else "public"}
    elif spec.reserves is not None:
        raise UsageError("--reserves given but --statements does not include solvency")
    if fixed is None:
        bs = DEFAULT_BATCH if spec.batch_size in (None, "auto") else int(spec.batch_size)
        shape = BookShape(n_assets=len(assets), batch_size=bs, capacity=capacity_for(-(-book.size // bs)),
                          range_bits=book.range_bits, with_debt=book.has_debt, risk=risk.shape() if risk else None,
                          solvency=solvency, asset_bits=shape_widths(spec.assets.path, assets, book.range_bits))
        if spec.batch_size == "auto":
            shape = sized_to_book(shape, book.size, backend)
        sk, keys_dir = dev_keys(shape, backend, banner)
        spec.keys_dir = str(keys_dir.resolve())
    else:
        if fixed.solvency != solvency:
            raise UsageError(f"{keys_dir}: the keys were set up for solvency {fixed.solvency}, this run asks {solvency}")
        listed = shape_widths(spec.assets.path, assets, fixed.range_bits)
        if len(assets) == fixed.n_assets and listed != fixed.asset_bits:  # a count mismatch: layout says
            raise UsageError(f"{keys_dir}: the keys prove balances below 2^w for w = {list(fixed.widths)} per asset, "
                             f"the max_supply column of {spec.assets.path} gives "
                             f"{list(listed or (fixed.range_bits,) * len(assets))}: set up keys for this asset list")
        assert keys_dir is not None
        sk = keymod.load(keys_dir, backend)
    check_widths(book, spec.accounts.path, sk.shape.widths)
    inst = Institution(spec.institution, read_hex_secret(spec.signing_key_file, "the signing key"),
                       read_hex_secret(spec.secret_file, "the institution secret"))
    opts = ProveOptions(epoch=spec.epoch, snapshot_time=spec.snapshot_time, reveal_totals=spec.reveal_totals,
                        risk=risk, price_snapshot=price_snapshot_document(spec))
    if solvency is not None:
        assert spec.reserves is not None  # required above with the solvency statement
        reserves_options(opts, spec.reserves.check("reserves snapshot"), assets, spec, risk is not None)
    return RunState(spec, book, sk, inst, opts)


def read_book(path: Path, assets: list[Asset], range_bits: int | None, with_risk: bool) -> AccountBook:
    """The accounts file at ``range_bits``, or (None) at the smallest supported width
    that fits every amount of the book and every asset's max_supply
    (``circuits.shape.auto_range_bits``)."""
    book = read_accounts(path, assets, range_bits=range_bits)
    if range_bits is None:
        try:
            book.set_range_bits(auto_range_bits(max(book.max_bits(), widest_cap(assets)), with_risk))
        except ValueError as e:
            raise UsageError(f"{path}: {e}") from None
    return book


def widest_cap(assets: list[Asset]) -> int:
    """Bits of the largest max_supply of the asset list (0: no asset has one)."""
    return max((a.bits for a in assets if a.bits is not None), default=0)


def shape_widths(assets_path: str | Path, assets: list[Asset], range_bits: int) -> tuple[int, ...] | None:
    """``BookShape.asset_bits`` for the asset list at ``range_bits`` (UsageError naming the
    asset list when a max_supply needs more bits than that)."""
    try:
        return asset_widths([a.symbol for a in assets], [a.bits for a in assets], range_bits)
    except ShapeError as e:
        raise UsageError(f"{assets_path}: {e}") from None


def reserves_options(opts: ProveOptions, path: Path, assets, spec: RunSpec, with_risk: bool) -> None:
    """Reserves backing customer balances and the insurance fund's holdings, from one
    reserves file whose every address proved ownership for this attestation."""
    doc = load_reserves(path)
    require_audit(doc, spec.institution, spec.epoch, spec.snapshot_time)
    fund_holdings = [h for h in doc.holdings if h.purpose == "insurance"]
    if fund_holdings and not with_risk:
        raise UsageError(f"{path}: holdings marked \"purpose\": \"insurance\" form an insurance fund, which "
                         "covers accounts that fall short: it needs the collateral statement (and its prices)")
    opts.reserves = reserves_per_asset(doc, assets)
    opts.insurance = reserves_per_asset(doc, assets, purpose="insurance") if with_risk else None
    opts.reserves_document = json.loads(path.read_text())
