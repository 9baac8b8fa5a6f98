"""Groth16 prover bench (issue 15): where one batch proof's time goes, and what a book costs.

    python benches/bench_prover.py profile --assets 8 --batch-size 1024 [--runs 2] [--reference]
    python benches/bench_prover.py profile --assets 8 --batch-size 128          # quick size
    python benches/bench_prover.py e2e --assets 8 --batch-size 1024 --accounts 4096
    python benches/bench_prover.py e2e --assets 8 --batch-size auto --accounts 500   # sized to the book
    python benches/bench_prover.py msm --log 19        # MSMs and the QAP step alone
    python benches/bench_prover.py profile --assets 8 --batch-size 1024 --supply-widths [--constraints-only]
    python benches/bench_prover.py profile --assets 8 --batch-size 1024 --range-bits 96 --asset-bits 51,87,60,60,57,65,56,58

``profile`` builds the liabilities batch circuit, makes (once, cached under
out/bench-cache/prover/) an INSECURE seeded dev key, solves one batch of a synthetic book
and proves it in a fresh process, printing: constraints per account, the domain and how
full it is, the witness's value classes (0 / 1 / below 2^64 / full-size), and one proof
split into witness, check, QAP evaluation, FFTs, each MSM (H, L, A, B in G1, B in G2) and
writing the proof, with peak RSS. ``--reference`` also runs arkworks' prover (7 FFTs,
ark-ec MSMs) in its own process: the "before" column.

``e2e`` runs ``solvent setup`` (keys made beforehand, not timed) and then ``solvent prove``
on a synthetic book as a command, timing it end to end (wall and CPU of the process), and
projects 10^6 accounts from the batch-proof rate.

``msm`` times, in CPU seconds, the QAP step of a random 2^log-row R1CS (arkworks' seven
FFTs vs the prover's six) and one G1 and one G2 MSM of 2^log random full-size scalars with
ark-ec 0.6 and with halo2curves (as the prover calls it), in one process, alternating.

Per-asset widths (circuits/liabilities.md, "Per-asset widths"): ``--supply-widths`` takes each
asset's width from the maximum supplies of ``SUPPLIES`` (the balance slot ``--range-bits``
then defaults to the smallest of 64/96/128 that holds the widest); ``--asset-bits`` names the
widths directly. ``e2e --supply-widths`` writes them into the asset list (``max_supply``),
so ``solvent setup`` takes them from there. ``profile --constraints-only`` compiles the batch
circuit and prints its size, without keys or proofs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOLVENT_CACHE_DIR", str(ROOT / "out" / "bench-cache"))
from benches._util import in_subprocess, table  # noqa: E402

SYMBOLS = ["BTC", "ETH", "USDT", "SOL", "XRP", "DOGE", "ADA", "TRX"]
SUPPLIES = [("BTC", 8, "21000000"), ("ETH", 18, "120000000"), ("USDT", 6, "1000000000000"), ("SOL", 9, "1000000000"),
            ("XRP", 6, "100000000000"), ("DOGE", 8, "200000000000"), ("ADA", 6, "45000000000"),
            ("TRX", 6, "150000000000")]
"""(symbol, decimals, max_supply in whole units) for ``--supply-widths``. BTC, XRP and ADA have
fixed maximum supplies; ETH, SOL, DOGE and TRX have none (inflationary or burnt), and USDT
is issued on demand: the caps here are assumptions above today's supply (ETH ≈ 1.2·10^8,
SOL ≈ 6·10^8, DOGE ≈ 1.5·10^11, TRX ≈ 9·10^10, USDT ≈ 1.9·10^11), which an institution
would have to revise (new keys) if a supply ever passed them."""
KEY_DIR = ROOT / "out" / "bench-cache" / "prover"
PHASES = ["witness", "check", "prepare_key", "qap_evaluate", "fft", "qap", "msm_h", "msm_l", "msm_a", "msm_b_g1",
          "msm_b_g2", "finish", "write"]


def supply_widths(assets: int) -> list[int]:
    """Per asset of ``SUPPLIES[:assets]``, the bit length of its max supply in smallest units."""
    from solvent.inputs.assets import supply_units

    return [supply_units(cap, dec).bit_length() for _, dec, cap in SUPPLIES[:assets]]


def widths_of(a) -> tuple[int | None, list[int] | None]:
    """``(range_bits, asset_bits)`` the command line asks for (None: the default)."""
    from solvent.circuits.shape import auto_range_bits

    asset_bits = supply_widths(a.assets) if a.supply_widths else \
        ([int(x) for x in a.asset_bits.split(",")] if a.asset_bits else None)
    if asset_bits is not None and len(asset_bits) != a.assets:
        raise SystemExit(f"--asset-bits: {len(asset_bits)} widths for {a.assets} assets")
    range_bits = a.range_bits or (auto_range_bits(max(asset_bits), False) if asset_bits else None)
    return range_bits, asset_bits


def _batch(assets: int, batch_size: int, range_bits: int | None = None, asset_bits: list[int] | None = None):
    from solvent.backend import Groth16
    from solvent.circuits import liabilities
    from solvent.circuits.shape import BookShape
    from solvent.dsl import build

    shape = BookShape(n_assets=assets, batch_size=batch_size, capacity=2, range_bits=range_bits or 64,
                      asset_bits=tuple(asset_bits) if asset_bits else None)
    compiled = build(liabilities.batch, "liabilities_batch", **shape.batch_params())
    return shape, compiled, Groth16()


def _key(backend, compiled):
    """A seeded INSECURE dev key for the circuit, made once and cached by circuit hash."""
    from solvent import _native

    path = KEY_DIR / f"{compiled.hash}.pk"
    if not path.exists():
        KEY_DIR.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        pk = _native.ProvingKey.setup_dev_insecure(backend.circuit(compiled), seed=b"bench-prover")
        pk.save(path)
        print(f"  (made the dev key in {time.perf_counter() - t:.1f} s: {path})", flush=True)
    return path


def _inputs(shape, compiled):
    from benches.bench_liabilities import synthetic_book
    from solvent.pipeline.layout import batch_inputs, lay_out

    book = synthetic_book(shape.batch_size, shape.n_assets, range_bits=shape.range_bits)  # 40-bit balances
    layout = lay_out(book, shape, b"\x07" * 32, 1)
    return compiled.input_vector(batch_inputs(layout, book, 0, 1))


def measure_size(assets: int, batch_size: int, range_bits: int | None = None,
                 asset_bits: list[int] | None = None) -> dict:
    """The batch circuit's size, compiled (no keys, no proof)."""
    shape, compiled, backend = _batch(assets, batch_size, range_bits, asset_bits)
    circuit = backend.circuit(compiled)
    n = circuit.num_constraints
    domain = 1 << (n + circuit.num_public).bit_length()
    return {"assets": assets, "batch": batch_size, "range_bits": shape.range_bits, "widths": list(shape.widths),
            "constraints": n, "per_account": round(n / batch_size, 1), "domain": domain,
            "fill": round(100 * (n + circuit.num_public + 1) / domain, 1)}


