"""solvent's Groth16 prover vs `snarkjs groth16 prove` (and rapidsnark, when a `rapidsnark`
binary is on PATH) on the same circom circuit, `.zkey` and witness: a chain of circomlib
Poseidon(2) hashes (240 constraints each) compiled with circom2 --O2, ≥ 10^5 constraints
by default.

    .venv/bin/python benches/bench_circom_interop.py [--hashes 440] [--runs 5]

In one run the provers take turns, round after round (snarkjs, solvent, rapidsnark, …), as
command lines end to end: process start, reading the key and the witness, proving,
writing proof.json / public.json. Every proof is checked with `snarkjs groth16 verify`.
Printed: the median per prover, the ratios, solvent's own split of its command (Python
start-up, reading the r1cs, the key and the witness, checking the witness, the prover's
phases) and snarkjs's prove inside an already running node process.

The zkey is an INSECURE one made by solvent from a seeded toxic waste
(`_native.circom_dev_zkey_insecure`; snarkjs's own setup of 10^5 constraints needs a
prepared 2^17 ptau, ≈ 45 min on 2 cores); every prover reads the same file. solvent
proves with it imported (`solvent circom setup --zkey`, circom reduction: the same key
points as snarkjs). Artefacts are cached under out/bench-circom/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "pysrc"))
sys.path.insert(0, str(ROOT))  # the test harness (tests/harness/node.py)

from solvent import _native  # noqa: E402
from solvent.backend import circom as cc  # noqa: E402
from tests.harness import node  # noqa: E402

CACHE = ROOT / "out" / "bench-circom"

CIRCUIT = """pragma circom 2.0.0;
include "poseidon.circom";

template Chain(n) {{
    signal input x;
    signal input salt;
    signal output h;
    component p[n];
    for (var i = 0; i < n; i++) {{
        p[i] = Poseidon(2);
        p[i].inputs[0] <== i == 0 ? x : p[i - 1].out;
        p[i].inputs[1] <== salt;
    }}
    h <== p[n - 1].out;
}}

