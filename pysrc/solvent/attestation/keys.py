"""Circuits and keys: the circuits recompiled from the stated shape must be the ones the
attestation names, each verifying key must hash to the statement's and take the statement's
inputs, and each key is trusted only on the caller's evidence (``trust``)."""

from __future__ import annotations

from .. import verifier as pyv
from ..circuits.compile import compile_circuits
from ..circuits.shape import BookShape
from ..dsl import CompiledCircuit
from . import trust
from .checks import Report
from .models import Attestation
from .proofs import TOP_PUBLICS, batch_publics, solvency_publics


def verifying_key(att: Attestation, role: str, report: Report) -> pyv.VerifyingKey | None:
    ref = next((c for c in att.statement.circuits if c.role == role), None)
    if ref is None or ref.name not in att.verifying_keys:
        report.add(f"{role} verifying key", False, "missing")
        return None
    try:
        vk = trust.parse_key(att.verifying_keys[ref.name])  # parsed once for trust and proofs
    except pyv.MalformedInput as e:
        report.add(f"{role} verifying key", False, str(e))
        return None
    expected = {"batch": batch_publics(att), "top": TOP_PUBLICS, "solvency": solvency_publics(att)}[role]
    ok = pyv.vk_hash(vk) == ref.vk_hash and vk.n_public == expected
    report.add(f"{role} verifying key", ok,
               f"hash {ref.vk_hash[:16]}…" if ok else f"hash or input count ({vk.n_public}) does not match the statement")
    if ref.setup.startswith("dev-insecure"):
        report.warnings.append(f"{role} keys are labelled by the attestation itself as an INSECURE single-party "
                               "development setup: whoever ran it could forge proofs")
    return vk if ok else None

def circuits_match(att: Attestation, report: Report) -> dict[str, CompiledCircuit] | None:
    """Recompile the stated shape's circuits (pure Python) and check the attestation names
    exactly them; returns them by role (None for an invalid shape)."""

    s = att.statement.shape
    try:
        compiled = compile_circuits(BookShape(**s.model_dump()))  # risk shape included
    except ValueError as e:
        report.add("circuits", False, f"invalid shape: {e}")
        return None
    refs = att.statement.circuits
    bad = [c.role for c in refs if c.role not in compiled or compiled[c.role].hash != c.ir_hash
           or compiled[c.role].name != c.name]
    complete = sorted(c.role for c in refs) == sorted(compiled)
    report.add("circuits", not bad and complete,
               f"{', '.join(sorted(compiled))} circuits are solvent's for this shape" if not bad and complete
               else f"unknown or missing circuits: {bad or sorted(set(compiled) - {c.role for c in refs})}")
    return compiled

def key_trust(att: Attestation, compiled: dict[str, CompiledCircuit] | None, evidence: trust.TrustEvidence | None,
               allow_insecure_keys: bool, report: Report) -> None:
    """Decide every circuit's key trust from the caller's evidence alone."""
    report.allow_insecure_keys = allow_insecure_keys
    report.keys = trust.assess(att, evidence or trust.TrustEvidence(), compiled or {})
    if allow_insecure_keys and not report.keys_trusted:
        names = ", ".join(f"{k.role} ({k.name})" for k in report.untrusted())
        report.warnings.append(f"UNTRUSTED KEYS accepted on request (--allow-insecure-keys): {names}. Whoever "
                               "holds these keys' trapdoor could have forged every proof checked here.")
