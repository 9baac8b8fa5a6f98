"""``solvent reserves message | custodian-message | check``: exactly the message on stdout,
and a reserves file checked before proving with exit 0 / 1 / 2 and --json."""

from __future__ import annotations

import json

from click.testing import CliRunner

from solvent.cli import main
from solvent.inputs.reserves import ownership_message
from solvent.inputs.reserves.custody import holding_message

from .evidence_helpers import BLOCKS, TOKEN, custodian_holding, eth_blocks, state_proof_holding
from .helpers import EPOCH, INSTITUTION, SNAPSHOT, eth_holding, reserves_doc, valid_holdings

ATT = ("--institution", INSTITUTION, "--epoch", str(EPOCH), "--snapshot-time", SNAPSHOT)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_message_prints_exactly_the_ownership_message():
    address = "0x4759dd47c0c9f68841826c49b953ed84f696e8b6"
    r = run("reserves", "message", *ATT, "--chain", "ethereum", "--address", address)
    assert r.exit_code == 0 and r.stdout == ownership_message(INSTITUTION, EPOCH, SNAPSHOT, "ethereum", address)
    assert r.stdout.endswith("Address: 0x4759dD47C0C9f68841826C49b953ed84f696e8b6")  # checksummed, no newline


def test_message_refuses_a_forged_line():
    r = run("reserves", "message", "--institution", "X\nEpoch: 9", "--epoch", "7", "--snapshot-time", SNAPSHOT,
            "--chain", "ethereum", "--address", "0x" + "11" * 20)
    assert r.exit_code == 2 and r.stdout == ""


def test_custodian_message():
    r = run("reserves", "custodian-message", *ATT, "--chain", "bitcoin", "--address", "bc1qexample",
            "--asset", "BTC", "--balance", "1.50")
    assert r.exit_code == 0
    assert r.stdout == holding_message(INSTITUTION, EPOCH, SNAPSHOT, "bitcoin", "bc1qexample", "BTC", "1.5")


def write(tmp_path, holdings, blocks=()):
    path = tmp_path / "reserves.json"
    path.write_text(json.dumps({**reserves_doc(holdings), "eth_blocks": eth_blocks(*blocks)}))
    return path


def test_check_passes_with_caveats(tmp_path):
    path = write(tmp_path, [*valid_holdings(), state_proof_holding("eth-hot", "eth"),
                            custodian_holding("c1", "USDT", "10")], blocks=(0,))
    r = run("reserves", "check", path, *ATT, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["valid"] and [h["evidence"]["kind"] for h in out["holdings"]][-3:] == [
        "self_reported", "eth_state_proof", "custodian_statement"]
    assert any("canonical" in c for c in out["caveats"]) and any("self-reported" in c for c in out["caveats"])
    pinned = run("reserves", "check", path, *ATT, "--json", "--eth-block", f"{BLOCKS[0]['number']}:{BLOCKS[0]['hash']}")
    assert not any("canonical" in c for c in json.loads(pinned.stdout)["caveats"])


def test_check_fails_on_a_bad_signature_or_evidence(tmp_path):
    path = write(tmp_path, [eth_holding("a", "USDT", "1", epoch=EPOCH - 1),
                            state_proof_holding("eth-hot", "token", balance="9")], blocks=(0,))
    r = run("reserves", "check", path, *ATT)
    assert r.exit_code == 1
    assert "a message of another epoch cannot be reused" in r.output and "the proof shows a balance of" in r.output
    out = json.loads(run("reserves", "check", path, *ATT, "--json").stdout)
    assert [h["ok"] for h in out["holdings"]] == [False, False] and not out["valid"]


def test_check_with_assets_checks_decimals(tmp_path):
    assets = tmp_path / "assets.csv"
    assets.write_text("symbol,decimals\nUSDT,1\nETH,18\n")
    path = write(tmp_path, [state_proof_holding("eth-hot", "token")], blocks=(0,))
    r = run("reserves", "check", path, *ATT, "--assets", assets)
    assert r.exit_code == 2 and "holdings[0]" in r.output and "field 'balance'" in r.output
    assert TOKEN["decimals"] == 6


def test_check_refuses_duplicates_and_malformed_files(tmp_path):
    h = eth_holding("a", "USDT", "1")
    r = run("reserves", "check", write(tmp_path, [h, h]), *ATT)
    assert r.exit_code == 2 and "holdings[1]" in r.output and "already counted by holdings[0]" in r.output
    h2 = eth_holding("b", "USDT", "1")
    del h2["evidence"]
    r = run("reserves", "check", write(tmp_path, [h2]), *ATT)
    assert r.exit_code == 2 and "field 'evidence'" in r.output
