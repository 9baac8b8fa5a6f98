"""``solvent setup`` and ``solvent prove``."""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import time
import warnings
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from ..attestation import outcomes
from ..backend import Groth16
from ..backend.groth16 import InsecureSetupWarning
from ..circuits.shape import BookShape, auto_range_bits
from ..errors import UsageError
from ..inputs.accounts import check_widths
from ..inputs.assets import read_assets
from ..pipeline import batch_fill
from ..pipeline import keys as keymod
from ..pipeline.errors import WouldBeInvalid
from ..pipeline.jobs.spec import FileRef, RunSpec, keep_secret, read_hex_secret
from ..pipeline.jobs.state import DEFAULT_BATCH, risk_setup_from
from ..pipeline.prove import prove_book
from .common import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    BatchProgress,
    emit_json,
    err,
    fail,
    handle_errors,
    insecure_banner,
    refuse_overwrite,
)


class BatchSizeParam(click.ParamType):
    """A batch size (checked by ``BookShape``) or ``auto``."""

    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | str:
        if isinstance(value, int) or value == "auto":
            return value
        try:
            return int(value)
        except ValueError:
            self.fail(f"{value!r} is neither a whole number nor 'auto'", param, ctx)


BATCH_SIZE = BatchSizeParam()

STATEMENTS = ("liabilities", "collateral", "margin", "solvency")
GENERATED_SECRETS = {"institution.secret": ("institution secret", "--secret-file or $SOLVENT_SECRET"),
                     "signing.key": ("signing key", "--signing-key-file or $SOLVENT_SIGNING_KEY")}
"""A secret a run generates when none is given: what it is, and how to give one."""
DEFAULT_SETUP_RANGE_BITS = 64
"""``solvent setup`` without --range-bits or --accounts: keys for balances below 2^64."""


def parse_statements(text: str) -> list[str]:
    chosen = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [x for x in chosen if x not in STATEMENTS]
    if unknown or "liabilities" not in chosen:
        raise UsageError(f"--statements: {text!r}: choose from {', '.join(STATEMENTS)}; liabilities is always proven")
    if "margin" in chosen and "collateral" not in chosen:
        chosen.insert(chosen.index("margin"), "collateral")  # margin nets collateral against debt
    return chosen


@click.command()
@click.option("--assets", "assets_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Asset list CSV (symbol,decimals[,max_supply]): an asset's max_supply (whole units) narrows its "
                   "balances' range checks to its bit length in smallest units.")
@click.option("--batch-size", type=BATCH_SIZE, default=str(DEFAULT_BATCH), show_default=True,
              help="Accounts per batch proof: 2..4096 with no prime factor above 7 (e.g. 1024, 1536 = 3·512), "
                   "or 'auto': the size that fills the batch proof's FFT domain best (least domain per account; "
                   "with --accounts, the least proving cost for that book).")
@click.option("--capacity", default=64, show_default=True, help="Batch slots of the top proof (power of two).")
@click.option("--range-bits", type=int,
              help="Bits of the balance slot, and of the range check of every asset without max_supply (default: "
                   "the smallest of 64/96/128 that fits --accounts and every max_supply, else 64).")
@click.option("--accounts", "accounts_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A book to size the balance width from (and its debt column).")
@click.option("--debt/--no-debt", default=False, show_default=True, help="Whether accounts carry per-asset debt.")
@click.option("--risk", "risk_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Risk parameters (their layout fixes the collateral/margin circuits).")
@click.option("--prices", "prices_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Signed price snapshot (solvent.prices/1) the risk parameters' prices come from (docs/prices.md).")
@click.option("--statements", default="liabilities", show_default=True,
              help="liabilities[,collateral][,margin][,solvency]")
@click.option("--regions", type=int, help="Tier regions per asset the circuit takes (default: what --risk needs).")
@click.option("--solvency-mode", type=click.Choice(["pass_fail", "buckets"]), default="pass_fail", show_default=True,
              help="With the solvency statement: covered or not per asset, or a coverage-ratio bucket.")
@click.option("--private-reserves", is_flag=True, help="With the solvency statement: reserves as a commitment.")
@click.option("--circuits-only", is_flag=True,
              help="Write the shape and each circuit's IR, no keys: the input of a ceremony (docs/ceremony.md).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Keys directory.")
