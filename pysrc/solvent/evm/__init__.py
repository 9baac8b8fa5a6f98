"""On-chain verification: Solidity verifier generation, calldata, Poseidon tables, registry.

* :mod:`.verifier_gen` writes a Groth16 verifier contract for a snarkjs verifying key;
* :mod:`.calldata` encodes proofs for it (EVM G2 order);
* :mod:`.poseidon_gen` derives the on-chain Poseidon tables from solvent's Python Poseidon;
* :mod:`.inclusion_gen` writes the inclusion verifier's Poseidon half (widths 4 to 10);
* :mod:`.inclusion` encodes and checks book paths as the contract does, and turns a
  customer's inclusion proof into ``verifyInclusion`` arguments (:func:`.inclusion.registry_call`);

The test harness that compiles ``verifier/*.sol`` with the pinned solcjs and runs the
contracts in an in-process EVM (pyrevm), and computes the registry's ``register`` /
``submit`` arguments, is not shipped: it lives in ``tests/harness/`` (solc, contracts,
chain, attest).

May import attestation, verifier and formulas; never the pipeline, the backend or the
native module.
"""

from .calldata import encode_verify_proof, proof_to_evm, proof_words, public_to_evm
from .verifier_gen import generate_verifier, vk_bytes

__all__ = ["generate_verifier", "vk_bytes", "encode_verify_proof", "proof_to_evm", "proof_words", "public_to_evm"]
