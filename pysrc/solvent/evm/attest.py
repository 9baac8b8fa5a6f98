"""The registry's view of an attestation: ``context`` and the EIP-191 digest (docs/attestation-interface.md).

Needs ``eth-hash`` (keccak); signing in tests uses ``eth-account``.
"""

from __future__ import annotations

from eth_hash.auto import keccak

from ..verifier.field import R


def _address_bytes(signer: str) -> bytes:
    raw = bytes.fromhex(signer.removeprefix("0x"))
    if len(raw) != 20:
        raise ValueError(f"not a 20-byte address: {signer!r}")
    return raw


def context(statement_hash: bytes, epoch: int, signer: str) -> int:
    """``uint256(keccak256(abi.encodePacked(bytes32 statement_hash, uint64 epoch, address signer))) mod r``."""
    if len(statement_hash) != 32:
        raise ValueError("statement_hash must be 32 bytes")
    if not 0 <= epoch < 1 << 64:
        raise ValueError("epoch must fit a uint64")
    packed = statement_hash + epoch.to_bytes(8, "big") + _address_bytes(signer)
    return int.from_bytes(keccak(packed), "big") % R


def signed_digest(attestation_hash: bytes) -> bytes:
    """``keccak256("\\x19Ethereum Signed Message:\\n32" ‖ attestation_hash)`` (what ecrecover checks)."""
    if len(attestation_hash) != 32:
        raise ValueError("attestation_hash must be 32 bytes")
    return keccak(b"\x19Ethereum Signed Message:\n32" + attestation_hash)


__all__ = ["context", "signed_digest"]
