"""A run's state rebuilt from its spec: the validated book, risk parameters, reserves,
keys and options. The driver, a resumed run and every Dask worker call ``load_state``
and get the same book, hence the same tree and the same inputs for every batch."""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..backend import Groth16
from ..backend.groth16 import InsecureSetupWarning
from ..book import AccountBook, read_accounts, read_assets
from ..circuit.cache import cache_dir
from ..circuits.shape import BookShape
from ..liabilities import keys as keymod
from ..liabilities.prove import Institution, ProveOptions
from ..risk.evaluate import RiskSetup, prepare
from ..risk.params import from_file, load_risk_params
from ..risk.positions import read_positions
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
            raise ValueError("--risk or --prices given but --statements asks for neither collateral nor margin")
        return None
    if path is None:
        raise ValueError("collateral and margin need --risk FILE (prices, tiers, instruments)")
    params = load_risk_params(path, assets) if prices_path is None else \
        _snapshot_priced(path, assets, prices_path, snapshot_time)
    if "margin" in statements and not params.instruments:
        raise ValueError(f"{path}: the margin statement needs instruments in the risk parameters")
    if "margin" not in statements and params.instruments:
        params = from_file(params.source.model_copy(update={"instruments": {}}), assets, path)
    return prepare(params, regions)


def _snapshot_priced(path: Path, assets, prices_path: Path, snapshot_time: str | None):
    from ..prices import load_snapshot, median, require_snapshot
    from ..prices.check import PriceCheck, AssetPrice
    from ..prices.risk import with_snapshot_prices
    from ..risk.params import RiskParamsFile, read_risk_file

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
    book = read_accounts(spec.accounts.check("accounts file"), assets,
                         range_bits=fixed.range_bits if fixed else spec.range_bits)
    if spec.positions is not None:
        if risk is None or not risk.margin:
            raise ValueError("--positions given but --statements does not include margin")
        read_positions(spec.positions.check("positions file"), book, risk.params)
    elif risk is not None and risk.margin:
        raise ValueError("the margin statement needs --positions FILE")
    if risk is not None and not book.has_debt:
        book.store.set_debt(True)  # debt is zero unless the file says otherwise
    if spec.insurance_fund is not None:
        from ..book.amounts import AmountError, parse_amount

        try:
            parse_amount(spec.insurance_fund, 30, 250)
        except AmountError as e:
            raise ValueError(f"--insurance-fund: {e}") from None
        if risk is None:
            raise ValueError("--insurance-fund needs the collateral or margin statement")
    solvency = None
    if "solvency" in spec.statements:
        if spec.reserves is None:
            raise ValueError("the solvency statement needs --reserves FILE")
        solvency = {"mode": spec.solvency_mode, "reserves": "committed" if spec.private_reserves else "public"}
    elif spec.reserves is not None:
        raise ValueError("--reserves given but --statements does not include solvency")
    if fixed is None:
        bs = spec.batch_size or DEFAULT_BATCH
        shape = BookShape(n_assets=len(assets), batch_size=bs, capacity=capacity_for(-(-book.size // bs)),
                          range_bits=spec.range_bits, with_debt=book.has_debt, risk=risk.shape() if risk else None,
                          solvency=solvency)
        sk, keys_dir = dev_keys(shape, backend, banner)
        spec.keys_dir = str(keys_dir.resolve())
    else:
        if fixed.solvency != solvency:
            raise ValueError(f"{keys_dir}: the keys were set up for solvency {fixed.solvency}, this run asks {solvency}")
        sk = keymod.load(keys_dir, backend)
    inst = Institution(spec.institution, read_hex_secret(spec.signing_key_file, "the signing key"),
                       read_hex_secret(spec.secret_file, "the institution secret"))
    opts = ProveOptions(epoch=spec.epoch, snapshot_time=spec.snapshot_time, reveal_totals=spec.reveal_totals,
                        risk=risk, insurance_fund=spec.insurance_fund, price_snapshot=price_snapshot_document(spec))
    if solvency is not None:
        from ..reserves import load_reserves, reserves_per_asset
        from ..reserves.audit import require_audit

        path = spec.reserves.check("reserves snapshot")
        doc = load_reserves(path)
        require_audit(doc, spec.institution, spec.epoch, spec.snapshot_time)
        opts.reserves, opts.reserves_document = reserves_per_asset(doc, assets), json.loads(path.read_text())
    return RunState(spec, book, sk, inst, opts)
