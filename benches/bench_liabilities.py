"""Proof-of-liabilities bench (issue 3).

    python benches/bench_liabilities.py prove --accounts 10000 --batch-size 256 --assets 4
    python benches/bench_liabilities.py tree --accounts 1000000 --assets 8
    python benches/bench_liabilities.py sizes
    python benches/bench_liabilities.py risk --accounts 256 --batch-size 64 --assets 8 --instruments 4
    python benches/bench_liabilities.py risk --accounts 64 --batch-size 32 --assets 8 --range-bits 64 96 --constraints-only

``prove`` runs the whole pipeline (tags, tree, every batch proof, the top proof, the
signed bundle) and then verifies the attestation with both verifiers; ``tree`` times
building the committed tree alone; ``sizes`` prints constraint counts (64- and 96-bit
balances); ``risk`` adds collateral (and margin with instruments) to the batch circuit,
per balance width (``--range-bits``), and with ``--constraints-only`` skips the proving. Each run is a
fresh process, so its peak RSS is its own. Keys are an INSECURE dev setup cached under
``out/bench-cache``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

from solvent.backend import NATIVE_PROOFS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOLVENT_CACHE_DIR", str(ROOT / "out" / "bench-cache"))
from benches._util import in_subprocess, table  # noqa: E402

SYMBOLS = ["BTC", "ETH", "USDT", "SOL", "XRP", "DOGE", "ADA", "TRX"]


def synthetic_book(n: int, n_assets: int, with_debt: bool = False, seed: int = 1, range_bits: int = 64):
    from solvent.inputs.accounts import AccountBook
    from solvent.inputs.assets import Asset

    rnd = random.Random(seed)
    book = AccountBook(assets=[Asset(s, 8) for s in SYMBOLS[:n_assets]], range_bits=range_bits, debt=with_debt)
    for i in range(n):
        book.add_account(f"acct-{i:08d}", [rnd.getrandbits(40) for _ in range(n_assets)],
                         [rnd.getrandbits(30) for _ in range(n_assets)] if with_debt else None)
    return book


def measure_prove(accounts: int, batch_size: int, assets: int, debt: bool, threads: int | None) -> dict:
    import shutil
    import tempfile
    import warnings

    from solvent.attestation.verify import verify
    from solvent.backend import Groth16
    from solvent.circuits.shape import BookShape
    from solvent.pipeline.jobs.state import capacity_for, dev_keys
    from solvent.pipeline.prove import prove_book
    from solvent.pipeline.statement import Institution, ProveOptions

    warnings.simplefilter("ignore")
    book = synthetic_book(accounts, assets, debt)
    shape = BookShape(n_assets=assets, batch_size=batch_size, capacity=capacity_for(-(-accounts // batch_size)),
                      with_debt=debt)
    backend = Groth16(threads=threads)
    t = time.perf_counter()
    sk, _ = dev_keys(shape, backend)
    t_keys = time.perf_counter() - t
    out = Path(tempfile.mkdtemp()) / "att"
    stages: dict[str, float] = {}
    marks = {"start": time.perf_counter()}

    def progress(stage, done, total):
        if stage == "batch" and done == 0:
            marks["batches"] = time.perf_counter()
        if stage == "top" and done == 0:
            marks["top"] = time.perf_counter()
        if stage == "top" and done == 1:
            marks["end"] = time.perf_counter()

    t = time.perf_counter()
    att = prove_book(book, sk, Institution("bench", os.urandom(32), os.urandom(32)),
                     ProveOptions(epoch=1, snapshot_time="2026-11-21T00:00:00Z"), out, backend, progress)
    total = time.perf_counter() - t
    stages["layout_s"] = marks["batches"] - marks["start"]
    stages["batches_s"] = marks["top"] - marks["batches"]
    stages["top_s"] = marks["end"] - marks["top"]
    stages["write_s"] = total - (marks["end"] - marks["start"])
    t = time.perf_counter()
    assert verify(att, proof_checker=NATIVE_PROOFS).valid
    t_vn = time.perf_counter() - t
    t = time.perf_counter()
    assert verify(att).valid
    t_vp = time.perf_counter() - t
    shutil.rmtree(out.parent, ignore_errors=True)
    return {"accounts": accounts, "batch": batch_size, "assets": assets, "debt": debt,
            "batches": len(att.batches), "constraints_batch": backend.circuit(sk.circuits["batch"]).num_constraints,
            "keys_s": round(t_keys, 1), "prove_total_s": round(total, 1),
            **{k: round(v, 2) for k, v in stages.items()},
            "accounts_per_s": round(accounts / total, 1),
            "core_ms_per_account": round(total * (threads or os.cpu_count()) / accounts * 1e3, 1),
            "verify_native_s": round(t_vn, 2), "verify_python_s": round(t_vp, 1)}


def synthetic_risk(n_assets: int, n_instruments: int, scenarios: int = 16):
    """Three-band tiers per asset and futures/options with SPAN-like arrays."""
    from solvent.inputs.assets import Asset
    from solvent.inputs.params import RiskParamsFile, from_file

    rnd = random.Random(7)
    instruments = {}
    for i in range(n_instruments):
        kind = "future" if i % 2 == 0 else "option"
        instruments[f"I{i}"] = {"kind": kind, "underlying": SYMBOLS[i % n_assets], "quantity_decimals": 2,
                                "mark_price": "100", "maintenance_rate": "5" if kind == "future" else "0",
                                "risk_array": [str(rnd.randrange(-500, 500)) for _ in range(scenarios)]}
    raw = {"version": "solvent.risk/1", "quote": "USD", "value_decimals": 8,
           "prices": {s: "10" for s in SYMBOLS[:n_assets]},
           "collateral_tiers": {s: [{"up_to": "1000000", "ratio": "100"}, {"up_to": "5000000", "ratio": "95"},
                                    {"up_to": None, "ratio": "80"}] for s in SYMBOLS[:n_assets]},
           "instruments": instruments, "scenarios": scenarios}
    return from_file(RiskParamsFile.model_validate(raw), [Asset(s, 8) for s in SYMBOLS[:n_assets]])


def measure_risk(accounts: int, batch_size: int, assets: int, instruments: int, threads: int | None,
                 range_bits: int = 64, constraints_only: bool = False) -> dict:
    """Liabilities + collateral + margin: constraints per account and accounts/s."""
    import warnings

    from solvent.backend import Groth16
    from solvent.circuits import liabilities
    from solvent.circuits.shape import BookShape
    from solvent.dsl import build
    from solvent.inputs.evaluate import prepare
    from solvent.pipeline.layout import batch_inputs, lay_out

    warnings.simplefilter("ignore")
    setup = prepare(synthetic_risk(assets, instruments), range_bits=range_bits)
    book = synthetic_book(accounts, assets, with_debt=True, range_bits=range_bits)
    rnd = random.Random(3)
    book.positions = [[rnd.randrange(-10**6, 10**6) for _ in range(instruments)] for _ in range(accounts)]
    shape = BookShape(n_assets=assets, batch_size=batch_size, capacity=max(2, 1 << (-(-accounts // batch_size) - 1).bit_length()),
                      with_debt=True, risk=setup.shape(), range_bits=range_bits)
    backend = Groth16(threads=threads)
    compiled = build(liabilities.batch, "liabilities_batch", **shape.batch_params())
    n = backend.circuit(compiled).num_constraints
    plain = backend.circuit(build(liabilities.batch, "liabilities_batch", batch_size=batch_size, n_assets=assets,
                                  range_bits=range_bits, with_debt=True)).num_constraints
    collateral_only = BookShape(n_assets=assets, batch_size=batch_size, capacity=shape.capacity, with_debt=True,
                                risk={**setup.shape(), "instruments": 0}, range_bits=range_bits)
    n_coll = backend.circuit(build(liabilities.batch, "liabilities_batch", **collateral_only.batch_params())).num_constraints
    sizes = {"accounts": accounts, "assets": assets, "instruments": instruments, "batch": batch_size,
             "range_bits": range_bits, "constraints_batch": n, "per_account": round(n / batch_size),
             "collateral_per_account": round(n_coll / batch_size),
             "liabilities_only_per_account": round(plain / batch_size)}
    if constraints_only:
        return sizes
    t = time.perf_counter()
    keys = backend.setup_dev_insecure(compiled)
    t_setup = time.perf_counter() - t
    t = time.perf_counter()
    layout = lay_out(book, shape, os.urandom(32), 1, setup)
    t_layout = time.perf_counter() - t
    t = time.perf_counter()
    for b in range(layout.num_batches):
        backend.prove(keys, compiled, backend.witness(compiled, batch_inputs(layout, book, b, 1)), check=False)
    t_prove = time.perf_counter() - t
    return {**sizes, "setup_s": round(t_setup, 1), "layout_s": round(t_layout, 2), "batch_proofs_s": round(t_prove, 1),
            "accounts_per_s": round(accounts / (t_layout + t_prove), 2)}


def measure_tree(accounts: int, assets: int, batch_size: int) -> dict:
    from solvent.circuits.shape import BookShape
    from solvent.pipeline.layout import lay_out

    book = synthetic_book(accounts, assets)
    shape = BookShape(n_assets=assets, batch_size=batch_size, capacity=max(2, 1 << (-(-accounts // batch_size) - 1).bit_length()))
    t = time.perf_counter()
    layout = lay_out(book, shape, os.urandom(32), 1)
    t_total = time.perf_counter() - t
    return {"accounts": accounts, "assets": assets, "batch": batch_size, "batches": layout.num_batches,
            "layout_s": round(t_total, 2), "accounts_per_s": round(accounts / t_total)}


def sizes() -> None:
    from solvent import _native
    from solvent.circuits import liabilities
    from solvent.circuits.shape import BookShape
    from solvent.dsl import build

    rows = []
    for A, B, debt, bits in [(4, 256, False, 64), (4, 1024, False, 64), (8, 256, False, 64), (8, 1024, False, 64),
                             (8, 256, True, 64), (4, 256, False, 96), (8, 256, False, 96), (8, 256, True, 96)]:
        s = BookShape(n_assets=A, batch_size=B, capacity=16, with_debt=debt, range_bits=bits)
        n = _native.Circuit(build(liabilities.batch, "liabilities_batch", use_disk=False, **s.batch_params()).ir)
        rows.append({"circuit": "batch", "assets": A, "batch": B, "debt": debt, "bits": bits,
                     "constraints": n.num_constraints, "per": round(n.num_constraints / B)})
    for M in (16, 256, 1024):
        s = BookShape(n_assets=8, batch_size=256, capacity=M)
        n = _native.Circuit(build(liabilities.top, "liabilities_top", use_disk=False, **s.top_params()).ir)
        rows.append({"circuit": "top", "assets": 8, "batch": f"{M} slots", "constraints": n.num_constraints,
                     "per": round(n.num_constraints / M)})
    print(table(rows, [("circuit", "circuit"), ("assets", "assets"), ("batch", "batch / slots"), ("debt", "debt"),
                       ("bits", "balance bits"), ("constraints", "constraints"), ("per", "per account (slot)")]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["prove", "tree", "sizes", "risk"])
    ap.add_argument("--instruments", type=int, default=4)
    ap.add_argument("--accounts", type=int, nargs="+", default=[10_000])
    ap.add_argument("--batch-size", type=int, nargs="+", default=[256])
    ap.add_argument("--assets", type=int, nargs="+", default=[4])
    ap.add_argument("--debt", action="store_true")
    ap.add_argument("--range-bits", type=int, nargs="+", default=[64], help="risk: balance widths to measure")
    ap.add_argument("--constraints-only", action="store_true", help="risk: count constraints, prove nothing")
    ap.add_argument("--threads", type=int)
    a = ap.parse_args()
    if a.mode == "sizes":
        return sizes()
    rows = []
    for n in a.accounts:
        for b in a.batch_size:
            for k in a.assets:
                if a.mode == "risk":
                    for bits in a.range_bits:
                        rows.append(in_subprocess("bench_liabilities", "measure_risk", accounts=n, batch_size=b,
                                                  assets=k, instruments=a.instruments, threads=a.threads,
                                                  range_bits=bits, constraints_only=a.constraints_only))
                        print(rows[-1], flush=True)
                    continue
                elif a.mode == "prove":
                    rows.append(in_subprocess("bench_liabilities", "measure_prove", accounts=n, batch_size=b,
                                              assets=k, debt=a.debt, threads=a.threads))
                else:
                    rows.append(in_subprocess("bench_liabilities", "measure_tree", accounts=n, assets=k, batch_size=b))
                print(rows[-1], flush=True)
    if a.mode == "risk":
        print(table(rows, [("accounts", "accounts"), ("assets", "assets"), ("instruments", "instruments"),
                           ("batch", "batch"), ("range_bits", "balance bits"), ("constraints_batch", "constraints/batch"),
                           ("per_account", "constraints/account"), ("liabilities_only_per_account", "of which liabilities"),
                           ("collateral_per_account", "liabilities + collateral"),
                           ("setup_s", "setup s"), ("layout_s", "layout s"), ("batch_proofs_s", "proofs s"),
                           ("accounts_per_s", "accounts/s"), ("peak_rss_mb", "peak RSS MB")]))
        return
    cols = ([("accounts", "accounts"), ("assets", "assets"), ("batch", "batch"), ("batches", "batches"),
             ("constraints_batch", "constraints/batch"), ("keys_s", "keys s"), ("layout_s", "layout s"),
             ("batches_s", "batch proofs s"), ("top_s", "top s"), ("write_s", "write s"), ("prove_total_s", "total s"),
             ("accounts_per_s", "accounts/s"), ("core_ms_per_account", "core·ms/account"),
             ("verify_native_s", "verify native s"), ("verify_python_s", "verify py s"), ("peak_rss_mb", "peak RSS MB")]
            if a.mode == "prove" else
            [("accounts", "accounts"), ("assets", "assets"), ("batch", "batch"), ("batches", "batches"),
             ("layout_s", "tags+sort+tree s"), ("accounts_per_s", "accounts/s"), ("peak_rss_mb", "peak RSS MB")])
    print(table(rows, cols))


if __name__ == "__main__":
    main()
