"""Proving runs as jobs: deterministic, resumable after a crash (between batches and
inside one), a corrupt checkpoint redone, the same attestation from a process pool and
from a Dask cluster — including one whose worker dies in the middle of a batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ACCOUNTS = "account_id,asset,balance\n" + "".join(f"u{i:02d},BTC,{i}.25\nu{i:02d},USDT,{i * 7}\n" for i in range(10))
FIXED = ["--institution", "Job Exchange", "--epoch", "5", "--snapshot-time", "2026-11-21T00:00:00Z",
         "--batch-size", "4"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("job-inputs")
    (d / "accounts.csv").write_text(ACCOUNTS)
    (d / "assets.csv").write_text("symbol,decimals\nBTC,8\nUSDT,6\n")
    (d / "secret").write_text("cd" * 32)
    (d / "key").write_text("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    return d


def solvent(*args, fault: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if fault:
        env["SOLVENT_FAULT"] = fault
    r = subprocess.run([sys.executable, "-m", "solvent.cli", *map(str, args)], capture_output=True, text=True, env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"exit {r.returncode}: {r.stderr[-2000:]}")
    return r


def new_run(inputs, out, *extra, **kw):
    return solvent("prove", "--accounts", inputs / "accounts.csv", "--assets", inputs / "assets.csv", "--out", out,
                   "--secret-file", inputs / "secret", "--signing-key-file", inputs / "key", *FIXED, *extra, **kw)


@pytest.fixture(scope="module")
def reference(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "att"
    new_run(inputs, out)
    return (out / "attestation.json").read_text()


def test_same_inputs_same_attestation(inputs, reference, tmp_path):
    new_run(inputs, tmp_path / "again")
    assert (tmp_path / "again" / "attestation.json").read_text() == reference
    assert not (tmp_path / "again" / ".run").exists()
    att = json.loads(reference)
    assert len(att["batches"]) == 3


@pytest.mark.parametrize("fault, code", [("crash_after_batches=1", 70), ("crash_in_batch=2", 71)])
def test_resume_after_a_crash(inputs, reference, tmp_path, fault, code):
    out = tmp_path / "att"
    r = new_run(inputs, out, fault=fault, check=False)
    assert r.returncode == code, r.stderr
    assert not (out / "attestation.json").exists(), "nothing half-written: no attestation yet"
    done = sorted(p.name for p in (out / ".run" / "proofs").glob("*.json"))
    assert done == (["batch-00000.json"] if code == 70 else ["batch-00000.json", "batch-00001.json"])
    log = tmp_path / "progress.jsonl"
    solvent("prove", "--resume", out, "--progress-log", log)
    assert (out / "attestation.json").read_text() == reference
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert events[0]["stage"] == "start" and events[0]["resume"] is True
    first = next(e for e in events if e["stage"] == "batch")
    assert first["done"] == len(done), "checkpointed batches are not proven again"
    assert any("accounts_per_s" in e and "eta_s" in e for e in events if e["stage"] == "batch")


def test_corrupt_checkpoint_is_redone(inputs, reference, tmp_path):
    out = tmp_path / "att"
    assert new_run(inputs, out, fault="crash_after_batches=2", check=False).returncode == 70
    cp = out / ".run" / "proofs" / "batch-00000.json"
    doc = json.loads(cp.read_text())
    x = doc["body"]["proof"]["pi_a"][0]
    doc["body"]["proof"]["pi_a"][0] = x[:-1] + ("1" if x[-1] != "1" else "2")
    cp.write_text(json.dumps(doc))
    (out / ".run" / "proofs" / "batch-00001.json").write_text('{"body": ')  # torn
    log = tmp_path / "progress.jsonl"
    solvent("prove", "--resume", out, "--progress-log", log)
    assert (out / "attestation.json").read_text() == reference
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(e["stage"] == "discarded" and e["done"] == 2 for e in events)


def test_resume_refuses_changed_inputs(inputs, tmp_path):
    out = tmp_path / "att"
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(ACCOUNTS)
    solvent("prove", "--accounts", accounts, "--assets", inputs / "assets.csv", "--out", out, "--secret-file",
            inputs / "secret", "--signing-key-file", inputs / "key", *FIXED, fault="crash_after_batches=1", check=False)
    accounts.write_text(ACCOUNTS + "u99,BTC,1\n")
    r = solvent("prove", "--resume", out, check=False)
    assert r.returncode == 2 and "changed since the run started" in r.stderr


def test_process_pool_gives_the_same_attestation(inputs, reference, tmp_path):
    new_run(inputs, tmp_path / "pool", "--workers", "2")
    assert (tmp_path / "pool" / "attestation.json").read_text() == reference


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two Dask worker processes on loopback; the second task to reach batch 1 finds its
    worker killed the first time (the nanny restarts it, Dask retries the task)."""
    distributed = pytest.importorskip("distributed")
    marker = tmp_path_factory.mktemp("dask") / "killed"
    os.environ["SOLVENT_FAULT"] = f"worker_exit_in_batch=1:{marker}"
    try:
        lc = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=None, silence_logs=40)
    finally:
        del os.environ["SOLVENT_FAULT"]
    yield lc, marker
    lc.close()


def test_dask_cluster_gives_the_same_attestation_despite_a_dead_worker(inputs, reference, tmp_path, cluster):
    lc, marker = cluster
    new_run(inputs, tmp_path / "dask", "--scheduler", lc.scheduler_address)
    assert marker.exists(), "a worker was killed in the middle of batch 1"
    assert (tmp_path / "dask" / "attestation.json").read_text() == reference