@click.option("--force", is_flag=True, help="Replace keys (or circuits) already in --out.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def setup(assets_file: Path, batch_size: int | str, capacity: int, range_bits: int | None, accounts_file: Path | None,
          debt: bool, risk_file: Path | None, prices_file: Path | None, statements: str, regions: int | None,
          solvency_mode: str, private_reserves: bool, circuits_only: bool, out: Path, force: bool,
          as_json: bool) -> None:
    """Compile the liabilities circuits for a book shape and make their keys.

    This is the INSECURE single-party development setup; production keys come from
    `solvent ceremony`. One set of keys serves every epoch of books up to
    capacity × batch-size accounts.

    Example: solvent setup --assets assets.csv --batch-size 256 --capacity 64 --out keys/
    """
    from ..pipeline.jobs.state import read_book, shape_widths, widest_cap

    assets = read_assets(assets_file)
    chosen = parse_statements(statements)
    risk = risk_setup_from(risk_file, assets, chosen, regions, prices_file)
    solvency = {"mode": solvency_mode, "reserves": "committed" if private_reserves else "public"} \
        if "solvency" in chosen else None
    book = None
    if accounts_file is not None:
        book = read_book(accounts_file, assets, range_bits, risk is not None)
        range_bits, debt = book.range_bits, debt or book.has_debt
    range_bits = range_bits or auto_range_bits(max(DEFAULT_SETUP_RANGE_BITS, widest_cap(assets)), risk is not None)
    backend = Groth16()
    shape = BookShape(n_assets=len(assets), batch_size=DEFAULT_BATCH if batch_size == "auto" else int(batch_size),
                      capacity=capacity, range_bits=range_bits, with_debt=debt or risk is not None,
                      risk=risk.shape() if risk else None, solvency=solvency,
                      asset_bits=shape_widths(assets_file, assets, range_bits))
    if book is not None and accounts_file is not None:
        check_widths(book, accounts_file, shape.widths)
    predicted = None
    if batch_size == "auto":
        predicted = batch_fill.auto_batch_size(shape, backend, accounts=book.size if book is not None else None)
        shape = replace(shape, batch_size=predicted.batch_size)
    refuse_overwrite([out / name for name in setup_outputs(shape, circuits_only)], force)
    fill = batch_fill.measure(shape, backend)
    if predicted is not None and predicted.constraints != fill.constraints:
        err.print(f"warning: --batch-size auto predicted {predicted.constraints:,} constraints for {shape.batch_size}, "
            f"the compiled circuit has {fill.constraints:,} (the choice may not be the best-filling one)")
    if not as_json:
        click.echo(("chose " if predicted is not None else "") + fill.describe()
                   + (f" for a book of {book.size:,} accounts" if predicted is not None and book is not None else ""))
    if circuits_only:
        return _circuits_only(shape, out, as_json, fill)
    insecure_banner("solvent setup", "makes keys with")
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        sk = keymod.setup_dev_insecure(shape, out, backend)
    info: dict[str, dict[str, Any]] = {role: {"circuit": sk.circuits[role].name, "hash": sk.circuits[role].hash,
                   "constraints": backend.circuit(sk.circuits[role]).num_constraints} for role in sk.circuits}
    if as_json:
        emit_json({"keys": str(out), "shape": shape.to_dict(), "circuits": info, "setup": "dev-insecure",
                   "batch_domain": _fill_json(fill), "seconds": round(time.perf_counter() - t, 2)})
    else:
        for role, c in info.items():
            click.echo(f"{role:5} {c['circuit']}: {c['constraints']:,} constraints, hash {c['hash'][:16]}…")
        click.echo(f"keys written to {out} in {time.perf_counter() - t:.1f} s")


def _fill_json(fill: batch_fill.DomainFill) -> dict[str, Any]:
    return {"batch_size": fill.batch_size, "constraints": fill.constraints, "domain": fill.domain,
            "fill": round(fill.fill, 4)}


def setup_outputs(shape: BookShape, circuits_only: bool) -> list[str]:
    """The files ``solvent setup`` writes into its --out directory for ``shape``."""
    names = [c.name for c in keymod.compile_circuits(shape).values()]
    per_circuit = (".ir",) if circuits_only else (".pk", ".vk.json")
    return ["shape.json", *(name + ext for name in names for ext in per_circuit)]


