"""Every holding of a reserves snapshot checked against one attestation: its ownership
proof and the evidence behind its balance, with the caveats the verdict must print.

``audit_holdings`` is what ``solvent verify``, the report and ``solvent reserves check``
all call, so the three never disagree about a holding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ...errors import SolventError
from ..pins import Pins
from .custody import canonical_amount, check_custodian, holding_message
from .ethproof import StateProofError, prove_balance
from .evidence import CustodianStatement, EthStateProof, SelfReported
from .message import explain_mismatch
from .models import Holding, Reserves
from .ownership import OwnershipResult, check_holding

KIND_LABEL = {"self_reported": "self-reported", "eth_state_proof": "Ethereum state proof",
              "custodian_statement": "custodian statement"}


@dataclass(frozen=True)
class EvidenceResult:
    kind: str
    ok: bool
    detail: str
    """What was checked, or why it failed."""
    caveats: tuple[str, ...] = ()
    """What the verifier could not check itself and the auditor must (printed with the verdict)."""


@dataclass(frozen=True)
class HoldingAudit:
    ownership: OwnershipResult
    evidence: EvidenceResult

    @property
    def ok(self) -> bool:
        return self.ownership.ok and self.evidence.ok

    @property
    def errors(self) -> list[str]:
        where = self.ownership.where
        out = [] if self.ownership.ok else [f"{where}: ownership: {self.ownership.detail}"]
        return out + ([] if self.evidence.ok else [f"{where}: evidence: {self.evidence.detail}"])


def _state_proof(h: Holding, ev: EthStateProof, doc: Reserves, pins: Pins) -> EvidenceResult:
    block = doc.block(ev.block_hash)
    kind = "eth_state_proof"
    try:
        proven = prove_balance(ev, h.address, block)
    except StateProofError as e:
        return EvidenceResult(kind, False, str(e))
    if h.as_of.block is not None and h.as_of.block != block.number:
        return EvidenceResult(kind, False, f"as_of names block {h.as_of.block}, the proof is of block {block.number}")
    amount = Decimal(proven.raw).scaleb(-proven.decimals)
    if amount != Decimal(h.balance):
        return EvidenceResult(kind, False, f"the proof shows a balance of {canonical_amount(f'{amount:f}')}, "
                                           f"the holding states {h.balance}")
    what = (f"ETH balance of {h.address}" if ev.token is None else
            f"balance of {h.address} in token {ev.token.address} (slot {ev.token.balance_slot}, "
            f"{ev.token.decimals} decimals)")
    caveats = []
    pinned = pins.eth_blocks.get(block.number)
    if pinned is None:
        caveats.append(f"Ethereum block {block.number} {block.hash}: check on a node or explorer that it is canonical "
                       "(or pin it with --eth-block NUMBER:HASH)")
    elif pinned != block.hash.lower():
        return EvidenceResult(kind, False, f"block {block.number} is pinned as {pinned}, the proof is against {block.hash}")
    if ev.token is not None:
        token = pins.tokens.get(h.asset)
        if token is None:
            caveats.append(f"{h.asset} is taken to be the token contract {ev.token.address} with "
                           f"{ev.token.decimals} decimals, as the institution says (pin it with --token "
                           f"{h.asset}=ADDRESS)")
        elif token != ev.token.address.lower():
            return EvidenceResult(kind, False, f"{h.asset} is pinned to token {token}, the proof is of {ev.token.address}")
    return EvidenceResult(kind, True, f"{what} proven at block {block.number} "
                                      f"({'pinned' if pinned else 'not pinned'})", tuple(caveats))


def _custodian(h: Holding, ev: CustodianStatement, institution: str, epoch: int, snapshot: str,
               pins: Pins) -> EvidenceResult:
    kind = "custodian_statement"
    try:
        expected = holding_message(institution, epoch, snapshot, h.chain, h.address, h.asset, h.balance)
    except ValueError as e:
        return EvidenceResult(kind, False, f"no custodian message can be built: {e}")
    if ev.message != expected:
        return EvidenceResult(kind, False, explain_mismatch(ev.message, expected).replace(
            "not the ownership message", "not the custodian statement"))
    ok, detail, caveats = check_custodian(expected, ev.signature, ev.custodian, pins)
    return EvidenceResult(kind, ok, f"{detail} ({ev.name})" if ok else detail, tuple(caveats))


def check_evidence(h: Holding, doc: Reserves, institution: str, epoch: int, snapshot_time: str,
                   pins: Pins) -> EvidenceResult:
    ev = h.evidence
    if isinstance(ev, SelfReported):
        return EvidenceResult("self_reported", True, "balance declared by the institution (ownership only is proven)",
                              (f"{h.asset} reserves include self-reported balances: ownership of the address is "
                               "proven, its balance rests on the institution's word",))
    if isinstance(ev, EthStateProof):
        return _state_proof(h, ev, doc, pins)
    return _custodian(h, ev, institution, epoch, snapshot_time, pins)


def audit_holdings(doc: Reserves, institution: str, epoch: int, snapshot_time: str,
                   pins: Pins | None = None) -> list[HoldingAudit]:
    """One audit per holding, in file order; never raises for a bad proof."""
    pins = pins or Pins()
    out = []
    for i, h in enumerate(doc.holdings):
        ok, detail = check_holding(h, institution, epoch, snapshot_time)
        own = OwnershipResult(i, h.chain, h.address, h.asset, ok, detail, doc.where(i))
        out.append(HoldingAudit(own, check_evidence(h, doc, institution, epoch, snapshot_time, pins)))
    return out


def caveats_of(audits: list[HoldingAudit]) -> list[str]:
    """Every distinct caveat, in order (a block named by ten holdings is one caveat)."""
    seen: dict[str, None] = {}
    for a in audits:
        for c in a.evidence.caveats:
            seen.setdefault(c, None)
    return list(seen)


def summary(audits: list[HoldingAudit]) -> str:
    """``3 state proofs, 1 custodian statement, 2 self-reported``."""
    counts: dict[str, int] = {}
    for a in audits:
        counts[a.evidence.kind] = counts.get(a.evidence.kind, 0) + 1
    return ", ".join(f"{n} {KIND_LABEL[k]}" for k, n in counts.items())


class EvidenceError(SolventError, ValueError):
    """Raised by ``require_audit`` with every failing holding named."""


def require_audit(doc: Reserves, institution: str, epoch: int, snapshot_time: str,
                  pins: Pins | None = None) -> list[HoldingAudit]:
    """``audit_holdings`` that raises EvidenceError naming every failing holding (the
    check ``solvent prove`` runs before proving)."""
    audits = audit_holdings(doc, institution, epoch, snapshot_time, pins)
    errors = [e for a in audits for e in a.errors]
    if errors:
        raise EvidenceError("\n".join(errors))
    return audits
