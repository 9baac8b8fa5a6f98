"""Generate a Solidity Groth16 verifier (BN254 precompiles) for one verifying key.

The generated contract has the stable interface::

    function verifyProof(uint256[2] calldata a, uint256[2][2] calldata b,
                         uint256[2] calldata c, uint256[N] calldata input)
        external view returns (bool);
    function verifyingKey() external pure returns (bytes memory);  // vk_hash preimage
    bytes32 public constant VK_HASH;                                 // sha256 of it
    uint256 public constant NUM_INPUTS;

``b`` is in the EVM's G2 order (``[[x.c1, x.c0], [y.c1, y.c0]]``, the reverse of
snarkjs JSON); :mod:`solvent.evm.calldata` encodes proofs that way.

How it saves gas (the equation is checked as one ``ecPairing`` call with 4 pairs)::

    e(A, B) · e(alpha, -beta) · e(vk_x, -gamma) · e(C, -delta) == 1

* ``-beta``, ``-gamma``, ``-delta`` are negated at generation time, so neither A
  nor anything else is negated at run time, and A ‖ B and C are copied straight
  from calldata into the pairing buffer (two ``calldatacopy``);
* ``vk_x = IC[0] + Σ input[i]·IC[i]`` is computed in place in the pairing buffer,
  one ``ecMul`` + ``ecAdd`` per input laid out so that ``ecMul`` writes its result
  right after the accumulator (no copying), and a zero input skips both calls;
* every constant is an immediate (``PUSH32``) in unrolled assembly; the result is
  returned from assembly without Solidity's ABI encoder.

What each malformed input does (tested in ``tests/solidity/test_verifier.py``):

* a public input ≥ r: ``false`` (explicit range check before any precompile call);
* A, B or C the point at infinity (all coordinates zero): ``false`` (explicit
  check; solvent's off-chain verifiers cannot even represent it);
* a coordinate ≥ q, a point off the curve, B outside the order-r subgroup of the
  twist: the ``ecPairing`` precompile fails (EIP-197 requires it to) and the
  verifier returns ``false``;
* a valid proof for another key or other inputs: the pairing product is not one,
  ``false``;
* calldata shorter than the ABI requires: Solidity's ABI decoder reverts with
  empty revert data (that is a malformed call, not a malformed proof);
* too little gas: the call runs out of gas and reverts, or a precompile fails and
  the verifier returns ``false``; never ``true``.  Give it ≥ 250k gas.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from ..errors import UsageError
from ..formulas.field import Q, R
from ..verifier import VerifyingKey, vk_hash
from ..verifier.curve import G1Affine, G2Affine

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def vk_bytes(vk: VerifyingKey) -> bytes:
    """The canonical verifying-key encoding whose SHA-256 is ``vk_hash`` (docs/attestation-interface.md)."""
    coords: list[int] = [*vk.alpha1]
    for g2 in (vk.beta2, vk.gamma2, vk.delta2):
        coords += [*g2[0], *g2[1]]
    for p in vk.ic:
        coords += [*p]
    data = b"".join(c.to_bytes(32, "big") for c in coords)
    assert hashlib.sha256(data).hexdigest() == vk_hash(vk)  # one definition, two spellings
    return data


def _neg_g2(p: G2Affine) -> G2Affine:
    (x0, x1), (y0, y1) = p
    return (x0, x1), ((Q - y0) % Q, (Q - y1) % Q)


def _h(v: int) -> str:
    return f"0x{v:064x}"


def _store_g1(slot: str, p: G1Affine, indent: str) -> list[str]:
    return [f"{indent}mstore({slot}, {_h(p[0])})", f"{indent}mstore(add({slot}, 0x20), {_h(p[1])})"]


def _store_g2(slot: str, p: G2Affine, indent: str) -> list[str]:
    """EVM precompile order: x.c1, x.c0, y.c1, y.c0."""
    (x0, x1), (y0, y1) = p
    vals = (x1, x0, y1, y0)
    out = [f"{indent}mstore({slot}, {_h(vals[0])})"]
    out += [f"{indent}mstore(add({slot}, {hex(32 * i)}), {_h(v)})" for i, v in enumerate(vals[1:], 1)]
    return out


def generate_verifier(vk_json: Mapping[str, Any] | VerifyingKey, contract_name: str = "Groth16Verifier",
                      pragma: str = ">=0.8.20 <0.9.0") -> str:
    """Solidity source of a verifier for ``vk_json`` (snarkjs layout, validated here).

    Raises :class:`solvent.verifier.MalformedInput` for a malformed key (off-curve
    point, G2 outside the subgroup, ``gamma == delta``, …) and ``ValueError`` for a
    bad contract name.
    """
    vk = vk_json if isinstance(vk_json, VerifyingKey) else VerifyingKey.from_snarkjs(vk_json)
    if not _NAME.fullmatch(contract_name):
        raise UsageError(f"not a Solidity identifier: {contract_name!r}")
    n = vk.n_public
    key = vk_bytes(vk)
    digest = hashlib.sha256(key).hexdigest()
    i8, i12 = " " * 8, " " * 12

    # Memory layout from p (the free memory pointer), the 768-byte ecPairing input:
    #   p+0x000 A | p+0x040 B | p+0x0c0 vk_x | p+0x100 -gamma | p+0x180 C | p+0x1c0 -delta
    #   p+0x240 alpha | p+0x280 -beta
    # During the MSM, p+0x0c0 holds the accumulator and p+0x100.. the ecMul input
    # (point, scalar), so ecMul's output lands right after the accumulator and
    # ecAdd reads both from p+0x0c0.
    body: list[str] = []
    body.append(f"{i8}let p := mload(0x40)")
    body.append(f"{i8}// public inputs must be canonical field elements")
    checks = [f"lt(calldataload({hex(0x104 + 32 * i)}), R)" for i in range(n)]
    cond = checks[0] if checks else "1"
    for c in checks[1:]:
        cond = f"and({cond}, {c})"
    body.append(f"{i8}let ok := {cond}")
    body.append(f"{i8}// no point at infinity: A = calldata[0x04..0x44], B = [0x44..0xc4], C = [0xc4..0x104]")
    body.append(f"{i8}ok := and(ok, iszero(iszero(or(calldataload(0x04), calldataload(0x24)))))")
    body.append(f"{i8}ok := and(ok, iszero(iszero(or(or(calldataload(0x44), calldataload(0x64)), "
                f"or(calldataload(0x84), calldataload(0xa4))))))")
    body.append(f"{i8}ok := and(ok, iszero(iszero(or(calldataload(0xc4), calldataload(0xe4)))))")
    body.append(f"{i8}if iszero(ok) {{ mstore(0, 0) return(0, 0x20) }}")
    body.append(f"{i8}// vk_x = IC[0] + sum input[i] * IC[i], accumulated at p+0xc0")
    body.append(f"{i8}let acc := add(p, 0xc0)")
    body.append(f"{i8}let m := add(p, 0x100)")
    body += _store_g1("acc", vk.ic[0], i8)
    for i in range(n):
        px, py = vk.ic[i + 1]
        body.append(f"{i8}{{")
        body.append(f"{i12}let s := calldataload({hex(0x104 + 32 * i)})")
        body.append(f"{i12}if s {{")
        body.append(f"{i12}    mstore(m, {_h(px)})")
        body.append(f"{i12}    mstore(add(m, 0x20), {_h(py)})")
        body.append(f"{i12}    mstore(add(m, 0x40), s)")
        body.append(f"{i12}    ok := and(ok, staticcall(gas(), 0x07, m, 0x60, m, 0x40))")
        body.append(f"{i12}    ok := and(ok, staticcall(gas(), 0x06, acc, 0x80, acc, 0x40))")
        body.append(f"{i12}}}")
        body.append(f"{i8}}}")
    body.append(f"{i8}// A and B straight from calldata, C too; the rest are constants")
    body.append(f"{i8}calldatacopy(p, 0x04, 0xc0)")
    body += _store_g2("add(p, 0x100)", _neg_g2(vk.gamma2), i8)
    body.append(f"{i8}calldatacopy(add(p, 0x180), 0xc4, 0x40)")
    body += _store_g2("add(p, 0x1c0)", _neg_g2(vk.delta2), i8)
    body += _store_g1("add(p, 0x240)", vk.alpha1, i8)
    body += _store_g2("add(p, 0x280)", _neg_g2(vk.beta2), i8)
    body.append(f"{i8}ok := and(ok, staticcall(gas(), 0x08, p, 0x300, p, 0x20))")
    body.append(f"{i8}mstore(0, and(ok, eq(mload(p), 1)))")
    body.append(f"{i8}return(0, 0x20)")

    lines = [
        "// SPDX-License-Identifier: Apache-2.0",
        "// Generated by solvent (solvent export-verifier) from a Groth16 verifying key.",
        "// Do not edit: regenerate from the key instead.",
        f"// vk_hash (sha256 of verifyingKey()): {digest}",
        f"pragma solidity {pragma};",
        "",
        f"/// @title Groth16 verifier over BN254 for one verifying key ({n} public inputs)",
        "/// @notice verifyProof returns false for a public input >= r, a point at infinity, a",
        "///         coordinate >= q, a point off the curve, a G2 point outside the subgroup, or a",
        "///         proof that does not verify; it never returns true for any of them.",
        f"contract {contract_name} {{",
        f"    uint256 internal constant R = {R};",
        f"    uint256 public constant NUM_INPUTS = {n};",
        f"    bytes32 public constant VK_HASH = 0x{digest};",
        "",
        "    /// @notice The verifying key in solvent's canonical encoding (snarkjs coordinate order,",
        "    ///         c0 before c1); VK_HASH == sha256(verifyingKey()).",
        "    function verifyingKey() external pure returns (bytes memory) {",
        f"        return hex\"{key.hex()}\";",
        "    }",
        "",
        "    /// @param a proof point A (G1: x, y)",
        "    /// @param b proof point B (G2, EVM order: [[x.c1, x.c0], [y.c1, y.c0]])",
        "    /// @param c proof point C (G1: x, y)",
        "    /// @param input the public inputs, each < r",
        "    function verifyProof(",
        "        uint256[2] calldata a,",
        "        uint256[2][2] calldata b,",
        "        uint256[2] calldata c,",
        f"        uint256[{n}] calldata input",
        "    ) external view returns (bool) {",
        "        // The arguments are read at their fixed calldata offsets below.",
        "        a; b; c; input;",
        "        assembly (\"memory-safe\") {",
        *body,
        "        }",
        "    }",
        "}",
        "",
    ]
    return "\n".join(lines)


__all__ = ["generate_verifier", "vk_bytes"]
