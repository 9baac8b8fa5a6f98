"""solvent's independent pure-Python verifier.

This package checks solvent's outputs without trusting solvent's prover: it
shares no code with the Rust core (``solvent._native``) and imports nothing
from the rest of ``solvent``, so an auditor can read it on its own.  Its
parts, one concern per module:

* :mod:`.field` — BN254 moduli and strict (never reducing) conversions;
* :mod:`.poseidon` — circomlib-compatible Poseidon whose constants are derived
  here by the Grain LFSR of the Poseidon paper, plus solvent's domain-separated
  ``hash_many`` and ``encode_bytes`` (``docs/hashing.md``);
* :mod:`.curve` — point validation (on curve, canonical, G2 subgroup) and
  pairing products on py_ecc;
* :mod:`.snarkjs` — strict readers/writers for snarkjs point encodings;
* :mod:`.groth16` — verifying keys, proofs, ``verify``, ``verify_batch``,
  ``vk_hash``;
* :mod:`.files` — loading snarkjs JSON files with errors naming the file.

Correctness comes before speed (a proof check takes about half a second).
"""

from .errors import MalformedInput
from .field import BASE_MODULUS, Q, R, SCALAR_MODULUS, parse_decimal, parse_field, to_field
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
from .poseidon import domain, encode_bytes, hash_many, poseidon

__all__ = [
    "MalformedInput",
    "R",
    "Q",
    "SCALAR_MODULUS",
    "BASE_MODULUS",
    "to_field",
    "parse_decimal",
    "parse_field",
    "poseidon",
    "domain",
    "hash_many",
    "encode_bytes",
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
