"""Signed oracle price snapshots: the median (odd and even counts, exact), every rule a
cheating institution would try to bend (a forged report, a stale one, sources that
disagree, too few sources, zero or absurd prices, an unpinned key), and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from solvent.cli import main
from solvent.inputs.assets import Asset
from solvent.inputs.errors import InputError
from solvent.inputs.params import RiskParamsFile, from_file
from solvent.inputs.pins import parse_pins
from solvent.inputs.prices import PriceError, check_snapshot, median, parse_snapshot, report_message, require_snapshot
from solvent.inputs.prices.models import PriceFileError
from tests.reserves.evidence_helpers import oracle_address, oracle_report, price_snapshot
from tests.reserves.helpers import SNAPSHOT

GOOD = {"BTC": ["64000", "64010.5", "63990"], "USDT": ["1", "0.9999", "1.0001"]}


def check(doc, snapshot=SNAPSHOT, pins=None, assets=None):
    return check_snapshot(parse_snapshot(doc), snapshot, pins, assets)


def failure(result, asset):
    return next(a.detail for a in result.assets if a.asset == asset and not a.ok)


@pytest.mark.parametrize("prices,expected", [
    (["3"], "3"), (["5", "1", "3"], "3"), (["1", "2"], "1.5"), (["64000.01", "64000.02"], "64000.015"),
    (["4", "1", "3", "2"], "2.5"), (["1", "1.0", "3", "3"], "2"), (["0.1", "0.2"], "0.15"),
    (["99999999999999999999.99999999999999999999", "1"], "50000000000000000000.499999999999999999995"),
])
def test_median_is_exact(prices, expected):
    assert median(prices) == expected


def test_valid_snapshot():
    result = check(price_snapshot(GOOD))
    assert result.ok, result.errors
    assert result.medians == {"BTC": "64000", "USDT": "1"}
    assert "oracle keys are named by the institution" in result.caveats[0]


def test_pinned_oracles_leave_no_caveat_and_others_fail():
    keys = tuple(oracle_address(f"src-{i}") for i in range(3))
    assert check(price_snapshot(GOOD), pins=parse_pins(oracles=keys)).caveats == ()
    result = check(price_snapshot(GOOD), pins=parse_pins(oracles=keys[:2]))
    assert not result.ok and "not a pinned oracle" in failure(result, "BTC")


def test_one_forged_signature_fails():
    doc = price_snapshot(GOOD)
    doc["assets"]["BTC"]["reports"][1] = oracle_report("src-1", "BTC", "64010.5", signer="mallory")
    result = check(doc)
    assert not result.ok and "report of 'src-1'" in failure(result, "BTC") and "another key" in failure(result, "BTC")
    assert [a.ok for a in result.assets] == [False, True]


def test_a_signed_price_changed_afterwards_fails():
    doc = price_snapshot(GOOD)
    doc["assets"]["BTC"]["reports"][0]["price"] = "640000"
    assert "another key, or over another message" in failure(check(doc), "BTC")


def test_stale_report_fails():
    doc = price_snapshot(GOOD, max_age=300)
    doc["assets"]["USDT"]["reports"][2] = oracle_report("src-2", "USDT", "1.0001", timestamp="2026-11-20T23:54:59Z")
    assert "301 s before the snapshot" in failure(check(doc), "USDT")
    doc["assets"]["USDT"]["reports"][2] = oracle_report("src-2", "USDT", "1.0001", timestamp="2026-11-20T23:55:00Z")
    assert check(doc).ok


def test_report_from_after_the_snapshot_beyond_the_bound_fails():
    doc = price_snapshot(GOOD, max_age=60)
    doc["assets"]["BTC"]["reports"][0] = oracle_report("src-0", "BTC", "64000", timestamp="2026-11-21T00:01:01Z")
    assert "61 s after the snapshot" in failure(check(doc), "BTC")


def test_spread_too_wide_fails():
    wide = {"BTC": ["64000", "66000", "63990"], "USDT": GOOD["USDT"]}
    assert "more than 200 bps of the median 64000" in failure(check(price_snapshot(wide, max_spread_bps=200)), "BTC")
    assert check(price_snapshot(wide, max_spread_bps=400)).ok  # (66000 − 63990) / 64000 = 314 bps


def test_too_few_sources_fail():
    few = {"BTC": ["64000", "64001"], "USDT": GOOD["USDT"]}
    assert "2 reports, the rules ask at least 3" in failure(check(price_snapshot(few)), "BTC")


@pytest.mark.parametrize("price", ["0", "1000000000000"])
def test_zero_or_absurd_price_fails(price):
    doc = price_snapshot({"BTC": [price, price, price]}, bands={"BTC": ("1000", "10000000")})
    assert "outside the sanity band" in failure(check(doc), "BTC")


def test_zero_lower_band_is_refused():
    doc = price_snapshot({"BTC": ["0", "0", "0"]}, bands={"BTC": ("0", "10000000")})
    assert "0 < min_price" in failure(check(doc), "BTC")


def test_assets_must_match_the_attestation():
    result = check(price_snapshot(GOOD), assets=["BTC", "ETH"])
    assert {a.asset for a in result.assets if not a.ok} == {"ETH", "USDT"}


@pytest.mark.parametrize("edit,field,message", [
    (lambda d: d["rules"].update(min_sources=1), "rules.min_sources", "greater than or equal to 2"),
    (lambda d: d["rules"].update(max_spread_bps=5000), "rules.max_spread_bps", "less than or equal to 2000"),
    (lambda d: d["rules"].update(max_age_seconds=10**6), "rules.max_age_seconds", "less than or equal to 86400"),
    (lambda d: d["assets"]["BTC"]["reports"][0].update(price="-1"), "assets.BTC.reports.0.price", "pattern"),
    (lambda d: d["assets"]["BTC"]["reports"][0].update(price="64000.50"), "assets.BTC.reports.0.price", "pattern"),
    (lambda d: d["assets"]["BTC"]["reports"].append(d["assets"]["BTC"]["reports"][0]), "assets.BTC",
     "reports twice"),
])
def test_malformed_files_are_refused_naming_the_field(edit, field, message):
    doc = price_snapshot(GOOD)
    edit(doc)
    with pytest.raises(PriceFileError, match=message) as e:
        parse_snapshot(doc, "prices.json")
    assert f"prices.json, field '{field}'" in str(e.value)


def test_require_snapshot_names_the_file_and_asset():
    doc = price_snapshot({"BTC": ["64000", "64001"]})
    with pytest.raises(PriceError, match=r"^p.json: BTC: 2 reports"):
        require_snapshot(parse_snapshot(doc, "p.json"), SNAPSHOT)


def test_zero_price_refused_in_risk_parameters():
    raw = RiskParamsFile(version="solvent.risk/1", quote="USD", value_decimals=10, prices={"BTC": "0"},
                         collateral_tiers={"BTC": [{"up_to": None, "ratio": "90"}]})
    with pytest.raises(InputError, match=r"field 'prices.BTC'.*outside 1..2\^64.*zero price"):
        from_file(raw, [Asset("BTC", 8)])


def test_report_message_is_canonical():
    assert report_message("BTC", "64000.5", "USD", SNAPSHOT) == (
        "solvent.prices.report/1\nAsset: BTC\nQuote: USD\nPrice: 64000.5\nTimestamp: 2026-11-21T00:00:00Z")
    for bad in ("64000.50", "064000", "1e3", "-1"):
        with pytest.raises(ValueError):
            report_message("BTC", bad, "USD", SNAPSHOT)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_message_prints_exactly_the_message():
    r = run("prices", "message", "--asset", "BTC", "--price", "64000.5", "--quote", "USD", "--timestamp", SNAPSHOT)
    assert r.exit_code == 0 and r.stdout == report_message("BTC", "64000.5", "USD", SNAPSHOT)


def test_cli_check_exit_codes(tmp_path: Path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(price_snapshot(GOOD)))
    r = run("prices", "check", good, "--snapshot-time", SNAPSHOT, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["assets"][0]["median"] == "64000"
    r = run("prices", "check", good, "--snapshot-time", "2026-11-22T00:00:00Z")
    assert r.exit_code == 1 and "stale" in r.output
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    r = run("prices", "check", bad, "--snapshot-time", SNAPSHOT)
    assert r.exit_code == 2 and "bad.json" in r.output


@pytest.mark.parametrize("name,model", [("prices", "solvent.inputs.prices.models:PriceSnapshot"),
                                        ("reserves", "solvent.inputs.reserves.models:Reserves")])
def test_schema_files_are_current(name, model):
    import importlib

    import jsonschema

    module, cls = model.split(":")
    schema = json.loads((Path(__file__).parents[2] / "schemas" / f"{name}.schema.json").read_text())
    assert schema == getattr(importlib.import_module(module), cls).model_json_schema(by_alias=True), \
        f"run: python -m solvent.inputs.{name}.schema > schemas/{name}.schema.json"
    if name == "prices":
        jsonschema.validate(price_snapshot(GOOD), schema)
