"""End to end through the CLI: reserves backed by evidence. Public reserves with an
Ethereum state proof and a custodian statement verify (with caveats until pinned) and
the report shows each holding's evidence; a swapped proof never verifies; committed
reserves are INVALID until a custodian has checked the opening and signed for the
commitment (`solvent reserves commitment-message`, `solvent reserves attach`)."""

from __future__ import annotations

import json

import pytest

from solvent.attestation import hashing
from solvent.attestation.verify import load
from solvent.formulas.eip191 import sign_text
from solvent.inputs.reserves.custody import commitment_message
from solvent.inputs.reserves.signing import ethereum_address
from tests.reserves.evidence_helpers import (
    BLOCKS,
    TOKEN,
    custodian_holding,
    eth_blocks,
    fixture_proof,
    state_proof_holding,
)
from tests.reserves.helpers import EPOCH, INSTITUTION, SNAPSHOT, btc_holding, throwaway_key
from tests.solvency.test_cli_reserves import ACCOUNTS, run

CUSTODIAN = throwaway_key("vault")
SIGNING_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("evid")
    (d / "accounts.csv").write_text(ACCOUNTS)  # totals: BTC 12.5, USDT 1000
    (d / "assets.csv").write_text("symbol,decimals\nBTC,8\nUSDT,6\n")
    (d / "signing.key").write_text(SIGNING_KEY)
    doc = {"version": "solvent.reserves/1", "eth_blocks": eth_blocks(0),
           "holdings": [state_proof_holding("eth-hot", "token"), custodian_holding("btc-vault", "BTC", "13")]}
    (d / "reserves.json").write_text(json.dumps(doc))
    return d


def prove(files, out, *extra):
    return run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
               "--institution", INSTITUTION, "--epoch", EPOCH, "--snapshot-time", SNAPSHOT, "--batch-size", 4,
               "--signing-key-file", files / "signing.key", "--statements", "liabilities,solvency",
               "--reserves", files / "reserves.json", *extra)


