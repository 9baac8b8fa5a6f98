"""Checking an ``eth_getProof`` response against a block header (Ethereum state proofs).

The Merkle-Patricia proof walk is py-trie's (``HexaryTrie.get_from_proof``) and the
decoding is ``rlp``'s: nothing here re-implements the trie. What this module adds is the
binding of the proof to the holding:

* keccak256(header RLP) is the block hash the reserves file names, and the header's state
  root is the root the account proof is checked against;
* the proven account is the holder (ETH) or the token contract (ERC-20), and the ERC-20
  storage key is derived here from the holder's address and the declared mapping slot, so
  a proof of another holder's balance cannot be presented;
* the response's own fields (balance, nonce, storageHash, codeHash, storage value) must be
  what the proof proves: a response whose stated balance was edited fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import rlp
from eth_utils import keccak
from trie import HexaryTrie
from trie.exceptions import BadTrieProof

from ...errors import SolventError
from .evidence import EthBlock, EthGetProof, EthStateProof

EMPTY_CODE_HASH = keccak(b"")
EMPTY_TRIE_ROOT = keccak(rlp.encode(b""))
STATE_ROOT_FIELD, NUMBER_FIELD = 3, 8
"""Positions in the header list (parent, ommers, coinbase, stateRoot, txRoot, receiptsRoot,
bloom, difficulty, number, …): the same in every fork since Frontier."""
ETH_DECIMALS = 18


class StateProofError(SolventError, ValueError):
    """The proof does not prove what the holding says (the message says what and why)."""


@dataclass(frozen=True)
class Account:
    nonce: int
    balance: int
    storage_root: bytes
    code_hash: bytes


@dataclass(frozen=True)
class ProvenBalance:
    raw: int
    """Units of 10^-decimals of the asset (wei for ETH, the token's units for ERC-20)."""
    decimals: int
    block_number: int
    block_hash: str
    account: str
    """The account whose state was proven: the holder, or the token contract."""
    storage_key: str | None


def _bytes(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text[2:])


def state_root(block: EthBlock) -> bytes:
    """The header's state root, after checking that the header hashes to ``block.hash``
    and carries ``block.number``."""
    header = _bytes(block.header_rlp)
    if "0x" + keccak(header).hex() != block.hash.lower():
        raise StateProofError(f"the header of block {block.number} does not hash to {block.hash}")
    try:
        fields = rlp.decode(header)
    except rlp.exceptions.DecodingError as e:
        raise StateProofError(f"block {block.number}: the header is not RLP ({e})") from None
    if not isinstance(fields, list) or len(fields) <= NUMBER_FIELD or not all(isinstance(f, bytes) for f in fields[:9]):
        raise StateProofError(f"block {block.number}: not a block header (a list of at least 9 fields)")
    if int.from_bytes(fields[NUMBER_FIELD], "big") != block.number:
        raise StateProofError(f"the header is of block {int.from_bytes(fields[NUMBER_FIELD], 'big')}, "
                              f"not of block {block.number}")
    if len(fields[STATE_ROOT_FIELD]) != 32:
        raise StateProofError(f"block {block.number}: the header's state root is not 32 bytes")
    return fields[STATE_ROOT_FIELD]


def _prove(root: bytes, key: bytes, proof: list[str], what: str) -> bytes:
    """The value at ``keccak(key)`` under ``root`` (b"" when the proof shows it absent)."""
    try:
        nodes = [rlp.decode(_bytes(n)) for n in proof]
        return HexaryTrie.get_from_proof(root, keccak(key), nodes)
    except (BadTrieProof, rlp.exceptions.DecodingError) as e:
        raise StateProofError(f"the {what} proof does not verify against root 0x{root.hex()} "
                              f"(a proof from another block, or tampered): {e}") from None
    except Exception as e:  # py-trie raises validation errors of several types for malformed nodes  # noqa: BLE001
        raise StateProofError(f"the {what} proof is malformed: {e}") from None


def prove_account(root: bytes, p: EthGetProof) -> Account:
    """The account at ``p.address`` as the account proof proves it, checked against the
    fields the response states."""
    value = _prove(root, _bytes(p.address), p.account_proof, "account")
    if value == b"":
        acct = Account(0, 0, EMPTY_TRIE_ROOT, EMPTY_CODE_HASH)  # no such account: nothing there
    else:
        try:
            nonce, balance, storage_root, code_hash = rlp.decode(value)
            acct = Account(int.from_bytes(nonce, "big"), int.from_bytes(balance, "big"), bytes(storage_root),
                           bytes(code_hash))
        except (ValueError, TypeError, rlp.exceptions.DecodingError):
            raise StateProofError("the proven account is not an RLP [nonce, balance, storageRoot, codeHash]") from None
    stated = Account(int(p.nonce, 16), int(p.balance, 16), _bytes(p.storage_hash), _bytes(p.code_hash))
    if stated != acct:
        raise StateProofError("the response's account fields (balance, nonce, storageHash, codeHash) are not "
                              "what its proof proves: the response was edited")
    return acct


def balance_storage_key(holder: str, slot: int) -> bytes:
    """Where a Solidity ``mapping(address => uint256)`` at ``slot`` keeps ``holder``'s entry."""
    return keccak(bytes(12) + _bytes(holder) + slot.to_bytes(32, "big"))


def prove_balance(ev: EthStateProof, holder: str, block: EthBlock) -> ProvenBalance:
    """The balance ``ev`` proves for ``holder`` at ``block`` (StateProofError otherwise)."""
    root = state_root(block)
    p = ev.proof
    expected = ev.token.address if ev.token is not None else holder
    if p.address.lower() != expected.lower():
        what = f"the token contract {ev.token.address}" if ev.token is not None else f"the holder {holder}"
        raise StateProofError(f"the proof is of account {p.address}, not of {what}")
    acct = prove_account(root, p)
    if ev.token is None:
        if p.storage_proof:
            raise StateProofError("an ETH balance proof carries no storage proofs")
        return ProvenBalance(acct.balance, ETH_DECIMALS, block.number, block.hash, p.address, None)
    if acct.code_hash == EMPTY_CODE_HASH:
        raise StateProofError(f"{p.address} has no code at block {block.number}: not a token contract")
    if len(p.storage_proof) != 1:
        raise StateProofError(f"an ERC-20 balance proof carries exactly one storage proof, not {len(p.storage_proof)}")
    sp = p.storage_proof[0]
    key = balance_storage_key(holder, ev.token.balance_slot)
    if int(sp.key, 16) != int.from_bytes(key, "big"):
        raise StateProofError(f"the storage proof is for key {sp.key}, not for {holder}'s entry of the balances "
                              f"mapping at slot {ev.token.balance_slot} (0x{key.hex()}): a proof for another address")
    value = _prove(acct.storage_root, key, sp.proof, "storage")
    try:
        proven = int.from_bytes(rlp.decode(value), "big") if value else 0
    except (TypeError, rlp.exceptions.DecodingError):
        raise StateProofError("the proven storage value is not RLP") from None
    if proven != int(sp.value, 16):
        raise StateProofError(f"the response states storage value {sp.value}, its proof proves {hex(proven)}: "
                              "the response was edited")
    return ProvenBalance(proven, ev.token.decimals, block.number, block.hash, p.address, "0x" + key.hex())
