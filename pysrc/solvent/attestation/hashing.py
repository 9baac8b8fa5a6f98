"""Canonical hashes and the signature over an attestation (docs/attestation-interface.md)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak

from ..formulas.errors import MalformedInput
from ..formulas.field import R
from .models import Attestation, Statement


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def statement_hash(statement: Statement) -> str:
    return hashlib.sha256(canonical_json(statement.model_dump(mode="json"))).hexdigest()


def context_of(statement_hash_hex: str, epoch: int, signer: str) -> int:
    """``keccak256(abi.encodePacked(bytes32, uint64, address)) mod r``: what a contract
    recomputes to bind a proof to one institution and epoch."""
    digest, address = bytes.fromhex(statement_hash_hex), bytes.fromhex(signer.removeprefix("0x"))
    if len(digest) != 32 or len(address) != 20 or not 0 <= epoch < 1 << 64:
        raise MalformedInput("context: a 32-byte statement hash, a uint64 epoch and a 20-byte signer address")
    return int.from_bytes(keccak(digest + epoch.to_bytes(8, "big") + address), "big") % R


def attestation_hash(att: Attestation) -> bytes:
    body = att.model_dump(mode="json", exclude={"signature"})
    return hashlib.sha256(canonical_json(body)).digest()


def sign(att: Attestation, private_key: bytes) -> Attestation:
    sig = Account.sign_message(encode_defunct(primitive=attestation_hash(att)), private_key=private_key)
    return att.model_copy(update={"signature": "0x" + bytes(sig.signature).hex()})


def recover_signer(att: Attestation) -> str | None:
    """The address that signed the attestation, or None if unsigned or malformed."""
    if att.signature is None:
        return None
    try:
        signer: str = Account.recover_message(encode_defunct(primitive=attestation_hash(att)),
                                              signature=bytes.fromhex(att.signature[2:]))
        return signer
    except Exception:  # a malformed signature is an invalid one  # noqa: BLE001
        return None
