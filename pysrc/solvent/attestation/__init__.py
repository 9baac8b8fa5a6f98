"""The attestation: models (:mod:`.models`), hashing and signatures with the one context
function (:mod:`.hashing`), verification (:mod:`.verify`, split by concern: :mod:`.checks`,
:mod:`.keys`, :mod:`.proofs`, :mod:`.parameters`, :mod:`.totals`, :mod:`.solvency_checks`,
:mod:`.evidence`, :mod:`.outcomes`), key trust (:mod:`.trust`, :mod:`.trust_files`) and the
customer's inclusion check (:mod:`.inclusion`, :mod:`.expectations`).

May import the formulas, the verifier, the circuits (to recompile them), the inputs that
carry no native code, and :mod:`solvent.io`; never the pipeline, the backend or the native
module: the native proof checker and ceremony re-verification are injected by the caller.
"""
