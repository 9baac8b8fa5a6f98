"""`solvent verify-inclusion` as a customer runs it, and `solvent inclusion` as the operator
exports the file: another customer's file, another signer, an older epoch, exact-decimal
expectations of equity, debt and positions, malformed expectations (exit 2, before any
verification), the customer's account kept apart from attestation-wide findings, failed
checks saying what failed, --json, --force and private files 0600.

The attestations are the session's small proven fixtures (tests/fixtures_liabilities.py):
``attested`` (liabilities, 10 accounts, epoch 7, VALID with development keys) and
``risk_attested`` (collateral and margin, traders with positions and debt; INVALID as a
whole because accounts fall short with no insurance proof)."""

from __future__ import annotations

import json
import stat
import unicodedata

import pytest
from click.testing import CliRunner

from solvent.attestation import hashing
from solvent.attestation.inclusion import same_account_id
from solvent.cli import main

DEV = "--allow-insecure-keys"
OTHER_SIGNER = "0x" + "ab" * 20


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def check(args, *extra):
    """verify-inclusion --json → (exit code, verdict object)."""
    r = run("verify-inclusion", *args, "--fast", DEV, "--json", *extra)
    assert r.exit_code in (0, 1, 3), r.output
    return r.exit_code, json.loads(r.stdout)


def failed(checks: list[dict]) -> set[str]:
    return {c["name"] for c in checks if not c["ok"]}


def named(verdict: dict, name: str) -> dict:
    return next(c for c in verdict["checks"] if c["name"] == name)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def files(attested, tmp_path_factory):
    """Two customers' files of the liabilities attestation."""
    _, att, out = attested
    d = tmp_path_factory.mktemp("incl")
    for who in ("user-00001", "user-00002"):
        r = run("inclusion", out, "--account", who, "--out", d / f"{who}.json")
        assert r.exit_code == 0, r.output
    return att, out, d


@pytest.fixture(scope="module")
def trader(risk_attested, tmp_path_factory):
    """trader-002: 1 BTC, 60,000 USDT of debt, short 50 BTC-C-70000 calls, no BTC-PERP."""
    _, att, out, _ = risk_attested
    f = tmp_path_factory.mktemp("trader") / "trader-002.json"
    assert run("inclusion", out, "--account", "trader-002", "--out", f).exit_code == 0
    return att, out, f


def _mine(files, who="user-00001"):
    att, out, d = files
    return [d / f"{who}.json", "--attestation", out, "--account", who]


def test_own_file_passes_with_account_and_findings_apart(files):
    code, v = check(_mine(files))
    assert code == 0 and v["exit_code"] == 0 and v["valid"], v
    assert {c["name"] for c in v["account"]["checks"]} == {
        "attestation", "institution", "epoch", "account id", "leaf position", "path to batch root", "path to book root"}
    assert v["account"]["ok"] and v["findings"]["ok"]
    findings = {c["name"] for c in v["findings"]["checks"]}
    assert {"signature", "statement hash", "context", "batch proofs", "batches digest", "top proof"} <= findings
    assert not findings & {c["name"] for c in v["account"]["checks"]}, "no check is in both parts"
    assert [c["name"] for c in v["checks"]] == [c["name"] for c in v["account"]["checks"] + v["findings"]["checks"]]
    assert v["account_id"] == "user-00001" and v["verdict"] == "VALID — UNTRUSTED KEYS"
    assert v["summary"].startswith("your account is included; every attestation-wide finding passes")
    assert any("was not compared with the address you expect (--signer)" in w for w in v["warnings"])
    assert any("no oldest epoch was required (--epoch)" in w for w in v["warnings"])
    code, v = check(_mine(files), "--signer", files[0].statement.signer, "--epoch", 7)
    assert code == 0 and not any("--signer" in w or "--epoch" in w for w in v["warnings"])


def test_another_customers_file_fails_with_a_clear_finding(files):
    att, out, d = files
    code, v = check([d / "user-00002.json", "--attestation", out, "--account", "user-00001"])
    assert code == 1 and failed(v["account"]["checks"]) == {"account id"} and v["findings"]["ok"]
    assert named(v, "account id")["detail"] == \
        "the file is for another account id ('user-00002'), not yours ('user-00001')"
    r = run("verify-inclusion", d / "user-00002.json", "--attestation", out, "--account", "user-00001", "--fast", DEV)
    assert r.exit_code == 1
    assert "✗ account id — the file is for another account id" in r.stdout
    assert "the file is for 'user-00002', the id you gave" not in r.stdout, "a failed check never shows its ok-text"
    assert "your account check FAILED (account id)" in r.stdout


