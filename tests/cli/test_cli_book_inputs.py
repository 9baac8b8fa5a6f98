"""Reading a book as the file says, through the command line: Parquet decimal columns
exactly (zero at scale 18, 1E-8, trailing zeros), integer columns only with their unit
declared (``solvent.units``), floats refused, a UTF-8 byte-order mark skipped, invisible
characters escaped in messages, and account ids Unicode NFC-normalized."""

import json
import unicodedata
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from solvent.cli import main

ASSETS = "symbol,decimals\nBTC,8\nETH,18\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("book-inputs")
    (d / "assets.csv").write_text(ASSETS)
    (d / "secret").write_text("cd" * 32)
    (d / "key").write_text("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    keys = d / "keys"
    r = run("setup", "--assets", d / "assets.csv", "--batch-size", 4, "--capacity", 4, "--out", keys)
    assert r.exit_code == 0, r.output
    return d


def prove(d, accounts, out):
    return run("prove", "--accounts", accounts, "--assets", d / "assets.csv", "--out", out, "--keys", d / "keys",
               "--secret-file", d / "secret", "--signing-key-file", d / "key", "--epoch", 1, "--reveal-totals",
               "--json")


def totals(out):
    return json.loads((out / "attestation.json").read_text())["totals"]["equity"]


def write_parquet(path, ids, assets, balances, balance_type, metadata=None):
    schema = pa.schema([pa.field("account_id", pa.string()), pa.field("asset", pa.string()),
                        pa.field("balance", balance_type, metadata=metadata)])
    pq.write_table(pa.table({"account_id": ids, "asset": assets, "balance": balances}, schema=schema), path)


def test_parquet_decimal_columns_are_read_exactly(keys, tmp_path):
    """Zero at scale 18 is ``0E-18`` to Python's str(); 1E-8 and trailing zeros likewise:
    each is read as the exact amount it is."""
    book = tmp_path / "book.parquet"
    write_parquet(book, ["a", "a", "b", "b", "c"], ["BTC", "ETH", "BTC", "ETH", "BTC"],
                  [Decimal("0E-18"), Decimal("0E-18"), Decimal("1E-8"), Decimal("1.500000000000000000"),
                   Decimal("2.100000000000000000")], pa.decimal128(38, 18))
    r = prove(keys, book, tmp_path / "att")
    assert r.exit_code == 0, r.output
    assert totals(tmp_path / "att") == {"BTC": "2.10000001", "ETH": "1.5"}


def test_an_integer_column_without_its_unit_is_refused_with_what_to_do(keys, tmp_path):
    """150000000 satoshis were once read as 150,000,000 BTC: now the file must say."""
    book = tmp_path / "book.parquet"
    write_parquet(book, ["a", "b"], ["BTC", "BTC"], [150_000_000, 1], pa.int64())
    r = prove(keys, book, tmp_path / "att")
    assert r.exit_code == 2, r.output
    error = json.loads(r.stdout)["error"]
    assert error["exit_code"] == 2 and error["type"] == "input"
    assert str(book) in error["message"] and "field 'balance'" in error["message"]
    assert "solvent.units" in error["message"] and "'smallest'" in error["message"]
    assert not (tmp_path / "att").exists(), "nothing written"


def test_an_integer_column_in_smallest_units_when_the_file_says_so(keys, tmp_path):
    book = tmp_path / "book.parquet"
    write_parquet(book, ["a", "b", "b"], ["BTC", "BTC", "ETH"], [150_000_000, 1, 10**18 + 5], pa.int64(),
                  {"solvent.units": "smallest"})
    r = prove(keys, book, tmp_path / "att")
    assert r.exit_code == 0, r.output
    assert totals(tmp_path / "att") == {"BTC": "1.50000001", "ETH": "1.000000000000000005"}


def test_an_integer_column_in_whole_units_and_a_bad_unit(keys, tmp_path):
    book = tmp_path / "whole.parquet"
    write_parquet(book, ["a"], ["BTC"], [3], pa.int32(), {"solvent.units": "whole"})
    assert prove(keys, book, tmp_path / "att").exit_code == 0
    assert totals(tmp_path / "att") == {"BTC": "3", "ETH": "0"}
    write_parquet(book, ["a"], ["BTC"], [3], pa.int64(), {"solvent.units": "satoshi"})
    r = prove(keys, book, tmp_path / "att2")
    assert r.exit_code == 2 and "solvent.units is 'satoshi'" in json.loads(r.stdout)["error"]["message"]


def test_a_float_column_is_refused(keys, tmp_path):
    book = tmp_path / "float.parquet"
    write_parquet(book, ["a"], ["BTC"], [1.5], pa.float64())
    r = prove(keys, book, tmp_path / "att")
    assert r.exit_code == 2 and "is a float" in json.loads(r.stdout)["error"]["message"]


def test_a_byte_order_mark_is_skipped(keys, tmp_path):
    book = tmp_path / "bom.csv"
    book.write_bytes("\ufeffaccount_id,asset,balance\na,BTC,1.25\n".encode())
    r = prove(keys, book, tmp_path / "att")
    assert r.exit_code == 0, r.output
    assert totals(tmp_path / "att")["BTC"] == "1.25"
    assets = tmp_path / "assets-bom.csv"
    assets.write_bytes(("\ufeff" + ASSETS).encode())
    assert run("setup", "--assets", assets, "--batch-size", 4, "--capacity", 4, "--circuits-only",
               "--out", tmp_path / "c").exit_code == 0


def test_invisible_characters_in_a_message_are_escaped(keys, tmp_path):
    """A zero-width space in the header or in an asset: the message shows it as an
    escape, so the operator can see what is wrong."""
    book = tmp_path / "zw.csv"
    book.write_text("account_id,asset,bal\u200bance\na,BTC,1\n")
    r = run("prove", "--accounts", book, "--assets", keys / "assets.csv", "--out", tmp_path / "att",
            "--keys", keys / "keys")
    assert r.exit_code == 2 and "bal\\u200bance" in r.stderr and "\u200b" not in r.stderr, r.stderr
    book.write_text("account_id,asset,balance\na,BTC\u200b,1\n")
    r = prove(keys, book, tmp_path / "att")
    message = json.loads(r.stdout)["error"]["message"]
    assert r.exit_code == 2 and "'BTC\\u200b'" in message and "\u200b" not in message, message


def test_account_ids_are_nfc_normalized(keys, tmp_path):
    """'é' as one code point and as e + combining accent is one id: two rows of it for an
    asset are a duplicate, and the decomposed spelling is found under the composed one."""
    composed, decomposed = "jos\u00e9", "jose\u0301"
    assert unicodedata.normalize("NFC", decomposed) == composed
    book = tmp_path / "dup.csv"
    book.write_text(f"account_id,asset,balance\n{composed},BTC,1\n{decomposed},BTC,2\n", encoding="utf-8")
    r = prove(keys, book, tmp_path / "att")
    message = json.loads(r.stdout)["error"]["message"]
    assert r.exit_code == 2 and "row 3" in message and "duplicate row" in message and "NFC" in message, message

    book.write_text(f"account_id,asset,balance\n{decomposed},BTC,1\n{composed},ETH,2\nbob,BTC,1\n",
                    encoding="utf-8")
    r = prove(keys, book, tmp_path / "att2")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["accounts"] == 2, "one account for both spellings"
    r = run("inclusion", tmp_path / "att2", "--account", composed, "--out", tmp_path / "jose.json")
    assert r.exit_code == 0, r.output
    proof = json.loads((tmp_path / "jose.json").read_text())
    assert proof["account_id"] == composed
    assert proof["balances"]["BTC"]["equity"] == "1" and proof["balances"]["ETH"]["equity"] == "2"


def test_parquet_ids_are_nfc_normalized_too(keys, tmp_path):
    book = tmp_path / "ids.parquet"
    write_parquet(book, ["jos\u00e9", "jose\u0301"], ["BTC", "BTC"], ["1", "2"], pa.string())
    r = prove(keys, book, tmp_path / "att")
    assert r.exit_code == 2 and "duplicate row" in json.loads(r.stdout)["error"]["message"]
