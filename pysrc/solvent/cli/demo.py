"""``solvent demo``: the proving core end to end on a small circuit."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import click

from ..backend import Groth16
from ..backend.groth16 import InsecureSetupWarning
from ..circuit import CircuitBuilder, build
from ..verifier import Proof, VerifyingKey, verify


def _core_circuit(cs: CircuitBuilder) -> None:
    balance, salt = cs.private_input("balance"), cs.private_input("salt")
    cs.range_check(balance, 64)
    cs.public_output("commitment", cs.poseidon([balance, salt]))


@click.command()
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("out/demo"), show_default=True,
              help="Directory for keys and proof.")
def demo(out: Path) -> None:
    """Prove and verify a small circuit (a range-checked, committed balance).

    Example: solvent demo --out out/demo
    """
    out.mkdir(parents=True, exist_ok=True)
    backend = Groth16()
    compiled = build(_core_circuit, "core_demo")
    click.secho("WARNING: development setup (single party, INSECURE) — for demos only", fg="red", err=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        keys = backend.setup_dev_insecure(compiled)
    t = time.perf_counter()
    res = backend.prove(keys, compiled, backend.witness(compiled, {"balance": 10**9, "salt": 42}))
    t_prove = time.perf_counter() - t
    (out / "proof.json").write_text(json.dumps(res.proof, indent=1))
    (out / "public.json").write_text(json.dumps([str(x) for x in res.public]))
    (out / "verification_key.json").write_text(json.dumps(keys.vk_json, indent=1))
    native_ok = backend.verify_native(keys.vk_json, res.public, res.proof)
    py_ok = verify(VerifyingKey.from_snarkjs(keys.vk_json), res.public, Proof.from_snarkjs(res.proof))
    click.echo(f"circuit {compiled.name}: {backend.circuit(compiled).num_constraints} constraints, "
               f"proved in {t_prove:.3f} s; native verifier: {native_ok}; pure-Python verifier: {py_ok}")
    raise SystemExit(0 if native_ok and py_ok else 1)
