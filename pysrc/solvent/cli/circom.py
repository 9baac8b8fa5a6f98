"""``solvent circom``: prove circom circuits (.r1cs + .wtns) with solvent's prover."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import click

from .. import native
from ..backend import circom as cc
from .exits import fail_usage, refuse_overwrite

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def circom() -> None:
    """circom / snarkjs interoperability: keys for a .r1cs, proofs from a .wtns."""


@circom.command()
@click.argument("r1cs", type=_FILE)
@click.option("--ptau", type=_FILE, default=None, help="Powers of tau: derive the key with ONE local phase-2 contribution.")
@click.option("--zkey", type=_FILE, default=None, help="Use a snarkjs Groth16 .zkey made for this circuit.")
@click.option("--key", type=_FILE, default=None, help="Use a key finalized by `solvent ceremony` for this circuit.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--threads", type=int, default=None)
@click.option("--force", is_flag=True, help="Replace a key directory's files already in --out.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def setup(r1cs: Path, ptau, zkey, key, out_dir: Path, threads, force: bool, as_json) -> None:
    """Make a key directory for R1CS from exactly one of --ptau, --zkey, --key.

    Example: solvent circom setup circuit.r1cs --zkey circuit_final.zkey --out keys/
    """
    if sum(x is not None for x in (ptau, zkey, key)) != 1:
        raise click.UsageError("give exactly one of --ptau, --zkey or --key")
    written = ["circuit.pk", "verification_key.json", "setup.json"]
    if r1cs.resolve() != (out_dir / "circuit.r1cs").resolve():
        written.append("circuit.r1cs")
    refuse_overwrite([out_dir / name for name in written], force)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", cc.LocalPhase2Warning)
            meta = cc.setup(r1cs, out_dir, ptau=ptau, zkey=zkey, key=key, threads=threads)
    except (native.InteropError, native.CeremonyError, native.KeyFileError) as exc:
        fail_usage(str(exc))
    if ptau is not None:
        click.secho("WARNING: " + cc.LOCAL_PHASE2_WARNING.format(name=meta["circuit"]), fg="yellow", err=True)
    click.echo(json.dumps(meta, indent=1) if as_json else
               f"{out_dir}: key for {meta['circuit']} ({meta['num_constraints']} constraints, "
               f"setup {meta['setup']}, {meta['reduction']} reduction)")


@circom.command()
@click.argument("key_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("wtns", type=_FILE)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--threads", type=int, default=None)
@click.option("--force", is_flag=True, help="Replace proof files already in --out.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def prove(key_dir: Path, wtns: Path, out_dir: Path, threads, force: bool, as_json) -> None:
    """Prove WTNS with the key in KEY_DIR; write snarkjs proof.json, public.json and
    verification_key.json to --out (check them with `snarkjs groth16 verify`).

    Example: solvent circom prove keys/ witness.wtns --out proof/
    """
    refuse_overwrite([out_dir / n for n in ("proof.json", "public.json", "verification_key.json")], force)
    try:
        res = cc.prove(key_dir, wtns, threads=threads)
    except (native.InteropError, native.KeyFileError) as exc:
        fail_usage(str(exc))
    cc.write_proof(res, out_dir)
    click.echo(json.dumps({"ok": True, "public": [str(x) for x in res.public]}) if as_json else
               f"wrote {out_dir}/proof.json, public.json, verification_key.json")
