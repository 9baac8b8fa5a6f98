"""Build the Ethereum state-proof fixture (``fixtures/eth_state.json``) from a local chain.

No node is reachable from the tests, so the chain is made here: a real ERC-20
(``fixtures/TestToken.sol``, compiled by the pinned solcjs) is deployed in pyrevm, mints to
two holders and a transfer runs between two blocks. The accounts' state (nonce, balance,
code hash and every storage slot written, read back from the EVM) goes into py-trie
``HexaryTrie``s — one storage trie per account, one state trie — and a Cancun block header
(RLP) carries that state root. The ``eth_getProof`` responses are then produced exactly in
the JSON-RPC result shape (proof nodes RLP-encoded, nodes under 32 bytes left embedded in
their parent as clients do).

The EVM also checks the storage-key rule solvent relies on: the holder's balance read
through ``balanceOf`` equals the raw storage at keccak256(pad32(holder) ‖ pad32(2)).

Run: ``.venv/bin/python -m tests.reserves.make_eth_fixture`` (needs node_modules: npm ci).
The committed fixture is what the tests read; ``test_eth_fixture_regenerates`` checks that
the tries and headers rebuilt from its recorded state give the same roots and proofs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import rlp
from eth_utils import keccak, to_checksum_address
from trie import HexaryTrie

from solvent.inputs.reserves.ethproof import EMPTY_CODE_HASH, balance_storage_key
from solvent.inputs.reserves.signing import ethereum_address

from .helpers import throwaway_key

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "eth_state.json"
TOKEN_SOURCE = HERE / "fixtures" / "TestToken.sol"
BALANCE_SLOT, TOKEN_DECIMALS = 2, 6
HOLDER_LABELS = ("eth-hot", "eth-cold")
BLOCKS = ((21_000_000, 1_795_219_200), (21_000_001, 1_795_219_212))  # (number, timestamp): 2026-11-21T00:00:00Z


def _quantity(n: int) -> str:
    return hex(n)


def _hex(b: bytes) -> str:
    return "0x" + b.hex()


def storage_trie(slots: dict[int, int]) -> HexaryTrie:
    t = HexaryTrie({})
    for slot, value in slots.items():
        if value:
            t[keccak(slot.to_bytes(32, "big"))] = rlp.encode(value)
    return t


def account_rlp(acct: dict[str, Any]) -> bytes:
    root = storage_trie({int(k, 16): int(v, 16) for k, v in acct["storage"].items()}).root_hash
    return rlp.encode([int(acct["nonce"]), int(acct["balance"]), root, bytes.fromhex(acct["code_hash"][2:])])


def state_trie(accounts: dict[str, dict[str, Any]]) -> HexaryTrie:
    t = HexaryTrie({})
    for address, acct in accounts.items():
        t[keccak(bytes.fromhex(address[2:]))] = account_rlp(acct)
    return t


def header_rlp(number: int, timestamp: int, state_root: bytes, parent: bytes) -> bytes:
    """A Cancun header: the 20 fields of the London header plus withdrawals and blob fields."""
    empty_list_root = keccak(rlp.encode(b""))
    fields = [parent, keccak(rlp.encode([])), bytes(20), state_root, empty_list_root, empty_list_root,
              bytes(256), 0, number, 30_000_000, 0, timestamp, b"solvent fixture", bytes(32), bytes(8),
              7, empty_list_root, 0, 0, bytes(32)]
    return rlp.encode(fields)


def _proof_nodes(t: HexaryTrie, key: bytes) -> list[str]:
    """What a node returns: the RLP of every node on the path, except nodes embedded in
    their parent (under 32 bytes, and not the root)."""
    nodes = t.get_proof(keccak(key))
    out = []
    for i, node in enumerate(nodes):
        enc = rlp.encode(node)
        if i == 0 or len(enc) >= 32:
            out.append(_hex(enc))
    return out


def get_proof(accounts: dict[str, dict[str, Any]], address: str, keys: list[bytes]) -> dict[str, Any]:
    """``eth_getProof(address, keys)`` over ``accounts``."""
    st = state_trie(accounts)
    acct = accounts.get(address.lower(), {"nonce": 0, "balance": "0", "storage": {}, "code_hash": _hex(EMPTY_CODE_HASH)})
    slots = {int(k, 16): int(v, 16) for k, v in acct["storage"].items()}
    s = storage_trie(slots)
    return {
        "address": to_checksum_address(address), "accountProof": _proof_nodes(st, bytes.fromhex(address[2:])),
        "balance": _quantity(int(acct["balance"])), "codeHash": acct["code_hash"], "nonce": _quantity(int(acct["nonce"])),
        "storageHash": _hex(s.root_hash),
        "storageProof": [{"key": _hex(k), "value": _quantity(slots.get(int.from_bytes(k, "big"), 0)),
                          "proof": _proof_nodes(s, k)} for k in keys],
    }


def blocks_and_proofs(states: list[dict[str, dict[str, Any]]], token: str, holders: list[str]) -> dict[str, Any]:
    """Headers for each recorded state and the proofs a user would fetch at each block."""
    blocks, proofs, parent = [], {}, bytes(32)
    for (number, timestamp), accounts in zip(BLOCKS, states, strict=True):
        header = header_rlp(number, timestamp, state_trie(accounts).root_hash, parent)
        parent = keccak(header)
        blocks.append({"number": number, "hash": _hex(parent), "header_rlp": _hex(header)})
        proofs[str(number)] = {h: {"eth": get_proof(accounts, h, []),
                                   "token": get_proof(accounts, token, [balance_storage_key(h, BALANCE_SLOT)])}
                               for h in holders}
    return {"blocks": blocks, "proofs": proofs}


def _record(chain: Any, addresses: list[str], storage: dict[str, list[int]]) -> dict[str, dict[str, Any]]:
    """The accounts' state as the EVM has it: nonce, balance, code hash, storage slots."""
    out = {}
    for a in addresses:
        info = chain.evm.basic(a)
        slots = {s: chain.evm.storage(a, s) for s in storage.get(a.lower(), [])}
        out[a.lower()] = {"nonce": info.nonce, "balance": str(info.balance),
                          "code_hash": _hex(bytes(info.code_hash)) if info.code else _hex(EMPTY_CODE_HASH),
                          "storage": {hex(k): hex(v) for k, v in slots.items() if v}}
    return out