def test_the_account_is_required(files):
    att, out, d = files
    r = run("verify-inclusion", d / "user-00001.json", "--attestation", out, "--fast", DEV)
    assert r.exit_code == 2 and "--account" in r.output
    r = run("verify-inclusion", d / "user-00001.json", "--attestation", out, "--account", "", "--fast", DEV)
    assert r.exit_code == 2 and "give your own account id" in r.output


def test_account_ids_compare_after_nfc():
    composed, decomposed = "zoë@example.com", unicodedata.normalize("NFD", "zoë@example.com")
    assert composed != decomposed and same_account_id(decomposed, composed) and same_account_id(composed, decomposed)
    assert not same_account_id("zoe@example.com", composed)


def test_an_attestation_signed_by_another_key_fails_on_signer(files, institution, tmp_path):
    att, out, d = files
    code, v = check(_mine(files), "--signer", OTHER_SIGNER)
    assert code == 1 and v["account"]["ok"] and failed(v["findings"]["checks"]) == {"expected signer"}
    assert named(v, "expected signer")["detail"] == f"the statement names {att.statement.signer}, not the expected {OTHER_SIGNER}"
    code, v = check(_mine(files), "--signer", institution.address.lower())
    assert code == 0 and named(v, "expected signer")["ok"], "addresses compare case-insensitively"
    # a fork: the same book re-signed by another key that names itself as the signer
    mallory = bytes.fromhex("11" * 32)
    st = att.statement.model_copy(update={"signer": institution.__class__("x", mallory, b"").address})
    fork = hashing.sign(att.model_copy(update={"statement": st}), mallory)
    (tmp_path / "attestation.json").write_text(fork.model_dump_json())
    code, v = check([d / "user-00001.json", "--attestation", tmp_path, "--account", "user-00001"],
                    "--signer", institution.address)
    assert code == 1 and {"expected signer", "context"} <= failed(v["findings"]["checks"])
    assert "attestation" in failed(v["account"]["checks"]), "the file names the real attestation's hash"
    r = run("verify-inclusion", *_mine(files), "--signer", "0x12", "--fast", DEV)
    assert r.exit_code == 2 and "not an Ethereum address" in r.output


def test_an_older_epoch_is_refused_and_a_newer_accepted(files):
    att, out, d = files
    assert att.statement.epoch == 7
    code, v = check(_mine(files), "--epoch", 8)
    assert code == 1 and v["account"]["ok"] and failed(v["findings"]["checks"]) == {"expected epoch"}
    assert named(v, "expected epoch")["detail"] == \
        "epoch 7 is older than the epoch 8 you require: a replayed attestation"
    for oldest in (7, 6):
        code, v = check(_mine(files), "--epoch", oldest)
        assert code == 0 and named(v, "expected epoch")["detail"] == f"epoch 7, not older than {oldest}"
    # `solvent verify --epoch` has the same meaning
    assert run("verify", out, "--fast", DEV, "--epoch", 6).exit_code == 0
    assert run("verify", out, "--fast", DEV, "--epoch", 8).exit_code == 1
    for cmd in ("verify", "verify-inclusion"):
        assert "OLDER than epoch N" in run(cmd, "--help").output


def test_expect_compares_exact_decimals(files):
    att, out, d = files
    balances = json.loads((d / "user-00001.json").read_text())["balances"]
    btc, usdt = balances["BTC"]["equity"], balances["USDT"]["equity"]
    assert "." in btc and not btc.endswith("0")
    code, v = check(_mine(files), "--expect", f"BTC={btc}0", "--expect", f"USDT={usdt}")
    assert code == 0, v
    assert named(v, "expected BTC")["detail"] == f"{btc} BTC, as you expect"
    assert v["summary"].startswith("your account is included with the balances you expect")
    more = btc[:-1] + str((int(btc[-1]) + 1) % 10)
    code, v = check(_mine(files), "--expect", f"BTC={more}")
    assert code == 1 and failed(v["account"]["checks"]) == {"expected BTC"} and v["findings"]["ok"]
    assert named(v, "expected BTC")["detail"] == f"the file states {btc} BTC, you expect {more}"


