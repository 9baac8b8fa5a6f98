"""Compiled circuits cached by shape, in memory and on disk.

A circuit is a function ``fn(cs, **shape)``; its compiled IR depends only on the
function's code and the shape, so the key is a hash of both (and of the DSL's own
source, which decides how ops are recorded). Large batch circuits then compile once
per machine, not once per run.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..io import write_atomic
from .builder import CircuitBuilder, Group, Kind
from .compiled import CompiledCircuit

_memory: dict[str, CompiledCircuit] = {}
_source_hashes: dict[str, str] = {}


def cache_dir() -> Path:
    env = os.environ.get("SOLVENT_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "solvent"


def _module_hash(module_name: str) -> str:
    h = _source_hashes.get(module_name)
    if h is None:
        src = inspect.getsource(importlib.import_module(module_name))
        h = _source_hashes[module_name] = hashlib.sha256(src.encode()).hexdigest()
    return h


def cache_key(fn: Callable[..., Any], shape: dict[str, Any]) -> str:
    dsl = [f"{__package__}.{m}" for m in ("lc", "builder", "gadgets", "ir", "compiled")]
    material = {
        "fn": f"{fn.__module__}.{fn.__qualname__}",
        "shape": shape,
        "sources": [_module_hash(m) for m in [fn.__module__, *dsl]],
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _groups_json(c: CompiledCircuit) -> str:
    return json.dumps({
        "name": c.name, "num_wires": c.num_wires, "num_ops": c.num_ops,
        "groups": [[g.name, int(g.kind), g.first, list(g.shape)] for g in c.groups],
    })


def _from_disk(ir_path: Path, meta_path: Path) -> CompiledCircuit | None:
    try:
        meta = json.loads(meta_path.read_text())
        ir = ir_path.read_bytes()
        if hashlib.sha256(ir).hexdigest() != meta["ir_sha256"]:
            return None  # a torn or corrupt entry is rebuilt, never trusted
        groups = tuple(Group(n, Kind(k), f, tuple(s)) for n, k, f, s in meta["groups"])
        return CompiledCircuit(meta["name"], ir, groups, meta["num_wires"], meta["num_ops"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def build(fn: Callable[..., Any], name: str, use_disk: bool = True, **shape: Any) -> CompiledCircuit:
    """Compile ``fn(cs, **shape)`` as circuit ``name``, or return the cached result."""
    key = cache_key(fn, {"name": name, **shape})
    hit = _memory.get(key)
    if hit is not None:
        return hit
    base = cache_dir() / "circuits" / f"{name}-{key[:24]}"
    ir_path, meta_path = base.with_suffix(".ir"), base.with_suffix(".json")
    compiled = _from_disk(ir_path, meta_path) if use_disk else None
    if compiled is None:
        cs = CircuitBuilder(name)
        fn(cs, **shape)
        compiled = cs.compile()
        if use_disk:
            try:
                base.parent.mkdir(parents=True, exist_ok=True)
                meta = json.loads(_groups_json(compiled))
                meta["ir_sha256"] = compiled.hash
                write_atomic(ir_path, compiled.ir)
                write_atomic(meta_path, json.dumps(meta).encode())
            except OSError:
                pass  # an unwritable cache only costs a rebuild next time
    _memory[key] = compiled
    return compiled
