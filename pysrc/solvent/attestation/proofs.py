"""Checking the proofs: each circuit's public inputs as the statement fixes them, and the
proof checker (the independent pure-Python verifier by default; another, such as the native
one, is injected by the caller — this layer never imports the backend)."""

from __future__ import annotations

from typing import Any, Protocol

from .. import verifier as pyv
from .models import Attestation, BatchEntry

TOP_PUBLICS = 4

def solvency_publics(att: Attestation) -> int:
    """context, totals_commitment, reserves[A] | reserves_commitment, [insurance_fund],
    coverage[A], [insurance_covered]."""
    s, A = att.statement.shape, att.statement.shape.n_assets
    if s.solvency is None:
        return 0
    extra = 1 if s.risk is not None else 0
    return 2 + (A if s.solvency.reserves == "public" else 1) + extra + A + extra

def batch_publics(att: Attestation) -> int:
    """context, [params_hash,] batch_root, batch_commitment, [all_collateralized, [all_margined]]."""
    risk = att.statement.shape.risk
    if risk is None:
        return 3
    return 6 if risk.instruments > 0 else 5

def batch_outputs(att: Attestation, b: BatchEntry) -> list[int]:
    """The outcome bits a batch proof outputs after its root and commitment (MalformedInput
    when the shape calls for one that the entry does not state)."""
    risk = att.statement.shape.risk
    if risk is None:
        if b.all_collateralized is not None or b.all_margined is not None:
            raise pyv.MalformedInput(f"batch {b.index}: outcome bits without the collateral statement")
        return []
    bits = [b.all_collateralized] + ([b.all_margined] if risk.instruments > 0 else [])
    if any(x is None for x in bits) or (risk.instruments == 0 and b.all_margined is not None):
        raise pyv.MalformedInput(f"batch {b.index}: the outcome bits the circuit outputs are missing")
    return [int(x) for x in bits if x is not None]

class ProofChecker(Protocol):
    """Checks Groth16 proofs under one verifying key (given parsed and as snarkjs JSON)."""

    name: str
    """What the report says checked the proofs."""

    def check(self, vk: pyv.VerifyingKey, vk_json: dict[str, Any], items: list[tuple[list[int], dict[str, Any]]]) -> list[bool]:
        """Per ``(public inputs, snarkjs proof)`` item: whether it verifies."""
        ...

class PythonProofChecker:
    """The independent pure-Python verifier (py_ecc): the default."""

    name = "independent pure-Python (py_ecc)"

    def check(self, vk: pyv.VerifyingKey, vk_json: dict[str, Any], items: list[tuple[list[int], dict[str, Any]]]) -> list[bool]:
        """Batch-verifies first and only splits up on failure."""
        try:
            parsed = [(pub, pyv.Proof.from_snarkjs(proof)) for pub, proof in items]
        except pyv.MalformedInput:
            parsed = None
        if parsed is not None and pyv.verify_batch(vk, parsed):
            return [True] * len(items)
        out = []
        for pub, proof in items:
            try:
                out.append(pyv.verify(vk, pub, pyv.Proof.from_snarkjs(proof)))
            except pyv.MalformedInput:
                out.append(False)
        return out

PYTHON_PROOFS = PythonProofChecker()

def circuit_name(att: Attestation, role: str) -> str:
    return next(c.name for c in att.statement.circuits if c.role == role)
