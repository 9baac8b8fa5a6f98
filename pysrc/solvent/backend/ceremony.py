"""The phase-2 trusted-setup ceremony (docs/ceremony.md), over the native core.

A ceremony turns a powers-of-tau file (snarkjs ``.ptau``, e.g. the Perpetual Powers of
Tau) and one circuit into Groth16 keys whose toxic waste no single party knows:

1. :func:`init` derives the circuit's key with delta = 1 from the ptau (checked);
2. each participant runs :func:`contribute` on the latest state: a fresh secret x from
   the OS (mixed with optional typed entropy) multiplies delta, is used once and wiped;
3. :func:`finalize` optionally applies a public random beacon and writes the proving
   key (``setup: ceremony``, with the ``transcript_hash``) and the verifying key;
4. anyone runs :func:`verify` from the ptau and the circuit to the final key.

Circuits are named by a *spec*: a circom ``.r1cs`` file, a solvent IR file (``.ir``,
as the circuit cache writes them), or ``package.module:function`` for a DSL circuit
function (built with ``shape`` keyword arguments).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import native
from ..attestation.models import Shape
from ..attestation.trust import Refusal, key_hash
from ..attestation.trust_files import StoreEntry, sha256_file, store_entry
from ..dsl import CompiledCircuit, build

CeremonyError = native.CeremonyError
InteropError = native.InteropError
#: what a ceremony step can raise: CeremonyError (state, transcript), InteropError (the
#: ptau), KeyFileError (a key file) — all native errors derive from it
NativeError = native.NativeError

IR_MAGIC = b"SLVIR001"


def load_circuit(spec: str | os.PathLike[str], shape: Mapping[str, Any] | None = None,
                 name: str | None = None) -> native.CeremonyCircuit:
    """Resolve a circuit spec (see module docstring) to a native circuit."""
    text = os.fspath(spec)
    path = Path(text)
    if path.suffix == ".r1cs":
        return native.CeremonyCircuit.from_r1cs(path)
    if path.is_file():
        data = path.read_bytes()
        if not data.startswith(IR_MAGIC):
            raise InteropError(f"{path}: neither a circom .r1cs nor a solvent IR file")
        return native.CeremonyCircuit.from_ir(data)
    if ":" in text and not path.exists():
        module, _, attr = text.partition(":")
        try:
            fn = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise InteropError(f"circuit {text!r}: cannot import it ({exc})") from exc
        return circuit_of(build(fn, name or attr.lstrip("_"), **dict(shape or {})))
    raise InteropError(f"circuit {text!r}: no such file (expected a .r1cs, an IR file or module:function)")


def circuit_of(compiled: CompiledCircuit) -> native.CeremonyCircuit:
    """A DSL-compiled circuit as the ceremony sees it (same IR, same hash)."""
    return native.CeremonyCircuit.from_ir(compiled.ir)


def init(circuit: native.CeremonyCircuit, ptau: Path, out: Path, threads: int | None = None) -> dict[str, Any]:
    """Check the ptau and write the initial state (delta = 1) to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return native.ceremony_init(circuit, ptau, out, threads=threads)


def contribute(state: Path, out: Path, name: str, entropy: bytes = b"", threads: int | None = None) -> dict[str, Any]:
    """Add one contribution; returns its record (publish ``prev_hash`` and ``hash``)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return native.ceremony_contribute(state, out, name, entropy, threads=threads)


def beacon(state: Path, out: Path, value: bytes, iterations_exp: int = 10, name: str = "beacon") -> dict[str, Any]:
    """Apply a public random beacon (e.g. a block hash fixed in advance) as a contribution."""
    return native.ceremony_beacon(state, out, value, iterations_exp, name)


def info(state: Path) -> dict[str, Any]:
    return native.ceremony_info(state)


def verify(state: Path, ptau: Path, circuit: native.CeremonyCircuit, key: Path | None = None,
           threads: int | None = None) -> dict[str, Any]:
    """Verify the transcript from ``ptau`` to the state's key (and ``key``, a finalized
    key file, if given). Raises the native error of the first failure: :class:`CeremonyError`
    for the transcript, :class:`InteropError` for the ptau, ``KeyFileError`` for the key."""
    return native.ceremony_verify(state, ptau, circuit, key, threads=threads)


@dataclass(frozen=True)
class CircuitCheck:
    """A circuit's transcript re-verified against the circuit recompiled from a shape."""

    role: str
    entry: StoreEntry
    """What the trust store records (IR hash, vk hash, transcript and ptau hashes, people)."""
    verification_key: dict[str, Any]
    """The transcript's final verifying key (snarkjs layout)."""
    state: Path


