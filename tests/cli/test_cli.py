"""The command line: shapes scripts rely on, exit codes (0 valid, 1 invalid, 2 usage or
input error, 3 untrusted keys), --json output, and nothing half-written on bad input."""

import json

import pytest
from click.testing import CliRunner

from solvent.cli import main

ACCOUNTS = "account_id,asset,balance\n" + "".join(f"user{i},BTC,{i}.5\nuser{i},USDT,{i * 100}\n" for i in range(6))
ASSETS = "symbol,decimals\nBTC,8\nUSDT,6\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    (d / "accounts.csv").write_text(ACCOUNTS)
    (d / "assets.csv").write_text(ASSETS)
    (d / "secret").write_text("ab" * 32)
    (d / "key").write_text("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    return d


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def proven(files, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    r = run("setup", "--assets", files / "assets.csv", "--batch-size", 4, "--capacity", 4, "--out", keys, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["setup"] == "dev-insecure"
    out = tmp_path_factory.mktemp("att") / "a"
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
            "--keys", keys, "--secret-file", files / "secret", "--signing-key-file", files / "key",
            "--institution", "CLI Exchange", "--epoch", 3, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["accounts"] == 6 and summary["batches"] == 2 and summary["epoch"] == 3
    return out, keys


def test_every_command_has_help_with_an_example():
    for cmd in ("demo", "setup", "prove", "verify", "inclusion", "verify-inclusion", "report", "keys trust",
                "keys list", "keys pin"):
        r = run(*cmd.split(), "--help")
        assert r.exit_code == 0 and "Example:" in r.output, cmd


def test_verify_json_and_exit_codes(proven):
    out, _ = proven
    r = run("verify", out, "--json", "--allow-insecure-keys")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["valid"] and report["batches"] == 2 and report["keys_trusted"] is False
    assert report["verdict"] == "VALID — UNTRUSTED KEYS"
    assert run("verify", out, "--fast", "--epoch", 4, "--allow-insecure-keys").exit_code == 1, \
        "a replayed (older) epoch is invalid"


def test_development_keys_without_the_switch_exit_3(proven):
    """Every check passes but no evidence vouches for the dev keys: not VALID, exit 3,
    and the headline says why."""
    out, _ = proven
    r = run("verify", out, "--fast")
    assert r.exit_code == 3, r.output
    assert "NOT VALID: the proofs cannot be trusted because their keys are unverified" in r.output
    assert "batch key (liabilities_batch" in r.output and "NOT TRUSTED" in r.output
    report = json.loads(run("verify", out, "--fast", "--json").stdout)
    assert not report["valid"] and report["keys_trusted"] is False
    assert [k["evidence"] for k in report["keys"]] == ["none", "none"]
    r = run("verify", out, "--fast", "--allow-insecure-keys")
    assert r.exit_code == 0 and "UNTRUSTED KEYS" in r.output


def test_verify_tampered_attestation_exits_1(proven, tmp_path):
    out, _ = proven
    att = json.loads((out / "attestation.json").read_text())
    att["top"]["book_root"] = "42"
    (tmp_path / "attestation.json").write_text(json.dumps(att))
    assert run("verify", tmp_path, "--fast").exit_code == 1


def test_verify_malformed_attestation_exits_2(tmp_path):
    (tmp_path / "attestation.json").write_text('{"version": "solvent.attestation/1"}')
    r = run("verify", tmp_path)
    assert r.exit_code == 2 and "attestation.json" in r.output


def test_inclusion_round_trip(proven, tmp_path):
    out, _ = proven
    proof = tmp_path / "user3.json"
    assert run("inclusion", out, "--account", "user3", "--out", proof).exit_code == 0
    r = run("verify-inclusion", proof, "--attestation", out, "--account", "user3", "--expect", "BTC=3.5", "--expect", "USDT=300", "--json",
            "--allow-insecure-keys")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["balances"]["BTC"]["equity"] == "3.5"
    assert json.loads(r.stdout)["keys_trusted"] is False
    assert run("verify-inclusion", proof, "--attestation", out, "--account", "user3", "--expect", "BTC=4", "--fast").exit_code == 1
    assert run("verify-inclusion", proof, "--attestation", out, "--account", "user3", "--fast").exit_code == 3, "untrusted keys"
    assert run("inclusion", out, "--account", "nobody", "--out", tmp_path / "x.json").exit_code == 2
    assert not (tmp_path / "x.json").exists()


def test_bad_input_exits_2_and_writes_nothing(files, proven, tmp_path):
    _, keys = proven
    bad = tmp_path / "bad.csv"
    bad.write_text("account_id,asset,balance\nuser1,BTC,1\nuser2,BTC,-3\n")
    out = tmp_path / "never"
    r = run("prove", "--accounts", bad, "--assets", files / "assets.csv", "--out", out, "--keys", keys)
    assert r.exit_code == 2
    assert "bad.csv, row 3, field 'balance': negative amount" in r.output
    assert not out.exists() and not list(tmp_path.glob(".never*"))


def test_prove_refuses_a_non_empty_output(files, proven):
    out, keys = proven
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out, "--keys", keys)
    assert r.exit_code == 2 and "not empty" in r.output
    assert run("verify", out, "--fast", "--allow-insecure-keys").exit_code == 0, "the existing attestation is untouched"


def test_prove_with_only_the_required_options(files, tmp_path):
    """`solvent prove --accounts FILE --assets FILE --out DIR` works alone: dev keys,
    a generated secret and signing key kept in the private directory."""
    out = tmp_path / "minimal"
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
            "--batch-size", 4)
    assert r.exit_code == 0, r.output
    assert (out / "private" / "institution.secret").exists() and (out / "private" / "signing.key").exists()
    assert run("verify", out, "--fast", "--allow-insecure-keys").exit_code == 0
