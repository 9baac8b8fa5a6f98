"""circomlib-compatible Poseidon over BN254 Fr, written from the specification.

This is the verifier's own Poseidon: it shares no code or constant tables with
the Rust prover.  The round constants and MDS matrices are *derived* here, at
first use, by the Grain LFSR procedure of the Poseidon paper's reference
parameter script, so an auditor can check the whole chain from the published
parameters (field, S-box, n = 254, t, R_F = 8, R_P) to a digest without trusting
any table.  See ``docs/hashing.md`` for the normative description; the
functions here follow it exactly:

* :func:`poseidon` is circomlib's ``PoseidonEx(nInputs, 1)``: state
  ``[init, in_0, ..., in_{n-1}]``, x^5 S-box, 4 + 4 full rounds around R_P
  partial rounds, output ``state[0]``.  With ``init = 0`` it is circomlib's
  ``Poseidon(n)``.
* :func:`domain` / :func:`hash_many` put a label and the total length into the
  capacity element, so differently-labelled or differently-sized hashes never
  share a function.
* :func:`encode_bytes` turns an account id into field elements injectively.

Correctness is pinned by known-answer vectors from circomlib / go-iden3-crypto
in ``tests/verifier/test_poseidon.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .field import R, inverse, to_field

#: Full rounds (4 before and 4 after the partial rounds), the same for every width.
FULL_ROUNDS: Final[int] = 8

#: circomlib's partial-round counts, indexed by width t = 2..17.  They are the
#: paper's recommended counts for the 128-bit security level rounded up, as
#: circomlib's ``poseidon.circom`` fixes them; compatibility requires these
#: exact numbers, since every count changes every digest.
PARTIAL_ROUNDS: Final[dict[int, int]] = dict(
    zip(range(2, 18), (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68), strict=True)
)

MAX_INPUTS: Final[int] = 16
#: Longest byte string :func:`encode_bytes` accepts: 14 chunks of 31 bytes, so
#: the encoding (length + 14 chunks = 15 elements) fits in one permutation with
#: room for one more element (e.g. a salt).
MAX_ENCODED_BYTES: Final[int] = 434
_CHUNK_BYTES: Final[int] = 31
_FIELD_BITS: Final[int] = 254
_MAX_LABEL_BYTES: Final[int] = 29


# --------------------------------------------------------------------------
# Grain LFSR parameter generation
# --------------------------------------------------------------------------


class GrainLFSR:
    """The 80-bit Grain LFSR of the Poseidon reference parameter script.

    The register is seeded with the instance parameters (field type: 2 bits,
    S-box: 4 bits, field size n: 12 bits, width t: 12 bits, R_F: 10 bits,
    R_P: 10 bits, each most-significant bit first) followed by thirty 1 bits,
    and clocked with the recurrence

        b[i+80] = b[i+62] ^ b[i+51] ^ b[i+38] ^ b[i+23] ^ b[i+13] ^ b[i].

    The first 160 output bits are discarded.  After that bits are read in
    pairs: if the first bit of a pair is 1 the second is output, otherwise the
    pair is dropped (the "self-shrinking" step).

    Speed: since the nearest tap is 18 positions behind the newest bit, the
    next 18 bits depend only on the current 80-bit window and are computed
    together with a few shifts and xors of a Python int, instead of one bit at
    a time.  Bits are buffered as ``'0'``/``'1'`` strings, which makes the
    pair filtering and the 254-bit grouping cheap slicing operations.
    """

    _TAPS: Final[tuple[int, ...]] = (62, 51, 38, 23, 13, 0)
    _STEP: Final[int] = 80 - 62  # bits computable from one window
    _STEP_MASK: Final[int] = (1 << (80 - 62)) - 1

    def __init__(self, field: int, sbox: int, n: int, t: int, r_f: int, r_p: int) -> None:
        seed = (
            format(field, "02b")
            + format(sbox, "04b")
            + format(n, "012b")
            + format(t, "012b")
            + format(r_f, "010b")
            + format(r_p, "010b")
            + "1" * 30
        )
        if len(seed) != 80:
            raise ValueError("Grain LFSR parameters do not fit their bit widths")
        # Window: bit k of the int is b[base + k], so the oldest bit is the LSB.
        self._window = int(seed[::-1], 2)
        self._raw = ""  # clocked-out bits not yet consumed, oldest first
        self._out = ""  # bits that survived the pair filter, oldest first
        self._take_raw(160)  # warm-up: discarded

    def _clock(self, count: int) -> None:
        """Append at least ``count`` freshly clocked bits to the raw buffer."""
        w = self._window
        mask = self._STEP_MASK
        pieces = []
        for _ in range(-(-count // self._STEP)):
            new = ((w >> 62) ^ (w >> 51) ^ (w >> 38) ^ (w >> 23) ^ (w >> 13) ^ w) & mask
            w = (w >> 18) | (new << 62)
            # bit j of `new` is the j-th new bit in time order; reverse for LSB-first text
            pieces.append(format(new, "018b")[::-1])
        self._window = w
        self._raw += "".join(pieces)

    def _take_raw(self, count: int) -> str:
        if len(self._raw) < count:
            self._clock(count - len(self._raw))
        taken, self._raw = self._raw[:count], self._raw[count:]
        return taken

    def bits(self, count: int) -> str:
        """The next ``count`` output bits (after pair filtering), as text."""
        while len(self._out) < count:
            # About half the pairs survive, so ask for roughly 4x the missing bits.
            raw = self._take_raw(max(256, 4 * (count - len(self._out))))
            firsts, seconds = raw[0::2], raw[1::2]
            self._out += "".join(s for f, s in zip(firsts, seconds, strict=True) if f == "1")
        taken, self._out = self._out[:count], self._out[count:]
        return taken

    def field_element(self, modulus: int = R) -> int:
        """Draw n-bit integers (MSB first) until one is below ``modulus``."""
        while True:
            value = int(self.bits(_FIELD_BITS), 2)
            if value < modulus:
                return value

    def reduced_element(self, modulus: int = R) -> int:
        """Draw one n-bit integer and reduce it modulo ``modulus``.

        The reference script samples the MDS seeds this way (it converts the
        raw bits into a field element, which reduces), unlike the round
        constants, which are rejection-sampled.
        """
        return int(self.bits(_FIELD_BITS), 2) % modulus


@dataclass(frozen=True)
class PoseidonParams:
    """Constants of one Poseidon instance (one width ``t``)."""

    t: int
    partial_rounds: int
    round_constants: tuple[int, ...]  # (FULL_ROUNDS + partial_rounds) * t values
    mds: tuple[tuple[int, ...], ...]  # t x t, applied as new[i] = sum_j mds[i][j] * s[j]


def generate_params(t: int) -> PoseidonParams:
    """Derive circomlib's round constants and MDS matrix for width ``t``.

    Round constants: the first ``(R_F + R_P) * t`` rejection-sampled field
    elements of the LFSR stream, consumed round by round, element by element.
    MDS: the Cauchy matrix ``M[i][j] = 1 / (x_i + y_j)`` on the next ``2t``
    254-bit draws ``x_0..x_{t-1}, y_0..y_{t-1}``, each *reduced* modulo r (not
    rejection-sampled: for 15 of the 16 widths some draw is >= r, and only
    reduction reproduces circomlib's digests).  The script redraws all ``2t``
    if they are not distinct or some ``x_i + y_j`` is zero; that never happens
    for these widths, but the rule is kept so the derivation is complete.
    No matrix security test (algorithms 1-3 of later versions of the script)
    is applied: circomlib's matrix is the first one drawn for every width, as
    the known-answer vectors for all t = 2..17 confirm.
    """
    if t not in PARTIAL_ROUNDS:
        raise ValueError(f"unsupported Poseidon width t={t} (circomlib supports 2..17)")
    r_p = PARTIAL_ROUNDS[t]
    lfsr = GrainLFSR(field=1, sbox=0, n=_FIELD_BITS, t=t, r_f=FULL_ROUNDS, r_p=r_p)
    constants = tuple(lfsr.field_element() for _ in range((FULL_ROUNDS + r_p) * t))
    while True:
        seeds = [lfsr.reduced_element() for _ in range(2 * t)]
        xs, ys = seeds[:t], seeds[t:]
        if len(set(seeds)) == 2 * t and all((x + y) % R for x in xs for y in ys):
            break
    mds = tuple(tuple(inverse(x + y) for y in ys) for x in xs)
    return PoseidonParams(t=t, partial_rounds=r_p, round_constants=constants, mds=mds)


_PARAMS_CACHE: dict[int, PoseidonParams] = {}


def params(t: int) -> PoseidonParams:
    """Constants for width ``t``, generated on first use and kept in memory."""
    cached = _PARAMS_CACHE.get(t)
    if cached is None:
        cached = generate_params(t)
        _PARAMS_CACHE[t] = cached
    return cached


# --------------------------------------------------------------------------
# The permutation and the hashes built on it
# --------------------------------------------------------------------------


def permute(state: Sequence[int]) -> list[int]:
    """Apply the Poseidon permutation of width ``len(state)`` and return the new state.

    Each round adds the round constants, applies x^5 to every element (full
    rounds: the first and last ``R_F / 2``) or to element 0 only (partial
    rounds), then multiplies by the MDS matrix.
    """
    p = params(len(state))
    t = p.t
    half_full = FULL_ROUNDS // 2
    rc = p.round_constants
    mds = p.mds
    s = [to_field(x, f"poseidon state[{i}]") for i, x in enumerate(state)]
    for rnd in range(FULL_ROUNDS + p.partial_rounds):
        base = rnd * t
        s = [(x + rc[base + i]) % R for i, x in enumerate(s)]
        if rnd < half_full or rnd >= half_full + p.partial_rounds:
            s = [pow(x, 5, R) for x in s]
        else:
            s[0] = pow(s[0], 5, R)
        s = [sum(m * x for m, x in zip(row, s, strict=True)) % R for row in mds]
    return s


def poseidon(inputs: Sequence[int], init: int = 0) -> int:
    """circomlib's ``PoseidonEx(len(inputs), 1)`` with initial state ``init``.

    ``inputs`` holds 1 to 16 field elements; every input and ``init`` must be a
    canonical element of Fr (an int in ``[0, r)``) — values are never reduced,
    so two different integers can never hash alike by aliasing modulo r.
    """
    n = len(inputs)
    if not 1 <= n <= MAX_INPUTS:
        raise ValueError(f"poseidon takes 1 to {MAX_INPUTS} inputs, got {n}")
    state = [to_field(init, "poseidon init")]
    state.extend(to_field(x, f"poseidon input[{i}]") for i, x in enumerate(inputs))
    return permute(state)[0]


def domain(label: str, n: int) -> int:
    """Domain tag ``int(label as big-endian ASCII) * 2**16 + n`` (docs/hashing.md).

    ``label`` must be 1 to 29 printable ASCII characters, so the tag is below
    2**248 < r.  Printable-only is slightly stricter than the spec's "ASCII": a
    leading NUL would make ``"\\x00a"`` and ``"a"`` the same tag, and refusing
    control characters removes that aliasing.  ``n`` is the total number of
    field elements hashed, ``0 <= n < 2**16``.
    """
    if not isinstance(label, str):
        raise TypeError("domain label must be a str")
    if not label or len(label) > _MAX_LABEL_BYTES or not all(" " <= c <= "~" for c in label):
        raise ValueError(
            f"domain label must be 1 to {_MAX_LABEL_BYTES} printable ASCII characters, "
            f"got {label!r}"
        )
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < 1 << 16:
        raise ValueError(f"domain length must be an int in [0, 65536), got {n!r}")
    return int.from_bytes(label.encode("ascii"), "big") * (1 << 16) + n


def hash_many(label: str, xs: Sequence[int]) -> int:
    """Hash any number (>= 1) of field elements under a labelled, length-bound domain.

    Up to 16 elements: one ``poseidon(xs, init=domain(label, len(xs)))``.
    More: absorb the first 16, then chain ``acc = poseidon([acc] + next <= 15)``
    with the same domain.  Because the total length is in every call's domain
    and the chunking is a fixed function of the length, a collision between
    two inputs is a collision of Poseidon itself.
    """
    n = len(xs)
    if n == 0:
        raise ValueError("hash_many needs at least one element")
    d = domain(label, n)
    if n <= MAX_INPUTS:
        return poseidon(xs, init=d)
    acc = poseidon(xs[:MAX_INPUTS], init=d)
    for start in range(MAX_INPUTS, n, MAX_INPUTS - 1):
        acc = poseidon([acc, *xs[start : start + MAX_INPUTS - 1]], init=d)
    return acc


def encode_bytes(b: bytes) -> list[int]:
    """Encode a byte string injectively as ``[len, chunk_0, ..., chunk_{k-1}]``.

    Chunks are 31 bytes read big-endian (the last may be shorter), so each is
    below 2**248 < r and no two byte strings map to the same elements: the
    length fixes the chunk boundaries, and within a chunk big-endian reading of
    a fixed number of bytes is injective (``b"\\x00"`` and ``b""`` differ in
    length, ``b"\\x00\\x01"`` and ``b"\\x01"`` too).  At most 434 bytes.
    """
    if not isinstance(b, (bytes, bytearray, memoryview)):
        raise TypeError(f"encode_bytes takes bytes, got {type(b).__name__}")
    data = bytes(b)
    if len(data) > MAX_ENCODED_BYTES:
        raise ValueError(f"byte string too long: {len(data)} > {MAX_ENCODED_BYTES} bytes")
    chunks = [
        int.from_bytes(data[i : i + _CHUNK_BYTES], "big")
        for i in range(0, len(data), _CHUNK_BYTES)
    ]
    return [len(data), *chunks]


__all__ = [
    "FULL_ROUNDS",
    "PARTIAL_ROUNDS",
    "MAX_INPUTS",
    "MAX_ENCODED_BYTES",
    "GrainLFSR",
    "PoseidonParams",
    "generate_params",
    "params",
    "permute",
    "poseidon",
    "domain",
    "hash_many",
    "encode_bytes",
]
