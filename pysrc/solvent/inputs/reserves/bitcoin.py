"""Bitcoin addresses and BIP-137 message signatures.

A BIP-137 signature is 65 bytes, base64-encoded: a header byte, then r and s. The
header says which public key to recover (``recid``) and which kind of address the key
stands for; the verifier recovers the key from the signature over the message hash and
derives that address, so a signature proves control of exactly one address.

Only the address kinds a single key controls can sign this way: P2PKH (compressed or
uncompressed key), P2SH-P2WPKH and P2WPKH, mainnet. P2WSH, taproot and multisig P2SH
cannot (BIP-322 would be needed: not supported).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Literal

import base58
import bech32
from coincurve import PublicKey
from Crypto.Hash import RIPEMD160

from ...errors import SolventError

AddressKind = Literal["p2pkh", "p2sh", "p2wpkh"]
SigKind = Literal["p2pkh-uncompressed", "p2pkh-compressed", "p2sh-p2wpkh", "p2wpkh"]

P2PKH_VERSION, P2SH_VERSION, SEGWIT_HRP = 0x00, 0x05, "bc"
MESSAGE_MAGIC = b"\x18Bitcoin Signed Message:\n"

# Header byte ranges of BIP-137: 27 + recid (+4 compressed, +8 P2SH-P2WPKH, +12 P2WPKH).
_HEADER_KINDS: tuple[SigKind, ...] = ("p2pkh-uncompressed", "p2pkh-compressed", "p2sh-p2wpkh", "p2wpkh")
HEADER_FIRST = 27
HEADER_BASE: dict[SigKind, int] = {k: HEADER_FIRST + 4 * i for i, k in enumerate(_HEADER_KINDS)}
_ADDRESS_OF_SIG: dict[SigKind, AddressKind] = {
    "p2pkh-uncompressed": "p2pkh", "p2pkh-compressed": "p2pkh", "p2sh-p2wpkh": "p2sh", "p2wpkh": "p2wpkh"}


class BitcoinError(SolventError, ValueError):
    """A malformed address or signature, or one that does not prove the address."""


def hash160(data: bytes) -> bytes:
    """RIPEMD-160 of SHA-256 (pycryptodome's RIPEMD-160: OpenSSL 3 may not offer it)."""
    return RIPEMD160.new(hashlib.sha256(data).digest()).digest()


def address_kind(address: str) -> AddressKind:
    """The kind of a mainnet address that a BIP-137 signature can prove, or BitcoinError."""
    if address[:3].lower() == "bc1":
        version, program = bech32.decode(SEGWIT_HRP, address)
        if version is None:
            raise BitcoinError(f"{address!r} is not a valid bech32 segwit v0 address (taproot/bech32m cannot sign BIP-137)")
        if version != 0 or program is None or len(program) != 20:
            raise BitcoinError(f"{address!r} is a segwit v{version} script address: only P2WPKH can sign BIP-137 messages")
        return "p2wpkh"
    try:
        raw = base58.b58decode_check(address)
    except ValueError as e:
        raise BitcoinError(f"{address!r} is not a valid base58check address ({e})") from None
    if len(raw) != 21 or raw[0] not in (P2PKH_VERSION, P2SH_VERSION):
        raise BitcoinError(f"{address!r} is not a Bitcoin mainnet P2PKH or P2SH address")
    return "p2pkh" if raw[0] == P2PKH_VERSION else "p2sh"


def normalize_address(address: str) -> str:
    """Canonical text of an address: bech32 is case-insensitive (lowercase), base58 is not."""
    return address.lower() if address[:3].lower() == "bc1" else address


def derive_address(pubkey: PublicKey, kind: SigKind) -> str:
    """The address that ``pubkey`` controls as ``kind``."""
    if kind == "p2pkh-uncompressed":
        return base58.b58encode_check(bytes([P2PKH_VERSION]) + hash160(pubkey.format(compressed=False))).decode()
    key_hash = hash160(pubkey.format(compressed=True))
    if kind == "p2pkh-compressed":
        return base58.b58encode_check(bytes([P2PKH_VERSION]) + key_hash).decode()
    if kind == "p2sh-p2wpkh":
        redeem_script = b"\x00\x14" + key_hash
        return base58.b58encode_check(bytes([P2SH_VERSION]) + hash160(redeem_script)).decode()
    encoded = bech32.encode(SEGWIT_HRP, 0, key_hash)
    assert encoded is not None
    return encoded


def _varint(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def message_hash(message: str) -> bytes:
    """Double SHA-256 of the magic prefix and the length-prefixed UTF-8 message."""
    data = message.encode("utf-8")
    return hashlib.sha256(hashlib.sha256(MESSAGE_MAGIC + _varint(len(data)) + data).digest()).digest()


def decode_signature(signature: str) -> bytes:
    """The 65 raw bytes of a base64 BIP-137 signature with a known header, or BitcoinError."""
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise BitcoinError("signature is not base64") from None
    if len(raw) != 65:
        raise BitcoinError(f"signature is {len(raw)} bytes, BIP-137 signatures are 65")
    if not HEADER_FIRST <= raw[0] < HEADER_FIRST + 16:
        raise BitcoinError(f"header byte {raw[0]} is not a BIP-137 header (27..42)")
    return raw


@dataclass(frozen=True)
class Recovered:
    kind: SigKind
    address: str
    """The address the recovered key controls as ``kind``."""


def recover(message: str, signature: str) -> Recovered:
    """Recover the signing key from a BIP-137 signature and derive its address."""
    raw = decode_signature(signature)
    kind = _HEADER_KINDS[(raw[0] - HEADER_FIRST) // 4]
    recid = (raw[0] - HEADER_FIRST) % 4
    try:
        pubkey = PublicKey.from_signature_and_message(raw[1:] + bytes([recid]), message_hash(message), hasher=None)
    except Exception as e:  # coincurve raises plain Exception on an unrecoverable signature  # noqa: BLE001
        raise BitcoinError(f"no public key recovers from this signature ({e})") from None
    return Recovered(kind, derive_address(pubkey, kind))


def verify_message(address: str, message: str, signature: str) -> None:
    """Accept iff ``signature`` is a BIP-137 signature of ``message`` by the key of
    ``address``; otherwise BitcoinError saying why (header kind or key mismatch)."""
    kind = address_kind(address)
    rec = recover(message, signature)
    if _ADDRESS_OF_SIG[rec.kind] != kind:
        raise BitcoinError(f"the signature's header byte says {rec.kind.upper()}, "
                           f"but {address} is a {kind.upper()} address")
    if rec.address != normalize_address(address):
        raise BitcoinError(f"the signature recovers to the key of {rec.address}, not of {address} "
                           "(signed by another key, or over another message)")
