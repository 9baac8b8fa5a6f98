"""The conventions every command keeps (README, "CLI conventions"): --json on every
command, errors under --json as one JSON object on stdout with the exit code unchanged,
results on stdout and diagnostics on stderr, nothing overwritten without --force,
operator-private files readable by their owner only, Ctrl-C during a run answered with
the command that resumes it, and notes that say what they mean."""

import json
import os
import stat
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from solvent.cli import COMMANDS, main

ACCOUNTS = "account_id,asset,balance\n" + "".join(f"user{i},BTC,{i}.5\n" for i in range(10))
ASSETS = "symbol,decimals\nBTC,8\n"


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("conventions")
    (d / "accounts.csv").write_text(ACCOUNTS)
    (d / "assets.csv").write_text(ASSETS)
    (d / "secret").write_text("ef" * 32)
    (d / "key").write_text("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    r = run("setup", "--assets", d / "assets.csv", "--batch-size", 4, "--capacity", 4, "--out", d / "keys")
    assert r.exit_code == 0, r.output
    return d


@pytest.fixture(scope="module")
def proven(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("att") / "a"
    r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
            "--keys", files / "keys", "--epoch", 5)
    assert r.exit_code == 0, r.output
    return out, r


def _leaf_commands(group: click.Group, ctx: click.Context, prefix: tuple[str, ...] = ()):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _leaf_commands(cmd, ctx, (*prefix, name))
        else:
            yield (*prefix, name), cmd


def test_every_command_has_json():
    with click.Context(main) as ctx:
        commands = dict(_leaf_commands(main, ctx))
    assert {c[0] for c in commands} == set(COMMANDS)
    missing = [" ".join(name) for name, cmd in commands.items()
               if "--json" not in {o for p in cmd.params for o in p.opts}]
    assert not missing, f"commands without --json: {missing}"


def _error(r, code, kind=None):
    assert r.exit_code == code, r.output
    doc = json.loads(r.stdout)
    assert set(doc) == {"error"} and doc["error"]["exit_code"] == code, doc
    if kind is not None:
        assert doc["error"]["type"] == kind, doc
    return doc["error"]["message"]


def test_errors_under_json_are_a_json_object_on_stdout(files, tmp_path):
    # click's own parsing: a path that does not exist, an unknown option
    assert "does not exist" in _error(run("verify", tmp_path / "nowhere", "--json"), 2, "usage")
    assert "--frobnicate" in _error(run("verify", tmp_path, "--frobnicate", "--json"), 2, "usage")
    # a usage error the command raises, and bad input it reads
    assert "--resume" in _error(run("prove", "--json"), 2, "usage")
    (tmp_path / "attestation.json").write_text("{not json")
    assert "attestation.json" in _error(run("verify", tmp_path, "--json"), 2, "input")
    # commands with their own error paths
    assert "no such file" in _error(run("export-verifier", tmp_path / "x", "--out", tmp_path / "v.sol", "--json"), 2)
    assert _error(run("export-web", tmp_path, "--out", tmp_path / "site", "--json"), 2, "input")
    # without --json: the same exit code, text on stderr, nothing on stdout
    r = run("verify", tmp_path, "--fast")
    assert r.exit_code == 2 and r.stdout == "" and "error:" in r.stderr


def test_results_on_stdout_diagnostics_on_stderr(files, proven):
    out, proved = proven
    assert "proved 10 accounts" in proved.stdout and "INSECURE" in proved.stderr
    assert "INSECURE" not in proved.stdout
    r = run("verify", out, "--fast", "--allow-insecure-keys")
    assert r.exit_code == 0
    assert "VALID" in r.stdout and "✓ signature" in r.stdout and "batch key" in r.stdout, r.stdout
    r = run("prices", "message", "--asset", "BTC", "--price", "1", "--quote", "USD",
            "--timestamp", "2026-11-21T00:00:00Z", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["message"].startswith("solvent")


def test_setup_does_not_overwrite_keys_without_force(files, tmp_path):
    keys = tmp_path / "keys"
    args = ("setup", "--assets", files / "assets.csv", "--batch-size", 4, "--capacity", 4, "--out", keys)
    assert run(*args).exit_code == 0
    before = {p.name: p.stat().st_mtime_ns for p in keys.iterdir()}
    message = _error(run(*args, "--json"), 2, "input")
    assert "shape.json" in message and "liabilities_batch.pk" in message and "--force" in message
    assert {p.name: p.stat().st_mtime_ns for p in keys.iterdir()} == before, "nothing touched"
    assert run(*args, "--force").exit_code == 0
    assert run(*args[:-1], tmp_path / "c", "--circuits-only").exit_code == 0
    assert "liabilities_top.ir" in run(*args[:-1], tmp_path / "c", "--circuits-only").stderr


def test_export_verifier_does_not_overwrite_without_force(proven, tmp_path):
    out, _ = proven
    sol = tmp_path / "V.sol"
    sol.write_text("mine")
    r = run("export-verifier", out, "--out", sol)
    assert r.exit_code == 2 and "--force" in r.stderr and sol.read_text() == "mine"
    assert run("export-verifier", out, "--out", sol, "--force").exit_code == 0
    assert "contract Groth16Verifier" in sol.read_text()


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_private_outputs_are_owner_only(files, tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "att"
        r = run("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
                "--keys", files / "keys", "--epoch", 6)
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    private = out / "private"
    assert _mode(private) == 0o700
    mine = {"README", "institution.secret", "signing.key"}
    assert mine <= {p.name for p in private.iterdir()}
    for name in mine:
        assert _mode(private / name) & 0o077 == 0, name


def test_notes_say_what_they_mean(files, proven):
    _, proved = proven
    assert "no signing key was given (--signing-key-file or $SOLVENT_SIGNING_KEY)" in proved.stderr
    assert "no institution secret was given" in proved.stderr
    assert "these keys come from an INSECURE" in proved.stderr
    assert "no signing given" not in proved.stderr and "keys uses" not in proved.stderr


def _solvent(*args, env=None):
    return subprocess.run([sys.executable, "-m", "solvent.cli", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def test_ctrl_c_during_prove_says_how_to_resume(files, tmp_path):
    """SIGINT after the first checkpoint (the jobs layer's failpoint sends it): exit 130,
    the exact --resume command; the resumed run says what it reused."""
    out = tmp_path / "run dir"
    r = _solvent("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
                 "--keys", files / "keys", "--epoch", 9, "--secret-file", files / "secret",
                 "--signing-key-file", files / "key", "--threads", 1,
                 env={"SOLVENT_FAULT": "interrupt_after_batches=1"})
    assert r.returncode == 130, r.stderr
    command = f"solvent prove --resume '{out}' --threads 1"
    assert "interrupted: 1 batch proof(s) are checkpointed" in r.stderr and command in r.stderr, r.stderr
    assert "Aborted!" not in r.stderr
    checkpoint = next((out / ".run" / "proofs").glob("batch-*.json"))
    assert _mode(checkpoint) & 0o077 == 0 and _mode(out / ".run") == 0o700

    r = _solvent("prove", "--resume", out, "--threads", 1, "--json")
    assert r.returncode == 0, r.stderr
    assert "reused 1 of 3 batch proofs from the checkpoint, 2 left to prove" in r.stderr, r.stderr
    assert json.loads(r.stdout)["batches_reused"] == 1


def test_ctrl_c_under_json_is_an_error_object_with_the_resume_command(files, tmp_path):
    out = tmp_path / "run"
    r = _solvent("prove", "--accounts", files / "accounts.csv", "--assets", files / "assets.csv", "--out", out,
                 "--keys", files / "keys", "--epoch", 9, "--json", env={"SOLVENT_FAULT": "interrupt_after_batches=2"})
    assert r.returncode == 130, r.stderr
    error = json.loads(r.stdout)["error"]
    assert error["type"] == "interrupted" and error["exit_code"] == 130
    assert error["resume"] == f"solvent prove --resume {out} --json" and error["batches_checkpointed"] == 2


def test_a_failed_check_does_not_print_its_success_text(proven, tmp_path):
    out, _ = proven
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(out, bad)
    att = json.loads((bad / "attestation.json").read_text())
    att["top"]["batches_digest"] = "1"
    (bad / "attestation.json").write_text(json.dumps(att))
    r = run("verify", bad, "--fast", "--allow-insecure-keys")
    assert r.exit_code == 1
    assert "✗ batches digest — the stated digest is not that of every listed batch" in r.stdout, r.stdout
    assert "— every batch, once, in order" not in r.stdout
    assert "not by the signer the statement names" in r.stdout, r.stdout


def test_ceremony_and_circom_outputs_are_not_overwritten_without_force(tmp_path):
    """Refused before any input is read: the existing file stays as it was."""
    dummy = tmp_path / "dummy"
    dummy.write_text("not read")
    kept = tmp_path / "kept.ph2"
    kept.write_text("mine")
    for args in (("ceremony", "init", "c.r1cs", "--ptau", dummy, "--out", kept),
                 ("ceremony", "contribute", dummy, "--out", kept, "--name", "x", "--no-prompt")):
        message = _error(run(*args, "--json"), 2, "input")
        assert str(kept) in message and "--force" in message
    assert kept.read_text() == "mine"
    keydir = tmp_path / "kd"
    keydir.mkdir()
    (keydir / "circuit.pk").write_text("mine")
    assert "circuit.pk" in _error(run("circom", "setup", dummy, "--zkey", dummy, "--out", keydir, "--json"), 2)
    proof = tmp_path / "proof"
    proof.mkdir()
    (proof / "proof.json").write_text("mine")
    assert "proof.json" in _error(run("circom", "prove", keydir, dummy, "--out", proof, "--json"), 2)
    assert (keydir / "circuit.pk").read_text() == "mine" and (proof / "proof.json").read_text() == "mine"


def test_a_bug_under_json_still_answers_with_an_error_object(tmp_path, monkeypatch):
    import solvent.cli.verify as verify_cli

    def boom(_):
        raise RuntimeError("boom")

    monkeypatch.setattr(verify_cli, "load", boom)
    r = run("verify", tmp_path, "--json")
    assert "RuntimeError: boom" in _error(r, 1, "internal")
    assert "Traceback" in r.stderr