@pytest.fixture(scope="module")
def public(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("pub") / "att"
    r = prove(files, out)
    assert r.exit_code == 0, r.output
    return out


def test_evidenced_public_reserves_verify_with_caveats(public, tmp_path):
    r = run("verify", public, "--fast", "--allow-insecure-keys", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    checks = {c["name"]: c for c in out["checks"]}
    assert checks["reserve evidence"]["ok"] and "1 Ethereum state proof, 1 custodian statement" in \
        checks["reserve evidence"]["detail"]
    assert [(h["evidence"], h["evidence_ok"]) for h in out["holdings"]] == [
        ("eth_state_proof", True), ("custodian_statement", True)]
    text = run("verify", public, "--fast", "--allow-insecure-keys")
    assert "2500000.25 USDT: eth_state_proof — balance of" in text.output and "custodian_statement — " in text.output
    caveats = " | ".join(out["warnings"])
    assert f"Ethereum block {BLOCKS[0]['number']}" in caveats and "token contract" in caveats
    assert "custodian key" in caveats
    pinned = run("verify", public, "--fast", "--allow-insecure-keys", "--json", "--eth-block", f"{BLOCKS[0]['number']}:{BLOCKS[0]['hash']}",
                 "--token", f"USDT={TOKEN['address']}", "--custodian", ethereum_address(CUSTODIAN))
    assert pinned.exit_code == 0
    assert not any(w for w in json.loads(pinned.stdout)["warnings"] if "canonical" in w or "custodian" in w)
    wrong = run("verify", public, "--fast", "--allow-insecure-keys", "--custodian", "0x" + "12" * 20)
    assert wrong.exit_code == 1 and "not among the pinned custodians" in wrong.output
    page = tmp_path / "r.html"
    assert run("report", public, "--fast", "--allow-insecure-keys", "--out", page).exit_code == 0
    html = page.read_text()
    assert 'data-kind="eth_state_proof" data-ok="true"' in html and 'data-kind="custodian_statement"' in html
    assert 'id="caveats"' in html


def test_swapped_state_proof_in_a_resigned_attestation_is_invalid(public, tmp_path):
    """The institution replaces the proof by one of another block (same balance claimed)
    and signs again: the reserves still add up, the evidence does not."""
    att = load(public)
    reserves = json.loads(json.dumps(att.reserves))
    reserves["holdings"][0]["evidence"]["proof"] = fixture_proof("eth-hot", "token", 1)
    forged = hashing.sign(att.model_copy(update={"reserves": reserves}), bytes.fromhex(SIGNING_KEY))
    (tmp_path / "attestation.json").write_text(json.dumps(forged.model_dump(mode="json")))
    r = run("verify", tmp_path / "attestation.json", "--fast", "--allow-insecure-keys", "--json")
    failed = {c["name"] for c in json.loads(r.stdout)["checks"] if not c["ok"]}
    assert r.exit_code == 1 and failed == {"reserve evidence"}


def test_prove_refuses_reserves_whose_evidence_fails(files, tmp_path):
    bad = {"version": "solvent.reserves/1", "eth_blocks": eth_blocks(0),
           "holdings": [state_proof_holding("eth-hot", "token", balance="2500001"), btc_holding("w", "p2wpkh", "13")]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", tmp_path / "o",
            "--institution", INSTITUTION, "--epoch", EPOCH, "--snapshot-time", SNAPSHOT, "--batch-size", 4,
            "--statements", "liabilities,solvency", "--reserves", path)
    assert r.exit_code == 2 and "holdings[0]" in r.output and "the proof shows a balance of 2500000.25" in r.output
    assert not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def committed(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("priv") / "att"
    r = prove(files, out, "--private-reserves")
    assert r.exit_code == 0, r.output
    return out


def test_committed_reserves_need_a_custodian_statement(committed, tmp_path):
    r = run("verify", committed, "--fast", "--allow-insecure-keys", "--json")
    failed = {c["name"] for c in json.loads(r.stdout)["checks"] if not c["ok"]}
    assert r.exit_code == 1 and failed == {"reserves commitment statement"}
    att = load(committed)
    assert att.reserves is None and "holdings" not in json.dumps(att.model_dump(mode="json"))
    assert run("report", committed, "--fast", "--allow-insecure-keys", "--out", tmp_path / "before.html").exit_code == 1
    assert "no evidence bound to the commitment" in (tmp_path / "before.html").read_text()

    opening = committed / "private" / "reserves-opening.json"
    r = run("reserves", "commitment-message", opening)
    assert r.exit_code == 0, r.output
    st = att.statement
    assert r.stdout == commitment_message(st.institution, st.epoch, st.snapshot_time, ["BTC", "USDT"],
                                          att.solvency.reserves_commitment)
    wrong_key = sign_text(throwaway_key("mallory"), r.stdout)
    custodian = ethereum_address(CUSTODIAN)
    r2 = run("reserves", "attach", committed, "--custodian", custodian, "--name", "Vault Co", "--signature", wrong_key)
    assert r2.exit_code == 2 and "another key" in r2.output
    other_epoch = sign_text(CUSTODIAN, commitment_message(st.institution, st.epoch - 1, st.snapshot_time,
                                                          ["BTC", "USDT"], att.solvency.reserves_commitment))
    r3 = run("reserves", "attach", committed, "--custodian", custodian, "--name", "Vault Co", "--signature", other_epoch)
    assert r3.exit_code == 2
    assert load(committed).reserves_statement is None, "nothing written on a refused statement"

    key_file = tmp_path / "signing.key"
    key_file.write_text(SIGNING_KEY)
    r4 = run("reserves", "attach", committed, "--custodian", custodian, "--name", "Vault Co",
             "--signature", sign_text(CUSTODIAN, r.stdout), "--signing-key-file", key_file)
    assert r4.exit_code == 0, r4.output
    v = run("verify", committed, "--fast", "--allow-insecure-keys", "--json")
    assert v.exit_code == 0, v.output
    assert any("rest on Vault Co" in w for w in json.loads(v.stdout)["warnings"])
    assert run("report", committed, "--fast", "--allow-insecure-keys", "--out", tmp_path / "after.html").exit_code == 0
    assert "vouched for by Vault Co" in (tmp_path / "after.html").read_text()
    assert run("verify", committed, "--fast", "--allow-insecure-keys", "--custodian", custodian).exit_code == 0
    assert run("reserves", "attach", committed, "--custodian", custodian, "--name", "Vault Co",
               "--signature", sign_text(CUSTODIAN, r.stdout)).exit_code == 2  # already attached: --force

    # a statement for another epoch forced into the attestation (and signed again) is refused by verify
    forged = hashing.sign(load(committed).model_copy(update={"reserves_statement": load(committed).reserves_statement
                                                             .model_copy(update={"signature": other_epoch})}),
                          bytes.fromhex(SIGNING_KEY))
    (tmp_path / "attestation.json").write_text(json.dumps(forged.model_dump(mode="json")))
    r5 = run("verify", tmp_path / "attestation.json", "--fast", "--allow-insecure-keys")
    assert r5.exit_code == 1 and "reserves commitment statement" in r5.output


def test_opening_with_altered_amounts_is_not_signed(committed, tmp_path):
    op = json.loads((committed / "private" / "reserves-opening.json").read_text())
    op["assets"][0]["reserves"] = "1000000"
    path = tmp_path / "opening.json"
    path.write_text(json.dumps(op))
    r = run("reserves", "commitment-message", path)
    assert r.exit_code == 1 and r.stdout == "" and "do not open the commitment" in r.output
