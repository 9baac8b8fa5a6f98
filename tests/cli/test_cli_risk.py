"""`solvent prove --positions --risk --statements …` from files."""

import json

import pytest
from click.testing import CliRunner

from solvent.cli import main
from tests.risk.helpers import RISK

ACCOUNTS = ("account_id,asset,balance,debt\n"
            "alice,BTC,1.5,0\nalice,USDT,10000,50000\n"
            "bob,BTC,0.1,0\nbob,USDT,0,9000\n"
            "carol,USDT,500,0\n")
POSITIONS = "account_id,instrument,quantity\nalice,BTC-PERP,1\ncarol,BTC-C-70000,-2.5\ndave,BTC-PERP,-0.5\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("risk-inputs")
    (d / "accounts.csv").write_text(ACCOUNTS)
    (d / "assets.csv").write_text("symbol,decimals\nBTC,8\nUSDT,6\n")
    (d / "positions.csv").write_text(POSITIONS)
    (d / "risk.json").write_text(json.dumps(RISK))
    return d


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_prove_and_verify_all_statements(files, tmp_path):
    """bob (0.1 BTC against 9,000 USDT of debt) is under-collateralized and there is no
    solvency statement, so no insurance proof: `prove` says the attestation will be
    INVALID, `verify` fails it on the proofs' own output, and customers' checks still run."""
    out = tmp_path / "att"
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
            "--positions", files / "positions.csv", "--risk", files / "risk.json",
            "--statements", "liabilities,collateral,margin", "--batch-size", 4, "--reveal-totals", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["statements"] == ["liabilities", "collateral", "margin"]
    assert summary["accounts"] == 4, "dave, with a position and no balance, is kept, not dropped"
    assert summary["accounts_short"] >= 1 and "bob" in r.stderr
    assert summary["problems"] and "will verify as INVALID" in r.stderr
    v = run("verify", out, "--fast", "--json", "--allow-insecure-keys")
    assert v.exit_code == 1, v.output
    report = json.loads(v.stdout)
    assert [c["name"] for c in report["checks"] if not c["ok"]] == ["accounts covered"]
    proof = tmp_path / "carol.json"
    assert run("inclusion", out, "--account", "carol", "--out", proof).exit_code == 0
    assert json.loads(proof.read_text())["positions"]["BTC-C-70000"] == "-2.5"
    checked = run("verify-inclusion", proof, "--attestation", out, "--account", "carol", "--fast", "--json", "--allow-insecure-keys")
    failed = [c["name"] for c in json.loads(checked.stdout)["checks"] if not c["ok"]]
    assert checked.exit_code == 1 and failed == ["accounts covered"], "included, but the attestation is INVALID"


def test_strict_refuses_to_write_an_invalid_attestation(files, tmp_path):
    out = tmp_path / "att"
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
            "--positions", files / "positions.csv", "--risk", files / "risk.json",
            "--statements", "liabilities,collateral,margin", "--batch-size", 4, "--strict")
    assert r.exit_code == 1 and "refused (--strict)" in r.output and "no solvency statement" in r.output, r.output
    assert not out.exists(), "nothing is written"


def test_insurance_fund_option_is_gone(files, tmp_path):
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", tmp_path / "x",
            "--risk", files / "risk.json", "--statements", "liabilities,collateral", "--insurance-fund", "100000")
    assert r.exit_code == 2 and '"purpose": "insurance"' in r.output and "reserves file" in r.output, r.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("extra, message", [
    (["--statements", "liabilities,margin", "--risk", "risk.json"], "needs --positions"),
    (["--statements", "liabilities,collateral"], "need --risk"),
    (["--statements", "liabilities,insolvency"], "choose from"),
    (["--statements", "liabilities,solvency"], "needs --reserves"),
    (["--risk", "risk.json"], "neither collateral nor margin"),
])
def test_usage_errors(files, tmp_path, extra, message):
    args = [files / x if x.endswith(".json") else x for x in extra]
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv",
            "--out", tmp_path / "x", "--batch-size", 4, *args)
    assert r.exit_code == 2 and message in r.output, r.output


def test_bad_positions_file_names_row_and_field(files, tmp_path):
    bad = tmp_path / "positions.csv"
    bad.write_text("account_id,instrument,quantity\nalice,BTC-PERP,1\nbob,ETH-PERP,2\n")
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", tmp_path / "x",
            "--positions", bad, "--risk", files / "risk.json", "--statements", "liabilities,collateral,margin",
            "--batch-size", 4)
    assert r.exit_code == 2 and "positions.csv, row 3, field 'instrument': unknown instrument 'ETH-PERP'" in r.output
    bad.write_text("account_id,instrument,quantity\nalice,BTC-PERP,1.00001\n")
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", tmp_path / "x",
            "--positions", bad, "--risk", files / "risk.json", "--statements", "liabilities,collateral,margin",
            "--batch-size", 4)
    assert r.exit_code == 2 and "more than the instrument's 4 decimals" in r.output


def test_parquet_positions_with_integer_quantities_in_smallest_units(files, tmp_path):
    """The same positions as POSITIONS, as int64 quantities in the instruments' smallest
    units (BTC-PERP 4 decimals, the option 2): refused until the column says so, then the very same book."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "secret").write_text("12" * 32)

    def prove(positions, out):
        return run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
                   "--positions", positions, "--risk", files / "risk.json", "--batch-size", 4, "--epoch", 2,
                   "--statements", "liabilities,collateral,margin", "--secret-file", tmp_path / "secret", "--json")

    def write(metadata):
        schema = pa.schema([pa.field("account_id", pa.string()), pa.field("instrument", pa.string()),
                            pa.field("quantity", pa.int64(), metadata=metadata)])
        pq.write_table(pa.table({"account_id": ["alice", "carol", "dave"],
                                 "instrument": ["BTC-PERP", "BTC-C-70000", "BTC-PERP"],
                                 "quantity": [10_000, -250, -5_000]}, schema=schema), tmp_path / "pos.parquet")

    write(None)
    r = prove(tmp_path / "pos.parquet", tmp_path / "a")
    assert r.exit_code == 2 and "solvent.units" in json.loads(r.stdout)["error"]["message"], r.output
    write({"solvent.units": "smallest"})
    r = prove(tmp_path / "pos.parquet", tmp_path / "b")
    assert r.exit_code == 0, r.output
    positions = {}
    for who in ("alice", "carol", "dave"):
        assert run("inclusion", tmp_path / "b", "--account", who, "--out", tmp_path / f"{who}.json").exit_code == 0
        positions[who] = json.loads((tmp_path / f"{who}.json").read_text())["positions"]
    assert positions["alice"]["BTC-PERP"] == "1" and positions["carol"]["BTC-C-70000"] == "-2.5"
    assert positions["dave"]["BTC-PERP"] == "-0.5"
