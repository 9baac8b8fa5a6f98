"""Hand-computed collateral and margin examples (solvent.formulas.risk), and the circuit
agreeing with them."""

import pytest

from solvent.formulas import risk as spec
from solvent.inputs.errors import InputError
from solvent.inputs.evaluate import evaluate, prepare
from tests.risk.helpers import ASSETS, risk_book, risk_params

USD = 10**8  # value units per USD (value_decimals = 8)
SAT = 1  # smallest BTC unit


def btc_tiers(price="50000", last="null"):
    bands = [{"up_to": "100000000", "ratio": "100"}]
    bands.append({"up_to": None if last == "null" else last, "ratio": "97.5"})
    return risk_params({"prices": {"BTC": price, "USDT": "1"},
                        "collateral_tiers": {"BTC": bands, "USDT": [{"up_to": None, "ratio": "100"}]}})


def tiered_usd(params, btc: int) -> float:
    setup = prepare(params)
    cv = btc * 10**8 * params.prices[0]
    return spec.tiered_scaled(cv, setup.asset_regions[0]) / spec.SCALE / USD


def test_binance_example_120m_of_btc_is_worth_119_5m():
    p = btc_tiers()
    assert p.prices[0] == 50_000  # value units per satoshi
    assert tiered_usd(p, 2400) == 119_500_000  # 100M @ 100% + 20M @ 97.5%


def test_exactly_on_a_band_edge_and_above_the_last_band():
    p = btc_tiers(last="200000000")
    setup = prepare(p)
    edge = 2000 * 10**8 * p.prices[0]  # exactly 100M USD
    assert spec.tiered_scaled(edge, setup.asset_regions[0]) == 100_000_000 * USD * spec.SCALE
    # both regions sharing the edge give the same value: the tiered value is continuous
    lo_region = setup.asset_regions[0][0]
    hi_region = setup.asset_regions[0][1]
    assert lo_region[1] == hi_region[0] == edge
    assert lo_region[3] + lo_region[2] * edge == hi_region[3] + hi_region[2] * edge
    assert tiered_usd(p, 4000) == 197_500_000  # 100M + 100M × 0.975
    assert tiered_usd(p, 10_000) == 197_500_000  # capped above the last band (500M of BTC)


def test_zero_debt_is_never_short():
    params = risk_params()
    book = risk_book(4)
    r = evaluate(book, prepare(params), 3)  # the account with nothing
    assert r.debt == 0 and r.outcome == (0, 0, 0, 0)


def test_collateral_shortfall_of_account_1():
    params = risk_params()
    r = evaluate(risk_book(), prepare(params), 1)
    # 0.1 BTC at 65,000 = 6,500 USD of collateral (first band, 100%), 9,000 USDT owed
    assert r.collateral == 6_500 * USD * spec.SCALE
    assert r.debt == 9_000 * USD * spec.SCALE
    assert r.outcome[:2] == (1, 2_500 * USD * spec.SCALE)


def test_short_future_loses_when_the_price_rises():
    params = risk_params()
    book = risk_book()
    r = evaluate(book, prepare(params), 4)  # 2,000 BTC equity, short 2 perps
    # worst scenario of a short is the largest *rise*: PERP[10] = -9750 per contract long
    assert r.scan == 2 * 9_750 * USD
    # futures floor: 2 contracts × 65,000 × 5% = 6,500 < scan 19,500
    assert r.requirement == 19_500 * USD * spec.SCALE


def test_option_whose_worst_scenario_is_not_the_largest_move():
    params = risk_params()
    book = risk_book()
    r = evaluate(book, prepare(params), 5)  # long 3 calls
    call = params.instruments.index("BTC-C-70000")
    assert max(range(16), key=lambda s: params.risk_arrays[call][s]) == 7  # +2/3, volatility up
    assert r.scan == 3 * 3_200 * USD  # not the ±3/3 moves (2,400 / 3,000 per contract)


def test_under_margined_but_collateralized():
    params = risk_params()
    r = evaluate(risk_book(), prepare(params), 2)  # 1 BTC, owes 60k USDT, short 50 calls
    assert r.outcome[0] == 0  # 65,000 ≥ 60,000: collateral covers debt
    net = 5_000 * USD * spec.SCALE
    req = 50 * 1_300 * USD * spec.SCALE  # short calls' worst: CALL[12] = -1300 → +1300 per short
    assert r.requirement == req and r.outcome[2:] == (1, req - net)


def test_parameters_are_exact_or_refused():
    with pytest.raises(InputError, match="not exact"):
        risk_params({"prices": {"BTC": "65000.000000001", "USDT": "1"}})
    with pytest.raises(InputError, match="ratios must not increase"):
        risk_params({"collateral_tiers": {"BTC": [{"up_to": "1", "ratio": "90"}, {"up_to": None, "ratio": "95"}],
                                          "USDT": [{"up_to": None, "ratio": "100"}]}})
    with pytest.raises(InputError, match="outside 1..2\\^64"):  # 10^22 value units per satoshi
        risk_params({"prices": {"BTC": "10000000000000000000000", "USDT": "1"}})
    assert [a.symbol for a in ASSETS] == ["BTC", "USDT"]


def test_regions_follow_the_balance_width():
    """The unbounded end of a band is just above the largest value a book of the width can
    hold (2^(b+64+1)); a band bound beyond it is cut there without changing any reachable
    value, and parameters prepared for another width hash differently (the batch proofs
    take the hash), so a 64-bit book's parameters cannot be passed off as a 96-bit one's."""
    huge = 1 << 140  # a band bound no 64-bit book reaches
    regs64 = spec.regions([huge, None], [10_000, 5_000], 3, 64)
    regs96 = spec.regions([huge, None], [10_000, 5_000], 3, 96)
    assert regs64[0][1] == spec.infinity(64) == 1 << 129 and regs64[1:] == [(1 << 129, 1 << 129, 0, 0)] * 2
    assert regs96[0][1] == huge and regs96[1][1] == spec.infinity(96)
    top64 = (1 << 128) - 1  # the largest value: (2^64 − 1 units) × (2^64 − 1) would be just below
    assert spec.tiered_scaled(top64, regs64) == spec.tiered_scaled(top64, regs96) == 10_000 * top64
    p = risk_params()
    assert prepare(p, range_bits=64).params_hash != prepare(p, range_bits=96).params_hash
    with pytest.raises(ValueError, match="at most 96 bits"):
        spec.value_bits(128)
