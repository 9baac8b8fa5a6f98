"""Keys for one book shape: the batch and top circuits, compiled and set up.

A keys directory holds ``shape.json`` and, per circuit, ``<name>.pk`` (binary, header
naming the circuit hash) and ``<name>.vk.json`` (snarkjs layout). The same keys serve
every book of that shape — every epoch — up to ``capacity × batch_size`` leaves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..backend import Groth16, KeyPair
from ..circuits.compile import compile_circuits  # re-exported: it lives where no backend is imported
from ..circuits.shape import BookShape
from ..dsl import CompiledCircuit
from ..errors import UsageError
from ..io import write_atomic

__all__ = ["ShapeKeys", "compile_circuits", "load", "read_shape", "setup_dev_insecure"]


@dataclass
class ShapeKeys:
    shape: BookShape
    circuits: dict[str, CompiledCircuit]
    keys: dict[str, KeyPair]
    keys_dir: Path | None = None
    """Where the keys are on disk (worker processes load them from there)."""


def setup_dev_insecure(shape: BookShape, out: Path, backend: Groth16, seed: bytes | None = None) -> ShapeKeys:
    """INSECURE single-party keys for ``shape`` (warns; recorded in every key header)."""
    out.mkdir(parents=True, exist_ok=True)
    circuits = compile_circuits(shape)
    keys = {}
    for role, compiled in circuits.items():
        keys[role] = backend.setup_dev_insecure(compiled, seed=None if seed is None else seed + role.encode())
        backend.save_keys(keys[role], out)
    write_atomic(out / "shape.json", json.dumps(shape.to_dict(), indent=1))
    return ShapeKeys(shape, circuits, keys, out)


def read_shape(keys_dir: Path) -> BookShape:
    path = keys_dir / "shape.json"
    try:
        return BookShape(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError) as e:
        raise UsageError(f"{path}: not a solvent keys directory ({e})") from e


def load(keys_dir: Path, backend: Groth16) -> ShapeKeys:
    shape = read_shape(keys_dir)
    circuits = compile_circuits(shape)
    return ShapeKeys(shape, circuits, {role: backend.load_keys(keys_dir, c) for role, c in circuits.items()}, keys_dir)
