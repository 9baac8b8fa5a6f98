"""``solvent export-web``: a static page in which a customer checks their own account.

The JavaScript lives in ``web/`` at the repository root (one module per concern:
formulas, proofs, signature, the check, the UI), is bundled by esbuild during
``make build`` into ``assets/solvent-web.js`` (git-ignored, shipped in the wheel), and is
inlined into the page with the attestation and the pinned keys (docs/web.md).
"""

from __future__ import annotations

from pathlib import Path

from ..attestation.models import Attestation
from ..io import write_atomic
from .page import BUNDLE, BundleMissing, render
from .pins import PinnedKey, Pins, attestation_keys, circuit_problems, read_trusted_keys, unpinned

__all__ = ["BUNDLE", "BundleMissing", "PinnedKey", "Pins", "attestation_keys", "circuit_problems", "export_site",
           "read_trusted_keys", "unpinned"]

PAGE = "index.html"


def export_site(att: Attestation, out: Path, pins: Pins, force: bool = False) -> Path:
    """Write ``out/index.html`` (atomically; an existing page only with ``force``)."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out}: exists and is not a directory")
    target = out / PAGE
    if target.exists() and not force:
        raise FileExistsError(f"{target}: exists (use --force to replace it)")
    page = render(att, pins)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(target, page)
    return target