def _circuits_only(shape: BookShape, out: Path, as_json: bool, fill: batch_fill.DomainFill) -> None:
    """The shape and the circuits' IR, for a ceremony per circuit into the same directory."""
    import json

    from ..io import write_atomic

    out.mkdir(parents=True, exist_ok=True)
    circuits = keymod.compile_circuits(shape)
    for c in circuits.values():
        write_atomic(out / f"{c.name}.ir", c.ir)
    write_atomic(out / "shape.json", json.dumps(shape.to_dict(), indent=1))
    steps = [f"solvent ceremony init {out}/{c.name}.ir --ptau POT.ptau --out {c.name}-0.ph2\n"
             f"  (each participant: solvent ceremony contribute {c.name}-K.ph2 --out {c.name}-K+1.ph2 --name NAME)\n"
             f"solvent ceremony finalize {c.name}-N.ph2 --out {out} --beacon HEX" for c in circuits.values()]
    if as_json:
        emit_json({"keys": str(out), "shape": shape.to_dict(), "batch_domain": _fill_json(fill),
                   "circuits": {r: {"name": c.name, "hash": c.hash, "ir": str(out / f"{c.name}.ir")}
                                for r, c in circuits.items()}})
    else:
        click.echo(f"wrote {out}/shape.json and {len(circuits)} circuits; run one ceremony per circuit:")
        click.echo("\n".join(steps))


def _spec_from_options(o: dict, out: Path) -> RunSpec:
    """A new run's spec from the command line (secrets not given are generated and kept
    in the run's private directory)."""
    for needed in ("accounts_file", "assets_file"):
        if o[needed] is None:
            raise click.UsageError(f"--{needed.split('_')[0]} is required (or --resume DIR)")
    now = datetime.now(UTC)
    chosen = parse_statements(o["statements"])
    ref = lambda p: FileRef.of(p) if p is not None else None  # noqa: E731
    generated = []
    secrets_ = {}
    for opt, env, name in (("secret_file", "SOLVENT_SECRET", "institution.secret"),
                           ("signing_key_file", "SOLVENT_SIGNING_KEY", "signing.key")):
        if o[opt] is not None:
            read_hex_secret(o[opt], name)
            secrets_[opt] = str(Path(o[opt]).resolve())
        elif os.environ.get(env):
            value = bytes.fromhex(os.environ[env].strip().removeprefix("0x"))
            secrets_[opt] = keep_secret(out, f"env-{name}", value)
        else:
            secrets_[opt] = keep_secret(out, name, secrets.token_bytes(32))
            generated.append(name)
    return RunSpec(
        accounts=FileRef.of(o["accounts_file"]), assets=FileRef.of(o["assets_file"]),
        positions=ref(o["positions_file"]), risk=ref(o["risk_file"]), prices=ref(o["prices_file"]),
        reserves=ref(o["reserves_file"]),
        institution=o["institution"], epoch=o["epoch"] if o["epoch"] is not None else int(now.timestamp()),
        snapshot_time=o["snapshot_time"] or now.strftime("%Y-%m-%dT%H:%M:%SZ"), statements=chosen,
        reveal_totals=o["reveal_totals"], solvency_mode=o["solvency_mode"],
        private_reserves=o["private_reserves"], range_bits=o["range_bits"], batch_size=o["batch_size"],
        keys_dir=str(Path(o["keys_dir"]).resolve()) if o["keys_dir"] else None,
        secret_file=secrets_["secret_file"], signing_key_file=secrets_["signing_key_file"], generated=generated)


