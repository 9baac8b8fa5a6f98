"""Proving backends. Circuits are written against ``solvent.circuit`` only; a backend
takes a compiled circuit and proves it. Groth16 over BN254 (arkworks) is the first."""

from .groth16 import Groth16, KeyPair, ProofResult, INSECURE_SETUP_WARNING

__all__ = ["Groth16", "KeyPair", "ProofResult", "INSECURE_SETUP_WARNING"]
