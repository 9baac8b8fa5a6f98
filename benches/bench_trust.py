"""Key-trust bench (issue 11): what trusting an attestation's keys costs the verifier.

For the demo's book shape (2,500 accounts, 4 assets, batch 256 → capacity 16) it prints:

1. recompiling the shape's circuits with the pure-Python DSL, cold (empty circuit cache)
   and warm (the disk cache) — every trust decision starts from this;
2. the trust decision of every circuit from pinned keys / a trust store (pure Python:
   recompile, hash the attestation's keys, match);
3. the ceremony trust check per circuit: its phase-2 transcript re-verified from a ptau
   against the recompiled circuit (native; there is no pure-Python ceremony verifier) —
   the one-time cost the trust store saves. The ptau is the INSECURE test writer's (the
   cost does not depend on who knows τ);
4. `verify` of a demo attestation with a warm trust store (pure Python and native), next
   to the same verification with --allow-insecure-keys, and the trust step's share (each
   in a fresh process, so the keys' parsing is counted once, where it happens).

    python benches/bench_trust.py                         # the demo shape (minutes: the 2^18 ceremony)
    python benches/bench_trust.py --accounts 64 --batch-size 16   # a quick pass
    python benches/bench_trust.py --skip-ceremony         # without step 3
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from solvent.attestation.proofs import PYTHON_PROOFS
from solvent.backend import NATIVE_PROOFS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benches._util import in_subprocess, table  # noqa: E402


def compile_shape(n_assets: int, batch_size: int, capacity: int) -> dict:
    """Recompile the shape's circuits in this (fresh) process; seconds and IR sizes."""
    from solvent.circuits.compile import compile_circuits
    from solvent.circuits.shape import BookShape

    t = time.perf_counter()
    c = compile_circuits(BookShape(n_assets=n_assets, batch_size=batch_size, capacity=capacity))
    return {"seconds": round(time.perf_counter() - t, 2), "circuits": {r: len(x.ir) for r, x in c.items()}}


def decide(att_dir: str, store: str) -> dict:
    """The pinned / trust-store path alone, as a verifier runs it: pure Python."""
    from solvent.attestation.trust import assess
    from solvent.attestation.trust_files import TrustStore
    from solvent.attestation.verify import load

    t = time.perf_counter()
    keys = assess(load(Path(att_dir)), TrustStore(Path(store)).evidence())
    return {"seconds": round(time.perf_counter() - t, 2), "trusted": sum(k.trusted for k in keys)}


def verify_once(att_dir: str, store: str, fast: bool, mode: str) -> dict:
    """One verification as the CLI runs it: load, gather the evidence, verify."""
    from solvent.attestation.trust import assess
    from solvent.attestation.verify import load, verify
    from solvent.cli.trust import TrustOptions, gather

    t = time.perf_counter()
    att = load(Path(att_dir))
    if mode == "store":
        t1 = time.perf_counter()
        evidence = gather(att, TrustOptions(trust_store=Path(store)))
        assess(att, evidence)  # what verify's trust step does; the parsed keys are then reused
        trust_s = time.perf_counter() - t1
        report = verify(att, proof_checker=NATIVE_PROOFS if fast else PYTHON_PROOFS, trust_evidence=evidence)
    else:
        trust_s = 0.0
        report = verify(att, proof_checker=NATIVE_PROOFS if fast else PYTHON_PROOFS, allow_insecure_keys=True)
    return {"seconds": round(time.perf_counter() - t, 2), "trust_seconds": round(trust_s, 2),
            "verdict": report.verdict}


def _demo_book(accounts: int, n_assets: int):
    import random

    from solvent.inputs.accounts import AccountBook
    from solvent.inputs.assets import Asset

    assets = [Asset(s, d) for s, d in (("BTC", 8), ("ETH", 9), ("USDT", 6), ("SOL", 9), ("XRP", 6), ("ADA", 6),
                                       ("DOT", 10), ("TRX", 6))[:n_assets]]
    rnd = random.Random(7)
    book = AccountBook(assets=assets)
    for i in range(accounts):
        book.add_account(f"customer-{i:06d}", [rnd.randrange(0, 10**10) for _ in assets])
    return book


