"""solvent's statements as circuits, written once in the DSL (each with a spec beside it:
``liabilities.md``, …). The top-level ``circuits/`` directory of the repository points here."""
