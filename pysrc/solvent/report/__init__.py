"""The auditor's report: one self-contained HTML page saying what an attestation proves,
whether every check passed, and how reserves compare with liabilities."""

from __future__ import annotations

from pathlib import Path

from ..attestation.models import Attestation
from ..attestation.proofs import PYTHON_PROOFS, ProofChecker
from ..attestation.trust import TrustEvidence
from ..attestation.verify import verify
from ..errors import UsageError
from ..inputs.pins import Pins
from ..io import write_atomic
from .html import render
from .view import ReportView, build_view, reserves_from_attestation, reserves_from_file

__all__ = ["ReportView", "build_report", "render", "write_atomic"]


def build_report(att: Attestation, reserves_file: Path | None = None, proof_checker: ProofChecker = PYTHON_PROOFS,
                 pins: Pins | None = None, trust_evidence: TrustEvidence | None = None,
                 allow_insecure_keys: bool = False) -> ReportView:
    """Verify ``att`` and gather the report. Reserves come from the attestation's own
    section when it has one, else from ``reserves_file``; giving both is an error (two
    sources of the same figures would be ambiguous). ``pins`` as for ``solvent verify``;
    keys are trusted on ``trust_evidence`` alone, as in ``attestation.verify.verify``."""
    own = reserves_from_attestation(att, pins)
    if own is not None and reserves_file is not None:
        raise UsageError(f"{reserves_file}: the attestation already has a reserves section; do not pass --reserves")
    reserves = own if own is not None else (reserves_from_file(reserves_file, att, pins) if reserves_file else None)
    report = verify(att, proof_checker, pins=pins, trust_evidence=trust_evidence, allow_insecure_keys=allow_insecure_keys)
    return build_view(att, report, reserves, proof_checker.name, trust_evidence.sources if trust_evidence else None)

