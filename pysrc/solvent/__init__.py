"""solvent: a zero-knowledge solvency toolkit.

Python describes what is proven (circuits, account books, attestations); the native
module ``solvent._native`` (Rust, arkworks) does the heavy arithmetic. The pure-Python
verifier in ``solvent.verifier`` shares no code with the native module.
"""

__version__ = "0.1.0"
