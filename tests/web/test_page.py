"""The customer's page (`solvent export-web`), driven in headless Chromium as a customer
uses it: type the id, choose the inclusion file, press the button, read the verdict from
the DOM. One browser session per page; every case is one check on the real page."""

from __future__ import annotations

import json
import re
import warnings

import pytest

from solvent.pipeline.inclusion_export import export
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.inputs.accounts import AccountBook
from solvent.inputs.assets import Asset
from solvent.circuits.shape import BookShape
from solvent.pipeline import keys as keymod
from solvent.pipeline.statement import ProveOptions
from solvent.pipeline.prove import prove_book
from tests.liabilities.helpers import small_book

from .helpers import drive, export_page, failed, inclusion_file, no_network_and_no_errors

ME, OTHER = "user-00003", "user-00004"


@pytest.fixture(scope="module")
def next_epoch(tmp_path_factory, shape_keys, backend, institution):
    """The same book, attested again at epoch 8: its inclusion files are valid there only."""
    sk, _ = shape_keys
    out = tmp_path_factory.mktemp("att8") / "attestation"
    prove_book(small_book(10), sk, institution, ProveOptions(epoch=8, snapshot_time="2026-11-28T00:00:00Z"), out, backend)
    return out


def _bump_btc(doc: dict) -> None:
    b = doc["balances"]["BTC"]
    whole, _, frac = b["equity"].partition(".")
    units = int(whole) * 10**8 + int(frac.ljust(8, "0")) + 1  # one satoshi more
    b["equity"] = f"{units // 10**8}.{units % 10**8:08d}".rstrip("0").rstrip(".")


@pytest.fixture(scope="module")
def customer_run(attested, next_epoch, chromium, tmp_path_factory):
    _, att, out = attested
    d = tmp_path_factory.mktemp("customer")
    page = export_page(out, d / "site", "--allow-insecure-keys")
    files = {
        "valid": inclusion_file(out, ME, d / "mine.json"),
        "tampered": inclusion_file(out, ME, d / "tampered.json", _bump_btc),
        "foreign": inclusion_file(out, OTHER, d / "other.json"),
        "replayed": inclusion_file(next_epoch, ME, d / "mine-epoch8.json"),
    }
    cases = [("valid", ME), ("tampered", ME), ("foreign", ME), ("replayed", ME), ("foreign-typed", OTHER)]
    steps = [{"op": "attestation"}]
    steps += [{"op": "check", "id": who, "file": str(files[name.split("-")[0]])} for name, who in cases]
    steps += [{"op": "check", "id": ME, "text": "{\"version\": \"solvent.inclusion/1\", \"salt\": 12"},
              {"op": "check", "id": ME, "drop": str(files["valid"])},
              {"op": "check", "id": f" {ME}", "text": files["valid"].read_text()}]
    result = drive(chromium, page, steps)
    named = dict(zip(["attestation", *(n for n, _ in cases), "garbage", "dropped", "pasted-with-space"], result["steps"]))
    return att, out, named, result


def test_a_customer_with_their_own_file_is_included(customer_run):
    att, out, r, _ = customer_run
    mine = r["valid"]
    assert mine["included"] == "yes" and mine["word"] == "INCLUDED", mine
    assert failed(mine["account"]) == set() and failed(mine["proofs"]) == set()
    assert {c["name"] for c in mine["proofs"]} >= {"signature", "statement hash", "context", "batch verifying key",
                                                  "top verifying key", "batch proof", "batches digest", "top proof"}
    expected = export(out, ME).balances
    assert mine["balances"] == {s: {"equity": b.equity, "debt": b.debt} for s, b in expected.items()}
    assert mine["balances_note"] == ""
    assert mine["keys_note"].startswith("UNTRUSTED KEYS"), "an insecurely pinned page qualifies every INCLUDED"


def test_a_dropped_file_is_checked_and_the_id_must_be_exact(customer_run):
    r = customer_run[2]
    assert r["dropped"]["included"] == "yes", r["dropped"]
    assert r["pasted-with-space"]["included"] == "no" and failed(r["pasted-with-space"]["account"]) == {"account id"}


