"""The specification arithmetic: what every other layer computes and checks, written once.

The BN254 scalar field (:mod:`.field`), Poseidon and solvent's domain-separated hashing
(:mod:`.poseidon`, docs/hashing.md), the book's leaves, nodes, commitments and paths
(:mod:`.book`), the risk and solvency arithmetic (:mod:`.risk`, :mod:`.solvency`), decimal
amounts (:mod:`.amounts`) and the one signature scheme of inputs and attestations
(:mod:`.eip191`). Malformed data raises :class:`MalformedInput`.

Imports nothing of solvent but :mod:`solvent.errors`: the circuits, the prover's pipeline and
both verifiers use these definitions, so none of them can drift from another.
"""

from .errors import MalformedInput

__all__ = ["MalformedInput"]
