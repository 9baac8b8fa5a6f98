"""Per-asset widths from the asset list's max_supply column, through the command line:
setup takes them into the shape, prove refuses a book that does not fit them before
proving (file, row, account, asset named), verify says the bound per asset."""

import json

import pytest
from click.testing import CliRunner

from solvent.cli import main

CAPPED = "symbol,decimals,max_supply\nBTC,8,21000000\nETH,18,120000000\nUSDT,6,\n"
BOOK = "account_id,asset,balance\nalice,BTC,20999999.99999999\nalice,ETH,1000\nbob,USDT,5\nbob,BTC,0.5\n"
TOO_RICH = BOOK + "carol,USDT,1\ncarol,BTC,22517998.13685248\n"  # 2^51 satoshis


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("asset-widths")
    for name, text in [("capped.csv", CAPPED), ("book.csv", BOOK), ("too_rich.csv", TOO_RICH),
                       ("plain.csv", "symbol,decimals\nBTC,8\nETH,18\nUSDT,6\n")]:
        (d / name).write_text(text)
    return d


def test_setup_takes_widths_from_max_supply(files, tmp_path):
    r = run("setup", "--assets", files / "capped.csv", "--batch-size", 4, "--capacity", 2, "--out", tmp_path / "k",
            "--circuits-only", "--json")
    assert r.exit_code == 0, r.output
    shape = json.loads(r.stdout)["shape"]
    assert shape["range_bits"] == 96, "the slot holds the widest asset (ETH: 1.2·10^26 wei, 87 bits)"
    assert shape["asset_bits"] == [51, 87, 96], "USDT has no cap: it takes the slot"
    assert json.loads((tmp_path / "k" / "shape.json").read_text())["asset_bits"] == [51, 87, 96]


def test_setup_refuses_a_cap_wider_than_the_asked_width(files, tmp_path):
    r = run("setup", "--assets", files / "capped.csv", "--batch-size", 4, "--capacity", 2, "--range-bits", 64,
            "--out", tmp_path / "k", "--circuits-only")
    assert r.exit_code == 2 and "capped.csv" in r.output and "asset ETH: its max_supply needs 87 bits" in r.output, \
        r.output


def test_prove_refuses_a_balance_at_the_width_before_proving(files, tmp_path):
    out = tmp_path / "att"
    r = run("prove", "--accounts", files / "too_rich.csv", "--assets", files / "capped.csv", "--out", out,
            "--batch-size", 4)
    assert r.exit_code == 2, r.output
    for part in ("too_rich.csv, row 7, field 'balance'", "account 'carol', asset BTC", "2^51",
                 "new keys with a larger max_supply for BTC"):
        assert part in r.output, (part, r.output)
    assert "witness" not in r.output.lower()
    assert not out.exists(), "nothing is written"


def test_prove_and_verify_with_widths(files, tmp_path):
    out = tmp_path / "att"
    r = run("prove", "--accounts", files / "book.csv", "--assets", files / "capped.csv", "--out", out,
            "--batch-size", 4, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["balance_bits"] == {"BTC": 51, "ETH": 87, "USDT": 96}
    att = json.loads((out / "attestation.json").read_text())
    assert att["statement"]["shape"]["asset_bits"] == [51, 87, 96]
    v = run("verify", out, "--allow-insecure-keys")  # the pure-Python verifier recompiles the stated circuits
    assert v.exit_code == 0, v.output
    assert "BTC balances proven below 2^51, ETH below 2^87, USDT below 2^96 smallest units" in v.output
    j = run("verify", out, "--fast", "--allow-insecure-keys", "--json")
    assert j.exit_code == 0 and json.loads(j.stdout)["balance_bits"] == {"BTC": 51, "ETH": 87, "USDT": 96}
    html = tmp_path / "report.html"
    rep = run("report", out, "--fast", "--allow-insecure-keys", "--out", html)
    assert rep.exit_code == 0, rep.output
    assert "BTC balances proven below 2^51, ETH below 2^87, USDT below 2^96 smallest units" in html.read_text()


def test_keys_and_asset_list_must_agree(files, tmp_path):
    keys = tmp_path / "keys"
    r = run("setup", "--assets", files / "plain.csv", "--batch-size", 4, "--capacity", 2, "--range-bits", 96,
            "--out", keys)
    assert r.exit_code == 0, r.output
    p = run("prove", "--accounts", files / "book.csv", "--assets", files / "capped.csv", "--keys", keys,
            "--out", tmp_path / "att")
    assert p.exit_code == 2 and "per asset" in p.output and "capped.csv" in p.output and "[51, 87, 96]" in p.output, \
        p.output