def measure_proof(assets: int, batch_size: int, reference: bool, runs: int, range_bits: int | None = None,
                  asset_bits: list[int] | None = None) -> dict:
    """One process: load the key, solve a batch, prove it ``runs`` times (median per phase)."""
    import warnings

    from solvent import _native
    from solvent.io import write_atomic

    warnings.simplefilter("ignore")
    shape, compiled, backend = _batch(assets, batch_size, range_bits, asset_bits)
    circuit = backend.circuit(compiled)
    path = _key(backend, compiled)
    vector = _inputs(shape, compiled)
    t = time.perf_counter()
    pk = _native.ProvingKey.load(path)
    load_s = time.perf_counter() - t
    prepare_s = 0.0 if reference else pk.prepare()
    rows = []
    for _ in range(runs):
        t = time.perf_counter()
        w = circuit.solve(vector)
        witness_s = time.perf_counter() - t
        proof = _native.prove(pk, circuit, w, check=True, seed=b"\x01" * 32, profile=True, reference=reference)
        t = time.perf_counter()
        with tempfile.TemporaryDirectory() as d:
            write_atomic(Path(d) / "proof.json", proof.to_json())
        prof = dict(proof.profile, witness=witness_s, write=time.perf_counter() - t)
        rows.append(prof)
    classes = w.value_classes()
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0] if all(k in r for r in rows)}
    for k in ("witness", "write"):  # Python-side phases: single-threaded, CPU ≈ wall
        med[f"cpu_{k}"] = med[k]
    vk = json.loads(pk.verifying_key().to_json())
    ok = _native.verify(_native.VerifyingKey.from_json(json.dumps(vk)), w.public_values(), proof)
    n = circuit.num_constraints
    domain = int(med["domain_size"])
    return {"engine": "arkworks (before)" if reference else "solvent (after)", "assets": assets, "batch": batch_size,
            "range_bits": shape.range_bits, "widths": list(shape.widths),
            "constraints": n, "per_account": round(n / batch_size, 1), "columns": circuit.num_columns,
            "domain": domain, "fill": round(100 * (n + circuit.num_public + 1) / domain, 1),
            "classes": classes, "load_key_s": round(load_s, 2), "prepare_s": round(prepare_s, 2),
            "prepared_mb": round(pk.prepared_bytes / 2**20), "verified": ok, "ffts": int(med["ffts"]),
            **{k: med[k] for k in PHASES + ["prove_total"] if k in med},
            **{f"cpu_{k}": med[f"cpu_{k}"] for k in PHASES + ["prove_total"] if f"cpu_{k}" in med},
            "proof_s": med["witness"] + med["prove_total"] + med["write"],
            "cpu_proof_s": med["cpu_witness"] + med["cpu_prove_total"] + med["cpu_write"]}


