"""Drive the pinned JavaScript tools (snarkjs, circom2, circomlibjs) that ``npm ci``
installs into the checkout's ``node_modules/`` (versions in ``package.json``).

Only tests and benches use this: solvent itself never calls node. The tools are found
through ``$SOLVENT_NODE_MODULES`` or the nearest ``node_modules`` above the current
directory or this package's source.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ToolMissing(RuntimeError):
    pass


def node_modules() -> Path:
    env = os.environ.get("SOLVENT_NODE_MODULES")
    if env:
        return Path(env)
    for start in (Path.cwd(), Path(__file__).resolve()):
        for d in (start, *start.parents):
            if (d / "node_modules" / ".bin" / "snarkjs").exists():
                return d / "node_modules"
    raise ToolMissing("node_modules with snarkjs not found: run `make npm` (npm ci) in the checkout")


def available() -> bool:
    try:
        node_modules()
    except ToolMissing:
        return False
    return shutil.which("node") is not None


def bin_path(tool: str) -> Path:
    p = node_modules() / ".bin" / tool
    if not p.exists():
        raise ToolMissing(f"{p} not found: run `make npm`")
    return p


@dataclass
class Run:
    stdout: str
    seconds: float


def run(tool: str, args: Sequence[str | os.PathLike[str]], cwd: Path | None = None, timeout: float = 900) -> Run:
    """Run a tool; raise with its output if it fails (snarkjs sometimes exits 0 on errors,
    so an ``[ERROR]`` line also counts as failure)."""
    cmd = [str(bin_path(tool)), *map(str, args)]
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    dt = time.perf_counter() - t
    out = p.stdout + p.stderr
    if p.returncode != 0 or "[ERROR]" in out:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{out[-4000:]}")
    return Run(out, dt)


def snarkjs(*args: str | os.PathLike[str], cwd: Path | None = None) -> Run:
    return run("snarkjs", args, cwd=cwd)


def snarkjs_verify(vk: Path, public: Path, proof: Path) -> bool:
    """``snarkjs groth16 verify``: True on "OK!", False on "Invalid proof"."""
    cmd = [str(bin_path("snarkjs")), "groth16", "verify", str(vk), str(public), str(proof)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    out = p.stdout + p.stderr
    if "OK!" in out and p.returncode == 0:
        return True
    if "Invalid proof" in out:
        return False
    raise RuntimeError(f"snarkjs groth16 verify gave no verdict ({p.returncode}):\n{out[-2000:]}")


def make_ptau(power: int, out: Path, prepare: bool, entropy: str = "solvent test entropy") -> Path:
    """A ptau from ``snarkjs powersoftau new`` + one contribution (+ ``prepare phase2``
    when ``prepare``). Test material: its single contributor is this machine."""
    out.parent.mkdir(parents=True, exist_ok=True)
    p0, p1 = out.with_suffix(".0.ptau"), out.with_suffix(".1.ptau")
    snarkjs("powersoftau", "new", "bn128", str(power), p0)
    snarkjs("powersoftau", "contribute", p0, p1, "--name=solvent-test", f"-e={entropy}")
    if prepare:
        snarkjs("powersoftau", "prepare", "phase2", p1, out)
        p1.unlink()
    else:
        p1.replace(out)
    p0.unlink()
    return out


def compile_circom(source: Path, out_dir: Path, cwd: Path, include: Sequence[Path] = (), o2: bool = True) -> Path:
    """Compile with circom2 (WASI: it sees only paths under ``cwd``, so ``source``,
    ``out_dir`` and ``include`` must lie there). Returns the ``.r1cs`` path; the witness
    generator is ``<out_dir>/<name>_js/<name>.wasm``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rel = lambda p: os.path.relpath(p, cwd)  # noqa: E731
    args: list[str] = [rel(source), "--r1cs", "--wasm", "-o", rel(out_dir)]
    if o2:
        args.append("--O2")
    for inc in include:
        args += ["-l", rel(inc)]
    run("circom2", args, cwd=cwd)
    return out_dir / f"{source.stem}.r1cs"


def witness(wasm: Path, inputs: dict[str, Any], out: Path) -> Path:
    """``snarkjs wtns calculate`` from a JSON input."""
    inp = out.with_suffix(".input.json")
    inp.write_text(json.dumps({k: str(v) if isinstance(v, int) else v for k, v in inputs.items()}))
    snarkjs("wtns", "calculate", wasm, inp, out)
    return out


def node_eval(script: str, cwd: Path | None = None) -> Any:
    """Run an ES module snippet with the checkout's node_modules; it must print one JSON
    value."""
    nm = node_modules()
    p = subprocess.run(["node", "--input-type=module", "-e", script], cwd=cwd or nm.parent,
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"node failed:\n{p.stderr[-4000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])
