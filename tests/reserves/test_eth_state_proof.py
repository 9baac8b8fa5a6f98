"""Ethereum state proofs as reserve evidence, against a real eth_getProof fixture built
from a local chain (``make_eth_fixture.py``): each cheat a prover would try — a proof of
another address, of another block, an edited balance, an edited header — fails, and what
the verifier cannot know (is the block canonical? is this USDT?) is a caveat until pinned."""

from __future__ import annotations

import copy

import pytest

from solvent.inputs.pins import Pins, parse_pins
from solvent.inputs.reserves import ReservesError, parse_reserves
from solvent.inputs.reserves.audit import audit_holdings, caveats_of

from .evidence_helpers import BLOCKS, FIXTURE, HOLDERS, TOKEN, eth_blocks, proven_balance, state_proof_holding
from .helpers import EPOCH, INSTITUTION, SNAPSHOT, reserves_doc
from .make_eth_fixture import blocks_and_proofs


def audit(holdings, blocks=(0,), pins: Pins | None = None):
    doc = parse_reserves({**reserves_doc(holdings), "eth_blocks": eth_blocks(*blocks)})
    return audit_holdings(doc, INSTITUTION, EPOCH, SNAPSHOT, pins)


def evidence_of(holdings, blocks=(0,), pins=None):
    (a,) = audit(holdings, blocks, pins)
    assert a.ownership.ok, a.ownership.detail
    return a.evidence


def test_fixture_is_a_real_state():
    """The committed fixture is what the generator builds from its recorded chain state:
    same state roots, headers, hashes and proofs (no hand-typed hex)."""
    rebuilt = blocks_and_proofs(FIXTURE["states"], TOKEN["address"], list(HOLDERS.values()))
    assert rebuilt["blocks"] == FIXTURE["blocks"] and rebuilt["proofs"] == FIXTURE["proofs"]
    assert proven_balance("eth-hot", "eth") == "12.34567890123456789"
    assert proven_balance("eth-hot", "token") == "2500000.25"


@pytest.mark.parametrize("what", ["eth", "token"])
def test_valid_state_proof_checks_with_caveats(what):
    ev = evidence_of([state_proof_holding("eth-hot", what)])
    assert ev.ok, ev.detail
    assert f"proven at block {BLOCKS[0]['number']}" in ev.detail
    assert any("check on a node or explorer that it is canonical" in c for c in ev.caveats)
    assert any("as the institution says" in c for c in ev.caveats) == (what == "token")


def test_pinned_block_and_token_leave_no_caveat():
    pins = parse_pins(eth_blocks=(f"{BLOCKS[0]['number']}:{BLOCKS[0]['hash']}",), tokens=(f"USDT={TOKEN['address']}",))
    ev = evidence_of([state_proof_holding("eth-hot", "token")], pins=pins)
    assert ev.ok and ev.caveats == () and "(pinned)" in ev.detail


def test_block_pinned_to_another_hash_fails():
    pins = parse_pins(eth_blocks=(f"{BLOCKS[0]['number']}:0x{'ab' * 32}",))
    ev = evidence_of([state_proof_holding("eth-hot", "eth")], pins=pins)
    assert not ev.ok and "is pinned as 0xabab" in ev.detail


def test_token_pinned_to_another_contract_fails():
    ev = evidence_of([state_proof_holding("eth-hot", "token")], pins=parse_pins(tokens=(f"USDT=0x{'11' * 20}",)))
    assert not ev.ok and "pinned to token" in ev.detail


def test_eth_proof_of_another_address_fails():
    h = state_proof_holding("eth-hot", "eth", proof_of="eth-cold", balance=proven_balance("eth-cold", "eth"))
    ev = evidence_of([h])
    assert not ev.ok and f"not of the holder {HOLDERS['eth-hot']}" in ev.detail


def test_erc20_proof_of_another_holder_fails():
    """The token account is right, but the storage key is eth-cold's entry."""
    h = state_proof_holding("eth-hot", "token", proof_of="eth-cold", balance=proven_balance("eth-cold", "token"))
    ev = evidence_of([h])
    assert not ev.ok and "a proof for another address" in ev.detail


