"""The reserves file: loads exact decimal strings, and every malformed file, holding or
field stops with a message naming the file, the holding's index and the field."""

from __future__ import annotations

import json

import pytest

from solvent.inputs.reserves import ReservesError, load_reserves

from .helpers import btc_holding, eth_holding, reserves_doc, valid_holdings, write_reserves


def test_round_trip(tmp_path):
    reserves = load_reserves(write_reserves(tmp_path / "reserves.json", valid_holdings()))
    assert [h.chain for h in reserves.holdings] == ["ethereum"] + ["bitcoin"] * 4
    assert reserves.holdings[0].balance == "2500000.25"
    assert reserves.source == str(tmp_path / "reserves.json")


def _error(tmp_path, doc) -> str:
    path = tmp_path / "reserves.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    with pytest.raises(ReservesError) as e:
        load_reserves(path)
    assert str(e.value).startswith(str(path)), str(e.value)
    return str(e.value)[len(str(path)):]


def _with(index: int, **changes):
    holdings = valid_holdings()
    for dotted, value in changes.items():
        target = holdings[index]
        *parents, last = dotted.split("__")
        for p in parents:
            target = target[p]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
    return reserves_doc(holdings), holdings[index]


@pytest.mark.parametrize("index,changes,field,message", [
    (0, {"balance": 12.5}, "balance", "decimal strings"),
    (0, {"balance": "-3"}, "balance", "should match pattern"),
    (1, {"balance": "1e8"}, "balance", "should match pattern"),
    (0, {"asset": ""}, "asset", "should match pattern"),
    (2, {"chain": "solana"}, "chain", "'ethereum' or 'bitcoin'"),
    (0, {"address": "0x1234"}, "address", "40 hex digits"),
    (3, {"address": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"}, "address", "not a valid base58check"),
    (3, {"address": "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"}, "address", "only P2WPKH"),
    (4, {"address": "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMh"}, "address", "not a valid base58check"),
    (1, {"as_of": {}}, "as_of", "a block number, a time, or both"),
    (1, {"as_of__block": -1}, "as_of.block", "greater than or equal to 0"),
    (0, {"source": KeyError}, "source", "Field required"),
    (0, {"memo": "x"}, "memo", "Extra inputs are not permitted"),
    (0, {"ownership__scheme": "bip137"}, "ownership.scheme", "proves ownership with eip191"),
    (2, {"ownership__scheme": "pgp"}, "ownership", "does not match any of the expected tags"),
    (2, {"ownership__signature": "not base64!"}, "ownership.signature", "not base64"),
    (2, {"ownership__signature": "AAAA"}, "ownership.signature", "3 bytes, BIP-137 signatures are 65"),
    (0, {"ownership__signature": "0x1234"}, "ownership.signature", "should match pattern"),
])
def test_malformed_holding_named(tmp_path, index, changes, field, message):
    doc, holding = _with(index, **changes)
    where = _error(tmp_path, doc)
    assert where.startswith(f", holdings[{index}]"), where
    assert f"field '{field}': " in where and message in where, where
    if isinstance(holding.get("address"), str) and "address" not in changes and "chain" not in changes:
        assert f"({holding['chain']} {holding['address']})" in where


def test_wrong_eip55_checksum_rejected(tmp_path):
    h = eth_holding("eth-hot", "USDT", "1")
    a = h["address"]
    h["address"] = a[:2] + a[2:].swapcase() if a[2:] != a[2:].swapcase() else a
    assert "EIP-55 checksum" in _error(tmp_path, reserves_doc([h]))


@pytest.mark.parametrize("doc,message", [
    ("{not json", "not JSON: "),
    (json.dumps({"holdings": []}), "field 'holdings': List should have at least 1 item"),
    (json.dumps({"version": "solvent.reserves/2", "holdings": []}), "field 'version'"),
    (json.dumps([1, 2]), "valid dictionary"),
])
def test_malformed_file_named(tmp_path, doc, message):
    assert message in _error(tmp_path, doc)


def test_unreadable_file(tmp_path):
    with pytest.raises(ReservesError, match="cannot read"):
        load_reserves(tmp_path / "missing.json")


@pytest.mark.parametrize("second", [
    lambda h: {**h, "balance": "99"},
    lambda h: {**h, "address": h["address"].lower()},  # same Ethereum address, other case
    lambda h: {**h, "address": h["address"].upper()} if h["address"].startswith("bc1") else h,  # bech32 is case-insensitive
], ids=["same", "eth-lowercase", "bech32-uppercase"])
@pytest.mark.parametrize("first", [lambda: eth_holding("eth-hot", "USDT", "1"), lambda: btc_holding("w", "p2wpkh", "1")],
                         ids=["ethereum", "bitcoin"])
def test_address_counted_twice_rejected(tmp_path, first, second):
    h = first()
    other = eth_holding("eth-cold", "USDT", "3")
    where = _error(tmp_path, reserves_doc([h, other, second(h)]))
    assert where.startswith(f", holdings[2] ({h['chain']} "), where
    assert "field 'address'" in where and "already counted by holdings[0]" in where


def test_same_address_other_asset_is_fine(tmp_path):
    doc = reserves_doc([eth_holding("eth-hot", "USDT", "1"), eth_holding("eth-hot", "BTC", "1")])
    assert len(load_reserves(write_reserves(tmp_path / "r.json", doc["holdings"])).holdings) == 2