def test_a_tampered_balance_is_not_included(customer_run):
    mine = customer_run[2]["tampered"]
    assert mine["included"] == "no" and mine["word"] == "NOT INCLUDED"
    assert "path to batch root" in failed(mine["account"])
    assert mine["reason"].startswith("path to batch root")
    path = next(c for c in mine["account"] if c["name"] == "path to batch root")
    assert "does not reach batch" in path["text"] and "leaf recomputed from id, salt and balances;" not in path["text"], \
        "a failed check shows its failure text, never its success text (as verify-inclusion)"
    assert "NOT confirmed" in mine["balances_note"]


def test_another_customers_file_is_not_included(customer_run):
    r = customer_run[2]
    assert r["foreign"]["included"] == "no"
    assert failed(r["foreign"]["account"]) == {"account id"}, r["foreign"]
    assert "another account id" in r["foreign"]["reason"]
    # the same file with its own id typed is that customer's, and included
    assert r["foreign-typed"]["included"] == "yes"


def test_a_file_of_another_epoch_is_not_included(customer_run):
    replayed = customer_run[2]["replayed"]
    assert replayed["included"] == "no"
    assert {"attestation", "epoch"} <= failed(replayed["account"])
    assert "another attestation" in replayed["reason"] and "epoch 8" in replayed["reason"]


def test_a_malformed_file_fails_with_a_reason(customer_run):
    garbage = customer_run[2]["garbage"]
    assert garbage["included"] == "no" and failed(garbage["account"]) == {"inclusion file"}
    assert garbage["reason"].startswith("inclusion file: not JSON")


def test_the_page_shows_the_attestation_and_its_caveats(customer_run):
    att, _, r, result = customer_run
    a = r["attestation"]
    assert a["status_ok"] == "yes"
    assert a["facts"]["institution"] == att.statement.institution and a["facts"]["epoch"] == str(att.statement.epoch)
    assert a["facts"]["book root"] == att.top.book_root
    assert any(c.startswith("UNTRUSTED KEYS") for c in a["caveats"]), "insecure pins must be said loudly"
    assert any("INSECURE single-party development setup" in c for c in a["caveats"])
    assert any("was not pinned" in c for c in a["caveats"]), "an unpinned signer is a caveat"
    assert a["findings"] == [] and "liabilities only" in a["findings_status"]


def test_the_page_loads_nothing_and_logs_no_error(customer_run):
    no_network_and_no_errors(customer_run[3])


def _retarget(page, pins_update):
    """The page as built with other pins (the data block edited; the script, whose hash the
    page's Content-Security-Policy pins, is untouched)."""
    html = page.read_text(encoding="utf-8")
    block = re.search(r'(<script type="application/json" id="solvent-pins">)(.*?)(</script>)', html, re.S)
    pins = json.loads(block.group(2))
    pins_update(pins)
    page.write_text(html[:block.start(2)] + json.dumps(pins) + html[block.end(2):], encoding="utf-8")


@pytest.fixture(scope="module")
def pinned_run(attested, chromium, tmp_path_factory):
    """Pages built from an auditor's trusted-keys file: as built; with the batch key pinned to
    another hash; with another signer pinned."""
    _, att, out = attested
    d = tmp_path_factory.mktemp("pinned")
    keys = {"version": "solvent.trusted-keys/1", "keys": [
        {"role": c.role, "name": c.name, "ir_hash": c.ir_hash, "vk_hash": c.vk_hash, "evidence": "pinned",
         "detail": "test auditor"} for c in att.statement.circuits]}
    (d / "keys.json").write_text(json.dumps(keys))
    signer = att.statement.signer
    pages = {name: export_page(out, d / name, "--trusted-keys", d / "keys.json", "--signer", signer)
             for name in ("pinned", "other-key", "other-signer")}
    _retarget(pages["other-key"], lambda p: p["keys"][[k["role"] for k in p["keys"]].index("batch")].update(
        vk_hash="ab" * 32))
    _retarget(pages["other-signer"], lambda p: p.update(signer="0x" + "11" * 20))
    mine = inclusion_file(out, ME, d / "mine.json")
    steps = [{"op": "attestation"}, {"op": "check", "id": ME, "file": str(mine)}]
    return {name: drive(chromium, page, steps) for name, page in pages.items()}