def check_circuits(ceremony_dir: Path, ptau: Path, circuits: Mapping[str, CompiledCircuit],
                   shape: Shape | None = None, threads: int | None = None,
                   ) -> tuple[list[CircuitCheck], list[Refusal]]:
    """Re-verify ``<ceremony_dir>/<circuit name>.ph2`` (what ``finalize`` writes) for every
    circuit, from ``ptau``, against the circuit *as recompiled here* — never against an IR
    file lying beside the transcript. A transcript that is missing, does not verify, is
    for another circuit or has no participant is a refusal naming the file and the reason."""
    ptau_hash = sha256_file(ptau)
    checks: list[CircuitCheck] = []
    refusals: list[Refusal] = []
    for role, compiled in circuits.items():
        state = ceremony_dir / f"{compiled.name}.ph2"
        if not state.is_file():
            refusals.append(Refusal(compiled.name, str(state), "no ceremony transcript for this circuit"))
            continue
        try:
            report = verify(state, ptau, circuit_of(compiled), threads=threads)
        except NativeError as exc:
            refusals.append(Refusal(compiled.name, str(state), f"the transcript does not verify against the "
                                                               f"circuit recompiled from the shape: {exc}"))
            continue
        vk = report["verification_key"]
        vk_hash = key_hash(vk)
        if not report["secure"]:
            refusals.append(Refusal(compiled.name, str(state), "the transcript has no participant contribution: "
                                                               "its delta is public and proofs can be forged"))
            continue
        if vk_hash is None:
            refusals.append(Refusal(compiled.name, str(state), "the transcript's final verifying key is malformed "
                                                               "for the independent verifier"))
            continue
        people = [c["name"] for c in report["contributions"] if c["kind"] == "participant"]
        entry = store_entry(compiled.name, compiled.hash, vk_hash, report["transcript_hash"], ptau_hash, people,
                            int(report["beacons"]), shape)
        checks.append(CircuitCheck(role, entry, vk, state))
    return checks, refusals


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def finalize(state: Path, out_dir: Path, beacon_value: bytes | None = None, beacon_iterations_exp: int = 10,
             setup: str = "ceremony") -> dict[str, Any]:
    """Write the final keys into ``out_dir``, named after the circuit so that every
    circuit of a book shape can be finalized into one keys directory.

    Files: ``<circuit>.ph2`` (the final state, beacon included: what ``verify`` checks),
    ``<circuit>.pk`` (solvent key file) and ``<circuit>.vk.json`` (snarkjs layout: what
    ``snarkjs groth16 verify`` takes).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    name = info(state)["header"]["circuit"]
    final_state = out_dir / f"{name}.ph2"
    if beacon_value is not None:
        beacon(state, final_state, beacon_value, beacon_iterations_exp)
    elif state.resolve() != final_state.resolve():
        shutil.copyfile(state, final_state)
    key = out_dir / f"{name}.pk"
    header, vk_text = native.ceremony_finalize(final_state, key, setup)
    vk_path = out_dir / f"{name}.vk.json"
    _write_atomic(vk_path, json.dumps(json.loads(vk_text), indent=1))
    return {"header": header, "state": str(final_state), "key": str(key), "verification_key": str(vk_path)}


__all__ = ["CeremonyError", "InteropError", "NativeError", "load_circuit", "circuit_of", "init", "contribute", "beacon",
           "info", "verify", "finalize", "CircuitCheck", "check_circuits"]