def test_erc20_storage_key_relabelled_fails():
    """Claiming eth-cold's storage proof is eth-hot's entry by editing the key: the value
    is then not under eth-hot's key in the storage trie."""
    h = state_proof_holding("eth-hot", "token", proof_of="eth-cold", balance=proven_balance("eth-cold", "token"))
    mine = state_proof_holding("eth-hot", "token")["evidence"]["proof"]["storageProof"][0]["key"]
    h["evidence"]["proof"]["storageProof"][0]["key"] = mine
    ev = evidence_of([h])
    assert not ev.ok and "storage proof does not verify" in ev.detail


@pytest.mark.parametrize("what", ["eth", "token"])
def test_proof_from_another_block_fails(what):
    """A proof taken at block 21000001, presented against block 21000000's header."""
    h = state_proof_holding("eth-hot", what, block=0, proof_block=1, balance=proven_balance("eth-hot", what, 1))
    ev = evidence_of([h], blocks=(0, 1))
    assert not ev.ok and "proof does not verify against root" in ev.detail


def test_holding_balance_above_the_proven_one_fails():
    h = state_proof_holding("eth-hot", "token", balance="2500000.26")
    ev = evidence_of([h])
    assert not ev.ok and "the proof shows a balance of 2500000.25, the holding states 2500000.26" in ev.detail


@pytest.mark.parametrize("what,field", [("eth", "balance"), ("token", "value")])
def test_response_with_edited_balance_fails(what, field):
    h = state_proof_holding("eth-hot", what)
    p = h["evidence"]["proof"]
    if field == "balance":
        p["balance"] = hex(int(p["balance"], 16) * 10)
        h["balance"] = "123.4567890123456789"
    else:
        p["storageProof"][0]["value"] = hex(int(p["storageProof"][0]["value"], 16) * 10)
        h["balance"] = "25000002.5"
    ev = evidence_of([h])
    assert not ev.ok and "the response was edited" in ev.detail


def test_edited_header_fails():
    doc_blocks = eth_blocks(0)
    header = bytearray.fromhex(doc_blocks[0]["header_rlp"][2:])
    header[-40] ^= 1
    doc_blocks[0]["header_rlp"] = "0x" + header.hex()
    doc = parse_reserves({**reserves_doc([state_proof_holding("eth-hot", "eth")]), "eth_blocks": doc_blocks})
    (a,) = audit_holdings(doc, INSTITUTION, EPOCH, SNAPSHOT)
    assert not a.evidence.ok and "does not hash to" in a.evidence.detail


def test_as_of_block_must_be_the_proofs():
    h = state_proof_holding("eth-hot", "eth")
    h["as_of"]["block"] = 20_999_999
    ev = evidence_of([h])
    assert not ev.ok and "as_of names block 20999999" in ev.detail


def test_tampered_proof_node_fails():
    h = state_proof_holding("eth-hot", "eth")
    node = h["evidence"]["proof"]["accountProof"][-1]
    h["evidence"]["proof"]["accountProof"][-1] = node[:-2] + ("00" if node[-2:] != "00" else "01")
    ev = evidence_of([h])
    assert not ev.ok and "account proof" in ev.detail


def test_block_not_carried_is_refused_at_load():
    doc = {**reserves_doc([state_proof_holding("eth-hot", "eth")]), "eth_blocks": eth_blocks(1)}
    with pytest.raises(ReservesError, match=r"holdings\[0\].*field 'evidence.block_hash'.*does not carry"):
        parse_reserves(doc)


def test_state_proof_for_a_bitcoin_holding_is_refused_at_load():
    from .helpers import btc_holding

    h = btc_holding("w", "p2wpkh", "1")
    h["evidence"] = copy.deepcopy(state_proof_holding("eth-hot", "eth")["evidence"])
    with pytest.raises(ReservesError, match="backs only ethereum holdings"):
        parse_reserves({**reserves_doc([h]), "eth_blocks": eth_blocks(0)})


def test_one_block_caveat_for_many_holdings():
    audits = audit([state_proof_holding("eth-hot", "eth"), state_proof_holding("eth-cold", "eth")])
    assert all(a.ok for a in audits)
    assert sum("canonical" in c for c in caveats_of(audits)) == 1
