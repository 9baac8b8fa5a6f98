"""Custodian statements as reserve evidence: the right key over the right message checks
(with a caveat: the institution named the key); another key, another epoch, another
balance, or a key other than the pinned custodian fails."""

from __future__ import annotations

from solvent.inputs.pins import parse_pins
from solvent.inputs.reserves import parse_reserves
from solvent.inputs.reserves.audit import audit_holdings
from solvent.inputs.reserves.custody import canonical_amount, holding_message
from solvent.inputs.reserves.signing import ethereum_address

from .evidence_helpers import custodian_holding
from .helpers import EPOCH, INSTITUTION, SNAPSHOT, reserves_doc, throwaway_key


def evidence(h, pins=None):
    (a,) = audit_holdings(parse_reserves(reserves_doc([h])), INSTITUTION, EPOCH, SNAPSHOT, pins)
    assert a.ownership.ok
    return a.evidence


def test_custodian_statement_checks_with_a_caveat():
    ev = evidence(custodian_holding("c1", "USDT", "1000.50"))
    assert ev.ok and "signed by custodian" in ev.detail and "vault custody" in ev.detail
    assert "named by the institution" in ev.caveats[0]


def test_pinned_custodian():
    vault = ethereum_address(throwaway_key("vault"))
    ev = evidence(custodian_holding("c1", "USDT", "1000.5"), parse_pins(custodians=(vault,)))
    assert ev.ok and ev.caveats == ()
    other = ethereum_address(throwaway_key("other"))
    ev = evidence(custodian_holding("c1", "USDT", "1000.5"), parse_pins(custodians=(other,)))
    assert not ev.ok and "not among the pinned custodians" in ev.detail


def test_statement_signed_by_another_key_fails():
    ev = evidence(custodian_holding("c1", "USDT", "1000.5", signer="mallory"))
    assert not ev.ok and "signed by another key" in ev.detail


def test_statement_for_another_epoch_fails():
    ev = evidence(custodian_holding("c1", "USDT", "1000.5", epoch=EPOCH - 1))
    assert not ev.ok and "a message of another epoch cannot be reused" in ev.detail


def test_statement_of_another_balance_fails():
    ev = evidence(custodian_holding("c1", "USDT", "1000000", stated_balance="1000"))
    assert not ev.ok and "Balance: 1000" in ev.detail


def test_message_names_everything_once_canonically():
    from eth_utils import to_checksum_address

    address = "0x" + "ab" * 20
    msg = holding_message(INSTITUTION, EPOCH, SNAPSHOT, "ethereum", address, "USDT", "12.50")
    assert msg.split("\n")[2:] == [f"Institution: {INSTITUTION}", "Epoch: 7", f"Snapshot: {SNAPSHOT}",
                                   f"Account: ethereum {to_checksum_address(address)}", "Asset: USDT",
                                   "Balance: 12.5"]
    assert canonical_amount("3.000") == "3" and canonical_amount("0.10") == "0.1" and canonical_amount("007") == "7"