def test_pinned_keys_and_signer(pinned_run):
    r = pinned_run["pinned"]
    a, mine = r["steps"]
    assert mine["included"] == "yes", mine
    assert not any(c.startswith("UNTRUSTED") for c in a["caveats"]) and mine["keys_note"] == ""
    assert any("pinned from keys.json" in c for c in a["caveats"])
    assert "(pinned)" in a["facts"]["signer"]
    assert "test auditor" in next(c["text"] for c in mine["proofs"] if c["name"] == "batch verifying key")
    no_network_and_no_errors(r)


def test_a_key_that_is_not_pinned_fails_every_customer(pinned_run):
    a, mine = pinned_run["other-key"]["steps"]
    assert a["status_ok"] == "no" and "batch verifying key" in a["status"]
    assert mine["included"] == "no" and failed(mine["proofs"]) == {"batch verifying key", "batch proof"}
    assert failed(mine["account"]) == set(), "the account's own checks still pass: the key is what failed"


def test_another_signer_than_the_pinned_one_fails(pinned_run):
    a, mine = pinned_run["other-signer"]["steps"]
    assert a["status_ok"] == "no"
    assert mine["included"] == "no" and failed(mine["proofs"]) == {"expected signer"}


@pytest.fixture(scope="module")
def wide_run(tmp_path_factory, backend, institution, chromium):
    """A book of 96-bit balances (ETH in wei beyond 2^64), totals revealed: the page packs
    balances two to a leaf element and opens the totals' 126-bit lanes, as the prover made them."""
    assets = [Asset("BTC", 8), Asset("ETH", 18)]
    book = AccountBook(assets=assets, range_bits=96, debt=False)
    ether = 10**18
    for i, (btc, eth) in enumerate([(1, 1_000 * ether + 1), (0, (1 << 96) - 1), (50 * 10**8, 0), (7, 123 * ether)]):
        book.add_account(f"whale-{i}", [btc, eth])
    shape = BookShape(n_assets=2, batch_size=4, capacity=2, with_debt=False, range_bits=96)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        keys = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp("wide-keys"), backend, seed=b"wide")
    out = tmp_path_factory.mktemp("wide") / "attestation"
    att = prove_book(book, keys, institution, ProveOptions(epoch=1, snapshot_time="2026-11-21T00:00:00Z",
                                                           reveal_totals=True), out, backend)
    assert att.statement.shape.range_bits == 96 and att.totals is not None
    d = tmp_path_factory.mktemp("wide-page")
    page = export_page(out, d / "site", "--allow-insecure-keys")

    def one_wei_less(doc):
        doc["balances"]["ETH"]["equity"] = "1000"

    steps = [{"op": "attestation"},
             {"op": "check", "id": "whale-0", "file": str(inclusion_file(out, "whale-0", d / "w0.json"))},
             {"op": "check", "id": "whale-1", "file": str(inclusion_file(out, "whale-1", d / "w1.json"))},
             {"op": "check", "id": "whale-0", "file": str(inclusion_file(out, "whale-0", d / "t.json", one_wei_less))}]
    return drive(chromium, page, steps)


def test_a_book_of_96_bit_balances_is_checked_to_the_wei(wide_run):
    a, whale, widest, tampered = wide_run["steps"]
    assert a["status_ok"] == "yes" and failed(a["findings"]) == set()
    assert [c["name"] for c in a["findings"]] == ["revealed totals"], "the totals open the 126-bit lanes"
    assert whale["included"] == "yes", whale
    assert whale["balances"]["ETH"]["equity"] == "1000.000000000000000001"
    assert widest["included"] == "yes" and widest["balances"]["ETH"]["equity"] == "79228162514.264337593543950335"
    assert tampered["included"] == "no" and "path to batch root" in failed(tampered["account"])
    no_network_and_no_errors(wide_run)