@pytest.mark.parametrize("flag, value, message", [
    ("--expect", "btc=1", "unknown asset 'btc' (names are case-sensitive: did you mean BTC?)"),
    ("--expect", "ETH=1", "unknown asset 'ETH'"),
    ("--expect", "BTC=abc", "'abc' is not a plain decimal amount"),
    ("--expect", "BTC=1.000000001", "more than the asset's 8 decimals"),
    ("--expect", "BTC=-1", "negative amount"),
    ("--expect", "BTC", "use ASSET=AMOUNT"),
    ("--expect-debt", "USDT=1e3", "not a plain decimal amount"),
    ("--expect-position", "BTC-PERP=1", "no margin statement"),
])
def test_a_malformed_expectation_exits_2_before_any_verification(files, flag, value, message):
    r = run("verify-inclusion", *_mine(files), flag, value, "--fast", DEV)
    assert r.exit_code == 2, r.output
    assert f"{flag} {value!r}" in r.output and message in r.output, r.output
    assert "signature" not in r.output and "your account:" not in r.output, "nothing was verified"


def test_the_same_asset_expected_twice_exits_2(files):
    r = run("verify-inclusion", *_mine(files), "--expect", "BTC=1", "--expect", "BTC=1.0", "--fast", DEV)
    assert r.exit_code == 2 and "BTC is already expected (--expect 'BTC=1')" in r.output, r.output


def test_debt_and_positions_are_printed_and_checked(trader):
    att, out, f = trader
    args = [f, "--attestation", out, "--account", "trader-002"]
    r = run("verify-inclusion", *args, "--fast", DEV)
    assert "USDT: 0, debt 60000" in r.stdout and "position BTC-C-70000: -50" in r.stdout
    assert "position BTC-PERP: 0" in r.stdout
    good = ["--expect-debt", "USDT=60000.000000", "--expect-position", "BTC-C-70000=-50.00",
            "--expect-position", "BTC-PERP=0", "--expect", "BTC=1"]
    code, v = check(args, *good)
    assert v["account"]["ok"], v["account"]
    assert named(v, "expected USDT debt")["detail"] == "60000 USDT of debt, as you expect"
    assert named(v, "expected position BTC-C-70000")["detail"] == "-50 BTC-C-70000 contracts, as you expect"
    assert v["positions"] == {"BTC-C-70000": "-50", "BTC-PERP": "0"}
    assert v["balances"]["USDT"] == {"equity": "0", "debt": "60000"}
    code, v = check(args, "--expect-debt", "USDT=50000")
    assert code == 1 and failed(v["account"]["checks"]) == {"expected USDT debt"}
    assert named(v, "expected USDT debt")["detail"] == "the file states 60000 USDT of debt, you expect 50000"


def test_a_short_booked_as_zero_fails_the_traders_check(trader):
    """The operator booked the trader's short perpetual as 0: the file (and the proven leaf)
    say 0, the trader expects -2."""
    att, out, f = trader
    code, v = check([f, "--attestation", out, "--account", "trader-002"], "--expect-position", "BTC-PERP=-2")
    assert code == 1 and "expected position BTC-PERP" in failed(v["account"]["checks"])
    assert named(v, "expected position BTC-PERP")["detail"] == "the file states 0 BTC-PERP contracts, you expect -2"
    r = run("verify-inclusion", f, "--attestation", out, "--account", "trader-002", "--expect-position", "BTC-PERP=x",
            "--fast", DEV)
    assert r.exit_code == 2 and "--expect-position 'BTC-PERP=x'" in r.output
    r = run("verify-inclusion", f, "--attestation", out, "--account", "trader-002", "--expect-position",
            "BTC-PERP=0.00001", "--fast", DEV)
    assert r.exit_code == 2 and "more than the instrument's 4 decimals" in r.output, r.output
    r = run("verify-inclusion", f, "--attestation", out, "--account", "trader-002", "--expect-position",
            "btc-perp=0", "--fast", DEV)
    assert r.exit_code == 2 and "did you mean BTC-PERP?" in r.output


