"""What an auditor pins on the command line, so that a caveat becomes a check.

The institution names every key and block its evidence rests on (a custodian's key, an
oracle's key, a token contract, a block hash): on its own that is a declaration. An
auditor who knows the right values from elsewhere pins them; a pinned value that the
evidence contradicts fails verification, an unpinned one is printed as a caveat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UsageError

_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class Pins:
    eth_blocks: dict[int, str] = field(default_factory=dict)
    """Block number → block hash (lowercase 0x-hex) the auditor checked is canonical."""
    custodians: frozenset[str] = frozenset()
    """Custodian keys (lowercase addresses) the auditor trusts; empty: none pinned."""
    oracles: frozenset[str] = frozenset()
    """Oracle source keys (lowercase addresses) the auditor trusts; empty: none pinned."""
    tokens: dict[str, str] = field(default_factory=dict)
    """Asset symbol → ERC-20 contract (lowercase address) the auditor knows is that asset."""


def _address(text: str, what: str) -> str:
    if not _ADDRESS.fullmatch(text):
        raise UsageError(f"{what} {text!r}: an Ethereum address is 0x and 40 hex digits")
    return text.lower()


def parse_pins(eth_blocks: tuple[str, ...] = (), custodians: tuple[str, ...] = (), oracles: tuple[str, ...] = (),
               tokens: tuple[str, ...] = ()) -> Pins:
    """Pins from command-line values: ``NUMBER:HASH``, addresses, ``SYMBOL=ADDRESS``
    (ValueError naming the option and the value)."""
    blocks: dict[int, str] = {}
    for b in eth_blocks:
        number, sep, block_hash = b.partition(":")
        if not sep or not number.isdigit() or not _HASH.fullmatch(block_hash):
            raise UsageError(f"--eth-block {b!r}: use NUMBER:0xHASH (64 hex digits)")
        if int(number) in blocks and blocks[int(number)] != block_hash.lower():
            raise UsageError(f"--eth-block {b!r}: block {number} is pinned twice with different hashes")
        blocks[int(number)] = block_hash.lower()
    token_map: dict[str, str] = {}
    for t in tokens:
        symbol, sep, address = t.partition("=")
        if not sep or not symbol:
            raise UsageError(f"--token {t!r}: use SYMBOL=0xADDRESS")
        token_map[symbol] = _address(address, "--token")
    return Pins(blocks, frozenset(_address(c, "--custodian") for c in custodians),
                frozenset(_address(o, "--oracle") for o in oracles), token_map)
