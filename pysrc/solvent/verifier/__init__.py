"""solvent's independent pure-Python Groth16 verifier.

This package checks solvent's proofs without trusting solvent's prover: it shares no
code with the Rust core (``solvent._native``) and imports nothing of ``solvent`` but the
specification arithmetic (:mod:`solvent.formulas`: field, Poseidon), so an auditor can
read it on its own. Its parts, one concern per module:

* :mod:`.curve` — point validation (on curve, canonical, G2 subgroup) and
  pairing products on py_ecc;
* :mod:`.snarkjs` — strict readers/writers for snarkjs point encodings;
* :mod:`.groth16` — verifying keys, proofs, ``verify``, ``verify_batch``,
  ``vk_hash``;
* :mod:`.files` — loading snarkjs JSON files with errors naming the file.

Correctness comes before speed (a proof check takes about half a second). The Solidity
verifier is in the repository's top-level ``verifier/`` folder.
"""

from ..formulas.errors import MalformedInput
from .files import (
    load_json,
    load_proof,
    load_public_inputs,
    load_verifying_key,
    verify_files,
)
from .groth16 import (
    Proof,
    VerifyingKey,
    parse_public_inputs,
    public_inputs_to_snarkjs,
    verify,
    verify_batch,
    vk_hash,
)

__all__ = [
    "MalformedInput",
    "VerifyingKey",
    "Proof",
    "parse_public_inputs",
    "public_inputs_to_snarkjs",
    "verify",
    "verify_batch",
    "vk_hash",
    "load_json",
    "load_verifying_key",
    "load_proof",
    "load_public_inputs",
    "verify_files",
]
