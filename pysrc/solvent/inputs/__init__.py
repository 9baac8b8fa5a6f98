"""The institution's inputs, read and validated: assets, accounts, positions, risk
parameters, reserves, prices and the auditor's pins. Bad input raises :class:`InputError`
naming the file, row and field.

May import :mod:`solvent.formulas`, :mod:`solvent.io` and :mod:`solvent.errors`. Only
:mod:`.accounts` and :mod:`.positions` (the native ``AccountBook`` store) touch the native
module; what the attestation verifier reads (assets, risk parameters, reserves, prices,
pins) never reaches it, even indirectly, so verification runs without the Rust extension.
This ``__init__`` therefore re-exports nothing from the native side.
"""

from .errors import InputError

__all__ = ["InputError"]
