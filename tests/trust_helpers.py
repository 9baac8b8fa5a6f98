"""Trust evidence for tests: a trusted-keys file in which the test itself plays the
auditor and vouches for whatever keys an attestation uses (development keys included).
Only for tests that exercise what a VALID verdict looks like; the adversarial tests use
real ceremonies instead."""

from __future__ import annotations

from pathlib import Path

from solvent.attestation.models import Attestation
from solvent.attestation.trust import TrustEvidence, assess
from solvent.attestation.trust_files import PinnedKey, write_trusted_keys

NOT_A_CEREMONY = "00" * 32


def pin_keys(att: Attestation, path: Path, publisher: str = "the test suite (vouches for development keys)") -> Path:
    """A ``solvent.trusted-keys/1`` file pinning ``att``'s keys for its recompiled circuits."""
    pins = [PinnedKey(shape=att.statement.shape, circuit=k.name, ir_hash=k.ir_hash, vk_hash=k.vk_hash,
                      transcript_hash=NOT_A_CEREMONY, ptau_hash=NOT_A_CEREMONY, note="tests only")
            for k in assess(att, TrustEvidence())]
    write_trusted_keys(path, pins, publisher, force=True)
    return path
