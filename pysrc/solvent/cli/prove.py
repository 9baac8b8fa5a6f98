"""``solvent setup`` and ``solvent prove``."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import click

from ..backend import Groth16
from ..backend.groth16 import InsecureSetupWarning
from ..book import read_accounts, read_assets
from ..circuit.cache import cache_dir
from ..circuits.shape import BookShape
from ..liabilities import keys as keymod
from ..liabilities.prove import Institution, ProveOptions, prove_book
from ..risk.evaluate import RiskSetup, prepare
from ..risk.params import load_risk_params
from ..risk.positions import read_positions
from .common import BatchProgress, emit_json, err, handle_errors, insecure_banner

DEFAULT_BATCH = 256


def _capacity_for(batches: int) -> int:
    return max(2, 1 << (batches - 1).bit_length())


def _dev_keys(shape: BookShape, backend: Groth16) -> keymod.ShapeKeys:
    """An INSECURE dev setup for ``shape``, cached per shape so later runs reuse it."""
    digest = hashlib.sha256(json.dumps(shape.to_dict(), sort_keys=True).encode()).hexdigest()[:16]
    d = cache_dir() / "dev-keys" / digest
    if (d / "shape.json").exists():
        try:
            return keymod.load(d, backend)
        except ValueError:
            pass  # stale keys (circuits changed): set up again
    insecure_banner("this run")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        return keymod.setup_dev_insecure(shape, d, backend)


STATEMENTS = ("liabilities", "collateral", "margin", "solvency")


def parse_statements(text: str) -> list[str]:
    chosen = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [x for x in chosen if x not in STATEMENTS]
    if unknown or "liabilities" not in chosen:
        raise ValueError(f"--statements: {text!r}: choose from {', '.join(STATEMENTS)}; liabilities is always proven")
    return chosen


def risk_setup(risk_file: Path | None, assets, statements: list[str], regions: int | None = None) -> RiskSetup | None:
    """The risk parameters the statements need (instruments only with margin)."""
    if "margin" in statements and "collateral" not in statements:
        statements.insert(statements.index("margin"), "collateral")  # margin nets collateral against debt
    if "collateral" not in statements and "margin" not in statements:
        if risk_file is not None:
            raise ValueError("--risk given but --statements asks for neither collateral nor margin")
        return None
    if risk_file is None:
        raise ValueError("collateral and margin need --risk FILE (prices, tiers, instruments)")
    params = load_risk_params(risk_file, assets)
    if "margin" in statements and not params.instruments:
        raise ValueError(f"{risk_file}: the margin statement needs instruments in the risk parameters")
    if "margin" not in statements and params.instruments:
        from ..risk.params import from_file

        params = from_file(params.source.model_copy(update={"instruments": {}}), assets, risk_file)
    return prepare(params, regions)


def _read_secret(path: Path | None, env: str, what: str) -> tuple[bytes, bool]:
    if path is not None:
        text = path.read_text().strip()
    elif os.environ.get(env):
        text = os.environ[env].strip()
    else:
        return secrets.token_bytes(32), True
    try:
        value = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        raise ValueError(f"{path or env}: {what} must be hex") from None
    if len(value) != 32:
        raise ValueError(f"{path or env}: {what} must be 32 bytes (64 hex digits)")
    return value, False


@click.command()
@click.option("--assets", "assets_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Asset list CSV (symbol,decimals).")
@click.option("--batch-size", default=DEFAULT_BATCH, show_default=True, help="Accounts per batch proof (power of two).")
@click.option("--capacity", default=64, show_default=True, help="Batch slots of the top proof (power of two).")
@click.option("--range-bits", default=64, show_default=True, help="Bits of every balance's range check.")
@click.option("--debt/--no-debt", default=False, show_default=True, help="Whether accounts carry per-asset debt.")
@click.option("--risk", "risk_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Risk parameters (their layout fixes the collateral/margin circuits).")
@click.option("--statements", default="liabilities", show_default=True, help="liabilities[,collateral][,margin]")
@click.option("--regions", type=int, help="Tier regions per asset the circuit takes (default: what --risk needs).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Keys directory.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def setup(assets_file: Path, batch_size: int, capacity: int, range_bits: int, debt: bool, risk_file: Path | None,
          statements: str, regions: int | None, out: Path, as_json: bool) -> None:
    """Compile the liabilities circuits for a book shape and make their keys.

    This is the INSECURE single-party development setup; production keys come from
    `solvent ceremony`. One set of keys serves every epoch of books up to
    capacity × batch-size accounts.

    Example: solvent setup --assets assets.csv --batch-size 256 --capacity 64 --out keys/
    """
    assets = read_assets(assets_file)
    risk = risk_setup(risk_file, assets, parse_statements(statements), regions)
    shape = BookShape(n_assets=len(assets), batch_size=batch_size, capacity=capacity, range_bits=range_bits,
                      with_debt=debt or risk is not None, risk=risk.shape() if risk else None)
    insecure_banner("solvent setup")
    backend = Groth16()
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        sk = keymod.setup_dev_insecure(shape, out, backend)
    info = {role: {"circuit": sk.circuits[role].name, "hash": sk.circuits[role].hash,
                   "constraints": backend.circuit(sk.circuits[role]).num_constraints} for role in sk.circuits}
    if as_json:
        emit_json({"keys": str(out), "shape": shape.to_dict(), "circuits": info, "setup": "dev-insecure",
                   "seconds": round(time.perf_counter() - t, 2)})
    else:
        for role, c in info.items():
            click.echo(f"{role:5} {c['circuit']}: {c['constraints']:,} constraints, hash {c['hash'][:16]}…")
        click.echo(f"keys written to {out} in {time.perf_counter() - t:.1f} s")


@click.command()
@click.option("--accounts", "accounts_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Accounts file, CSV or Parquet: account_id,asset,balance[,debt].")
@click.option("--assets", "assets_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Asset list CSV (symbol,decimals).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Attestation directory to create (must not exist or be empty).")
@click.option("--keys", "keys_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keys from `solvent setup` or a ceremony; default: a cached INSECURE dev setup.")
@click.option("--institution", default="unnamed institution", show_default=True, help="Institution name.")
@click.option("--epoch", type=int, help="Attestation number, strictly increasing (default: now, in Unix seconds).")
@click.option("--snapshot-time", help="Snapshot time, YYYY-MM-DDTHH:MM:SSZ (default: now).")
@click.option("--secret-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Institution secret (32 bytes hex) deriving salts and blinds; or $SOLVENT_SECRET.")
@click.option("--signing-key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="secp256k1 private key (hex) that signs the attestation; or $SOLVENT_SIGNING_KEY.")
@click.option("--batch-size", type=int, help=f"Accounts per batch without --keys (default {DEFAULT_BATCH}).")
@click.option("--range-bits", default=64, show_default=True, help="Balance range without --keys.")
@click.option("--positions", "positions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Positions file: account_id,instrument,quantity (signed).")
@click.option("--risk", "risk_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Risk parameters (JSON, solvent.risk/1): prices, collateral tiers, instruments.")
@click.option("--statements", default="liabilities", show_default=True,
              help="What to prove, comma-separated: liabilities[,collateral][,margin].")
@click.option("--insurance-fund", help="Declared insurance fund, in the risk parameters' quote currency.")
@click.option("--reserves", "reserves_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Reserves snapshot (solvent.reserves/1) with an ownership proof per address (solvency).")
@click.option("--solvency-mode", type=click.Choice(["pass_fail", "buckets"]), default="pass_fail", show_default=True,
              help="Solvency output per asset: covered or not, or a coverage-ratio bucket.")
@click.option("--private-reserves", is_flag=True,
              help="Publish only a commitment to the reserves (not the holdings) in the solvency statement.")
@click.option("--reveal-totals", is_flag=True, help="Publish the per-asset totals (and the commitment's blind).")
@click.option("--threads", type=int, help="Prover threads (default: all cores).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def prove(accounts_file: Path, assets_file: Path, out: Path, keys_dir: Path | None, institution: str,
          epoch: int | None, snapshot_time: str | None, secret_file: Path | None, signing_key_file: Path | None,
          batch_size: int | None, range_bits: int, positions_file: Path | None, risk_file: Path | None,
          statements: str, insurance_fund: str | None, reserves_file: Path | None, solvency_mode: str,
          private_reserves: bool, reveal_totals: bool, threads: int | None, as_json: bool) -> None:
    """Prove a book of accounts: batch proofs, the top-level proof, a signed attestation.

    Writes OUT/attestation.json (public), OUT/keys/*.vk.json (public) and
    OUT/private/ (the operator's inclusion database: never publish it).

    Example: solvent prove --accounts accounts.csv --assets assets.csv --out attestation/
    """
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out}: output directory exists and is not empty")
    assets = read_assets(assets_file)
    backend = Groth16(threads=threads)
    if keys_dir is not None:
        shape = keymod.read_shape(keys_dir)
    else:
        bs = batch_size or DEFAULT_BATCH
        shape = None
    chosen = parse_statements(statements)
    risk = risk_setup(risk_file, assets, chosen, shape.risk["regions"] if shape and shape.risk else None)
    book = read_accounts(accounts_file, assets, range_bits=shape.range_bits if shape else range_bits)
    if positions_file is not None:
        if risk is None or not risk.margin:
            raise ValueError("--positions given but --statements does not include margin")
        read_positions(positions_file, book, risk.params)
    elif risk is not None and risk.margin:
        raise ValueError("the margin statement needs --positions FILE")
    if risk is not None and book.debt is None:
        book.store.set_debt(True)  # debt is zero unless the file says otherwise
    if insurance_fund is not None:
        from ..book.amounts import AmountError, parse_amount

        try:
            parse_amount(insurance_fund, 30, 250)
        except AmountError as e:
            raise ValueError(f"--insurance-fund: {e}") from None
        if risk is None:
            raise ValueError("--insurance-fund needs the collateral or margin statement")
    solvency = None
    if "solvency" in chosen:
        if reserves_file is None:
            raise ValueError("the solvency statement needs --reserves FILE")
        solvency = {"mode": solvency_mode, "reserves": "committed" if private_reserves else "public"}
    elif reserves_file is not None:
        raise ValueError("--reserves given but --statements does not include solvency")
    if shape is None:
        shape = BookShape(n_assets=len(assets), batch_size=bs, capacity=_capacity_for(-(-book.size // bs)),
                          range_bits=range_bits, with_debt=book.has_debt, risk=risk.shape() if risk else None,
                          solvency=solvency)
    elif shape.solvency != solvency:
        raise ValueError(f"{keys_dir}: the keys were set up for solvency {shape.solvency}, this run asks {solvency}")
    sk = keymod.load(keys_dir, backend) if keys_dir is not None else _dev_keys(shape, backend)
    if any(k.insecure for k in sk.keys.values()) and keys_dir is not None:
        insecure_banner("these keys")
    now = datetime.now(timezone.utc)
    secret, new_secret = _read_secret(secret_file, "SOLVENT_SECRET", "the institution secret")
    signing, new_key = _read_secret(signing_key_file, "SOLVENT_SIGNING_KEY", "the signing key")
    inst = Institution(institution, signing, secret)
    opts = ProveOptions(epoch=epoch if epoch is not None else int(now.timestamp()),
                        snapshot_time=snapshot_time or now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        reveal_totals=reveal_totals, risk=risk, insurance_fund=insurance_fund)
    if solvency is not None:
        opts.reserves, opts.reserves_document = _load_reserves(reserves_file, assets, institution, opts)
    progress = BatchProgress(shape.batch_size)
    t = time.perf_counter()
    try:
        att = prove_book(book, sk, inst, opts, out, backend, progress=progress)
    finally:
        progress.close()
    seconds = time.perf_counter() - t
    for value, fresh, name in ((secret, new_secret, "institution.secret"), (signing, new_key, "signing.key")):
        if fresh:
            path = out / "private" / name
            path.write_text(value.hex() + "\n")
            os.chmod(path, 0o600)
            err.print(f"[yellow]note:[/] no {name.split('.')[0]} given: a new one was generated and saved to {path}; "
                      "keep it (an ephemeral signing key is for trials only)", highlight=False)
    short = _report_shortfalls(out) if risk is not None else []
    summary = {"attestation": str(out), "accounts": book.size, "batches": len(att.batches),
               "statements": chosen, "accounts_short": len(short),
               "signer": inst.address, "epoch": opts.epoch, "book_root": att.top.book_root,
               "totals_commitment": att.top.totals_commitment, "seconds": round(seconds, 2),
               "accounts_per_second": round(book.size / seconds, 1)}
    if as_json:
        emit_json(summary)
    else:
        click.echo(f"proved {book.size:,} accounts in {len(att.batches)} batches of {shape.batch_size} "
                   f"in {seconds:.1f} s ({book.size / seconds:,.0f} accounts/s)")
        click.echo(f"attestation: {out / 'attestation.json'} (signed by {inst.address}, epoch {opts.epoch})")
        click.echo(f"book root: {att.top.book_root}")


def _report_shortfalls(out: Path) -> list[dict]:
    """Tell the operator (stderr, and private/shortfalls.csv) which accounts fall short."""
    import csv

    path = out / "private" / "shortfalls.csv"
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if rows:
        err.print(f"[yellow]{len(rows)} accounts fall short[/] (operator only, listed in {path}):", highlight=False)
        for r in rows[:20]:
            what = [k for k in ("under_collateralized", "under_margined") if r[k] == "1"]
            err.print(f"  {r['account_id']}: {', '.join(what)}; shortfall collateral {r['collateral_shortfall']}, "
                      f"margin {r['margin_shortfall']}", highlight=False)
        if len(rows) > 20:
            err.print(f"  … and {len(rows) - 20} more", highlight=False)
    return rows


def _load_reserves(path: Path, assets, institution: str, opts: ProveOptions) -> tuple[dict[str, int], dict]:
    """Reserves per asset from a snapshot whose every address proves ownership for this
    institution, epoch and snapshot; any bad proof stops the run, naming the holding."""
    import json as _json

    from ..reserves import load_reserves, require_ownership, reserves_per_asset

    doc = load_reserves(path)
    require_ownership(doc, institution, opts.epoch, opts.snapshot_time)
    return reserves_per_asset(doc, assets), _json.loads(path.read_text())
