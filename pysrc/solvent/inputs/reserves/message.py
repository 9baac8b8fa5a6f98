"""The ownership message: the exact text an institution signs with each reserve address.

It names the institution, the attestation's epoch and snapshot time, the chain and the
address itself, so a signature cannot be reused for another institution, another
snapshot or epoch, or another address: each of those changes the text.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from eth_utils import to_checksum_address

from ...errors import UsageError

Chain = Literal["ethereum", "bitcoin"]
HEADER = "solvent.reserves.ownership/1"
INTENT = "I control this address; its holdings count toward the reserves of the attestation below."
_LABELS = ("Institution", "Epoch", "Snapshot", "Chain", "Address")


def canonical_address(chain: Chain, address: str) -> str:
    """The address as it appears in the message: EIP-55 checksummed for Ethereum,
    lowercase for bech32 (case-insensitive), unchanged for base58 (case-sensitive)."""
    if chain == "ethereum":
        return to_checksum_address(address)
    return address.lower() if address[:3].lower() == "bc1" else address


def one_line(label: str, value: str) -> str:
    if not value or any(unicodedata.category(c).startswith("C") or c in "\u2028\u2029" for c in value):
        raise UsageError(f"{label} {value!r} cannot go into an ownership message (empty, or a control or line-break character)")
    return value


def ownership_message(institution: str, epoch: int, snapshot_time: str, chain: Chain, address: str) -> str:
    """The message to sign (UTF-8, lines joined by ``\\n``, no trailing newline).

    Every value is on its own labelled line and may not contain a line break, so no
    institution name can forge an ``Epoch:`` or ``Address:`` line.
    """
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
        raise UsageError(f"epoch must be a non-negative integer, got {epoch!r}")
    if chain not in ("ethereum", "bitcoin"):
        raise UsageError(f"unknown chain {chain!r}")
    values = (one_line("institution", institution), str(epoch), one_line("snapshot time", snapshot_time),
              chain, canonical_address(chain, address))
    return "\n".join([HEADER, INTENT, *(f"{label}: {v}" for label, v in zip(_LABELS, values, strict=True))])


def explain_mismatch(signed: str, expected: str) -> str:
    """Why a stated message is not the expected one, naming the first line that differs
    (an ``Epoch``/``Snapshot`` line that differs means a message reused from another
    attestation)."""
    got, want = signed.split("\n"), expected.split("\n")
    for i, w in enumerate(want):
        g = got[i] if i < len(got) else None
        if g == w:
            continue
        label = w.split(":", 1)[0] if i >= 2 else ""
        why = {"Epoch": "a message of another epoch cannot be reused",
               "Snapshot": "a message of another snapshot cannot be reused",
               "Institution": "the message names another institution",
               "Address": "the message names another address",
               "Chain": "the message names another chain"}.get(label, "not the ownership message")
        return f"{why}: line {i + 1} is {g!r}, expected {w!r}"
    return f"not the ownership message: {len(got) - len(want)} extra line(s) after the expected text"
