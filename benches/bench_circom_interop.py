"""solvent's Groth16 prover vs `snarkjs groth16 prove` on the same circom circuit and
witness (a chain of circomlib Poseidon(2) hashes, compiled with circom2 --O2).

    .venv/bin/python benches/bench_circom_interop.py [--hashes 16] [--runs 3]

Prints, per prover, the median of --runs: the command line end to end (process start,
reading the key and witness, proving, writing proof.json) and, for both, the proving call
inside an already running process (snarkjs: `groth16.prove(zkey, wtns)` after one warm-up
call; solvent: `_native.circom_prove`, which also reads the key and witness and checks
the witness against every constraint). Then the ratios snarkjs / solvent.

solvent is measured with the snarkjs zkey itself (imported; circom reduction: the same key
points as snarkjs) and with a key derived from the same ptau (libsnark reduction).

Artefacts are cached under out/bench-circom/ (the first run of a size makes and prepares a
ptau with snarkjs, which takes minutes; later runs reuse it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "pysrc"))

from solvent import _native  # noqa: E402
from solvent.interop import circom as cc  # noqa: E402
from solvent.interop import node  # noqa: E402

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
        node.compile_circom(src, d, cwd=ROOT, include=[ROOT / "node_modules" / "circomlib" / "circuits"])
    circuit = _native.CeremonyCircuit.from_r1cs(r1cs)
    power = max(circuit.domain_size.bit_length() - 1, 1)
    ptau = CACHE / f"pot{power}_prepared.ptau"
    if not ptau.exists():
        print(f"making and preparing a 2^{power} ptau with snarkjs (minutes, once) …", flush=True)
        node.make_ptau(power, ptau, prepare=True, entropy="bench")
    zkey = d / "final.zkey"
    if not zkey.exists():
        print("snarkjs groth16 setup + one contribution …", flush=True)
        z0 = d / "c0.zkey"
        node.snarkjs("groth16", "setup", r1cs, ptau, z0)
        node.snarkjs("zkey", "contribute", z0, zkey, "--name=bench", "-e=bench entropy")
        z0.unlink()
    wtns = d / "witness.wtns"
    if not wtns.exists():
        node.witness(d / f"chain{n_hashes}_js" / f"chain{n_hashes}.wasm", {"x": 1, "salt": 2}, wtns)
    keys_zkey, keys_ptau = d / "keys-zkey", d / "keys-ptau"
    if not (keys_zkey / "circuit.pk").exists():
        cc.setup(r1cs, keys_zkey, zkey=zkey)
    if not (keys_ptau / "circuit.pk").exists():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", cc.LocalPhase2Warning)
            cc.setup(r1cs, keys_ptau, ptau=ptau)
    return {"dir": d, "r1cs": r1cs, "zkey": zkey, "wtns": wtns, "keys_zkey": keys_zkey, "keys_ptau": keys_ptau,
            "ptau": ptau}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hashes", type=int, default=16, help="Poseidon(2) hashes in the chain (240 constraints each)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    a = artefacts(args.hashes)
    d = a["dir"]
    circuit = _native.CeremonyCircuit.from_r1cs(a["r1cs"])
    print(f"circuit: {args.hashes} × Poseidon(2), {circuit.num_constraints} constraints, "
          f"{circuit.num_columns} wires, domain 2^{circuit.domain_size.bit_length() - 1}; "
          f"machine: {os.cpu_count()} cores; median of {args.runs} runs")

    sj = str(node.bin_path("snarkjs"))
    sj_cli = statistics.median(
        timed([sj, "groth16", "prove", str(a["zkey"]), str(a["wtns"]), str(d / "sj_proof.json"), str(d / "sj_public.json")])
        for _ in range(args.runs))
    sj_in = statistics.median(node.node_eval(
        "const argv = " + json.dumps(["", str(a["zkey"]), str(a["wtns"]), str(args.runs)]) + ";\n"
        + SNARKJS_INPROCESS.replace("process.argv", "argv")))
    assert node.snarkjs_verify(a["zkey"].parent / "keys-zkey" / "verification_key.json", d / "sj_public.json",
                               d / "sj_proof.json")

    solvent = str(ROOT / ".venv" / "bin" / "solvent")
    rows = []
    for label, keys in (("zkey, circom reduction", a["keys_zkey"]), ("ptau-derived, libsnark", a["keys_ptau"])):
        out = d / f"proof-{keys.name}"
        cli = statistics.median(timed([solvent, "circom", "prove", str(keys), str(a["wtns"]), "--out", str(out)])
                                for _ in range(args.runs))
        assert node.snarkjs_verify(out / "verification_key.json", out / "public.json", out / "proof.json")
        inproc = []
        for _ in range(args.runs):
            t = time.perf_counter()
            _native.circom_prove(keys / "circuit.pk", circuit, a["wtns"])
            inproc.append(time.perf_counter() - t)
        rows.append((label, cli, statistics.median(inproc)))

    print(f"{'prover':<40}{'command line':>14}{'in process':>14}")
    print(f"{'snarkjs 0.7.6 groth16 prove':<40}{sj_cli:>13.3f}s{sj_in:>13.3f}s")
    for label, cli, inproc in rows:
        print(f"{'solvent (' + label + ')':<40}{cli:>13.3f}s{inproc:>13.3f}s")
    for label, cli, inproc in rows:
        print(f"ratio snarkjs / solvent ({label}): command line {sj_cli / cli:.2f}x, in process {sj_in / inproc:.2f}x")
    print("(all proofs checked with snarkjs groth16 verify)")


if __name__ == "__main__":
    main()
