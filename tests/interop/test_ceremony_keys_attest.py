"""Keys from solvent's own ceremony serve `solvent prove`: one ceremony per circuit of a
book shape, finalized into one keys directory; the attestation names the transcripts
and carries no insecure-setup warning, and verifies as VALID once the verifier has
re-verified those transcripts itself (never on the attestation's labels)."""

import json

import pytest
from click.testing import CliRunner

from solvent.cli import main
from tests.harness import node

ACCOUNTS = "account_id,asset,balance\n" + "".join(f"c{i},BTC,{i}.5\nc{i},USDT,{i * 3}\n" for i in range(6))


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


@pytest.fixture(scope="module")
def ceremony_keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("ceremony-keys")
    (d / "assets.csv").write_text("symbol,decimals\nBTC,8\nUSDT,6\n")
    ptau = node.make_ptau(12, d / "pot12.ptau", prepare=False)
    keys = d / "keys"
    out = json.loads(run("setup", "--assets", d / "assets.csv", "--batch-size", 4, "--capacity", 2,
                         "--out", keys, "--circuits-only", "--json").stdout)
    assert not list(keys.glob("*.pk")), "--circuits-only makes no key"
    for c in out["circuits"].values():
        s = d / c["name"]
        run("ceremony", "init", c["ir"], "--ptau", ptau, "--out", f"{s}-0.ph2")
        run("ceremony", "contribute", f"{s}-0.ph2", "--out", f"{s}-1.ph2", "--name", "alice", "--no-prompt")
        run("ceremony", "contribute", f"{s}-1.ph2", "--out", f"{s}-2.ph2", "--name", "bob", "--no-prompt")
        run("ceremony", "finalize", f"{s}-2.ph2", "--out", keys, "--beacon", "ab" * 32)
    return d, keys, ptau, out["circuits"]


def test_ceremony_keys_prove_an_attestation(ceremony_keys, tmp_path):
    d, keys, ptau, circuits = ceremony_keys
    (tmp_path / "accounts.csv").write_text(ACCOUNTS)
    att_dir = tmp_path / "att"
    r = CliRunner().invoke(main, [str(x) for x in (
        "prove", "--accounts", tmp_path / "accounts.csv", "--assets", d / "assets.csv", "--keys", keys,
        "--out", att_dir, "--epoch", 1, "--json")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "INSECURE" not in r.output
    att = json.loads((att_dir / "attestation.json").read_text())
    for ref in att["statement"]["circuits"]:
        assert ref["setup"] == "ceremony" and len(ref["transcript_hash"]) == 64
    # the attestation's own "ceremony" labels do not make its keys trusted …
    r = CliRunner().invoke(main, ["verify", str(att_dir), "--fast", "--json", "--trust-store", str(tmp_path / "s.json")])
    assert r.exit_code == 3 and json.loads(r.stdout)["keys_trusted"] is False
    # … re-verifying the transcripts from the ptau against the recompiled circuits does
    v = json.loads(run("verify", att_dir, "--json", "--ceremony", keys, "--ptau", ptau,
                       "--trust-store", tmp_path / "s.json").stdout)
    assert v["valid"] and v["keys_trusted"] and v["warnings"] == []
    assert [k["evidence"] for k in v["keys"]] == ["ceremony", "ceremony"]
    # anyone re-checks a circuit's transcript from the ptau to the key the attestation used
    batch = circuits["batch"]["name"]
    run("ceremony", "verify", keys / f"{batch}.ph2", "--ptau", ptau, "--circuit", keys / f"{batch}.ir",
        "--key", keys / f"{batch}.pk")
