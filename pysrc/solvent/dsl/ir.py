"""Serialization of a builder's record to the IR bytes of docs/ir.md."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..formulas.field import R
from .builder import Op

if TYPE_CHECKING:  # pragma: no cover
    from .builder import CircuitBuilder

MAGIC = b"SLVIR001"


class _Writer:
    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.coeffs: dict[int, int] = {}

    def u8(self, v: int) -> None:
        self.parts.append(bytes((v,)))

    def u32(self, v: int) -> None:
        self.parts.append(struct.pack("<I", v))

    def str(self, s: str) -> None:
        b = s.encode()
        self.u32(len(b))
        self.parts.append(b)

    def coeff(self, c: int) -> int:
        c %= R
        idx = self.coeffs.get(c)
        if idx is None:
            idx = self.coeffs[c] = len(self.coeffs)
        return idx

    def lc(self, terms: dict[int, int]) -> None:
        items = sorted(terms.items())
        out = [struct.pack("<I", len(items))]
        for w, c in items:
            out.append(struct.pack("<II", w, self.coeff(c)))
        self.parts.append(b"".join(out))


def serialize(cs: CircuitBuilder) -> bytes:
    body = _Writer()
    for code, label, *p in cs.ops:
        body.u8(code)
        body.u32(label)
        if code == Op.MUL:
            body.u32(p[0])
            body.lc(p[1])
            body.lc(p[2])
        elif code == Op.LIN:
            body.u32(p[0])
            body.lc(p[1])
        elif code == Op.ASSERT:
            body.lc(p[0])
            body.lc(p[1])
            body.lc(p[2])
        elif code == Op.BITS:
            body.lc(p[0])
            body.u32(p[1])
            body.u32(p[2])
        elif code == Op.POSEIDON:
            body.u32(body.coeff(p[0]))
            body.u32(len(p[1]))
            for terms in p[1]:
                body.lc(terms)
            body.u32(p[2])
        elif code == Op.HINT_INV:
            body.lc(p[0])
            body.u32(p[1])
        elif code == Op.HINT_DIVMOD:
            body.lc(p[0])
            body.lc(p[1])
            body.u32(p[2])
            body.u32(p[3])
        else:  # pragma: no cover
            raise AssertionError(f"unknown op {code}")

    head = _Writer()
    head.parts.append(MAGIC)
    head.str(cs.name)
    head.u32(cs.num_wires)
    coeffs = sorted(body.coeffs.items(), key=lambda kv: kv[1])
    head.u32(len(coeffs))
    head.parts.extend(c.to_bytes(32, "little") for c, _ in coeffs)
    labels = cs.labels
    head.u32(len(labels))
    for label in labels:
        head.str(label)
    head.u32(len(cs.groups))
    for g in cs.groups:
        head.str(g.name)
        head.u8(int(g.kind))
        head.u32(g.count)
        head.u32(g.first)
    head.u32(len(cs.ops))
    return b"".join(head.parts) + b"".join(body.parts)
