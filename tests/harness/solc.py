"""Compile Solidity with the pinned solcjs (npm package ``solc``) through node.

The compiler is the one in ``package.json`` / ``package-lock.json`` at the repository
root, installed into ``node_modules/`` by ``make`` (``npm ci``); nothing is downloaded
at compile time.  Input and output are solc's standard JSON.  Outputs are cached on
disk under ``.solvent-cache/solc/`` keyed by the SHA-256 of the compiler version and
the whole standard-JSON input, so a test session compiles each source set once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solvent.io import write_atomic

#: EVM version every contract is compiled for (and pyrevm runs).
EVM_VERSION = "cancun"
#: Optimizer runs: high, because verification gas matters more than deployment gas.
OPTIMIZER_RUNS = 10_000

_DRIVER = r"""
const solc = require('solc');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  if (process.argv[1] === '--version') { process.stdout.write(solc.version()); return; }
  process.stdout.write(solc.compile(input));
});
"""


class SolcError(RuntimeError):
    """solcjs could not be run, or the sources did not compile."""


@dataclass(frozen=True)
class Compiled:
    """One compiled contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes  # creation code
    runtime: bytes  # deployed code


def find_node_modules() -> Path:
    """The ``node_modules`` directory holding solcjs.

    ``$SOLVENT_NODE_MODULES`` if set, else the first ``node_modules/solc`` found walking
    up from the current directory, then from this file (a source checkout).
    """
    env = os.environ.get("SOLVENT_NODE_MODULES")
    if env:
        p = Path(env)
        if not (p / "solc" / "package.json").is_file():
            raise SolcError(f"SOLVENT_NODE_MODULES={env}: no solc package there")
        return p
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for d in (start, *start.parents):
            if (d / "node_modules" / "solc" / "package.json").is_file():
                return d / "node_modules"
    raise SolcError("solcjs not found: run `npm ci` at the repository root (make does it)")


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise SolcError("node not found on PATH (needed to run solcjs)")
    return node


def _run(args: list[str], stdin: str, node_modules: Path) -> str:
    env = dict(os.environ, NODE_PATH=str(node_modules))
    proc = subprocess.run([_node(), "-e", _DRIVER, *args], input=stdin, capture_output=True,
                          text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SolcError(f"solcjs failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return proc.stdout


def solc_version() -> str:
    """Version string of the pinned solcjs, e.g. ``0.8.37+commit.…``."""
    nm = find_node_modules()
    pkg = json.loads((nm / "solc" / "package.json").read_text())
    return str(pkg["version"])


def _cache_dir(node_modules: Path) -> Path:
    env = os.environ.get("SOLVENT_SOLC_CACHE")
    return Path(env) if env else node_modules.parent / ".solvent-cache" / "solc"


def standard_input(sources: Mapping[str, str], optimizer_runs: int = OPTIMIZER_RUNS) -> dict[str, Any]:
    """solc standard-JSON input for in-memory sources (file name → text)."""
    return {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {
            "optimizer": {"enabled": True, "runs": optimizer_runs},
            "evmVersion": EVM_VERSION,
            # no metadata hash in the code: the runtime code (and so extcodehash) depends on
            # the source text and these settings only, not on file names or comments' paths
            "metadata": {"bytecodeHash": "none"},
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}},
        },
    }


def compile_standard(std_input: Mapping[str, Any]) -> dict[str, Any]:
    """Run solcjs on a standard-JSON input; raise :class:`SolcError` on any error."""
    nm = find_node_modules()
    text = json.dumps(std_input, sort_keys=True)
    key = hashlib.sha256(f"{solc_version()}\n{text}".encode()).hexdigest()
    cache = _cache_dir(nm) / f"{key}.json"
    if cache.is_file():
        return json.loads(cache.read_text())
    out = json.loads(_run([], text, nm))
    errors = [e for e in out.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise SolcError("\n".join(e.get("formattedMessage", e.get("message", "")) for e in errors))
    cache.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(cache, json.dumps(out))
    return out


def compile_sources(sources: Mapping[str, str], optimizer_runs: int = OPTIMIZER_RUNS) -> dict[str, Compiled]:
    """Compile sources; return every contract by name (``"File.sol:Name"`` and ``"Name"``)."""
    out = compile_standard(standard_input(sources, optimizer_runs))
    result: dict[str, Compiled] = {}
    for file, contracts in out.get("contracts", {}).items():
        for name, c in contracts.items():
            comp = Compiled(name, c["abi"], bytes.fromhex(c["evm"]["bytecode"]["object"]),
                            bytes.fromhex(c["evm"]["deployedBytecode"]["object"]))
            result[f"{file}:{name}"] = comp
            result.setdefault(name, comp)
    return result


def compile_files(paths: list[Path], optimizer_runs: int = OPTIMIZER_RUNS) -> dict[str, Compiled]:
    """Compile Solidity files (each named by its base name; imports are flat, ``./X.sol``)."""
    return compile_sources({p.name: p.read_text() for p in paths}, optimizer_runs)


__all__ = ["Compiled", "SolcError", "EVM_VERSION", "OPTIMIZER_RUNS", "find_node_modules",
           "solc_version", "standard_input", "compile_standard", "compile_sources", "compile_files"]
