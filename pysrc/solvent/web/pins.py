"""The verifying keys (and, optionally, the signer) a customer's page is built to trust.

The page checks every key of the attestation against these pins; it cannot recompile
circuits or re-verify a ceremony itself, so the pins carry that trust from whoever built
the page. Pins come from a trusted-keys file (entries of circuit name, IR hash and
key hash, from a party other than the institution), or, with ``--allow-insecure-keys``,
from the attestation itself, which proves nothing and makes the page say so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from ..attestation.models import Address, Attestation, Hex32, Strict, read_model
from ..attestation.trust_files import TrustFileError
from ..formulas.errors import MalformedInput
from ..verifier import VerifyingKey, vk_hash
from ..attestation.keys import circuits_match
from ..attestation.checks import Report

VERSION: Final = "solvent.web-pins/1"
Role = Literal["batch", "top", "solvency"]


class PinnedKey(Strict):
    """One trusted verifying key: the circuit it belongs to and the key's hash
    (``solvent.verifier.vk_hash``)."""

    role: Role | None = None
    name: str = Field(min_length=1)
    ir_hash: Hex32
    vk_hash: Hex32
    evidence: str = "pinned"
    """How the key came to be trusted (``pinned``, ``ceremony``, ``trust-store``, ``none``)."""
    detail: str = ""


class Pins(Strict):
    """What the page embeds beside the attestation."""

    version: Literal["solvent.web-pins/1"] = VERSION
    keys: list[PinnedKey]
    signer: Address | None = None
    insecure: bool = False
    """True when the keys are the attestation's own: no evidence that they are sound."""
    source: str | None = None


class _KeyEntry(BaseModel):
    """An entry of a trusted-keys file (``solvent.trusted-keys/1`` names the circuit
    ``circuit`` and has a ``note``); fields the page does not use are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    role: Role | None = None
    name: str = Field(min_length=1, validation_alias=AliasChoices("name", "circuit"))
    ir_hash: Hex32
    vk_hash: Hex32
    evidence: str = "pinned"
    detail: str | None = Field(default=None, validation_alias=AliasChoices("detail", "note"))


class _KeysFile(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    publisher: str | None = None
    keys: list[_KeyEntry] = Field(min_length=1)


def read_trusted_keys(path: Path) -> tuple[list[PinnedKey], str | None]:
    """The keys of a trusted-keys file, ``{"publisher"?, "keys": [{"circuit" (or "name"),
    "ir_hash", "vk_hash", ["role", "note" (or "detail")]}, …]}`` (other fields ignored),
    and its publisher. Errors name the file and the field."""
    doc = read_model(_KeysFile, path, TrustFileError)
    keys = [PinnedKey(role=k.role, name=k.name, ir_hash=k.ir_hash, vk_hash=k.vk_hash, evidence=k.evidence,
                      detail=k.detail or "") for k in doc.keys]
    return keys, doc.publisher


def attestation_keys(att: Attestation) -> list[PinnedKey]:
    """The attestation's own keys as pins (``--allow-insecure-keys``): evidence ``none``."""
    return [PinnedKey(role=c.role, name=c.name, ir_hash=c.ir_hash, vk_hash=c.vk_hash, evidence="none",
                      detail="the attestation's own key, not independently verified") for c in att.statement.circuits]


def circuit_problems(att: Attestation) -> list[str]:
    """Whether the statement's circuits are solvent's for its shape (recompiled here, as
    ``solvent verify`` does): the page cannot recompile them, so the exporter does."""
    report = Report()
    circuits_match(att, report)
    return [f"circuits: {c.detail}" for c in report.checks if not c.ok]


def unpinned(att: Attestation, keys: list[PinnedKey]) -> list[str]:
    """What is wrong with each of the attestation's circuits whose key (as hashed from the
    key itself, not as the statement claims) is not among ``keys``: the page would reject
    every customer."""
    missing = []
    for c in att.statement.circuits:
        try:
            h = vk_hash(VerifyingKey.from_snarkjs(att.verifying_keys.get(c.name)))
        except MalformedInput as e:
            missing.append(f"{c.role} ({c.name}): malformed key: {e}")
            continue
        if not any(k.name == c.name and k.vk_hash == h and k.ir_hash == c.ir_hash and k.role in (None, c.role)
                   for k in keys):
            missing.append(f"{c.role} ({c.name}, key hash {h[:16]}…) is not among the trusted keys")
    return missing


def to_json(pins: Pins) -> str:
    return json.dumps(pins.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