def profile(a) -> None:
    range_bits, asset_bits = widths_of(a)
    if a.constraints_only:
        r = in_subprocess("bench_prover", "measure_size", assets=a.assets, batch_size=a.batch_size,
                          range_bits=range_bits, asset_bits=asset_bits)
        print(f"batch circuit: {a.batch_size} accounts × {a.assets} assets, {r['range_bits']}-bit slots, range "
              f"checks {r['widths']}: {r['constraints']:,} constraints ({r['per_account']} per account); domain "
              f"2^{r['domain'].bit_length() - 1}, {r['fill']} % full")
        return
    modes = ([True] if a.reference else []) + [False]
    rows = [in_subprocess("bench_prover", "measure_proof", assets=a.assets, batch_size=a.batch_size, reference=r,
                          runs=a.runs, range_bits=range_bits, asset_bits=asset_bits) for r in modes]
    r0 = rows[-1]
    z, o, s, f = r0["classes"]
    total = z + o + s + f
    print(f"batch circuit: {a.batch_size} accounts × {a.assets} assets, {r0['range_bits']}-bit slots, range checks "
          f"{r0['widths']}: {r0['constraints']:,} constraints "
          f"({r0['per_account']} per account), {r0['columns']:,} columns; domain 2^{r0['domain'].bit_length() - 1} "
          f"= {r0['domain']:,}, {r0['fill']} % full "
          f"(the next power of two down holds {r0['domain'] // 2 - 1 - 0:,} rows incl. inputs)")
    print(f"witness values: {100 * z / total:.1f} % zero, {100 * o / total:.1f} % one, {100 * s / total:.1f} % "
          f"other below 2^64, {100 * f / total:.1f} % full-size")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; median of {a.runs} proof(s) per row")
    for r in rows:
        for k in PHASES + ["prove_total", "proof_s"]:
            for key in (k, f"cpu_{k}"):
                if key in r:
                    r[key] = round(r[key], 2)
    shown = [k for k in PHASES if any(k in r for r in rows)] + ["prove_total", "proof_s"]
    print("CPU seconds (core-seconds, all threads; robust to other load) per phase:")
    print(table(rows, [("engine", "prover")] + [(f"cpu_{k}", k) for k in shown] + [("ffts", "FFTs")]))
    print("wall seconds per phase:")
    print(table(rows, [("engine", "prover")] + [(k, k) for k in shown] +
                [("peak_rss_mb", "peak RSS MB"), ("load_key_s", "load key s"), ("prepare_s", "prepare s"),
                 ("prepared_mb", "prepared MB"), ("verified", "verifies")]))
    cores = os.cpu_count() or 1
    n6 = -(-10**6 // a.batch_size)
    print(f"one batch proof: {r0['proof_s']:.2f} s wall, {r0['cpu_proof_s']:.2f} CPU-s = "
          f"{r0['cpu_proof_s'] / a.batch_size * 1e3:.1f} core-ms per account (CPU) / "
          f"{r0['proof_s'] * cores / a.batch_size * 1e3:.1f} (wall × {cores} cores); 10^6 accounts: {n6} batch proofs ≈ "
          f"{n6 * r0['cpu_proof_s'] / cores / 3600:.2f} h on {cores} cores at that CPU cost (batch proofs only)")
    if len(rows) == 2:
        b = rows[0]
        pairs = [("fft", "fft"), ("msm_h", "msm_h"), ("msm_l", "msm_l"), ("msm_a", "msm_a"), ("msm_b_g1", "msm_b_g1"),
                 ("msm_b_g2", "msm_b_g2"), ("prove_total", "prove_total"), ("proof_s", "proof_s")]
        ratio = [f"{k} {b['cpu_' + k] / r0['cpu_' + k]:.2f}×" for k, _ in pairs
                 if f"cpu_{k}" in b and f"cpu_{k}" in r0 and r0[f"cpu_{k}"] > 0]
        if "cpu_qap" in b:
            ratio.append(f"qap (evaluate + FFTs + check) {b['cpu_qap'] / (r0['cpu_qap_evaluate'] + r0['cpu_fft']):.2f}×")
        print("speed-up in CPU time (before / after): " + ", ".join(ratio))


def _write_book(path: Path, n: int, assets: int, decimals: list[int] | None = None) -> None:
    """Synthetic accounts: 8-decimal balances below 2^36 whole units, or (``decimals``)
    balances below 2^44 smallest units in each asset's decimals (inside every width of
    ``SUPPLIES``)."""
    import random

    from solvent.inputs.accounts import signed_decimal

    rnd = random.Random(5)
    with open(path, "w") as f:
        f.write("account_id,asset,balance\n")
        for i in range(n):
            aid = f"acct-{i:09d}"
            if decimals is None:
                f.write("".join(f"{aid},{s},{rnd.getrandbits(36)}.{rnd.randrange(10**8):08d}\n"
                                for s in SYMBOLS[:assets]))
            else:
                f.write("".join(f"{aid},{s},{signed_decimal(rnd.getrandbits(44), d)}\n"
                                for s, d in zip(SYMBOLS[:assets], decimals, strict=True)))


def _run(cmd: list[str], env: dict) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + sys) and peak RSS (MB) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{(p.stdout + p.stderr)[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def e2e(a) -> None:
    from solvent.pipeline.jobs.state import capacity_for

    if a.asset_bits:
        raise SystemExit("e2e takes widths from the asset list: use --supply-widths")
    if a.batch_size == "auto":  # what `solvent setup --batch-size auto --accounts BOOK` chooses for this book
        from solvent.backend import Groth16
        from solvent.circuits.shape import BookShape
        from solvent.pipeline.batch_fill import auto_batch_size

        shape = BookShape(n_assets=a.assets, batch_size=2, capacity=2, range_bits=a.range_bits or 64)
        a.batch_size = auto_batch_size(shape, Groth16(), accounts=a.accounts).batch_size
        print(f"--batch-size auto for {a.accounts:,} accounts: {a.batch_size}")
    tail = "-supply" if a.supply_widths else ""
    work = ROOT / "out" / "bench-prover-e2e" / f"{a.accounts}x{a.assets}-b{a.batch_size}{tail}"
    work.mkdir(parents=True, exist_ok=True)
    solvent = str(ROOT / ".venv" / "bin" / "solvent")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    assets, accounts = work / "assets.csv", work / "accounts.csv"
    if a.supply_widths:
        assets.write_text("symbol,decimals,max_supply\n" + "".join(f"{s},{d},{cap}\n" for s, d, cap in SUPPLIES[:a.assets]))
    else:
        assets.write_text("symbol,decimals\n" + "".join(f"{s},8\n" for s in SYMBOLS[:a.assets]))
    if not accounts.exists():
        _write_book(accounts, a.accounts, a.assets, [d for _, d, _ in SUPPLIES[:a.assets]] if a.supply_widths else None)
    batches = -(-a.accounts // a.batch_size)
    keys = work / "keys"
    if not (keys / "liabilities_batch.pk").exists():
        print(f"solvent setup (INSECURE dev keys, not timed): batch {a.batch_size}, capacity {capacity_for(batches)} …",
              flush=True)
        wall, _, _ = _run([solvent, "setup", "--assets", str(assets), "--batch-size", str(a.batch_size),
                           "--capacity", str(capacity_for(batches)), "--out", str(keys),
                           *(["--range-bits", str(a.range_bits)] if a.range_bits else [])], env)
        print(f"  setup took {wall:.0f} s", flush=True)
    out = work / "att"
    log = work / "progress.jsonl"
    for p in (log,):
        p.unlink(missing_ok=True)
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    secret = work / "secret.hex"
    secret.write_text("11" * 32)
    wall, cpu, rss = _run([solvent, "prove", "--accounts", str(accounts), "--assets", str(assets), "--keys", str(keys),
                           "--out", str(out), "--epoch", "1", "--snapshot-time", "2026-11-21T00:00:00Z",
                           "--secret-file", str(secret), "--progress-log", str(log)], env)
    events = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    stamps = _stage_times(events)
    cores = os.cpu_count() or 1
    print(f"solvent prove: {a.accounts:,} accounts × {a.assets} assets in {batches} batches of {a.batch_size}; "
          f"machine {cores} cores, load average {os.getloadavg()[0]:.1f}")
    rows = [{"what": "solvent prove (end to end)", "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
             "core_ms": round(wall * cores / a.accounts * 1e3, 2), "cpu_ms": round(cpu / a.accounts * 1e3, 2),
             "rss": round(rss)}]
    print(table(rows, [("what", ""), ("wall_s", "wall s"), ("cpu_s", "CPU s"),
                       ("core_ms", "core-ms/account (wall × cores)"), ("cpu_ms", "CPU-ms/account"),
                       ("rss", "peak RSS MB")]))
    if stamps:
        print("stages (from --progress-log): " + ", ".join(f"{k} {v:.1f} s" for k, v in stamps.items()))
        per_batch = stamps.get("batch", 0) / batches
        if per_batch:
            n6 = -(-10**6 // a.batch_size)
            print(f"10^6 accounts projected: {n6} batch proofs × {per_batch:.2f} s = {n6 * per_batch / 3600:.2f} h "
                  f"({per_batch * cores / a.batch_size * 1e3:.2f} core-ms per account in batch proofs), plus the "
                  f"layout and one top proof at capacity {capacity_for(n6)} (not run here)")


def _stage_times(events: list[dict]) -> dict[str, float]:
    """First-to-last timestamp per stage of a progress log."""
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    for e in events:
        st, ts = e.get("stage"), e.get("time") or e.get("t") or e.get("ts")
        if st is None or not isinstance(ts, (int, float)):
            continue
        first.setdefault(st, ts)
        last[st] = ts
    return {k: last[k] - first[k] for k in first}


def measure_msm(log: int, runs: int) -> dict:
    from solvent import _native

    return _native.bench_msm(log, runs)


def measure_qap(log: int, runs: int) -> dict:
    from solvent import _native

    ark, own = _native.bench_qap(log, runs)
    return {"ark": ark, "own": own}


def msm(a) -> None:
    q = in_subprocess("bench_prover", "measure_qap", log=a.log, runs=a.runs)
    print(f"QAP step (row evaluation + FFTs) of a random 2^{a.log}-row R1CS, CPU seconds, median of {a.runs}, "
          f"alternating: arkworks (7 FFTs) {q['ark']:.3f}, solvent (6 FFTs) {q['own']:.3f}: {q['ark'] / q['own']:.2f}×")
    r = in_subprocess("bench_prover", "measure_msm", log=a.log, runs=a.runs)
    print(f"MSM of 2^{a.log} random full-size scalars, one process, alternating, median of {a.runs}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    rows = [{"group": g, "ark": round(r[f"{g}_ark"], 3), "h2": round(r[f"{g}_halo2"], 3),
             "ratio": round(r[f"{g}_ark"] / r[f"{g}_halo2"], 2)} for g in ("g1", "g2")]
    print(table(rows, [("group", "group"), ("ark", "ark-ec 0.6 s"), ("h2", "halo2curves 0.9 s"),
                       ("ratio", "ark / halo2curves")]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["profile", "e2e", "msm"])
    ap.add_argument("--assets", type=int, default=8)
    ap.add_argument("--batch-size", type=lambda v: v if v == "auto" else int(v), default=1024,
                    help="accounts per batch; e2e also takes auto (the size `setup --batch-size auto --accounts` picks)")
    ap.add_argument("--accounts", type=int, default=4096)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--reference", action="store_true", help="also run arkworks' prover (the 'before' figures)")
    ap.add_argument("--log", type=int, default=18)
    ap.add_argument("--supply-widths", action="store_true",
                    help="per-asset range widths from the max supplies of SUPPLIES (the realistic book)")
    ap.add_argument("--asset-bits", help="per-asset range widths, comma-separated (profile)")
    ap.add_argument("--range-bits", type=int,
                    help="balance slot bits (default 64, or the smallest of 64/96/128 holding every width)")
    ap.add_argument("--constraints-only", action="store_true", help="profile: compile and count, prove nothing")
    a = ap.parse_args()
    if a.batch_size == "auto" and a.mode != "e2e":
        ap.error("--batch-size auto is for e2e (a book to size the batch to)")
    {"profile": profile, "e2e": e2e, "msm": msm}[a.mode](a)


if __name__ == "__main__":
    main()
