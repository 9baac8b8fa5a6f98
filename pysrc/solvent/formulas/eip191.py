"""EIP-191 ``personal_sign`` of a text message: the one signature scheme every reserve
ownership proof, custodian statement and oracle report of solvent uses on Ethereum keys.

Kept in one place so that recovering a signer is written once (eth-account does the
cryptography)."""

from __future__ import annotations

from eth_account import Account
from eth_account.messages import encode_defunct


def recover_text_signer(message: str, signature: str) -> tuple[str | None, str]:
    """(checksummed address that signed ``message``, "") or (None, why it is malformed).

    ``signature`` is ``0x`` + 130 hex digits (r‖s‖v)."""
    try:
        raw = bytes.fromhex(signature.removeprefix("0x"))
        return Account.recover_message(encode_defunct(text=message), signature=raw), ""
    except Exception as e:  # eth-keys raises several types for a malformed signature  # noqa: BLE001
        return None, f"malformed EIP-191 signature ({e})"


def signed_by(message: str, signature: str, address: str) -> str | None:
    """None when ``signature`` is ``address``'s over ``message``, else why not."""
    recovered, problem = recover_text_signer(message, signature)
    if recovered is None:
        return problem
    if recovered.lower() != address.lower():
        return (f"the signature recovers to the key of {recovered}, not of {address} "
                "(signed by another key, or over another message)")
    return None


def sign_text(private_key: bytes, message: str) -> str:
    """EIP-191 signature, 0x-hex: for tests, demos and dev tooling (real signers use their wallets)."""
    sig = Account.sign_message(encode_defunct(text=message), private_key=private_key)
    return "0x" + bytes(sig.signature).hex()
