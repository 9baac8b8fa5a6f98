"""Ownership proofs: each address kind accepted; another epoch, snapshot, institution,
key or message rejected with the holding named."""

from __future__ import annotations

import base64

import pytest

from solvent.inputs.reserves import (
    OwnershipError,
    ReservesError,
    bitcoin,
    load_reserves,
    ownership_message,
    parse_reserves,
    require_ownership,
    reserves_per_asset,
    verify_ownership,
)
from tests.liabilities.helpers import ASSETS

from .helpers import BTC_KINDS, EPOCH, INSTITUTION, SNAPSHOT, btc_holding, eth_holding, valid_holdings, write_reserves


def _check(holdings, tmp_path, institution=INSTITUTION, epoch=EPOCH, snapshot=SNAPSHOT):
    reserves = load_reserves(write_reserves(tmp_path / "reserves.json", holdings))
    return verify_ownership(reserves, institution, epoch, snapshot)


def test_message_names_institution_epoch_snapshot_and_address():
    m = ownership_message("ACME Custody", 12, "2026-01-02T03:04:05Z", "ethereum",
                          "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    lines = m.split("\n")
    assert lines[0] == "solvent.reserves.ownership/1"
    assert lines[2:] == ["Institution: ACME Custody", "Epoch: 12", "Snapshot: 2026-01-02T03:04:05Z",
                         "Chain: ethereum", "Address: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]  # EIP-55's example
    assert not m.endswith("\n")


@pytest.mark.parametrize("bad", ["Evil\nEpoch: 99", "Tab\there", "", "line\u2028sep"])
def test_message_refuses_line_breaks_in_values(bad):
    with pytest.raises(ValueError, match="ownership message"):
        ownership_message(bad, 1, SNAPSHOT, "bitcoin", "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH")


def test_valid_ethereum_and_every_bitcoin_kind_accepted(tmp_path):
    results = _check(valid_holdings(), tmp_path)
    assert [r.ok for r in results] == [True] * 5, [r.error for r in results]
    assert "EIP-191" in results[0].detail and all("BIP-137" in r.detail for r in results[1:])


# Public known-answer vectors (Trezor firmware device tests, bitcoinjs-message): signatures
# made by wallets, not by this code, so the verifier is checked against the ecosystem.
WALLET_VECTORS = [
    ("bc1qannfxke2tfd4l7vhepehpvt05y83v3qsf6nfkk", "This is an example of a signed message.",
     "28b55d7600d9e9a7e2a49155ddf3cfdb8e796c207faab833010fa41fb7828889bc47cf62348a7aaa0923c0832a589fab541e8f12eb54fb711c90e2307f0f66b194"),
    ("3CwYaeWxhpXXiHue3ciQez1DLaTEAXcKa1", "This is an example of a signed message.",
     "249e23edf0e4e47ff1dec27f32cd78c50e74ef018ee8a6adf35ae17c7a9b0dd96f48b493fd7dbab03efb6f439c6383c9523b3bbc5f1a7d158a6af90ab154e9be80"),
    ("1JAd7XCBzGudGpJQSDSfpmJhiygtLQWaGL", "VeryLongMessage!" * 64,
     base64.b64decode("IApGR2zrhNBu9XhIKAJvkiyIFfV6rIN7jAEwB8qKhGDbY++Rfb6669EIscgUu+6m2x8rIkGpWOU/5xXMhrGZ2cM=").hex()),
    ("1KzXE97kV7DrpxCViCN3HbGbiKhzzPM7TQ", "žluťoučký kůň úpěl ďábelské ódy",
     base64.b64decode("HMaU8PI5Ad/jYDeJFC82o/xYLQ1cDschXPLM1kHk43IoUE89TcPuoou9v12ifEnUY1wJcATZ8ih1DM2Dao4UYMA=").hex()),
]


@pytest.mark.parametrize("address,message,sig_hex", WALLET_VECTORS)
def test_wallet_made_bip137_signatures_verify(address, message, sig_hex):
    sig = base64.b64encode(bytes.fromhex(sig_hex)).decode()
    bitcoin.verify_message(address, message, sig)
    with pytest.raises(bitcoin.BitcoinError):
        bitcoin.verify_message(address, message + ".", sig)


def test_known_addresses_of_the_generator_key():
    """Private key 1 (public key G): addresses every Bitcoin library agrees on."""
    from solvent.inputs.reserves.signing import bitcoin_address

    one = (1).to_bytes(32, "big")
    assert bitcoin_address(one, "p2pkh-compressed") == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
    assert bitcoin_address(one, "p2pkh-uncompressed") == "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm"
    assert bitcoin_address(one, "p2wpkh") == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


@pytest.mark.parametrize("make", [
    lambda **kw: eth_holding("eth-hot", "USDT", "1", **kw),
    *(lambda k=k, **kw: btc_holding(f"btc-{k}", k, "1", **kw) for k in BTC_KINDS),
], ids=["ethereum", *BTC_KINDS])
@pytest.mark.parametrize("other,why", [
    ({"epoch": EPOCH - 1}, "another epoch cannot be reused"),
    ({"snapshot": "2026-11-20T00:00:00Z"}, "another snapshot cannot be reused"),
    ({"institution": "Other Exchange"}, "another institution"),
])
def test_message_of_another_attestation_rejected(make, other, why, tmp_path):
    holdings = [eth_holding("eth-cold", "USDT", "5"), make(**other)]
    results = _check(holdings, tmp_path)
    assert results[0].ok and not results[1].ok
    assert why in results[1].detail
    assert results[1].error.startswith(f"{tmp_path / 'reserves.json'}, holdings[1] ({holdings[1]['chain']} "
                                       f"{holdings[1]['address']})")


@pytest.mark.parametrize("make", [
    lambda: eth_holding("eth-hot", "USDT", "1", signer="someone else"),
    *(lambda k=k: btc_holding(f"btc-{k}", k, "1", signer="someone else") for k in BTC_KINDS),
], ids=["ethereum", *BTC_KINDS])
def test_signature_by_another_key_rejected(make, tmp_path):
    (result,) = _check([make()], tmp_path)
    assert not result.ok and "recovers to the key of" in result.detail and "not of" in result.detail
    assert "holdings[0]" in result.error


def test_wrong_message_rejected(tmp_path):
    h = eth_holding("eth-hot", "USDT", "1")
    h["ownership"]["message"] = "I own this address"
    (result,) = _check([h], tmp_path)
    assert not result.ok and "not the ownership message" in result.detail


def test_signature_over_other_text_rejected(tmp_path):
    """The stated message is right, but the signature was made over something else."""
    from solvent.inputs.reserves.signing import sign_bitcoin, sign_ethereum

    from .helpers import throwaway_key

    e = eth_holding("eth-hot", "USDT", "1")
    e["ownership"]["signature"] = sign_ethereum(throwaway_key("eth-hot"), "hello")
    b = btc_holding("btc-p2wpkh", "p2wpkh", "1")
    b["ownership"]["signature"] = sign_bitcoin(throwaway_key("btc-p2wpkh"), "hello", "p2wpkh")
    results = _check([e, b], tmp_path)
    assert [r.ok for r in results] == [False, False]
    assert all("another message" in r.detail for r in results)


def test_bip137_header_must_match_the_address_kind(tmp_path):
    """A P2WPKH address's key, signing with a P2PKH header: BIP-137 says which address the
    key stands for, so this does not prove the P2WPKH address."""
    (result,) = _check([btc_holding("btc-p2wpkh", "p2wpkh", "1", sign_as="p2pkh-compressed")], tmp_path)
    assert not result.ok and "header byte says P2PKH-COMPRESSED" in result.detail


def test_require_ownership_names_every_failing_holding(tmp_path):
    holdings = [eth_holding("a", "USDT", "1"), eth_holding("b", "USDT", "1", epoch=1),
                btc_holding("c", "p2wpkh", "1", signer="d")]
    reserves = load_reserves(write_reserves(tmp_path / "r.json", holdings))
    with pytest.raises(OwnershipError) as e:
        require_ownership(reserves, INSTITUTION, EPOCH, SNAPSHOT)
    lines = str(e.value).split("\n")
    assert len(lines) == 2 and "holdings[1]" in lines[0] and "holdings[2]" in lines[1]
    assert holdings[2]["address"] in lines[1]


def test_reserves_per_asset_exact_units(tmp_path):
    holdings = valid_holdings() + [eth_holding("eth-cold", "USDT", "0.000001")]
    reserves = load_reserves(write_reserves(tmp_path / "r.json", holdings))
    totals = reserves_per_asset(reserves, ASSETS)
    assert totals == {"BTC": (15 + 25 + 35 + 45) * 10**7, "USDT": 2_500_000_250_001}
    results = verify_ownership(reserves, INSTITUTION, EPOCH, SNAPSHOT)
    assert reserves_per_asset(reserves, ASSETS, proven=results) == totals
    bad = verify_ownership(reserves, INSTITUTION, EPOCH + 1, SNAPSHOT)
    assert reserves_per_asset(reserves, ASSETS, proven=bad) == {"BTC": 0, "USDT": 0}


@pytest.mark.parametrize("holding,field,msg", [
    (eth_holding("x", "ETH", "1"), "asset", "unknown asset 'ETH'"),
    (eth_holding("x", "USDT", "1.0000001"), "balance", "more than the asset's 6 decimals"),
])
def test_reserves_per_asset_names_the_holding(holding, field, msg):
    reserves = parse_reserves({"holdings": [eth_holding("y", "USDT", "1"), holding]}, "r.json")
    with pytest.raises(ReservesError) as e:
        reserves_per_asset(reserves, ASSETS)
    assert str(e.value).startswith(f"r.json, holdings[1] (ethereum {holding['address']}), field '{field}': ")
    assert msg in str(e.value)