def ceremony_checks(shape, work: Path) -> list[dict]:
    """One contribution per circuit, then each circuit's trust check timed alone."""
    from solvent import _native
    from solvent.backend import ceremony as cer
    from solvent.circuits.compile import compile_circuits

    compiled = compile_circuits(shape)
    domains = {r: cer.circuit_of(c).domain_size for r, c in compiled.items()}
    power = max(domains.values()).bit_length() - 1
    ptau = work / f"bench-{power}.ptau"
    t = time.perf_counter()
    _native.ptau_write_insecure_for_tests(ptau, power, b"bench_trust (INSECURE test ptau)", lagrange=True)
    print(f"  (test ptau 2^{power} written in {time.perf_counter() - t:.1f} s)", flush=True)
    rows = []
    for role, c in compiled.items():
        t = time.perf_counter()
        cer.init(cer.circuit_of(c), ptau, work / f"{c.name}-0.ph2")
        cer.contribute(work / f"{c.name}-0.ph2", work / f"{c.name}.ph2", "bench")
        made = time.perf_counter() - t
        t = time.perf_counter()
        checks, refusals = cer.check_circuits(work, ptau, {role: c})
        seconds = time.perf_counter() - t
        assert checks and not refusals, refusals
        rows.append({"role": role, "circuit": c.name, "domain": f"2^{domains[role].bit_length() - 1}",
                     "made": f"{made:.1f} s", "check": f"{seconds:.1f} s"})
        print(f"  {role}: init + contribution {made:.1f} s, trust check {seconds:.1f} s", flush=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=2500)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--assets", type=int, default=4)
    ap.add_argument("--skip-ceremony", action="store_true")
    a = ap.parse_args()

    from solvent.pipeline.jobs.state import capacity_for

    capacity = capacity_for(-(-a.accounts // a.batch_size))
    print(f"shape: {a.assets} assets, batch {a.batch_size}, capacity {capacity} ({a.accounts:,} accounts)\n")

    # 1. recompiling, cold and warm, each in a fresh process
    cache = tempfile.mkdtemp(prefix="bench-trust-cache-")
    os.environ["SOLVENT_CACHE_DIR"] = cache
    cold = in_subprocess("bench_trust", "compile_shape", n_assets=a.assets, batch_size=a.batch_size, capacity=capacity)
    warm = in_subprocess("bench_trust", "compile_shape", n_assets=a.assets, batch_size=a.batch_size, capacity=capacity)
    print(table([{"what": "recompile the circuits, cold (empty cache)", "s": cold["seconds"]},
                 {"what": "recompile the circuits, warm (disk cache)", "s": warm["seconds"]}],
                [("what", "pure Python"), ("s", "seconds")]), "\n", flush=True)

    import warnings

    from solvent.attestation.trust import TrustEvidence, assess
    from solvent.attestation.trust_files import TrustStore, store_entry
    from solvent.backend import Groth16
    from solvent.circuits.shape import BookShape
    from solvent.pipeline.jobs.state import dev_keys
    from solvent.pipeline.prove import prove_book
    from solvent.pipeline.statement import Institution, ProveOptions

    shape = BookShape(n_assets=a.assets, batch_size=a.batch_size, capacity=capacity)
    work = Path(tempfile.mkdtemp(prefix="bench-trust-"))
    rows = []
    if not a.skip_ceremony:
        print("3. ceremony trust checks (native), per circuit:", flush=True)
        (work / "ceremony").mkdir()
        rows = ceremony_checks(shape, work / "ceremony")
        print(table(rows, [("role", "circuit"), ("circuit", "name"), ("domain", "domain"),
                           ("made", "init + 1 contribution"), ("check", "trust check (re-verify)")]), "\n", flush=True)

    # 4. a demo attestation, its keys in a warm trust store (entries as a ceremony check records them)
    backend = Groth16()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk, _ = dev_keys(shape, backend)
        att = prove_book(_demo_book(a.accounts, a.assets), sk, Institution("Bench Exchange", b"\x07" * 32, b"\x08" * 32),
                         ProveOptions(epoch=1, snapshot_time="2026-11-21T00:00:00Z"), work / "att", backend)
    store = TrustStore(work / "trust.json")
    store.add([store_entry(k.name, k.ir_hash, k.vk_hash, "ab" * 32, "cd" * 32, ["bench"], 0, att.statement.shape)
               for k in assess(att, TrustEvidence())])
    fresh = in_subprocess("bench_trust", "decide", att_dir=str(work / "att"), store=str(store.path))
    print(table([{"what": "load the attestation, read the store, recompile (warm cache), hash keys, decide",
                  "s": fresh["seconds"], "n": fresh["trusted"]}],
                [("what", "2. trust decision, fresh process (pure Python)"), ("s", "seconds"),
                 ("n", "keys trusted")]), "\n", flush=True)
    out = []
    for fast in (False, True):
        runs = {mode: in_subprocess("bench_trust", "verify_once", att_dir=str(work / "att"), store=str(store.path),
                                    proof_checker=NATIVE_PROOFS if fast else PYTHON_PROOFS, mode=mode) for mode in ("store", "insecure")}
        assert runs["store"]["verdict"] == "VALID" and runs["insecure"]["verdict"] == "VALID — UNTRUSTED KEYS"
        out.append({"verifier": "native (--fast)" if fast else "pure Python", "warm": runs["store"]["seconds"],
                    "insecure": runs["insecure"]["seconds"], "step": runs["store"]["trust_seconds"]})
    print(f"4. verify an attestation of {len(att.batches)} batches (each in a fresh process, as `solvent verify`):")
    print(table(out, [("verifier", "verifier"), ("warm", "load + verify, warm trust store (s)"),
                      ("insecure", "load + verify, --allow-insecure-keys (s)"),
                      ("step", "of which: read the store, parse and hash the keys, decide (s)")]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
