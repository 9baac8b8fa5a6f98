"""The one door to the Rust extension ``solvent._native`` (prover/, built by maturin).

Every module of the package that needs native code imports it from here (``from solvent
import native``), never ``solvent._native`` directly: the extension is not Python source,
so the import contracts (``[tool.importlinter]`` in pyproject.toml) can only see who
reaches it through this module. Only the backend, the pipeline, the command line and the
native account store (``inputs.accounts``, ``inputs.positions``) may import it; the
verification side (formulas, verifier, circuits, attestation, report, web, evm) never does,
so it runs where the extension is not installed. The types are ``_native.pyi``'s.
"""

from ._native import *  # noqa: F403  (re-exports the extension's classes, functions and exceptions)
