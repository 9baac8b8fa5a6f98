"""`solvent prove --statements liabilities,solvency --reserves FILE`: reserves whose every
address proves ownership for this epoch and snapshot, checked again by `solvent verify`
and shown by `solvent report`."""

import json

import pytest
from click.testing import CliRunner

from solvent.backend import NATIVE_PROOFS
from solvent.cli import main
from solvent.inputs.reserves.message import ownership_message
from solvent.inputs.reserves.signing import bitcoin_address, ethereum_address, sign_bitcoin, sign_ethereum

ACCOUNTS = "account_id,asset,balance\n" + "".join(f"user{i},BTC,{i}.5\nuser{i},USDT,{i * 100}\n" for i in range(5))
# totals: BTC 12.5, USDT 1000
ETH_KEY, BTC_KEY = bytes.fromhex("11" * 32), bytes.fromhex("22" * 32)
SNAPSHOT, EPOCH, NAME = "2026-11-21T00:00:00Z", 9, "Reserve Exchange"


def holding(chain, key, asset, balance, epoch=EPOCH, snapshot=SNAPSHOT):
    if chain == "ethereum":
        address = ethereum_address(key)
        msg = ownership_message(NAME, epoch, snapshot, chain, address)
        proof = {"scheme": "eip191", "message": msg, "signature": sign_ethereum(key, msg)}
    else:
        address = bitcoin_address(key, "p2wpkh")
        msg = ownership_message(NAME, epoch, snapshot, chain, address)
        proof = {"scheme": "bip137", "message": msg, "signature": sign_bitcoin(key, msg, "p2wpkh")}
    return {"chain": chain, "address": address, "asset": asset, "balance": balance,
            "as_of": {"time": SNAPSHOT}, "source": "test node", "ownership": proof,
            "evidence": {"kind": "self_reported"}}


def reserves_doc(*holdings):
    return {"version": "solvent.reserves/1", "holdings": list(holdings)}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("solv")
    (d / "accounts.csv").write_text(ACCOUNTS)
    (d / "assets.csv").write_text("symbol,decimals\nBTC,8\nUSDT,6\n")
    (d / "reserves.json").write_text(json.dumps(reserves_doc(
        holding("bitcoin", BTC_KEY, "BTC", "13"), holding("ethereum", ETH_KEY, "USDT", "600"),
        holding("ethereum", bytes.fromhex("33" * 32), "USDT", "400.5"))))
    return d


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def prove(files, out, reserves, *extra):
    return run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
               "--institution", NAME, "--epoch", EPOCH, "--snapshot-time", SNAPSHOT, "--batch-size", 4,
               "--statements", "liabilities,solvency", "--reserves", reserves, *extra)


def test_solvent_with_signed_reserves_verifies_and_reports(files, tmp_path):
    out = tmp_path / "att"
    r = prove(files, out, files / "reserves.json")
    assert r.exit_code == 0, r.output
    att = json.loads((out / "attestation.json").read_text())
    assert att["solvency"]["reserves"] == {"BTC": "13", "USDT": "1000.5"}
    assert att["solvency"]["coverage"] == {"BTC": 1, "USDT": 1}
    v = run("verify", out, "--fast", "--json", "--allow-insecure-keys")
    assert v.exit_code == 0, v.output
    names = {c["name"] for c in json.loads(v.stdout)["checks"]}
    assert {"solvency", "solvency proof", "reserve ownership", "reserves match holdings"} <= names
    html = tmp_path / "report.html"
    rep = run("report", out, "--out", html, "--fast", "--allow-insecure-keys")
    assert rep.exit_code == 0, rep.output
    text = html.read_text()
    assert "VALID" in text and "13" in text


def test_insolvent_is_invalid(files, tmp_path):
    low = tmp_path / "low.json"
    low.write_text(json.dumps(reserves_doc(holding("bitcoin", BTC_KEY, "BTC", "12.4"),
                                           holding("ethereum", ETH_KEY, "USDT", "5000"))))
    out = tmp_path / "att"
    assert prove(files, out, low).exit_code == 0
    v = run("verify", out, "--fast", "--json", "--allow-insecure-keys")
    assert v.exit_code == 1
    solv = next(c for c in json.loads(v.stdout)["checks"] if c["name"] == "solvency")
    assert not solv["ok"] and "BTC: NOT COVERED" in solv["detail"]


@pytest.mark.parametrize("case, message", [
    ("other snapshot", "Snapshot"),
    ("other epoch", "Epoch"),
    ("counted twice", "already counted"),
])
def test_bad_reserves_stop_the_run(files, tmp_path, case, message):
    bad = tmp_path / "bad.json"
    if case == "other snapshot":
        doc = reserves_doc(holding("bitcoin", BTC_KEY, "BTC", "13", snapshot="2026-11-20T00:00:00Z"),
                           holding("ethereum", ETH_KEY, "USDT", "5000"))
    elif case == "other epoch":
        doc = reserves_doc(holding("bitcoin", BTC_KEY, "BTC", "13", epoch=EPOCH - 1),
                           holding("ethereum", ETH_KEY, "USDT", "5000"))
    else:
        h = holding("ethereum", ETH_KEY, "USDT", "600")
        doc = reserves_doc(holding("bitcoin", BTC_KEY, "BTC", "13"), h, h)
    bad.write_text(json.dumps(doc))
    out = tmp_path / "never"
    r = prove(files, out, bad)
    assert r.exit_code == 2 and message in r.output, r.output
    assert not out.exists()


def test_edited_holdings_in_a_resigned_attestation(files, tmp_path):
    from solvent.attestation import hashing
    from solvent.attestation.verify import load, verify

    out = tmp_path / "att"
    assert prove(files, out, files / "reserves.json", "--signing-key-file", _key_file(tmp_path)).exit_code == 0
    att = load(out)
    doc = json.loads(json.dumps(att.reserves))
    doc["holdings"][1]["balance"] = "6000"  # inflate a holding after the fact
    forged = hashing.sign(att.model_copy(update={"reserves": doc}), bytes.fromhex("44" * 32))
    failed = {c.name for c in verify(forged, proof_checker=NATIVE_PROOFS).checks if not c.ok}
    assert "reserves match holdings" in failed


def _key_file(tmp_path):
    p = tmp_path / "key"
    p.write_text("44" * 32)
    return p
