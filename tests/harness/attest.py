"""The registry's view of an attestation (docs/attestation-interface.md): ``context``, the
EIP-191 digest, and the arguments of ``SolvencyRegistry.register`` and ``submit``.

Needs ``eth-hash`` (keccak); signing in tests uses ``eth-account``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eth_hash.auto import keccak

from solvent.attestation import hashing
from solvent.evm.calldata import proof_words

if TYPE_CHECKING:
    from solvent.attestation.models import Attestation


def context(statement_hash: bytes, epoch: int, signer: str) -> int:
    """The registry's ``contextOf`` for a raw statement hash: the one definition,
    :func:`solvent.attestation.hashing.context_of`."""
    return hashing.context_of(statement_hash.hex(), epoch, signer)


def signed_digest(attestation_hash: bytes) -> bytes:
    """``keccak256("\\x19Ethereum Signed Message:\\n32" ‖ attestation_hash)`` (what ecrecover checks)."""
    if len(attestation_hash) != 32:
        raise ValueError("attestation_hash must be 32 bytes")
    return keccak(b"\x19Ethereum Signed Message:\n32" + attestation_hash)


def shape_hash(att: Attestation) -> bytes:
    """``sha256`` of the canonical JSON of the statement's shape: what a registration
    names as the book shape its keys are for."""
    import hashlib

    from solvent.attestation.hashing import canonical_json

    return hashlib.sha256(canonical_json(att.statement.shape.model_dump(mode="json"))).digest()


def _top_vk_hash(att: Attestation) -> bytes:
    top = [c for c in att.statement.circuits if c.role == "top"]
    if len(top) != 1:
        raise ValueError("the attestation names no single top circuit")
    return bytes.fromhex(top[0].vk_hash)


def registration(att: Attestation) -> tuple[str, bytes, bytes, list[bytes]]:
    """``(signer, shapeHash, topVkHash, vkHashes)`` for ``register`` / ``announceKeys(signer,
    shapeHash, topVerifier, topVkHash, vkHashes)``: the attestation's signer, its shape's hash
    and its circuits' vk hashes (the top circuit's, and all of them)."""
    st = att.statement
    return st.signer, shape_hash(att), _top_vk_hash(att), [bytes.fromhex(c.vk_hash) for c in st.circuits]


def submission(att: Attestation) -> tuple:
    """The ``Submission`` struct of ``submit(institution, s)`` for a signed attestation:
    ``(epoch, statementHash, attestationHash, bookRoot, totalsCommitment, batchesDigest,
    proof words, signature, topVkHash)``."""
    from solvent.attestation.hashing import attestation_hash
    from solvent.attestation.models import proof_of

    if att.signature is None:
        raise ValueError("the attestation is not signed")
    top = att.top
    return (att.statement.epoch, bytes.fromhex(att.statement_hash), attestation_hash(att), int(top.book_root),
            int(top.totals_commitment), int(top.batches_digest), proof_words(proof_of(top)),
            bytes.fromhex(att.signature[2:]), _top_vk_hash(att))


def registered_keys_match(att: Attestation, institutions_row: tuple, vk_hashes: list[bytes]) -> list[str]:
    """What differs between an attestation and an institution's *active* registration
    (``institutions(addr)`` and ``vkHashesOf(addr)``): empty when the attestation's signer,
    shape and every key hash are the registered ones."""
    signer, shape, top, hashes = registration(att)
    r_signer, _, _, _, r_top, r_shape = institutions_row
    diffs = []
    if r_signer.lower() != signer.lower():
        diffs.append(f"signer {signer} is not the registered {r_signer}")
    if bytes(r_shape) != shape:
        diffs.append("the shape is not the registered one")
    if bytes(r_top) != top:
        diffs.append("the top key is not the active one")
    if sorted(map(bytes, vk_hashes)) != sorted(hashes):
        diffs.append("the circuits' key hashes are not the registered ones")
    return diffs


__all__ = ["context", "signed_digest", "shape_hash", "registration", "submission", "registered_keys_match"]
