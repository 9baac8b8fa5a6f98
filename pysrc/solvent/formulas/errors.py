"""Malformed data: the error of the formulas and of the independent verifier.

The verifier distinguishes two outcomes that callers must never confuse:

* a *well-formed* proof that fails the pairing check makes ``verify`` return
  ``False`` (the statement is not proven);
* *malformed* data (a value that is not a canonical field element, a point off
  the curve or outside the prime-order subgroup, a JSON document of the wrong
  shape) raises :class:`MalformedInput`.  Such data is never "just a false
  proof": it indicates a broken or hostile producer, and the message names the
  offending field so that an auditor can tell which artefact is at fault.
"""

from __future__ import annotations

from ..errors import SolventError


class MalformedInput(SolventError, ValueError):
    """Data that cannot be a valid verifying key, proof or public input.

    Subclasses :class:`ValueError` so generic callers that catch ``ValueError``
    keep working.  The message always starts with the name of the offending
    field, for example ``"proof.pi_b: point not in the G2 subgroup"``.
    """
