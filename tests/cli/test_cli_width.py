"""The balance width: chosen for the book when nothing fixes it (the smallest of 64, 96
and 128 bits that holds every amount), fixed by --range-bits or the keys otherwise."""

import json

import pytest
from click.testing import CliRunner

from solvent.circuits.shape import auto_range_bits
from solvent.cli import main

ASSETS = "symbol,decimals\nBTC,8\nETH,18\n"
WHALE = "account_id,asset,balance\nwhale,ETH,1000\nwhale,BTC,1\nminnow,ETH,0.000000000000000001\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("width")
    (d / "assets.csv").write_text(ASSETS)
    (d / "whale.csv").write_text(WHALE)
    (d / "small.csv").write_text("account_id,asset,balance\na,ETH,18\nb,BTC,1\n")
    (d / "huge.csv").write_text("account_id,asset,balance\na,ETH,100000000000000000000\n")  # 10^38 wei > 2^96
    return d


def test_smallest_supported_width():
    assert [auto_range_bits(b, False) for b in (0, 64, 65, 96, 97, 128)] == [64, 64, 96, 96, 128, 128]
    assert auto_range_bits(96, True) == 96
    with pytest.raises(ValueError, match="collateral and margin take at most 96"):
        auto_range_bits(97, True)


def test_1000_eth_proves_with_no_extra_option(files, tmp_path):
    out = tmp_path / "att"
    r = run("prove", "--accounts", files / "whale.csv", "--assets", files / "assets.csv", "--out", out,
            "--batch-size", 4, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["range_bits"] == 96
    v = run("verify", out, "--fast", "--allow-insecure-keys", "--json")
    assert v.exit_code == 0, v.output
    small = run("prove", "--accounts", files / "small.csv", "--assets", files / "assets.csv", "--out",
                tmp_path / "small", "--batch-size", 4, "--json")
    assert json.loads(small.stdout)["range_bits"] == 64, "18 ETH in wei still fits 64 bits"


def test_a_width_that_is_asked_for_is_kept(files, tmp_path):
    r = run("prove", "--accounts", files / "whale.csv", "--assets", files / "assets.csv", "--out", tmp_path / "a",
            "--batch-size", 4, "--range-bits", 64)
    assert r.exit_code == 2 and "whale.csv, row 2, field 'balance'" in r.output and "2^64" in r.output, r.output
    assert not (tmp_path / "a").exists()


def test_too_wide_for_collateral(files, tmp_path):
    risk = tmp_path / "risk.json"
    risk.write_text(json.dumps({"version": "solvent.risk/1", "quote": "USD", "value_decimals": 18,
                                "prices": {"BTC": "60000", "ETH": "3000"},
                                "collateral_tiers": {"BTC": [{"up_to": None, "ratio": "100"}],
                                                     "ETH": [{"up_to": None, "ratio": "90"}]}}))
    r = run("prove", "--accounts", files / "huge.csv", "--assets", files / "assets.csv", "--out", tmp_path / "a",
            "--batch-size", 4, "--statements", "liabilities,collateral", "--risk", risk)
    assert r.exit_code == 2 and "huge.csv" in r.output and "collateral and margin take at most 96" in r.output, r.output


def test_setup_sizes_keys_from_a_book(files, tmp_path):
    r = run("setup", "--assets", files / "assets.csv", "--accounts", files / "whale.csv", "--batch-size", 4,
            "--capacity", 2, "--out", tmp_path / "keys", "--circuits-only", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["shape"]["range_bits"] == 96
    r = run("setup", "--assets", files / "assets.csv", "--batch-size", 4, "--capacity", 2,
            "--out", tmp_path / "keys64", "--circuits-only", "--json")
    assert json.loads(r.stdout)["shape"]["range_bits"] == 64, "no book, no width: 64 bits"
