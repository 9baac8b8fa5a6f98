"""The pipeline's errors (a module of its own, without native code, so that the command
line's exit-code map can name them without loading the prover)."""

from __future__ import annotations

from ..errors import ProvingError

__all__ = ["ProvingError", "WouldBeInvalid"]


class WouldBeInvalid(ProvingError):
    """The attestation's proofs state that it is not what it should be (an asset not
    covered, accounts short with no insurance, …): with ``refuse_invalid`` nothing is written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("the attestation would be INVALID: " + "; ".join(problems))