def test_an_attestation_wide_failure_says_the_customers_own_path_is_fine(trader):
    """risk_attested: accounts fall short with no insurance proof, so the attestation is
    INVALID for everyone; trader-002's own account checks all pass."""
    att, out, f = trader
    args = [f, "--attestation", out, "--account", "trader-002", "--expect-debt", "USDT=60000"]
    code, v = check(args)
    assert code == 1 and v["exit_code"] == 1 and v["verdict"] == "INVALID"
    assert v["account"]["ok"] and failed(v["findings"]["checks"]) == {"accounts covered"}
    assert v["summary"] == ("your account is included with the balances you expect; attestation-wide findings FAILED "
                            "(accounts covered): your own path and balances are fine; what failed concerns the "
                            "attestation as a whole")
    r = run("verify-inclusion", *args, "--fast", DEV)
    lines = r.stdout.splitlines()
    mine, wide = lines.index("your account:"), lines.index("attestation-wide findings (the same for every customer):")
    assert mine < wide and all(line.startswith(" ✓") for line in lines[mine + 1:wide]), lines[mine:wide]
    assert any(line.startswith(" ✗ accounts covered") for line in lines[wide:])
    assert "your own path and balances are fine" in r.stdout and "inclusion: INVALID" in r.stdout


def test_a_file_for_another_attestation_says_so(files, tmp_path):
    att, out, d = files
    doc = json.loads((d / "user-00001.json").read_text())
    doc["attestation_hash"] = "00" * 32
    doc["epoch"] = 6
    (tmp_path / "old.json").write_text(json.dumps(doc))
    code, v = check([tmp_path / "old.json", "--attestation", out, "--account", "user-00001"])
    assert code == 1 and failed(v["account"]["checks"]) == {"attestation", "epoch"} and v["findings"]["ok"]
    assert named(v, "attestation")["detail"].startswith("the file is for another attestation ('Test Exchange', epoch 6")
    assert named(v, "epoch")["detail"] == "the file says epoch 6, the attestation is epoch 7"
    r = run("verify-inclusion", tmp_path / "old.json", "--attestation", out, "--account", "user-00001", "--fast", DEV)
    assert "✗ attestation — the file is for another attestation" in r.stdout
    assert "the proof is for this attestation" not in r.stdout and "the file is for this attestation" not in r.stdout


def test_a_tampered_balance_fails_with_its_failure_text(files, tmp_path):
    att, out, d = files
    doc = json.loads((d / "user-00001.json").read_text())
    doc["balances"]["USDT"]["equity"] = str(int(doc["balances"]["USDT"]["equity"].split(".")[0]) + 1)
    (tmp_path / "rich.json").write_text(json.dumps(doc))
    code, v = check([tmp_path / "rich.json", "--attestation", out, "--account", "user-00001"])
    assert code == 1 and "path to batch root" in failed(v["account"]["checks"])
    assert named(v, "path to batch root")["detail"].startswith(
        "the leaf recomputed from id, salt and balances does not reach batch ")


def test_failed_findings_never_print_their_success_text(files, institution, tmp_path):
    """A book root the top proof does not prove, re-signed by the institution."""
    att, out, d = files
    forged = hashing.sign(att.model_copy(update={"top": att.top.model_copy(update={"book_root": "12345"})}),
                          institution.signing_key)
    (tmp_path / "attestation.json").write_text(forged.model_dump_json())
    r = run("verify", tmp_path, "--fast", DEV, "--json")
    top = next(c for c in json.loads(r.stdout)["checks"] if c["name"] == "top proof")
    assert r.exit_code == 1 and not top["ok"]
    assert top["detail"] == "does not verify for this book root, totals commitment and batches digest"


def test_inclusion_export_json_force_and_0600(files, tmp_path):
    att, out, d = files
    target = tmp_path / "mine.json"
    r = run("inclusion", out, "--account", "user-00003", "--out", target, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary == {"account_id": "user-00003", "out": str(target), "institution": "Test Exchange", "epoch": 7,
                       "batch": summary["batch"], "leaf_index": summary["leaf_index"],
                       "attestation_hash": hashing.attestation_hash(att).hex()}
    assert mode(target) == 0o600, "the file holds the customer's salt and balances"
    target.write_text("mine, not to be replaced")
    r = run("inclusion", out, "--account", "user-00004", "--out", target)
    assert r.exit_code == 2 and "exists: give --force to replace it" in r.output
    assert target.read_text() == "mine, not to be replaced"
    r = run("inclusion", out, "--account", "user-00004", "--out", target, "--force")
    assert r.exit_code == 0 and json.loads(target.read_text())["account_id"] == "user-00004"
    assert mode(target) == 0o600
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"


def test_private_outputs_are_0600(attested, risk_attested):
    _, _, out = attested
    _, _, risk_out, _ = risk_attested
    assert mode(out / "private") == 0o700
    assert mode(out / "private" / "inclusion.sqlite") == 0o600
    assert mode(risk_out / "private" / "inclusion.sqlite") == 0o600
    assert mode(risk_out / "private" / "shortfalls.csv") == 0o600
