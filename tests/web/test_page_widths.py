"""The customer's page over an attestation with per-asset widths: the leaves and lanes
pack the same slots as without widths, so the page checks a customer unchanged (the
statement, with its asset_bits, hashes as the prover hashed it)."""

from __future__ import annotations

import warnings

import pytest

from solvent.backend.groth16 import InsecureSetupWarning
from solvent.circuits.shape import BookShape
from solvent.inputs.accounts import AccountBook
from solvent.inputs.assets import Asset
from solvent.pipeline import keys as keymod
from solvent.pipeline.prove import prove_book
from solvent.pipeline.statement import ProveOptions

from .helpers import drive, export_page, failed, inclusion_file, no_network_and_no_errors


@pytest.fixture(scope="module")
def widths_run(tmp_path_factory, backend, institution, chromium):
    assets = [Asset("BTC", 8, 21_000_000 * 10**8), Asset("ETH", 18, 120_000_000 * 10**18)]
    book = AccountBook(assets=assets, range_bits=96, debt=False)
    for i, (btc, eth) in enumerate([((1 << 51) - 1, 10**21), (0, (1 << 87) - 1), (5 * 10**8, 0), (7, 1)]):
        book.add_account(f"holder-{i}", [btc, eth])
    shape = BookShape(n_assets=2, batch_size=4, capacity=2, range_bits=96, asset_bits=(51, 87))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        keys = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp("widths-keys"), backend, seed=b"widths")
    out = tmp_path_factory.mktemp("widths") / "attestation"
    att = prove_book(book, keys, institution, ProveOptions(epoch=1, snapshot_time="2026-11-21T00:00:00Z",
                                                           reveal_totals=True), out, backend)
    assert att.statement.shape.asset_bits == [51, 87]
    d = tmp_path_factory.mktemp("widths-page")
    page = export_page(out, d / "site", "--allow-insecure-keys")
    steps = [{"op": "attestation"},
             {"op": "check", "id": "holder-0", "file": str(inclusion_file(out, "holder-0", d / "h0.json"))},
             {"op": "check", "id": "holder-1", "file": str(inclusion_file(out, "holder-1", d / "h1.json"))}]
    return drive(chromium, page, steps)


def test_a_customer_of_a_book_with_widths_is_included(widths_run):
    a, btc_whale, eth_whale = widths_run["steps"]
    assert a["status_ok"] == "yes" and failed(a["findings"]) == set(), a
    assert btc_whale["included"] == "yes" and btc_whale["balances"]["BTC"]["equity"] == "22517998.13685247"
    assert eth_whale["included"] == "yes", eth_whale
    no_network_and_no_errors(widths_run)
