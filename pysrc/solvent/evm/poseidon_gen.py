"""Constant tables for the on-chain Poseidon (``verifier/Poseidon.sol``), any width 2..17.

The constants are derived from solvent's own pure-Python Poseidon
(:mod:`solvent.formulas.poseidon`, circomlib's parameters) and rewritten into the
cheaper but equivalent form of the Poseidon paper's appendix B, so that a partial
round costs O(t) instead of O(t²) field operations on chain:

1. *Partial-round constants become scalars.*  In a partial round only ``s[0]`` goes
   through the S-box, so the constants added to ``s[1..]`` can be added after it and
   pushed through the MDS matrix into the next round's constants (a forward pass).
   What is left over after the last partial round joins the constants of the first
   full round after them.
2. *Partial-round matrices become sparse.*  Each partial round's (accumulated) matrix
   ``A = [[a00, aᵀ], [b, Â]]`` factors as ``A = M'' · M'`` with
   ``M' = diag(1, Â)`` and ``M'' = [[a00, aᵀ·Â⁻¹], [b, I]]``.  ``M'`` leaves ``s[0]``
   alone, so it commutes with the partial S-box and the scalar constant and moves
   back into the previous round (a backward pass); the last one lands in the
   matrix of the final full round before the partial rounds.  ``M''`` has only
   ``2t − 1`` interesting entries: its first row and the rest of its first column.

:func:`permute_optimized` runs the rewritten tables in Python and is checked against
:func:`solvent.formulas.poseidon.permute` in the tests, before any EVM is involved.

Table layout (32-byte big-endian words, the order ``Poseidon.sol`` reads them)::

    full round constants   8·t    (rounds 0-3, then 4-7; round 4 includes the carry)
    MDS                    t²     row-major, for every full round except round 3
    MDS of round 3         t²     M'_0 · MDS
    partial constants      R_P    one per partial round
    sparse matrices        R_P·(2t−1)   per round: first row (t), then column 1..t-1

EIP-170 caps a contract's code at 24,576 bytes; a width-9 table alone is ~44 KB, so
the tables are deployed as plain data contracts (code = one ``STOP`` byte, then the
data), split into chunks of at most :data:`CHUNK_WORDS` words (at most 4 chunks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from ..formulas.field import R
from ..formulas.poseidon import FULL_ROUNDS, PARTIAL_ROUNDS, params

CHUNK_WORDS = 767  # 1 + 767·32 = 24,545 bytes ≤ 24,576
MAX_CHUNKS = 4

Matrix = list[list[int]]


def _matmul(a: Matrix, b: Matrix) -> Matrix:
    n, m, k = len(a), len(b[0]), len(b)
    return [[sum(a[i][x] * b[x][j] for x in range(k)) % R for j in range(m)] for i in range(n)]


def _matvec(a: Matrix, v: Sequence[int]) -> list[int]:
    return [sum(x * y for x, y in zip(row, v, strict=True)) % R for row in a]


def _inverse(a: Matrix) -> Matrix:
    """Gauss-Jordan inverse over Fr."""
    n = len(a)
    m = [list(row) + [int(i == j) for j in range(n)] for i, row in enumerate(a)]
    for col in range(n):
        piv = next(r for r in range(col, n) if m[r][col] % R)
        m[col], m[piv] = m[piv], m[col]
        inv = pow(m[col][col], R - 2, R)
        m[col] = [x * inv % R for x in m[col]]
        for r in range(n):
            if r != col and m[r][col]:
                f = m[r][col]
                m[r] = [(x - f * y) % R for x, y in zip(m[r], m[col], strict=True)]
    return [row[n:] for row in m]


@dataclass(frozen=True)
class OptimizedTables:
    t: int
    partial_rounds: int
    full_constants: list[list[int]]  # 8 rounds × t
    mds: Matrix
    mds_pre: Matrix  # matrix of full round 3 (the last before the partial rounds)
    partial_constants: list[int]
    sparse: list[tuple[list[int], list[int]]]  # per partial round: (first row, column 1..t-1)

    def words(self) -> list[int]:
        out = [c for rnd in self.full_constants for c in rnd]
        out += [x for row in self.mds for x in row]
        out += [x for row in self.mds_pre for x in row]
        out += self.partial_constants
        for row, col in self.sparse:
            out += row + col
        return out

    def data(self) -> bytes:
        return b"".join(w.to_bytes(32, "big") for w in self.words())


@cache
def optimized_tables(t: int) -> OptimizedTables:
    """The rewritten constants for width ``t`` (2..17); computed once per process (treat as read-only)."""
    p = params(t)
    rp, half = p.partial_rounds, FULL_ROUNDS // 2
    mds = [list(row) for row in p.mds]
    rc = [list(p.round_constants[r * t:(r + 1) * t]) for r in range(FULL_ROUNDS + rp)]
    # 1. forward pass: scalar partial constants, the rest carried forward
    carry = [0] * t
    partial_constants = []
    for j in range(rp):
        c = [(x + y) % R for x, y in zip(rc[half + j], carry, strict=True)]
        partial_constants.append(c[0])
        carry = _matvec(mds, [0] + c[1:])
    full = [rc[r] for r in range(half)] + [rc[half + rp + r] for r in range(half)]
    full[half] = [(x + y) % R for x, y in zip(full[half], carry, strict=True)]
    # 2. backward pass: sparse partial matrices, the dense rest moved into round 3
    sparse: list[tuple[list[int], list[int]]] = []
    acc = mds
    for _ in range(rp):
        a00, a_row = acc[0][0], acc[0][1:]
        b_col = [acc[i][0] for i in range(1, t)]
        a_hat = [row[1:] for row in acc[1:]]
        a_hat_inv = _inverse(a_hat)
        u = [sum(a_row[k] * a_hat_inv[k][j] for k in range(t - 1)) % R for j in range(t - 1)]
        sparse.append(([a00, *u], b_col))
        m_prime = [[int(i == j == 0) for j in range(t)] for i in range(t)]
        for i in range(1, t):
            for j in range(1, t):
                m_prime[i][j] = a_hat[i - 1][j - 1]
        acc = _matmul(m_prime, mds)  # the previous round's matrix: M' applied after MDS
    sparse.reverse()
    # after the loop acc = M'_0 · MDS: the matrix of the last full round before the partials
    return OptimizedTables(t, rp, full, mds, acc, partial_constants, sparse)


def permute_optimized(state: Sequence[int], tables: OptimizedTables | None = None) -> list[int]:
    """The Poseidon permutation computed from the rewritten tables (mirrors Poseidon.sol)."""
    t = len(state)
    tb = tables or optimized_tables(t)
    half = FULL_ROUNDS // 2
    s = list(state)

    def full_round(r: int, m: Matrix) -> None:
        nonlocal s
        s = [pow((x + c) % R, 5, R) for x, c in zip(s, tb.full_constants[r], strict=True)]
        s = _matvec(m, s)

    for r in range(half):
        full_round(r, tb.mds_pre if r == half - 1 else tb.mds)
    for k, (row, col) in zip(tb.partial_constants, tb.sparse, strict=True):
        x0 = pow((s[0] + k) % R, 5, R)
        new0 = (row[0] * x0 + sum(a * b for a, b in zip(row[1:], s[1:], strict=True))) % R
        s = [new0] + [(si + ci * x0) % R for si, ci in zip(s[1:], col, strict=True)]
    for r in range(half, FULL_ROUNDS):
        full_round(r, tb.mds)
    return s


def table_chunks(t: int) -> list[bytes]:
    """The tables for width ``t`` as data-contract runtime codes (``0x00`` ‖ up to 767 words)."""
    if t not in PARTIAL_ROUNDS:
        raise ValueError(f"unsupported Poseidon width t={t} (2..17)")
    data = optimized_tables(t).data()
    step = CHUNK_WORDS * 32
    chunks = [b"\x00" + data[i:i + step] for i in range(0, len(data), step)]
    assert len(chunks) <= MAX_CHUNKS
    return chunks


__all__ = ["OptimizedTables", "optimized_tables", "permute_optimized", "table_chunks", "table_words",
           "permutation_asm", "indented", "permutation_source", "CHUNK_WORDS", "MAX_CHUNKS"]


# --------------------------------------------------------------------------
# Width-specialised Solidity: the same permutation with every inner loop unrolled
# --------------------------------------------------------------------------

_R_HEX = f"0x{R:064x}"


def _sum_products(target: str, terms: list[str], indent: str, declare: bool = True) -> list[str]:
    """Statements setting ``target`` to Σ terms mod r; each term is a mulmod result (< r <
    2^254), so four are added without reducing (4r < 2^256) and the groups are addmod-ed.
    One statement per group keeps the expression (and so the EVM stack) shallow."""
    groups = []
    for i in range(0, len(terms), 4):
        g = terms[i]
        for term in terms[i + 1:i + 4]:
            g = f"add({g}, {term})"
        groups.append(g)
    first = groups[0] if len(groups) > 1 else f"mod({groups[0]}, r)"
    out = [f"{indent}{'let ' if declare else ''}{target} := {first}"]
    out += [f"{indent}{target} := addmod({target}, {g}, r)" for g in groups[1:]]
    return out


def _w(base: str, index: int) -> str:
    return f"mload({base})" if index == 0 else f"mload(add({base}, {hex(32 * index)}))"


def table_words(t: int) -> int:
    """Words of the width-``t`` tables (the layout above)."""
    return 8 * t + 2 * t * t + PARTIAL_ROUNDS[t] * 2 * t


def permutation_asm(t: int, st: int, tb: int, tmp: int) -> list[str]:
    """Yul statements permuting the width-``t`` state at memory ``st`` in place, with the
    tables at ``tb`` and ``t`` words of scratch at ``tmp`` (all constant addresses): every
    inner loop unrolled, matrix rows summed with lazy reduction."""
    if t not in PARTIAL_ROUNDS:
        raise ValueError(f"unsupported Poseidon width t={t} (2..17)")
    rp = PARTIAL_ROUNDS[t]
    mds_off = 32 * 8 * t
    pre_off = mds_off + 32 * t * t
    kp_off = pre_off + 32 * t * t
    sp_off = kp_off + 32 * rp

    def a(addr: int) -> str:
        return f"mload({hex(addr)})"

    y: list[str] = []
    y.append("function sbox(x, r) -> y {")
    y.append("    let x2 := mulmod(x, x, r)")
    y.append("    y := mulmod(mulmod(x2, x2, r), x, r)")
    y.append("}")
    for name, m in (("fullM", tb + mds_off), ("fullP", tb + pre_off)):
        y.append(f"function {name}(cc, r) {{")
        for i in range(t):
            y.append(f"    mstore({hex(st + 32 * i)}, sbox(addmod({a(st + 32 * i)}, {_w('cc', i)}, r), r))")
        for i in range(t):
            terms = [f"mulmod({a(m + 32 * (i * t + j))}, {a(st + 32 * j)}, r)" for j in range(t)]
            y += _sum_products("v", terms, "    ", declare=(i == 0))
            y.append(f"    mstore({hex(tmp + 32 * i)}, v)")
        y.append(f"    mcopy({hex(st)}, {hex(tmp)}, {hex(32 * t)})")
        y.append("}")
    y.append(f"let r := {_R_HEX}")
    for rnd in range(4):
        y.append(f"{'fullP' if rnd == 3 else 'fullM'}({hex(tb + 32 * t * rnd)}, r)")
    y.append(f"let sp := {hex(tb + sp_off)}")
    y.append(f"for {{ let kp := {hex(tb + kp_off)} }} lt(kp, {hex(tb + sp_off)}) {{ kp := add(kp, 0x20) }} {{")
    y.append(f"    let x := sbox(addmod({a(st)}, mload(kp), r), r)")
    terms = ["mulmod(mload(sp), x, r)"] + [f"mulmod({_w('sp', j)}, {a(st + 32 * j)}, r)" for j in range(1, t)]
    y += _sum_products("acc", terms, "    ")
    for i in range(1, t):
        y.append(f"    mstore({hex(st + 32 * i)}, addmod({a(st + 32 * i)}, mulmod({_w('sp', t - 1 + i)}, x, r), r))")
    y.append(f"    mstore({hex(st)}, acc)")
    y.append(f"    sp := add(sp, {hex(32 * (2 * t - 1))})")
    y.append("}")
    for rnd in range(4, 8):
        y.append(f"fullM({hex(tb + 32 * t * rnd)}, r)")
    return y


def indented(lines: list[str], n: int) -> str:
    return "\n".join(" " * n + line for line in lines)


def permutation_source(t: int) -> str:
    """Solidity contract ``PoseidonHasherT{t}``: ``PoseidonHasher`` of ``verifier/Poseidon.sol``
    with :func:`permutation_asm` as its permutation (same tables; the state and tables must
    sit where PoseidonBase's entry points put them, which the code checks, reverting otherwise)."""
    if t not in PARTIAL_ROUNDS:
        raise ValueError(f"unsupported Poseidon width t={t} (2..17)")
    # Absolute memory layout (PoseidonBase's external functions allocate nothing before
    # _loadTables): state at 0x80, tables right after it, scratch right after the tables.
    st = 0x80
    tb = st + 32 * t
    tmp = tb + 32 * table_words(t)
    check = f"if iszero(and(eq(s, {hex(st)}), eq(tb, {hex(tb)}))) {{ revert(0, 0) }}"
    body = indented([check, *permutation_asm(t, st, tb, tmp)], 12)
    return f"""// SPDX-License-Identifier: Apache-2.0
// Generated by solvent.evm.poseidon_gen.permutation_source; do not edit.
pragma solidity >=0.8.24 <0.9.0;

import "./Poseidon.sol";

/// @notice Poseidon hash for width {t} with the permutation unrolled for this width.
contract PoseidonHasherT{t} is PoseidonHasher {{
    constructor(address[] memory tables) PoseidonHasher({t}, {PARTIAL_ROUNDS[t]}, tables) {{}}

    function _permute(uint256 tb, uint256 s) internal pure override {{
        assembly ("memory-safe") {{
{body}
        }}
    }}
}}
"""
