"""Signing ownership messages, for test fixtures and demos.

Institutions sign with their own wallets (``personal_sign``, Bitcoin Core's
``signmessage`` or a BIP-137 capable wallet); this module makes the same signatures
from raw secp256k1 keys so tests can build reserves files with throw-away keys.
"""

from __future__ import annotations

import base64

from coincurve import PrivateKey
from eth_account import Account

from ...formulas.eip191 import sign_text
from . import bitcoin
from .bitcoin import SigKind


def ethereum_address(private_key: bytes) -> str:
    return Account.from_key(private_key).address


def sign_ethereum(private_key: bytes, message: str) -> str:
    """EIP-191 ``personal_sign`` signature, 0x-hex (65 bytes r‖s‖v)."""
    return sign_text(private_key, message)


def bitcoin_address(private_key: bytes, kind: SigKind) -> str:
    return bitcoin.derive_address(PrivateKey(private_key).public_key, kind)


def sign_bitcoin(private_key: bytes, message: str, kind: SigKind) -> str:
    """BIP-137 signature (base64) whose header byte says ``kind``."""
    rsv = PrivateKey(private_key).sign_recoverable(bitcoin.message_hash(message), hasher=None)
    header = bitcoin.HEADER_BASE[kind] + rsv[64]
    return base64.b64encode(bytes([header]) + rsv[:64]).decode()
