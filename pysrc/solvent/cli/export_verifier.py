"""``solvent export-verifier``: write a Solidity Groth16 verifier for a verifying key."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NoReturn

import click

from ..evm.verifier_gen import generate_verifier
from ..formulas.errors import MalformedInput
from ..io import write_atomic
from ..verifier import load_verifying_key, vk_hash
from .common import emit_json, fail_usage, refuse_overwrite

_CIRCUIT = re.compile(r"[A-Za-z0-9_.-]+")


def _fail(message: str) -> NoReturn:
    fail_usage(message)


def _key_path(source: Path, circuit: str, circuit_given: bool) -> Path:
    if source.is_dir():
        if not _CIRCUIT.fullmatch(circuit) or circuit in (".", ".."):
            _fail(f"--circuit {circuit!r}: not a circuit name")
        path = source / "keys" / f"{circuit}.vk.json"
        if not path.is_file():
            path = source / "keys" / f"{_circuit_of_role(source, circuit)}.vk.json"
        if not path.is_file():
            _fail(f"{path}: no verifying key for circuit {circuit!r} in attestation directory {source}")
        return path
    if source.is_file():
        if circuit_given:
            _fail(f"{source}: --circuit applies to an attestation directory, not to a key file")
        if not source.name.endswith(".vk.json"):
            _fail(f"{source}: expected an attestation directory or a *.vk.json file")
        return source
    _fail(f"{source}: no such file or directory")
    raise AssertionError  # unreachable


def _circuit_of_role(source: Path, role: str) -> str:
    """The name of the circuit an attestation directory's statement gives ``role`` (``top``,
    ``batch``): keys are stored under circuit names (``keys/liabilities_top.vk.json``)."""
    try:
        circuits = json.loads((source / "attestation.json").read_text())["statement"]["circuits"]
        names = [c["name"] for c in circuits if c.get("role") == role]
    except (OSError, ValueError, KeyError, TypeError):
        return role
    return names[0] if len(names) == 1 and _CIRCUIT.fullmatch(str(names[0])) else role


@click.command("export-verifier")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Solidity file to write.")
@click.option("--circuit", default="top", show_default=True,
              help="Circuit whose key DIR/keys/<circuit>.vk.json to use, by name or by its role in "
                   "DIR/attestation.json (top, batch); directories only.")
@click.option("--contract-name", default="Groth16Verifier", show_default=True,
              help="Name of the generated contract.")
@click.option("--force", is_flag=True, help="Replace an existing --out file.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@click.pass_context
def export_verifier(ctx: click.Context, source: Path, out: Path, circuit: str, contract_name: str, force: bool,
                    as_json: bool) -> None:
    """Write a Solidity Groth16 verifier (BN254 precompiles) for a verifying key.

    SOURCE is an attestation directory, whose keys are SOURCE/keys/<circuit>.vk.json
    (the circuit named, or the one attestation.json gives that role), or a *.vk.json
    file (snarkjs layout). The contract exposes
    verifyProof(uint256[2] a, uint256[2][2] b, uint256[2] c, uint256[N] input) -> bool,
    verifyingKey() and VK_HASH (the key's vk_hash), for SolvencyRegistry.

    Example: solvent export-verifier out/attestation --out TopVerifier.sol --contract-name TopVerifier
    """
    circuit_given = ctx.get_parameter_source("circuit") != click.core.ParameterSource.DEFAULT
    path = _key_path(source, circuit, circuit_given)
    try:
        vk = load_verifying_key(path)
    except MalformedInput as exc:
        _fail(str(exc) if str(path) in str(exc) else f"{path}: {exc}")
    except OSError as exc:
        _fail(f"{path}: {exc.strerror or exc}")
    try:
        source_text = generate_verifier(vk, contract_name)
    except ValueError as exc:
        _fail(f"--contract-name: {exc}")
    if out.is_dir():
        _fail(f"{out}: is a directory")
    refuse_overwrite([out], force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, source_text)
    except OSError as exc:
        _fail(f"{out}: cannot write: {exc.strerror or exc}")
    summary = {"out": str(out), "key": str(path), "contract": contract_name,
               "vk_hash": vk_hash(vk), "n_public": vk.n_public}
    if as_json:
        emit_json(summary)
    else:
        click.echo(f"wrote {out}: contract {contract_name} for {path} "
                   f"({vk.n_public} public inputs, vk_hash {summary['vk_hash']})")