component main {{public [salt]}} = Chain({n});
"""

SNARKJS_INPROCESS = """
import * as snarkjs from "snarkjs";
import fs from "fs";
const [zkey, wtns, runs] = [process.argv[1], process.argv[2], Number(process.argv[3])];
await snarkjs.groth16.prove(zkey, wtns);  // warm-up: builds the curve and its workers
const times = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  await snarkjs.groth16.prove(zkey, wtns);
  times.push((performance.now() - t) / 1000);
}
console.log(JSON.stringify(times));
process.exit(0);
"""


def timed(cmd: list[str], cwd: Path | None = None) -> float:
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0 or "[ERROR]" in p.stdout + p.stderr:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{(p.stdout + p.stderr)[-3000:]}")
    return dt


def artefacts(n_hashes: int) -> dict[str, Path]:
    d = CACHE / f"chain{n_hashes}"
    d.mkdir(parents=True, exist_ok=True)
    src = d / f"chain{n_hashes}.circom"
    r1cs = d / f"chain{n_hashes}.r1cs"
    if not r1cs.exists():
        src.write_text(CIRCUIT.format(n=n_hashes))
        print(f"compiling {src.name} with circom2 …", flush=True)
        # circom2 (WASI) only sees files under its cwd, and node_modules may be a symlink out of it
        lib = CACHE / "circomlib"
        if not lib.exists():
            shutil.copytree((ROOT / "node_modules" / "circomlib" / "circuits").resolve(), lib)
        node.compile_circom(src, d, cwd=ROOT, include=[lib])
    zkey = d / "dev-insecure.zkey"
    if not zkey.exists():
        print("making an INSECURE dev zkey (seeded toxic waste) …", flush=True)
        _native.circom_dev_zkey_insecure(r1cs, zkey, b"bench-circom")
    wtns = d / "witness.wtns"
    if not wtns.exists():
        node.witness(d / f"chain{n_hashes}_js" / f"chain{n_hashes}.wasm", {"x": 1, "salt": 2}, wtns)
    keys = d / "keys-zkey"
    if not (keys / "circuit.pk").exists():
        cc.setup(r1cs, keys, zkey=zkey)
    return {"dir": d, "r1cs": r1cs, "zkey": zkey, "wtns": wtns, "keys": keys}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hashes", type=int, default=440, help="Poseidon(2) hashes in the chain (240 constraints each)")
    ap.add_argument("--runs", type=int, default=5, help="rounds; each prover runs once per round")
    a = ap.parse_args()
    art = artefacts(a.hashes)
    d = art["dir"]
    circuit = _native.CeremonyCircuit.from_r1cs(art["r1cs"])
    vk = art["keys"] / "verification_key.json"
    sj = str(node.bin_path("snarkjs"))
    solvent = str(ROOT / ".venv" / "bin" / "solvent")
    rapid = shutil.which("rapidsnark")
    provers: dict[str, tuple[list[str], Path]] = {
        "snarkjs 0.7.6 groth16 prove": ([sj, "groth16", "prove", str(art["zkey"]), str(art["wtns"]),
                                         str(d / "sj_proof.json"), str(d / "sj_public.json")], d / "sj"),
        "solvent circom prove": ([solvent, "circom", "prove", str(art["keys"]), str(art["wtns"]), "--out",
                                  str(d / "solvent-proof"), "--force"], d / "solvent-proof"),
    }
    if rapid:
        provers["rapidsnark"] = ([rapid, str(art["zkey"]), str(art["wtns"]), str(d / "rs_proof.json"),
                                  str(d / "rs_public.json")], d / "rs")
    files = {"snarkjs 0.7.6 groth16 prove": (d / "sj_proof.json", d / "sj_public.json"),
             "solvent circom prove": (d / "solvent-proof" / "proof.json", d / "solvent-proof" / "public.json"),
             "rapidsnark": (d / "rs_proof.json", d / "rs_public.json")}
    times: dict[str, list[float]] = {k: [] for k in provers}
    for _ in range(a.runs):
        for name, (cmd, _) in provers.items():
            times[name].append(timed(cmd))
            proof, public = files[name]
            if not node.snarkjs_verify(vk, public, proof):
                raise SystemExit(f"{name}: snarkjs groth16 verify rejected the proof")
    # what solvent's command spends, in this process (the same calls as the CLI)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import solvent.cli"], check=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "pysrc")))
    py_start = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    py_bare = time.perf_counter() - t
    split = [cc.prove(art["keys"], art["wtns"]).profile for _ in range(max(1, min(a.runs, 3)))]
    sj_in = statistics.median(node.node_eval(
        "const argv = " + json.dumps(["", str(art["zkey"]), str(art["wtns"]), str(max(1, min(a.runs, 3)))]) + ";\n"
        + SNARKJS_INPROCESS.replace("process.argv", "argv")))

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"circuit: {a.hashes} × Poseidon(2), {circuit.num_constraints:,} constraints, {circuit.num_columns:,} wires, "
          f"domain 2^{circuit.domain_size.bit_length() - 1}; machine: {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; {a.runs} alternating rounds, medians; every proof checked by snarkjs groth16 verify")
    print(f"{'prover (command line, end to end)':<40}{'median s':>10}{'min s':>9}{'max s':>9}")
    for k, v in times.items():
        print(f"{k:<40}{med[k]:>10.3f}{min(v):>9.3f}{max(v):>9.3f}")
    if not rapid:
        print(f"{'rapidsnark':<40}{'(not on PATH: not on npm, PyPI or crates.io as a binary; issue 15 measured 3.23 s)'}")
    s = med["solvent circom prove"]
    print(f"ratio snarkjs / solvent: {med['snarkjs 0.7.6 groth16 prove'] / s:.2f}×"
          + (f"; rapidsnark / solvent: {med['rapidsnark'] / s:.2f}×" if rapid else
             f"; issue 15's rapidsnark figure (3.23 s) / solvent: {3.23 / s:.2f}×"))
    keys = ["read_inputs", "read_r1cs", "read_key", "read_wtns", "check", "qap_evaluate", "fft", "prepare_key", "msm_h", "msm_l",
            "msm_a", "msm_b_g1", "msm_b_g2", "finish", "prove_total", "verify"]
    m = {k: statistics.median(p[k] for p in split) for k in keys if all(k in p for p in split)}
    print(f"solvent's command, split (in-process medians): python start + imports {py_start:.2f} s "
          f"(bare interpreter {py_bare:.2f} s), " + ", ".join(f"{k} {v:.3f}" for k, v in m.items()) + " s")
    print(f"snarkjs groth16.prove inside a running node process: {sj_in:.3f} s")


if __name__ == "__main__":
    main()
