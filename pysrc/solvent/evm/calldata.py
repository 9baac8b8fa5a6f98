"""Encode Groth16 proofs for the generated Solidity verifiers.

snarkjs's ``proof.json`` writes G2 coordinates real part first (``[c0, c1]``); the
EVM precompiles (EIP-197) and so ``verifyProof``'s ``b`` take them imaginary part
first (``[c1, c0]``).  :func:`proof_to_evm` swaps them; the arguments are then ABI-encoded
by ``eth-abi`` as the static ``uint256`` arrays ``verifyProof`` takes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eth_abi import encode as abi_encode
from eth_utils import keccak

from ..formulas.errors import MalformedInput
from ..formulas.field import R
from ..verifier import Proof

G1 = tuple[int, int]
G2Evm = tuple[tuple[int, int], tuple[int, int]]


def proof_to_evm(proof: Mapping[str, Any] | Proof, validate: bool = True) -> tuple[G1, G2Evm, G1]:
    """``(a, b, c)`` for ``verifyProof`` from a snarkjs proof (dict) or a :class:`Proof`.

    With ``validate`` (the default) the proof is checked by solvent's verifier
    parser first (canonical, on the curve, B in the subgroup), so a malformed file
    fails here with a message naming the field instead of on chain.  Without it the
    coordinates are taken as written (tests use this to send malformed proofs).
    """
    if isinstance(proof, Proof):
        p = proof
    elif validate:
        p = Proof.from_snarkjs(proof)
    else:
        a = (int(proof["pi_a"][0]), int(proof["pi_a"][1]))
        (x0, x1), (y0, y1) = ((int(v) for v in proof["pi_b"][0]), (int(v) for v in proof["pi_b"][1]))
        c = (int(proof["pi_c"][0]), int(proof["pi_c"][1]))
        return a, ((x1, x0), (y1, y0)), c
    (x0, x1), (y0, y1) = p.b
    return p.a, ((x1, x0), (y1, y0)), p.c


def public_to_evm(public: Sequence[int | str], validate: bool = True) -> list[int]:
    """Public inputs as ints; with ``validate``, each must be in ``[0, r)``."""
    xs = [int(v) for v in public]
    if validate:
        for i, x in enumerate(xs):
            if not 0 <= x < R:
                raise MalformedInput(f"public[{i}]: not a canonical field element (must be in [0, r))")
    return xs


def verify_proof_signature(n_inputs: int) -> str:
    return f"verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[{n_inputs}])"


def verify_proof_selector(n_inputs: int) -> bytes:
    return bytes(keccak(text=verify_proof_signature(n_inputs)))[:4]


def encode_args(a: G1, b: G2Evm, c: G1, inputs: Sequence[int]) -> bytes:
    """ABI encoding of ``(a, b, c, input)`` (no selector); a value that does not fit a
    uint256 is MalformedInput."""
    words = [*a, *b[0], *b[1], *c, *inputs]
    if not all(0 <= w < 1 << 256 for w in words):
        raise MalformedInput("value does not fit a uint256")
    types = ["uint256[2]", "uint256[2][2]", "uint256[2]", f"uint256[{len(inputs)}]"]
    return bytes(abi_encode(types, [list(a), [list(b[0]), list(b[1])], list(c), list(inputs)]))


def encode_verify_proof(proof: Mapping[str, Any] | Proof, public: Sequence[int | str],
                        validate: bool = True) -> bytes:
    """Full calldata (selector included) of ``verifyProof`` for a snarkjs proof and its public inputs."""
    a, b, c = proof_to_evm(proof, validate)
    xs = public_to_evm(public, validate)
    return verify_proof_selector(len(xs)) + encode_args(a, b, c, xs)


def proof_words(proof: Mapping[str, Any] | Proof, validate: bool = True) -> list[int]:
    """The proof as the 8 words ``a ‖ b ‖ c`` (the registry's ``uint256[8] proof``)."""
    a, b, c = proof_to_evm(proof, validate)
    return [*a, *b[0], *b[1], *c]


__all__ = ["proof_to_evm", "public_to_evm", "verify_proof_signature", "verify_proof_selector",
           "encode_args", "encode_verify_proof", "proof_words"]
