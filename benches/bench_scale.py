"""Scale bench (issue 8): a book of N accounts × A assets through the whole pipeline.

    python benches/bench_scale.py --accounts 1000000 --assets 8 --batch-size 1024 --sample-batches 2

Measured at full scale: reading the accounts file (CSV, streamed through pyarrow into
the native store), laying out the book (tags, sort, every batch tree), the top proof
(with its keys), and writing the operator's inclusion database. Batch proofs are
measured on ``--sample-batches`` batches and projected to all of them (a 10^6-account
book is hours of proving on 2 cores); the output says which figures are projections.
Peak RSS is this process's.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOLVENT_CACHE_DIR", str(ROOT / "out" / "bench-cache"))
SYMBOLS = ["BTC", "ETH", "USDT", "SOL", "XRP", "DOGE", "ADA", "TRX"]


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def write_book(path: Path, n: int, assets: int) -> None:
    rnd = random.Random(5)
    with open(path, "w") as f:
        f.write("account_id,asset,balance\n")
        for i in range(n):
            aid = f"acct-{i:09d}"
            f.write("".join(f"{aid},{s},{rnd.getrandbits(36)}.{rnd.randrange(10**8):08d}\n" for s in SYMBOLS[:assets]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--assets", type=int, default=8)
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--sample-batches", type=int, default=2)
    ap.add_argument("--skip-top", action="store_true")
    ap.add_argument("--cluster-workers", type=int, default=32)
    ap.add_argument("--cluster-cores", type=int, default=16)
    a = ap.parse_args()
    warnings.simplefilter("ignore")

    from solvent import _native
    from solvent.backend import Groth16
    from solvent.backend.groth16 import proof_seed
    from solvent.circuits.shape import BookShape
    from solvent.formulas import book as spec
    from solvent.inputs.accounts import read_accounts
    from solvent.inputs.assets import Asset
    from solvent.pipeline import inclusion_db, top_tree
    from solvent.pipeline.jobs.state import capacity_for, dev_keys
    from solvent.pipeline.layout import batch_inputs, lay_out, top_inputs

    work = Path(tempfile.mkdtemp(prefix="solvent-scale-"))
    cores = os.cpu_count() or 1
    t = {}
    s0 = time.perf_counter()
    write_book(work / "accounts.csv", a.accounts, a.assets)
    t["generate"] = time.perf_counter() - s0
    size_mb = (work / "accounts.csv").stat().st_size / 1e6

    s0 = time.perf_counter()
    book = read_accounts(work / "accounts.csv", [Asset(s, 8) for s in SYMBOLS[:a.assets]])
    t["read"] = time.perf_counter() - s0
    rss_read = rss_mb()

    n_batches = -(-book.size // a.batch_size)
    shape = BookShape(n_assets=a.assets, batch_size=a.batch_size, capacity=capacity_for(n_batches))
    secret = os.urandom(32)
    s0 = time.perf_counter()
    layout = lay_out(book, shape, secret, 1)
    t["layout"] = time.perf_counter() - s0
    rss_layout = rss_mb()

    backend = Groth16()
    s0 = time.perf_counter()
    sk, _ = dev_keys(shape, backend)
    t["keys (dev setup, once per shape)"] = time.perf_counter() - s0
    context = 12345
    batch_c = sk.circuits["batch"]
    wit, prv = [], []
    for b in random.Random(1).sample(range(n_batches), min(a.sample_batches, n_batches)):
        s0 = time.perf_counter()
        w = backend.witness(batch_c, batch_inputs(layout, book, b, context))
        wit.append(time.perf_counter() - s0)
        s0 = time.perf_counter()
        backend.prove(sk.keys["batch"], batch_c, w, check=False, seed=proof_seed(secret, batch_c, w))
        prv.append(time.perf_counter() - s0)
    per_witness, per_prove = sum(wit) / len(wit), sum(prv) / len(prv)
    t["witness (projected)"] = per_witness * n_batches
    t["batch proofs (projected)"] = per_prove * n_batches

    if not a.skip_top:
        top_c = sk.circuits["top"]
        s0 = time.perf_counter()
        w = backend.witness(top_c, top_inputs(layout, secret, context))
        backend.prove(sk.keys["top"], top_c, w, check=False)
        t["top proof"] = time.perf_counter() - s0

    s0 = time.perf_counter()
    blinds = _native.top_node_blinds(secret, 1, spec.arities(shape.capacity), shape.capacity)
    tt = top_tree.build([layout.tree.root(b) for b in range(n_batches)], [layout.tree.lanes(b) for b in range(n_batches)],
                        shape.capacity, blinds)
    inclusion_db.write(work / "inclusion.sqlite", book, layout, tt, {"attestation_hash": "bench"})
    t["write (inclusion db)"] = time.perf_counter() - s0
    db_mb = (work / "inclusion.sqlite").stat().st_size / 1e6

    total = sum(v for k, v in t.items() if k not in ("generate", "keys (dev setup, once per shape)"))
    batch_constraints = backend.circuit(batch_c).num_constraints
    print(f"book: {book.size:,} accounts × {a.assets} assets ({size_mb:,.0f} MB CSV, {book.size * a.assets:,} rows); "
          f"{n_batches} batches of {a.batch_size} ({batch_constraints:,} constraints each), top capacity "
          f"{shape.capacity}; {cores} cores")
    print("\nstage | seconds | note")
    print("--- | --- | ---")
    for k, v in t.items():
        note = f"{len(prv)} batches measured: {per_witness:.3f} s witness + {per_prove:.1f} s proof each" \
            if "projected" in k else ""
        print(f"{k} | {v:,.1f} | {note}")
    print(f"**end to end (without generating and keys)** | {total:,.0f} | {total / 3600:.1f} h")
    print(f"\ncore-seconds per account: {total * cores / book.size:.3f} "
          f"(proving {per_prove * cores / a.batch_size:.3f}, everything else "
          f"{(total - t['batch proofs (projected)']) * cores / book.size:.4f})")
    print(f"peak RSS: {rss_mb():,.0f} MB (after reading {rss_read:,.0f} MB, after layout {rss_layout:,.0f} MB); "
          f"inclusion db {db_mb:,.0f} MB")

    W, C = a.cluster_workers, a.cluster_cores
    print(f"\nprojection to a Dask cluster of {W} workers × {C} cores (batch proving scales with cores; reading, "
          "layout and writing run on the driver and scale with N; the top proof grows with the number of batches):")
    print("accounts | batches | batch proving (cluster) | driver stages | top proof | total")
    print("--- | --- | --- | --- | --- | ---")
    serial_per_account = (t["read"] + t["layout"] + t["write (inclusion db)"]) / book.size
    for n in (10**7, 10**8):
        nb = -(-n // a.batch_size)
        proving = nb * per_prove * cores / (W * C)
        driver = serial_per_account * n
        top = t.get("top proof", 0) * nb / n_batches
        print(f"{n:,} | {nb:,} | {proving / 3600:.1f} h | {driver / 60:.0f} min | ~{top / 60:.0f} min "
              f"(one top over {nb:,} slots) | {(proving + driver + top) / 3600:.1f} h")


if __name__ == "__main__":
    main()
