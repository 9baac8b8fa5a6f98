"""Prove circom circuits with solvent's prover, from a ``.r1cs`` and a ``.wtns``.

A *circom key directory* holds what proving needs:

* ``circuit.r1cs`` — a copy of the constraint file (the prover reads its matrices);
* ``circuit.pk`` — a solvent key file whose header names the circuit hash and the QAP
  reduction (``libsnark`` for keys derived here, ``circom`` for an imported zkey);
* ``verification_key.json`` — snarkjs layout;
* ``setup.json`` — where the key came from.

Key sources, most to least trustworthy: a finalized ``solvent ceremony`` key for the
same ``.r1cs`` (``key=``); a snarkjs zkey (``zkey=``: its own ceremony, check it with
``snarkjs zkey verify``); or a ptau plus **one local phase-2 contribution** (``ptau=``),
which is only as trustworthy as the machine that ran it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import native
from ..errors import UsageError

LOCAL_PHASE2_WARNING = (
    "single-party phase 2: the key for {name} was made from the ptau with one contribution on this machine; "
    "whoever ran it must be trusted to have destroyed its secret. For production keys run `solvent ceremony` "
    "with several independent participants and pass the result with --key."
)


class LocalPhase2Warning(UserWarning):
    pass


def _write_json(path: Path, value: Any) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=1))
    os.replace(tmp, path)


def setup(r1cs: Path, out_dir: Path, *, ptau: Path | None = None, zkey: Path | None = None,
          key: Path | None = None, threads: int | None = None) -> dict[str, Any]:
    """Make a circom key directory from exactly one key source."""
    if sum(x is not None for x in (ptau, zkey, key)) != 1:
        raise UsageError("give exactly one of ptau, zkey or key")
    circuit = native.CeremonyCircuit.from_r1cs(r1cs)
    out_dir.mkdir(parents=True, exist_ok=True)
    pk_path = out_dir / "circuit.pk"
    if zkey is not None:
        header, vk_text = native.circom_import_zkey(zkey, circuit, pk_path)
        source = {"zkey": str(zkey)}
    elif key is not None:
        header = json.loads(native.ProvingKey.read_header(key))
        if header.get("circuit_hash") != circuit.hash:
            raise native.InteropError(
                f"{key}: the key is for circuit hash {header.get('circuit_hash')}, {r1cs} has {circuit.hash}")
        pk = native.ProvingKey.load(key)
        shutil.copyfile(key, pk_path)
        vk_text = pk.verifying_key().to_json()
        source = {"key": str(key)}
    else:
        assert ptau is not None
        # imported here: the ceremony pulls in the attestation models and the DSL, which
        # proving (and the other key sources) never need
        from . import ceremony

        msg = LOCAL_PHASE2_WARNING.format(name=circuit.name)
        warnings.warn(msg, LocalPhase2Warning, stacklevel=2)
        with tempfile.TemporaryDirectory(prefix="solvent-phase2-") as tmp:
            s0, s1 = Path(tmp) / "init.ph2", Path(tmp) / "local.ph2"
            ceremony.init(circuit, ptau, s0, threads=threads)
            ceremony.contribute(s0, s1, "local single-party phase 2", threads=threads)
            header, vk_text = native.ceremony_finalize(s1, pk_path, "ptau-local-phase2")
        source = {"ptau": str(ptau)}
    if Path(r1cs).resolve() != (out_dir / "circuit.r1cs").resolve():
        shutil.copyfile(r1cs, out_dir / "circuit.r1cs")
    _write_json(out_dir / "verification_key.json", json.loads(vk_text))
    meta = {"circuit": circuit.name, "circuit_hash": circuit.hash, "setup": header["setup"],
            "reduction": header.get("reduction", "libsnark"), "num_constraints": circuit.num_constraints,
            "num_public": circuit.num_public, "source": source}
    _write_json(out_dir / "setup.json", meta)
    return meta


@dataclass
class CircomProof:
    proof: dict[str, Any]
    public: list[int]
    vk: dict[str, Any]
    #: seconds per step: reading the r1cs, key and witness, the check, the prover's phases
    profile: dict[str, float] = field(default_factory=dict)


def prove(key_dir: Path, wtns: Path, check: bool = True, threads: int | None = None) -> CircomProof:
    """Prove from a key directory and a witness; the proof is checked natively before it
    is returned (a wrong witness fails with the constraint it breaks). The key, the
    ``.r1cs`` and the witness are read at the same time (``profile["read_inputs"]``)."""
    proof_text, public, profile = native.circom_prove_files(key_dir / "circuit.pk", key_dir / "circuit.r1cs", wtns,
                                                             check=check, threads=threads)
    t = time.perf_counter()
    vk_text = (key_dir / "verification_key.json").read_text()
    if not native.verify(native.VerifyingKey.from_json(vk_text), public, native.Proof.from_json(proof_text)):
        raise native.ProverError("the proof does not verify under the directory's verification_key.json")
    profile.update(verify=time.perf_counter() - t)
    return CircomProof(json.loads(proof_text), public, json.loads(vk_text), profile)


def write_proof(res: CircomProof, out_dir: Path) -> None:
    """``proof.json``, ``public.json`` and ``verification_key.json`` in snarkjs layout."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_json(out_dir / "proof.json", res.proof)
    _write_json(out_dir / "public.json", [str(x) for x in res.public])
    _write_json(out_dir / "verification_key.json", res.vk)
