"""Tests of the independent pure-Python verifier (solvent.verifier)."""
