"""The asset list's optional max_supply column: what width it gives, and every bad value
refused with the file, row and field named."""

from __future__ import annotations

import pytest

from solvent.inputs.assets import Asset, read_assets, supply_units
from solvent.inputs.errors import InputError


def write(tmp_path, text):
    p = tmp_path / "assets.csv"
    p.write_text(text)
    return p


def test_widths_from_max_supply(tmp_path):
    assets = read_assets(write(tmp_path, "symbol,decimals,max_supply\nBTC,8,21000000\nETH,18,\nUSDT,6,1000000000000\n"
                                         "HALF,2,0.5\n"))
    assert assets[0] == Asset("BTC", 8, 21_000_000 * 10**8) and assets[0].bits == 51  # 2.1·10^15 < 2^51
    assert assets[1].max_units is None and assets[1].bits is None, "an empty cell: no cap"
    assert assets[2].bits == 60  # 10^18 < 2^60
    assert assets[3].max_units == 50 and assets[3].bits == 6
    assert (1 << 50) < 21_000_000 * 10**8 < (1 << 51)


def test_old_header_still_reads(tmp_path):
    assert read_assets(write(tmp_path, "symbol,decimals\nBTC,8\n")) == [Asset("BTC", 8)]
    assert read_assets(write(tmp_path, "symbol, decimals, max_supply\nBTC, 8, 21000000\n"))[0].bits == 51, \
        "padded header cells name their columns unpadded"


def test_exact_decimal():
    assert supply_units("21000000", 8) == 2_100_000_000_000_000
    assert supply_units("1.50", 1) == 15, "trailing zeros beyond the decimals are exact"
    assert supply_units("120000000.000000000000000001", 18) == 120_000_000 * 10**18 + 1


@pytest.mark.parametrize("cell, message", [
    ("-5", "plain decimal number"), ("1e6", "plain decimal number"), ("21,000", "expected 3 fields"),
    ("abc", "plain decimal number"), ("0", "must be positive"), ("0.000", "must be positive"),
    ("1.123456789", "more decimals than the asset's 8"), ("1" + "0" * 40, "more than the widest balance"),
    (".5", "plain decimal number"),
])
def test_bad_max_supply(tmp_path, cell, message):
    path = write(tmp_path, f"symbol,decimals,max_supply\nETH,18,\nBTC,8,{cell}\n")
    with pytest.raises(InputError, match=message) as e:
        read_assets(path)
    assert e.value.row == 3 and e.value.path == str(path)
    if "fields" not in message:
        assert e.value.field == "max_supply" and "asset BTC" in str(e.value)


def test_bad_header(tmp_path):
    with pytest.raises(InputError, match="header must be 'symbol,decimals' or 'symbol,decimals,max_supply'") as e:
        read_assets(write(tmp_path, "symbol,decimals,supply\nBTC,8,1\n"))
    assert e.value.row == 1
