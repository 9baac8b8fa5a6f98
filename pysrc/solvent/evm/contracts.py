"""solvent's Solidity sources (``verifier/``) and their deployment in the test EVM.

The sources live at the repository's top level (``verifier/*.sol``); this module finds
them, compiles them with the pinned solcjs (:mod:`.solc`), and deploys the Poseidon
contracts with their constant tables (:mod:`.poseidon_gen`) as data contracts.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Mapping

from ..verifier.poseidon import PARTIAL_ROUNDS
from .poseidon_gen import table_chunks
from .solc import Compiled, compile_sources

_DEFAULT_LABEL = "solvent.node.v1"


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


def compile_all(extra: Mapping[str, str] | None = None) -> dict[str, Compiled]:
    """Compile ``verifier/*.sol`` plus extra in-memory sources (e.g. generated verifiers)."""
    return compile_sources({**solidity_sources(), **(extra or {})})


def deploy_tables(chain: Any, t: int) -> list[str]:
    """Deploy the Poseidon tables for width ``t`` as data contracts; their addresses."""
    return [chain.deploy_code(chunk) for chunk in table_chunks(t)]


def deploy_poseidon_hasher(chain: Any, compiled: Mapping[str, Compiled], t: int) -> Any:
    return chain.deploy(compiled["PoseidonHasher"], t, PARTIAL_ROUNDS[t], deploy_tables(chain, t))


def deploy_inclusion_verifier(chain: Any, compiled: Mapping[str, Compiled], arity: int = 4,
                              label: str = _DEFAULT_LABEL) -> Any:
    from .inclusion import node_domain

    t = 2 * arity + 1
    return chain.deploy(compiled["PoseidonInclusionVerifier"], t, PARTIAL_ROUNDS[t], deploy_tables(chain, t),
                        node_domain(arity, label))


def code_hash(runtime: bytes) -> str:
    """keccak256 of runtime code (what ``extcodehash`` returns), hex."""
    from eth_hash.auto import keccak

    return keccak(runtime).hex()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["verifier_dir", "solidity_sources", "compile_all", "deploy_tables", "deploy_poseidon_hasher",
           "deploy_inclusion_verifier", "code_hash"]