def _removed_insurance_fund(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--insurance-fund AMOUNT`` is refused with the way to declare a fund now."""
    if value is None:
        return
    raise click.UsageError("--insurance-fund was removed: the insurance fund is reserves, not a number. Mark its "
                           "holdings in the reserves file (--reserves FILE) with \"purpose\": \"insurance\" "
                           "(docs/reserves.md); they need ownership proofs like every holding, and are never "
                           "counted as backing for customer balances.")


@click.command()
@click.option("--accounts", "accounts_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Accounts file, CSV or Parquet: account_id,asset,balance[,debt] (integer Parquet columns "
                   "need field metadata solvent.units: README, Inputs).")
@click.option("--assets", "assets_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Asset list CSV (symbol,decimals[,max_supply]): an asset's max_supply (whole units) narrows its "
                   "balances' range checks to its bit length in smallest units.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Attestation directory to create (must not exist or be empty).")
@click.option("--resume", "resume_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Continue an interrupted run in this directory (its inputs must be unchanged).")
@click.option("--keys", "keys_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keys from `solvent setup` or a ceremony; default: a cached INSECURE dev setup.")
@click.option("--institution", default="unnamed institution", show_default=True, help="Institution name.")
@click.option("--epoch", type=int, help="Attestation number, strictly increasing (default: now, in Unix seconds).")
@click.option("--snapshot-time", help="Snapshot time, YYYY-MM-DDTHH:MM:SSZ (default: now).")
@click.option("--secret-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Institution secret (32 bytes hex) deriving salts and blinds; or $SOLVENT_SECRET.")
@click.option("--signing-key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="secp256k1 private key (hex) that signs the attestation; or $SOLVENT_SIGNING_KEY.")
@click.option("--batch-size", type=BATCH_SIZE,
              help=f"Accounts per batch without --keys (default {DEFAULT_BATCH}), or 'auto': the size with the "
                   "least proving cost for this book.")
@click.option("--range-bits", type=int,
              help="Balance slot without --keys (default: the smallest of 64/96/128 bits that fits every amount "
                   "and every max_supply).")
@click.option("--positions", "positions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Positions file: account_id,instrument,quantity (signed).")
@click.option("--risk", "risk_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Risk parameters (JSON, solvent.risk/1): prices, collateral tiers, instruments.")
@click.option("--prices", "prices_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Signed oracle price snapshot (solvent.prices/1): the risk parameters' prices become its "
                   "medians, checked against the snapshot time, and the attestation carries it (docs/prices.md).")
@click.option("--statements", default="liabilities", show_default=True,
              help="What to prove, comma-separated: liabilities[,collateral][,margin][,solvency].")
@click.option("--insurance-fund", hidden=True, expose_value=False, is_eager=True, callback=_removed_insurance_fund,
              help="Removed: the insurance fund is reserve holdings (docs/reserves.md).")
@click.option("--reserves", "reserves_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Reserves snapshot (solvent.reserves/1) with an ownership proof per address (solvency).")
@click.option("--solvency-mode", type=click.Choice(["pass_fail", "buckets"]), default="pass_fail", show_default=True,
              help="Solvency output per asset: covered or not, or a coverage-ratio bucket.")
@click.option("--private-reserves", is_flag=True,
              help="Publish only a commitment to the reserves (not the holdings) in the solvency statement.")
@click.option("--reveal-totals", is_flag=True, help="Publish the per-asset totals (and the commitment's blind).")
@click.option("--strict", is_flag=True,
              help="Refuse to write an attestation whose own proofs make it INVALID (exit 1, nothing written).")
@click.option("--workers", type=int, help="Prove batches on N local worker processes (default: this process).")
@click.option("--scheduler", help="Prove batches on a Dask cluster (scheduler address, e.g. tcp://host:8786).")
@click.option("--progress-log", type=click.Path(dir_okay=False, path_type=Path),
              help="Append progress as JSON lines here (default: OUT/.run/progress.jsonl while running).")
@click.option("--threads", type=int, help="Prover threads (default: all cores).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def prove(resume_dir: Path | None, out: Path | None, workers: int | None, scheduler: str | None,
          progress_log: Path | None, threads: int | None, strict: bool, as_json: bool, **options) -> None:
    """Prove a book of accounts: batch proofs, the top-level proof, a signed attestation.

    Writes OUT/attestation.json (public), OUT/keys/*.vk.json (public) and OUT/private/
    (the operator's inclusion database: never publish it). Every finished batch is
    checkpointed in OUT/.run/, so an interrupted run continues with --resume OUT.

    Example: solvent prove --accounts accounts.csv --assets assets.csv --out attestation/
    """
    from ..pipeline.jobs.checkpoints import RUN_DIR
    from ..pipeline.jobs.executors import DaskExecutor, PoolExecutor
    from ..pipeline.jobs.progress import ProgressLog
    from ..pipeline.jobs.state import load_state

    if (resume_dir is None) == (out is None):
        raise click.UsageError("give --out DIR for a new run, or --resume DIR")
    if workers is not None and scheduler is not None:
        raise click.UsageError("--workers and --scheduler exclude each other")
    if resume_dir is not None:
        out = resume_dir
        if (out / "attestation.json").exists():
            raise FileExistsError(f"{out}: this run is complete (attestation.json exists)")
        spec = RunSpec.load(out)
    else:
        assert out is not None  # exactly one of --out and --resume (checked above)
        if out.exists() and any(out.iterdir()):
            raise FileExistsError(f"{out}: output directory exists and is not empty")
        out.mkdir(parents=True, exist_ok=True)
        try:
            spec = _spec_from_options(options, out)
        except BaseException:
            shutil.rmtree(out / RUN_DIR, ignore_errors=True)
            _rmdir_if_empty(out)
            raise
    backend = Groth16(threads=threads)
    try:
        state = load_state(spec, backend, banner=lambda: insecure_banner("this run"))
    except BaseException:
        if resume_dir is None:
            shutil.rmtree(out / RUN_DIR, ignore_errors=True)
            _rmdir_if_empty(out)
        raise
    spec.save(out)
    if any(k.insecure for k in state.keys.keys.values()) and spec.keys_dir and options.get("keys_dir"):
        insecure_banner("these keys", "come from")
    bar = BatchProgress(state.shape.batch_size, resuming=str(out) if resume_dir is not None else None)
    log = ProgressLog(progress_log or out / RUN_DIR / "progress.jsonl", state.shape.batch_size, then=bar)
    log.note(stage="start", accounts=state.book.size, resume=resume_dir is not None,
             executor="dask" if scheduler else f"pool×{workers}" if workers else "in-process")
    executor = DaskExecutor(scheduler) if scheduler else PoolExecutor(workers) if workers else None
    state.opts.refuse_invalid = strict
    t = time.perf_counter()
    try:
        att = prove_book(state.book, state.keys, state.inst, state.opts, out, backend, progress=log,
                         executor=executor, keys_dir=Path(spec.keys_dir) if spec.keys_dir else None)
    except WouldBeInvalid as e:
        _refused(out, e.problems, resume_dir is None)
    except KeyboardInterrupt:
        bar.close()
        _interrupted(out, resume_command(out, strict=strict, workers=workers, scheduler=scheduler,
                                         threads=threads, progress_log=progress_log, as_json=as_json))
    finally:
        bar.close()
    seconds = time.perf_counter() - t
    for name in spec.generated:
        what, given_by = GENERATED_SECRETS[name]
        err.print(f"[yellow]note:[/] no {what} was given ({given_by}): a new one was generated and saved to "
                  f"{out / 'private' / name}; keep it (a key made for one run is for trials only)", highlight=False)
    book = state.book
    short = _report_shortfalls(out) if state.opts.risk is not None else []
    if att.solvency is not None and att.solvency.reserves_commitment is not None:
        err.print(f"[yellow]note:[/] committed reserves are INVALID until a custodian vouches for them: hand "
                  f"{out / 'private' / 'reserves-opening.json'} to the custodian, who checks it and signs "
                  "`solvent reserves commitment-message` (EIP-191); then `solvent reserves attach "
                  f"{out} --custodian ADDRESS --name NAME --signature SIG`", highlight=False)
    problems = outcomes.problems(att)
    for p in problems:
        err.print(f"[bold red]this attestation will verify as INVALID:[/] {p}", highlight=False)
    summary = {"attestation": str(out), "accounts": book.size, "batches": len(att.batches),
               "statements": spec.statements, "accounts_short": len(short), "range_bits": state.shape.range_bits,
               "balance_bits": dict(zip((a.symbol for a in book.assets), state.shape.widths, strict=True)),
               "problems": problems,
               "batches_reused": bar.reused or 0,
               "signer": state.inst.address, "epoch": spec.epoch, "book_root": att.top.book_root,
               "totals_commitment": att.top.totals_commitment, "seconds": round(seconds, 2),
               "accounts_per_second": round(book.size / seconds, 1)}
    if as_json:
        emit_json(summary)
    else:
        click.echo(f"proved {book.size:,} accounts in {len(att.batches)} batches of {state.shape.batch_size} "
                   f"in {seconds:.1f} s ({book.size / seconds:,.0f} accounts/s)")
        click.echo(f"attestation: {out / 'attestation.json'} (signed by {state.inst.address}, epoch {spec.epoch})")
        click.echo(f"book root: {att.top.book_root}")


def resume_command(out: Path, **given: Any) -> str:
    """The exact command that continues the run in ``out``: ``--resume OUT`` and the
    options a run's spec does not keep (how to run it, not what to prove)."""
    argv = ["solvent", "prove", "--resume", str(out)]
    for name, value in given.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            argv.append("--json" if name == "as_json" else flag)
        elif value not in (None, False):
            argv += [flag, str(value)]
    return shlex.join(argv)


def _interrupted(out: Path, command: str) -> NoReturn:
    """Ctrl-C: every finished batch is checkpointed in OUT/.run/; say how to go on."""
    from ..pipeline.jobs.checkpoints import RUN_DIR

    kept = len(list((out / RUN_DIR / "proofs").glob("batch-*.json")))
    fail(f"interrupted: {kept} batch proof(s) are checkpointed in {out / RUN_DIR}; continue the run with: {command}",
         EXIT_INTERRUPTED, "interrupted", {"resume": command, "batches_checkpointed": kept})


def _refused(out: Path, problems: list[str], new_run: bool) -> None:
    """``--strict``: tell the operator why, write nothing, exit 1."""
    from ..pipeline.jobs.checkpoints import RUN_DIR

    shutil.rmtree(out / RUN_DIR, ignore_errors=True)
    if new_run:
        _rmdir_if_empty(out)
    fail("refused (--strict): nothing was written: the attestation's own proofs would make it INVALID: "
         + "; ".join(problems), EXIT_INVALID, "invalid", {"problems": problems})


def _rmdir_if_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass


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

