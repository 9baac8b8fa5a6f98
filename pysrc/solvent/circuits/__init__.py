"""solvent's statements as circuits, written once in the DSL: liabilities (batch and top),
the collateral and margin gadgets (risk), solvency, the book shape, and the pure
:func:`compile.compile_circuits` that compiles every circuit of a shape (no backend, no
native module: the verifier recompiles them to check what an attestation names).

Each statement's specification is a markdown file in the repository's top-level
``circuits/`` folder (``circuits/liabilities.md``, ``risk.md``, ``solvency.md``).
May import :mod:`solvent.dsl` and :mod:`solvent.formulas` only.
"""
