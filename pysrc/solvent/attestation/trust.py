"""Which verifying keys the verifier trusts, and on what evidence (docs/keys.md).

The institution is the prover, the signer and possibly the key maker: a vk hash it writes
into its own statement, a ``setup`` label or a ``transcript_hash`` says nothing about who
knows the key's trapdoor. So a key is trusted here only on evidence the verifier holds
itself, and only for the circuit the verifier recompiled from the stated shape:

* ``ceremony`` — a phase-2 transcript re-verified during this run from a powers-of-tau
  file against the recompiled circuit (``solvent.backend.ceremony.check_circuits``, native);
* ``trust-store`` — such a check made earlier and recorded in the local trust store
  (``trust_files.TrustStore``);
* ``pinned`` — an entry of a trusted-keys file (``solvent.trusted-keys/1``) the user
  chose to rely on, e.g. the list an auditor publishes.

A piece of evidence counts for a circuit only if its IR hash is the recompiled circuit's
**and** its vk hash is the hash of the key the attestation carries (computed from the key
itself with the independent verifier, not read from the statement). Everything here is
pure: no file, no native code.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .. import verifier as pyv
from ..circuits.compile import compile_circuits
from ..circuits.shape import BookShape

if TYPE_CHECKING:
    from ..dsl import CompiledCircuit
    from .models import Attestation

EvidenceKind = Literal["ceremony", "trust-store", "pinned", "none"]
PREFERENCE: tuple[EvidenceKind, ...] = ("ceremony", "trust-store", "pinned")
"""When several pieces vouch for one key, the one shown: checked in this run, then checked
earlier on this machine, then someone else's list."""


@dataclass(frozen=True)
class Evidence:
    """One key (circuit IR hash, vk hash) that some evidence vouches for."""

    kind: EvidenceKind
    circuit: str
    ir_hash: str
    vk_hash: str
    source: str
    """Where it comes from: the transcript, the trust store or the trusted-keys file."""
    detail: str
    """What was checked, for people: participants, ptau hash, who published the list."""
    transcript_hash: str | None = None
    ptau_hash: str | None = None


@dataclass(frozen=True)
class Refusal:
    """Evidence offered for a circuit that did not hold (a transcript that does not verify
    against the recompiled circuit, one for another circuit, one with no participant)."""

    circuit: str
    source: str
    reason: str


@dataclass
class TrustEvidence:
    """Everything the verifier was given to trust keys with."""

    keys: list[Evidence] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    """What was consulted, for the report: "trust store PATH (3 entries)", …"""

    def extend(self, other: TrustEvidence) -> TrustEvidence:
        self.keys.extend(other.keys)
        self.refusals.extend(other.refusals)
        self.sources.extend(other.sources)
        return self


@dataclass(frozen=True)
class KeyTrust:
    """The verifier's decision on one circuit's key."""

    role: str
    name: str
    ir_hash: str | None
    """The IR hash of the circuit recompiled from the shape (None: it could not be)."""
    vk_hash: str | None
    """The hash of the key the attestation carries (None: missing or malformed)."""
    kind: EvidenceKind
    detail: str
    claimed_setup: str
    """The attestation's own label: shown as a claim, never used to decide."""
    claimed_transcript_hash: str | None = None
    source: str | None = None
    transcript_hash: str | None = None
    ptau_hash: str | None = None

    @property
    def trusted(self) -> bool:
        return self.kind != "none"

    def describe(self) -> str:
        """One line naming the key and the evidence (or why there is none)."""
        key = f"{self.role} key ({self.name}" + (f", vk {self.vk_hash[:16]}…)" if self.vk_hash else ")")
        return f"{key}: {self.kind} — {self.detail}" if self.trusted else f"{key}: NOT TRUSTED — {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "ir_hash": self.ir_hash, "vk_hash": self.vk_hash,
                "trusted": self.trusted, "evidence": self.kind, "detail": self.detail, "source": self.source,
                "transcript_hash": self.transcript_hash, "ptau_hash": self.ptau_hash,
                "claimed_setup": self.claimed_setup, "claimed_transcript_hash": self.claimed_transcript_hash}


@functools.lru_cache(maxsize=32)
def _parsed(canonical: str) -> pyv.VerifyingKey:
    return pyv.VerifyingKey.from_snarkjs(json.loads(canonical))


