"""Custodian statements: a balance, or a reserves commitment, signed (EIP-191) by a
custodian's key.

Two messages, each rebuilt by the verifier from the attestation (never taken from the
file), lines joined by ``\\n``, no trailing newline, every value on its own labelled line:

* ``holding_message`` — the custodian holds this balance of this asset at this account for
  this institution, at this epoch and snapshot;
* ``commitment_message`` — the custodian (or auditor) saw the opening of this attestation's
  reserves commitment and the holdings behind it, and they match.

The custodian's key is named by the institution: the verifier prints it as a caveat
unless the auditor pins it (``--custodian ADDRESS``).
"""

from __future__ import annotations

from decimal import Decimal

from ...errors import UsageError
from ...formulas.eip191 import signed_by
from ..pins import Pins
from .message import Chain, canonical_address, one_line

HOLDING_HEADER = "solvent.reserves.custody/1"
HOLDING_INTENT = "I hold in custody, for the institution below, the balance below at the snapshot below."
COMMITMENT_HEADER = "solvent.reserves.commitment/1"
COMMITMENT_INTENT = ("I saw the opening of the reserves commitment below and the holdings behind it: every "
                     "address's ownership proof and balance evidence checks, and the balances add up to the "
                     "committed reserves of each asset.")


def canonical_amount(text: str) -> str:
    """A decimal amount without trailing fractional zeros (``"12.50"`` → ``"12.5"``,
    ``"3.0"`` → ``"3"``): the form the messages carry, so equal amounts sign the same text."""
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{int(whole)}.{frac}" if frac else str(int(whole))


def _epoch(epoch: int) -> str:
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
        raise UsageError(f"epoch must be a non-negative integer, got {epoch!r}")
    return str(epoch)


def holding_message(institution: str, epoch: int, snapshot_time: str, chain: Chain, address: str, asset: str,
                    balance: str) -> str:
    """What a custodian signs to state one holding's balance."""
    Decimal(balance)  # a malformed amount is refused before it goes into a message
    lines = [HOLDING_HEADER, HOLDING_INTENT,
             f"Institution: {one_line('institution', institution)}", f"Epoch: {_epoch(epoch)}",
             f"Snapshot: {one_line('snapshot time', snapshot_time)}",
             f"Account: {chain} {canonical_address(chain, address)}", f"Asset: {one_line('asset', asset)}",
             f"Balance: {canonical_amount(balance)}"]
    return "\n".join(lines)


def commitment_message(institution: str, epoch: int, snapshot_time: str, assets: list[str], commitment: str) -> str:
    """What a custodian or auditor signs to vouch for a committed reserves opening."""
    lines = [COMMITMENT_HEADER, COMMITMENT_INTENT,
             f"Institution: {one_line('institution', institution)}", f"Epoch: {_epoch(epoch)}",
             f"Snapshot: {one_line('snapshot time', snapshot_time)}",
             f"Assets: {', '.join(one_line('asset', a) for a in assets)}",
             f"Commitment: {one_line('commitment', commitment)}"]
    return "\n".join(lines)


def check_custodian(message: str, signature: str, custodian: str, pins: Pins) -> tuple[bool, str, list[str]]:
    """(ok, detail, caveats) for a statement ``custodian``'s key must have signed."""
    problem = signed_by(message, signature, custodian)
    if problem is not None:
        return False, problem, []
    if pins.custodians and custodian.lower() not in pins.custodians:
        return False, f"signed by {custodian}, which is not among the pinned custodians (--custodian)", []
    caveats = [] if pins.custodians else [
        f"custodian key {custodian} is named by the institution: pin it with --custodian if you know it is the "
        "custodian's"]
    return True, f"EIP-191 statement signed by custodian {custodian}" + (" (pinned)" if pins.custodians else ""), caveats
