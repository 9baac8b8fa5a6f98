"""Bad input stops the run with a message naming the file, the row and the field."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from solvent.formulas.amounts import format_amount, parse_amount
from solvent.inputs.accounts import read_accounts
from solvent.inputs.assets import Asset, read_assets
from solvent.inputs.errors import InputError

ASSETS = [Asset("BTC", 8), Asset("USDT", 6)]


def csv(tmp_path, text, name="accounts.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize("body, row, field, message", [
    ("alice,BTC,-1\n", 2, "balance", "negative amount"),
    ("alice,DOGE,1\n", 2, "asset", "unknown asset 'DOGE'"),
    ("alice,BTC,0.123456789\n", 2, "balance", "more than the asset's 8 decimals"),
    ("alice,USDT,18446744073709.551616\n", 2, "balance", r"not below the 2\^64 range bound"),
    ("alice,BTC,1\nbob,BTC,2\nalice,BTC,3\n", 4, "asset", r"duplicate row .*\(first at row 2\)"),
    ("alice,BTC,1,extra\n", 2, None, "expected 3 fields, got 4"),
    ("alice,BTC,1e5\n", 2, "balance", "not a plain decimal"),
    ("alice,BTC,\n", 2, "balance", "not a plain decimal"),
    ("alice,BTC,1.5\n,BTC,1\n", 3, "account_id", "empty or has surrounding spaces"),
    (" alice,BTC,1\n", 2, "account_id", "surrounding spaces"),
    ("alice,BTC,0x10\n", 2, "balance", "not a plain decimal"),
])
def test_csv_errors_name_row_and_field(tmp_path, body, row, field, message):
    path = csv(tmp_path, "account_id,asset,balance\n" + body)
    with pytest.raises(InputError, match=message) as e:
        read_accounts(path, ASSETS)
    assert e.value.row == row and e.value.field == field and str(path) in str(e.value)


def test_empty_book_and_bad_header(tmp_path):
    with pytest.raises(InputError, match="the book is empty"):
        read_accounts(csv(tmp_path, "account_id,asset,balance\n"), ASSETS)
    with pytest.raises(InputError, match="the book is empty"):
        read_accounts(csv(tmp_path, ""), ASSETS)
    with pytest.raises(InputError, match="columns must be"):
        read_accounts(csv(tmp_path, "id,asset,balance\nalice,BTC,1\n"), ASSETS)


def test_amounts_are_exact():
    assert parse_amount("1.5", 8, 64) == 150_000_000
    assert parse_amount("0.00000001", 8, 64) == 1
    assert parse_amount("1.50000000000", 8, 64) == 150_000_000, "trailing zeros beyond the decimals are exact"
    assert parse_amount("18446744073709.551615", 6, 64) == 2**64 - 1
    assert format_amount(150_000_000, 8) == "1.5" and format_amount(0, 6) == "0"


def test_valid_book_keeps_every_account(tmp_path):
    path = csv(tmp_path, "account_id,asset,balance,debt\nalice,BTC,1.5,0.1\nbob,USDT,0,0\nalice,USDT,7,0\n")
    book = read_accounts(path, ASSETS)
    assert book.ids == ["alice", "bob"] and book.has_debt
    assert book.equity == [[150_000_000, 7_000_000], [0, 0]]
    assert book.debt == [[10_000_000, 0], [0, 0]]


def test_parquet_reads_and_names_rows(tmp_path):
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"account_id": ["a", "b"], "asset": ["BTC", "USDT"], "balance": ["1", "2.5"]}), good)
    assert read_accounts(good, ASSETS).equity == [[100_000_000, 0], [0, 2_500_000]]
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"account_id": ["a", "b"], "asset": ["BTC", "BTC"], "balance": ["1", "-2"]}), bad)
    with pytest.raises(InputError, match=r"bad.parquet, row 2, field 'balance': negative"):
        read_accounts(bad, ASSETS)
    floats = tmp_path / "floats.parquet"
    pq.write_table(pa.table({"account_id": ["a"], "asset": ["BTC"], "balance": [0.1]}), floats)
    with pytest.raises(InputError, match="float: amounts must be exact"):
        read_accounts(floats, ASSETS)


def test_asset_list_errors(tmp_path):
    assert read_assets(csv(tmp_path, "symbol,decimals\nBTC,8\nETH,9\n", "a.csv"))[1] == Asset("ETH", 9)
    for body, message in [("BTC,8\nBTC,6\n", "listed twice"), ("BTC,x\n", "decimals must be"),
                          ("B TC,8\n", "invalid asset symbol"), ("", "no assets")]:
        with pytest.raises(InputError, match=message):
            read_assets(csv(tmp_path, "symbol,decimals\n" + body, "a.csv"))
