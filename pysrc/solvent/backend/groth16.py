"""The Groth16 backend: setup, witness, prove and native verify through ``solvent._native``.

Keys live in a directory as ``<circuit name>.pk`` (binary, header naming the circuit
hash) and ``<circuit name>.vk.json`` (snarkjs layout).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import native
from ..dsl import CompiledCircuit
from ..io import write_atomic

log = logging.getLogger("solvent")

INSECURE_SETUP_WARNING = (
    "INSECURE DEVELOPMENT SETUP: the Groth16 toxic waste for circuit {name} was drawn on this "
    "machine by one party. Whoever ran it could forge proofs. Use it for tests and demos only; "
    "production keys come from a multi-party ceremony (solvent ceremony)."
)


class InsecureSetupWarning(UserWarning):
    pass


@dataclass
class KeyPair:
    circuit_name: str
    circuit_hash: str
    pk: native.ProvingKey
    vk_json: dict[str, Any]
    setup: str
    transcript_hash: str | None = None

    @property
    def insecure(self) -> bool:
        return self.setup.startswith("dev-insecure")


@dataclass
class ProofResult:
    proof: dict[str, Any]
    public: list[int]
    #: wall seconds per prover phase and CPU seconds as ``cpu_<phase>`` (``prove(..., profile=True)``), else None
    profile: dict[str, float] | None = None


class Groth16:
    name = "groth16-bn254"

    def __init__(self, threads: int | None = None):
        self.threads = threads
        self._circuits: dict[str, native.Circuit] = {}

    def circuit(self, compiled: CompiledCircuit) -> native.Circuit:
        """The lowered native circuit, kept per process."""
        c = self._circuits.get(compiled.hash)
        if c is None:
            c = self._circuits[compiled.hash] = native.Circuit(compiled.ir)
        return c

    def witness(self, compiled: CompiledCircuit, inputs: Mapping[str, Any] | Sequence[int], strict: bool = True) -> native.Witness:
        vector = inputs if isinstance(inputs, Sequence) else compiled.input_vector(inputs)
        return self.circuit(compiled).solve(list(vector), strict=strict, threads=self.threads)

    # keys ----------------------------------------------------------------------------
    def setup_dev_insecure(self, compiled: CompiledCircuit, seed: bytes | None = None) -> KeyPair:
        msg = INSECURE_SETUP_WARNING.format(name=compiled.name)
        warnings.warn(msg, InsecureSetupWarning, stacklevel=2)
        log.warning(msg)
        pk = native.ProvingKey.setup_dev_insecure(self.circuit(compiled), seed=seed, threads=self.threads)
        return self._pair(pk)

    def _pair(self, pk: native.ProvingKey) -> KeyPair:
        header = json.loads(pk.header)
        return KeyPair(header["circuit"], header["circuit_hash"], pk,
                       json.loads(pk.verifying_key().to_json()), header["setup"],
                       header.get("transcript_hash"))

    def save_keys(self, keys: KeyPair, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        keys.pk.save(directory / f"{keys.circuit_name}.pk")
        write_atomic(directory / f"{keys.circuit_name}.vk.json", json.dumps(keys.vk_json, indent=1))

    def load_keys(self, directory: Path, compiled: CompiledCircuit) -> KeyPair:
        path = directory / f"{compiled.name}.pk"
        header = json.loads(native.ProvingKey.read_header(path))
        if header.get("circuit_hash") != compiled.hash:
            raise native.KeyFileError(
                f"{path}: key is for circuit hash {header.get('circuit_hash')}, "
                f"but circuit {compiled.name} now compiles to {compiled.hash}; run the setup again"
            )
        return self._pair(native.ProvingKey.load(path))

    # proofs ----------------------------------------------------------------------------
    def prove(self, keys: KeyPair, compiled: CompiledCircuit, witness: native.Witness, check: bool = True,
              seed: bytes | None = None, profile: bool = False, reference: bool = False) -> ProofResult:
        """``seed``: deterministic proof randomness (see ``proof_seed``); fresh OS randomness if None.
        ``profile``: record seconds per prover phase; ``reference``: arkworks' QAP step and MSMs
        (the same proof, slower: for benches)."""
        proof = native.prove(keys.pk, self.circuit(compiled), witness, check=check, threads=self.threads, seed=seed,
                              profile=profile, reference=reference)
        return ProofResult(json.loads(proof.to_json()), witness.public_values(), proof.profile)

    def prepare(self, keys: KeyPair) -> float:
        """Convert a proving key's bases into the prover's form now, once per loaded key
        (otherwise the first proof does it); returns the seconds it took."""
        return keys.pk.prepare(threads=self.threads)

    def verify_native(self, vk_json: Mapping[str, Any], public: Sequence[int], proof: Mapping[str, Any]) -> bool:
        vk = native.VerifyingKey.from_json(json.dumps(vk_json))
        return native.verify(vk, list(public), native.Proof.from_json(json.dumps(proof)))


class NativeProofChecker:
    """The native arkworks verifier as an ``attestation.verify.ProofChecker`` (``--fast``):
    injected by the command line, since attestation verification never imports the backend."""

    name = "native (arkworks)"

    def check(self, vk: Any, vk_json: Mapping[str, Any], items: Sequence[tuple[Sequence[int], Mapping[str, Any]]]
              ) -> list[bool]:
        g = Groth16()
        return [g.verify_native(vk_json, pub, proof) for pub, proof in items]


NATIVE_PROOFS = NativeProofChecker()


def proof_seed(secret: bytes, compiled: CompiledCircuit, witness: native.Witness) -> bytes:
    """Deterministic Groth16 randomness, as RFC 6979 does for ECDSA nonces: a PRF keyed by
    the institution secret over the circuit and the whole witness. Secret and uniform to
    anyone without the key, different for any two different witnesses; the same witness
    gives the same proof, so a resumed or distributed run reproduces the attestation."""
    msg = b"solvent.groth16.rs/1" + bytes.fromhex(compiled.hash) + witness.digest()
    return hmac.new(secret, msg, hashlib.sha256).digest()
