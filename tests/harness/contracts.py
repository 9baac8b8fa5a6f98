"""solvent's Solidity sources (``verifier/``) and their deployment in the test EVM.

The sources live at the repository's top level (``verifier/*.sol``); this module finds
them, compiles them with the pinned solcjs (:mod:`.solc`), and deploys the Poseidon
contracts with their constant tables (:mod:`.poseidon_gen`) as data contracts.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from solvent.evm.inclusion_gen import ARITIES, inclusion_source, width
from solvent.evm.poseidon_gen import permutation_source, table_chunks
from solvent.formulas.poseidon import PARTIAL_ROUNDS
from tests.harness.solc import Compiled, compile_sources

#: Widths whose unrolled PoseidonHasherT{t} is compiled by default: none (the inclusion
#: verifier, always compiled, has its own unrolled permutations).
DEFAULT_WIDTHS: tuple[int, ...] = ()


def verifier_dir() -> Path:
    """``$SOLVENT_SOLIDITY_DIR``, else ``verifier/`` of the source checkout."""
    env = os.environ.get("SOLVENT_SOLIDITY_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for d in here.parents:
        if (d / "verifier" / "SolvencyRegistry.sol").is_file():
            return d / "verifier"
    raise FileNotFoundError("verifier/*.sol not found (a source checkout is needed to compile them)")


def solidity_sources() -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(verifier_dir().glob("*.sol"))}


def compile_all(extra: Mapping[str, str] | None = None, widths: tuple[int, ...] = DEFAULT_WIDTHS
                ) -> dict[str, Compiled]:
    """Compile ``verifier/*.sol``, the generated ``PoseidonInclusionVerifier``
    (:func:`.inclusion_gen.inclusion_source`), the unrolled hashers for ``widths``
    (:func:`.poseidon_gen.permutation_source`) and extra in-memory sources (e.g. verifiers)."""
    generated = {f"PoseidonT{t}.sol": permutation_source(t) for t in widths}
    generated["PoseidonInclusionVerifier.sol"] = inclusion_source()
    return compile_sources({**solidity_sources(), **generated, **(extra or {})})


def deploy_tables(chain: Any, t: int) -> list[str]:
    """Deploy the Poseidon tables for width ``t`` as data contracts; their addresses."""
    return [chain.deploy_code(chunk) for chunk in table_chunks(t)]


def deploy_poseidon_hasher(chain: Any, compiled: Mapping[str, Compiled], t: int, generic: bool = False) -> Any:
    """A PoseidonHasher for width ``t``: the unrolled one if compiled (and not ``generic``)."""
    tables = deploy_tables(chain, t)
    fast = compiled.get(f"PoseidonHasherT{t}")
    if fast is not None and not generic:
        return chain.deploy(fast, tables)
    return chain.deploy(compiled["PoseidonHasher"], t, PARTIAL_ROUNDS[t], tables)


def deploy_inclusion_verifier(chain: Any, compiled: Mapping[str, Compiled]) -> Any:
    """``PoseidonInclusionVerifier`` with its tables (widths 10, 4, 6, 5, 7, 8, 9 in
    ``inclusion_gen.ARITIES`` order, deployed as data contracts)."""
    tables = [addr for a in ARITIES for addr in deploy_tables(chain, width(a))]
    return chain.deploy(compiled["PoseidonInclusionVerifier"], tables)


def code_hash(runtime: bytes) -> str:
    """keccak256 of runtime code (what ``extcodehash`` returns), hex."""
    from eth_hash.auto import keccak

    return keccak(runtime).hex()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["DEFAULT_WIDTHS", "verifier_dir", "solidity_sources", "compile_all", "deploy_tables", "deploy_poseidon_hasher",
           "deploy_inclusion_verifier", "code_hash"]