def parse_key(vk_json: Mapping[str, Any]) -> pyv.VerifyingKey:
    """A snarkjs ``verification_key.json`` as the independent verifier's key (every point
    checked; raises ``MalformedInput``). Parsed once per distinct key: the G2 subgroup
    checks are most of what deciding trust costs."""
    try:
        canonical = json.dumps(vk_json, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise pyv.MalformedInput(f"vk: not JSON data ({e})") from e
    return _parsed(canonical)


def key_hash(vk_json: Mapping[str, Any] | None) -> str | None:
    """vk hash of a snarkjs ``verification_key.json`` (None if absent or malformed)."""
    if vk_json is None:
        return None
    try:
        return pyv.vk_hash(parse_key(vk_json))
    except (pyv.MalformedInput, TypeError, ValueError):
        return None


def vk_differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """The points in which two snarkjs verifying keys differ (["malformed"] if either is)."""
    try:
        ka, kb = parse_key(a), parse_key(b)
    except (pyv.MalformedInput, TypeError, ValueError):
        return ["malformed key"]
    out = [name for name in ("alpha1", "beta2", "gamma2", "delta2") if getattr(ka, name) != getattr(kb, name)]
    if len(ka.ic) != len(kb.ic):
        out.append(f"IC length ({len(ka.ic)} vs {len(kb.ic)})")
    else:
        out += [f"IC[{i}]" for i, (p, q) in enumerate(zip(ka.ic, kb.ic, strict=True)) if p != q]
    return out


def _why_not(name: str, ir_hash: str, vk_hash: str, evidence: TrustEvidence) -> str:
    """Why no evidence vouches for (ir_hash, vk_hash), naming the near misses."""
    reasons = [f"{r.source}: {r.reason}" for r in evidence.refusals if r.circuit == name]
    wrong_ir = [e for e in evidence.keys if e.vk_hash == vk_hash and e.ir_hash != ir_hash]
    reasons += [f"{e.kind} entry {e.source} vouches for this key but for IR hash {e.ir_hash[:16]}…, "
                f"not the circuit recompiled from the shape ({ir_hash[:16]}…)" for e in wrong_ir]
    others = [e for e in evidence.keys if e.ir_hash == ir_hash and e.vk_hash != vk_hash]
    if others:
        listed = ", ".join(sorted({f"{e.vk_hash[:16]}… ({e.kind})" for e in others}))
        reasons.append(f"the key trusted for this circuit is not this one: trusted {listed}")
    if not reasons:
        reasons.append("no evidence for this key (no ceremony transcript, trust-store entry or pinned entry; "
                       "the attestation's own labels do not count)")
    return "; ".join(reasons)


def decide(role: str, name: str, ir_hash: str | None, vk_hash: str | None, evidence: TrustEvidence,
           claimed_setup: str = "", claimed_transcript_hash: str | None = None) -> KeyTrust:
    """Trust for one circuit's key: the preferred evidence whose IR hash and vk hash are
    both this circuit's and this key's, or ``none`` with the reason."""
    def untrusted(detail: str) -> KeyTrust:
        return KeyTrust(role, name, ir_hash, vk_hash, "none", detail, claimed_setup, claimed_transcript_hash)

    if ir_hash is None:
        return untrusted("the circuit could not be recompiled from the stated shape under this name")
    if vk_hash is None:
        return untrusted("the attestation carries no well-formed verifying key for it")
    matching = [e for e in evidence.keys if e.ir_hash == ir_hash and e.vk_hash == vk_hash]
    if not matching:
        return untrusted(_why_not(name, ir_hash, vk_hash, evidence))
    best = min(matching, key=lambda e: PREFERENCE.index(e.kind))
    return KeyTrust(role, name, ir_hash, vk_hash, best.kind, best.detail, claimed_setup, claimed_transcript_hash,
                    best.source, best.transcript_hash, best.ptau_hash)


def recompiled(att: Attestation) -> dict[str, CompiledCircuit] | None:
    """The circuits of the attestation's stated shape, compiled here in pure Python
    (None if the shape is invalid)."""
    try:
        return compile_circuits(BookShape(**att.statement.shape.model_dump()))
    except ValueError:
        return None


def assess(att: Attestation, evidence: TrustEvidence,
           compiled: Mapping[str, CompiledCircuit] | None = None) -> list[KeyTrust]:
    """The decision for every circuit the attestation names, in its order. ``compiled``
    are the circuits recompiled from its shape (compiled here if not given)."""
    circuits = recompiled(att) if compiled is None else compiled
    out = []
    for ref in att.statement.circuits:
        c = (circuits or {}).get(ref.role)
        ir = c.hash if c is not None and c.name == ref.name else None
        out.append(decide(ref.role, ref.name, ir, key_hash(att.verifying_keys.get(ref.name)), evidence,
                          ref.setup, ref.transcript_hash))
    return out


def trusted_keys(att: Attestation, evidence: TrustEvidence,
                 compiled: Mapping[str, CompiledCircuit] | None = None) -> list[KeyTrust]:
    """Only the circuits whose key is trusted (what a customer page may pin): each with
    role, name, ir_hash, vk_hash, evidence kind (``KeyTrust.kind``) and detail."""
    return [k for k in assess(att, evidence, compiled) if k.trusted]


def all_trusted(keys: Sequence[KeyTrust]) -> bool:
    return bool(keys) and all(k.trusted for k in keys)


__all__ = ["EvidenceKind", "Evidence", "Refusal", "TrustEvidence", "KeyTrust", "parse_key", "key_hash",
           "vk_differences", "decide", "recompiled", "assess", "trusted_keys", "all_trusted"]
