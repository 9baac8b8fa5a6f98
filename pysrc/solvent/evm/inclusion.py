"""Inclusion paths as the on-chain verifier takes them, in Python.

The tree is the committed book of ``solvent.formulas.book`` (the specification): a node
with ``a`` children is ``node_hash(children, C) = poseidon([*children, C],
init=domain("solvent.node.v1", a + 1))``, where ``C`` is the node's own sum commitment;
a customer's path goes from their leaf to their batch root (``path``) and on to the book
root (``top_path``), which the registry stores.

Encoding (``SumTreeInclusion.verifyPath(root, leafHash, levels, path)``, docs/evm.md):

* ``levels``: one byte per level, bottom level in the least significant byte, high nibble
  the arity (2 to 8), low nibble the position of the current node among its
  siblings; the first zero byte ends the path (at most 32 levels);
* ``path``: per level, ``arity`` words: the siblings' hashes in child order (the current
  node left out), then the parent's sum commitment ``C``.

:func:`verify_path` is the contract's check, with the same answers for malformed input;
:func:`registry_call` turns a customer's inclusion proof into the registry's arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..attestation import hashing
from ..attestation.inclusion import InclusionProof, leaf_of
from ..attestation.models import Attestation
from ..formulas import book as spec
from ..formulas.errors import MalformedInput
from ..formulas.field import R

ARITIES = (2, 3, 4, 5, 6, 7, 8)
"""Node arities the contract takes: every arity ``formulas.book.arities`` gives."""
MAX_LEVELS = 32


@dataclass(frozen=True)
class EncodedPath:
    levels: int
    words: tuple[int, ...]


def encode_path(steps: Sequence[spec.PathLevel]) -> EncodedPath:
    """The contract's encoding of a path (bottom level first)."""
    if not 1 <= len(steps) <= MAX_LEVELS:
        raise MalformedInput(f"a path has 1 to {MAX_LEVELS} levels, not {len(steps)}")
    levels, words = 0, []
    for i, step in enumerate(steps):
        arity = len(step.siblings) + 1
        if arity not in ARITIES or not 0 <= step.position < arity:
            raise MalformedInput(f"level {i}: arity {arity}, position {step.position}")
        levels |= (arity << 4 | step.position) << (8 * i)
        words += [*step.siblings, step.parent_commitment]
    return EncodedPath(levels, tuple(words))


def decode_path(levels: int, words: Sequence[int]) -> list[spec.PathLevel] | None:
    """The levels of an encoded path; None if the encoding is malformed (what the contract
    answers false for, except values >= r)."""
    if not 0 < levels < 1 << (8 * MAX_LEVELS):
        return None
    steps, at = [], 0
    while levels:
        arity, pos = levels >> 4 & 0xF, levels & 0xF
        if arity not in ARITIES or pos >= arity or at + arity > len(words):
            return None
        steps.append(spec.PathLevel(pos, tuple(words[at:at + arity - 1]), words[at + arity - 1]))
        at += arity
        levels >>= 8
    return steps if at == len(words) else None


def verify_path(root: int, leaf_hash: int, levels: int, words: Sequence[int]) -> bool:
    """``verifyPath`` in Python: the same answer for every input."""
    if not (0 <= root < R and 0 <= leaf_hash < R) or any(not 0 <= w < R for w in words):
        return False
    steps = decode_path(levels, words)
    if steps is None:
        return False
    h = leaf_hash
    for step in steps:
        children = list(step.siblings)
        children.insert(step.position, h)
        h = spec.node_hash(children, step.parent_commitment)
    return h == root


@dataclass(frozen=True)
class InclusionCall:
    """What ``SolvencyRegistry.verifyInclusion`` takes for one customer, but the institution
    (the address that registered, which the attestation does not name)."""

    epoch: int
    leaf_hash: int
    levels: int
    path: tuple[int, ...]

    def args(self, institution: str) -> tuple:
        return (institution, self.epoch, self.leaf_hash, self.levels, list(self.path))


def _levels(steps, n_leaves: int, what: str) -> list[spec.PathLevel]:
    out = [spec.PathLevel(s.position, tuple(int(x) for x in s.siblings), int(s.parent_commitment)) for s in steps]
    shape = spec.arities(n_leaves)
    if [len(s.siblings) + 1 for s in out] != shape or any(s.position > len(s.siblings) for s in out):
        raise MalformedInput(f"{what}: not the shape of a {n_leaves}-leaf tree (arities {shape})")
    return out


def registry_call(proof: InclusionProof, att: Attestation) -> InclusionCall:
    """The registry's arguments for a customer's inclusion proof (``solvent inclusion``'s
    JSON): the leaf recomputed from what the customer knows (``attestation.inclusion.leaf_of``:
    id, salt, balances, positions with the margin statement), ``path`` then ``top_path``
    encoded as one path to the book root. Raises MalformedInput (or AmountError) if the
    proof does not fit the attestation's shape or names another attestation."""
    if proof.attestation_hash != hashing.attestation_hash(att).hex() or proof.epoch != att.statement.epoch:
        raise MalformedInput("the inclusion proof is for another attestation")
    shape = att.statement.shape
    path = _levels(proof.path, shape.batch_size, "path")
    top = _levels(proof.top_path, shape.capacity, "top_path")
    if spec.position_in_batch(path) != proof.leaf_index or spec.position_in_batch(top) != proof.batch:
        raise MalformedInput("the path's positions do not spell the proof's batch and leaf index")
    enc = encode_path(path + top)
    return InclusionCall(att.statement.epoch, leaf_of(proof, att), enc.levels, enc.words)


__all__ = ["ARITIES", "MAX_LEVELS", "EncodedPath", "encode_path", "decode_path", "verify_path",
           "InclusionCall", "registry_call"]
