"""Proving-core bench (issue 2): circuits of 2^14 … 2^18 constraints.

Prints compile, witness, setup, prove and verify times (native and pure Python), proof
size and peak memory. Each size runs in a fresh process so its peak RSS is its own.

    python benches/bench_core.py [--max-log 18] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benches._util import in_subprocess, table  # noqa: E402


def synthetic(cs, n_range: int, n_hash: int) -> None:
    """Half range checks (64-bit, the bulk of a liabilities leaf), half Poseidon(2)."""
    xs = cs.private_input("xs", (max(n_range, n_hash),))
    for i in range(n_range):
        cs.range_check(xs[i], 64)
    h = cs.private_input("seed")
    for i in range(n_hash):
        h = cs.poseidon([h, xs[i]])
    cs.public_output("digest", h)


def measure(log_size: int, threads: int | None) -> dict:
    import random

    from solvent import verifier as pyv
    from solvent.backend import Groth16
    from solvent.dsl import build

    target = 1 << log_size
    n_hash = target // 2 // 240
    n_range = (target - n_hash * 240) // 65
    t = time.perf_counter()
    compiled = build(synthetic, f"bench_core_{log_size}", use_disk=False, n_range=n_range, n_hash=n_hash)
    backend = Groth16(threads=threads)
    native = backend.circuit(compiled)
    t_compile = time.perf_counter() - t
    rnd = random.Random(1)
    inputs = {"xs": [rnd.randrange(2**64) for _ in range(max(n_range, n_hash))], "seed": 7}
    t = time.perf_counter()
    keys = backend.setup_dev_insecure(compiled)
    t_setup = time.perf_counter() - t
    t = time.perf_counter()
    w = backend.witness(compiled, inputs)
    t_witness = time.perf_counter() - t
    t = time.perf_counter()
    res = backend.prove(keys, compiled, w, check=False)
    t_prove = time.perf_counter() - t
    t = time.perf_counter()
    assert backend.verify_native(keys.vk_json, res.public, res.proof)
    t_vn = time.perf_counter() - t
    vk = pyv.VerifyingKey.from_snarkjs(keys.vk_json)
    t = time.perf_counter()
    assert pyv.verify(vk, res.public, pyv.Proof.from_snarkjs(res.proof))
    t_vp = time.perf_counter() - t
    return {
        "log2": log_size, "constraints": native.num_constraints, "compile_s": round(t_compile, 2),
        "witness_s": round(t_witness, 3), "setup_s": round(t_setup, 2), "prove_s": round(t_prove, 2),
        "us_per_constraint": round(t_prove / native.num_constraints * 1e6, 1),
        "verify_native_ms": round(t_vn * 1e3, 1), "verify_python_s": round(t_vp, 2),
        "proof_bytes_json": len(json.dumps(res.proof)), "proof_bytes_raw": 256,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-log", type=int, default=14)
    ap.add_argument("--max-log", type=int, default=18)
    ap.add_argument("--threads", type=int)
    a = ap.parse_args()
    rows = [in_subprocess("bench_core", "measure", log_size=k, threads=a.threads) for k in range(a.min_log, a.max_log + 1)]
    print(table(rows, [("log2", "size"), ("constraints", "constraints"), ("compile_s", "compile s"),
                       ("witness_s", "witness s"), ("setup_s", "setup s"), ("prove_s", "prove s"),
                       ("us_per_constraint", "µs/constraint"), ("verify_native_ms", "verify native ms"),
                       ("verify_python_s", "verify py s"), ("proof_bytes_json", "proof JSON B"),
                       ("proof_bytes_raw", "proof B (raw a,b,c)"), ("peak_rss_mb", "peak RSS MB")]))


if __name__ == "__main__":
    main()
