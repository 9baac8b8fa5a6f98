"""``python -m solvent.cli``: the same command line as ``solvent``."""

from . import main

main()