def run_chain() -> tuple[list[dict[str, dict[str, Any]]], str, list[str]]:
    from tests.harness.chain import DEFAULT_SENDER, Chain
    from tests.harness.solc import compile_sources

    compiled = compile_sources({"TestToken.sol": TOKEN_SOURCE.read_text()})["TestToken"]
    chain = Chain()
    token = chain.deploy(compiled)
    holders = [ethereum_address(throwaway_key(label)) for label in HOLDER_LABELS]
    chain.evm.set_balance(holders[0], 12_345_678_901_234_567_890)  # 12.34567890123456789 ETH
    chain.evm.set_balance(holders[1], 3 * 10**18)
    token("mint", holders[0], 2_500_000_250_000)  # 2,500,000.25 tokens at 6 decimals
    token("mint", holders[1], 1_000_000)
    for h in holders:  # the storage-key rule, checked against the compiled contract's real layout
        key = int.from_bytes(balance_storage_key(h, BALANCE_SLOT), "big")
        assert chain.evm.storage(token.address, key) == token("balanceOf", h), "balances mapping is not at slot 2"
    addresses = [DEFAULT_SENDER, token.address, *holders]
    slots = {token.address.lower(): [0, 1, *(int.from_bytes(balance_storage_key(h, BALANCE_SLOT), "big")
                                             for h in holders)]}
    first = _record(chain, addresses, slots)
    chain.evm.set_balance(holders[0], 2 * 10**18)  # the next block: ETH moved away, tokens transferred
    token("transfer", holders[1], 500_000_000_000, sender=holders[0])
    second = _record(chain, addresses, slots)
    return [first, second], token.address, holders


def build() -> dict[str, Any]:
    states, token, holders = run_chain()
    return {"generated_by": "tests/reserves/make_eth_fixture.py", "token": {
                "address": to_checksum_address(token), "decimals": TOKEN_DECIMALS, "balance_slot": BALANCE_SLOT},
            "holders": dict(zip(HOLDER_LABELS, holders, strict=True)), "states": states,
            **blocks_and_proofs(states, token, holders)}


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(build(), indent=1) + "\n")
    print(f"wrote {FIXTURE}")
