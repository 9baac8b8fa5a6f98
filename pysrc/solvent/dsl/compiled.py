"""A compiled circuit: IR bytes plus the layout needed to feed it and read its outputs."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..formulas.field import R
from .builder import CircuitBuilder, Group, Kind
from .ir import serialize


def _flatten(value: Any, shape: tuple[int, ...], where: str) -> list[int]:
    if not shape:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{where}: expected an int, got {type(value).__name__}")
        if not 0 <= value < R:
            raise ValueError(f"{where}: {value} is not in [0, r)")
        return [value]
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)) or len(value) != shape[0]:
        got = len(value) if isinstance(value, Sequence) else type(value).__name__
        raise ValueError(f"{where}: expected {shape[0]} entries, got {got}")
    out: list[int] = []
    for i, v in enumerate(value):
        out.extend(_flatten(v, shape[1:], f"{where}[{i}]"))
    return out


@dataclass(frozen=True)
class CompiledCircuit:
    name: str
    ir: bytes
    groups: tuple[Group, ...]
    num_wires: int
    num_ops: int

    @classmethod
    def from_builder(cls, cs: CircuitBuilder) -> CompiledCircuit:
        return cls(cs.name, serialize(cs), tuple(cs.groups), cs.num_wires, len(cs.ops))

    @property
    def hash(self) -> str:
        """SHA-256 of the IR: the circuit's identity in key files and attestations."""
        return hashlib.sha256(self.ir).hexdigest()

    @property
    def inputs(self) -> list[Group]:
        return [g for g in self.groups if g.kind != Kind.PUBLIC_OUTPUT]

    @property
    def publics(self) -> list[Group]:
        return [g for g in self.groups if g.kind != Kind.PRIVATE_INPUT]

    @property
    def num_public(self) -> int:
        return sum(g.count for g in self.publics)

    def input_vector(self, values: Mapping[str, Any]) -> list[int]:
        """Flatten named input values (nested lists matching each group's shape) into the
        IR's input order, refusing missing, extra or out-of-range values."""
        expected = {g.name for g in self.inputs}
        extra = set(values) - expected
        if extra:
            raise ValueError(f"circuit {self.name}: unknown inputs {sorted(extra)}")
        out: list[int] = []
        for g in self.inputs:
            if g.name not in values:
                raise ValueError(f"circuit {self.name}: missing input '{g.name}'")
            out.extend(_flatten(values[g.name], g.shape, g.name))
        return out

    def name_publics(self, values: Sequence[int]) -> dict[str, Any]:
        """Split a proof's public values back into named groups."""
        if len(values) != self.num_public:
            raise ValueError(f"circuit {self.name}: {len(values)} public values, expected {self.num_public}")
        out: dict[str, Any] = {}
        pos = 0
        for g in self.publics:
            chunk = list(values[pos:pos + g.count])
            pos += g.count
            out[g.name] = chunk[0] if not g.shape else chunk
        return out

    def group(self, name: str) -> Group:
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(name)
