"""The solvency proof of a run: reserves against the totals the top proof committed."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from ..attestation.models import Attestation, ProofJson, SolvencySection
from ..backend import Groth16
from ..backend.groth16 import proof_seed
from ..formulas import solvency as sspec
from ..formulas.amounts import format_amount
from ..inputs.accounts import AccountBook
from ..inputs.reserves.commitment import build_opening, write_opening
from . import top_tree
from .errors import ProvingError
from .keys import ShapeKeys
from .statement import Institution, ProveOptions


def reserves_blind(secret: bytes, epoch: int) -> int:
    """The blind of the reserves commitment: a PRF of the institution secret and the epoch."""
    return int.from_bytes(hmac.new(secret, b"solvent.reserves.v1" + epoch.to_bytes(8, "big"),
                                   hashlib.sha256).digest()[:31], "big")


def prove_solvency(book: AccountBook, sk: ShapeKeys, inst: Institution, opts: ProveOptions,
                   context: int, tt: top_tree.TopTree, backend: Groth16) -> SolvencySection:
    """Reserves against the totals the top proof committed, opened privately."""
    assert sk.shape.solvency is not None, "called only for a shape with the solvency statement"
    mode, kind = sk.shape.solvency["mode"], sk.shape.solvency["reserves"]
    symbols = [a.symbol for a in book.assets]
    if opts.reserves is None or sorted(opts.reserves) != sorted(symbols):
        raise ProvingError(f"the solvency statement needs reserves for exactly the assets {symbols}")
    res = [opts.reserves[s] for s in symbols]
    inputs = {"context": context, "totals_commitment": tt.totals_commitment, "totals_lanes": tt.root_lanes,
              "totals_blind": tt.root_blind, "reserves": res}
    commitment = None
    if kind == "committed":
        blind = reserves_blind(inst.secret, opts.epoch)
        commitment = sspec.reserves_commitment(res, blind, context)
        inputs.update(reserves_commitment=commitment, reserves_blind=blind)
    fund = None
    if sk.shape.extra_lanes:
        assert opts.risk is not None, "extra lanes come with the collateral statement"
        held = opts.insurance or {}
        fund = sspec.insurance_value([held.get(s, 0) for s in symbols], opts.risk.params.prices)
        if fund >= 1 << sspec.SHORTFALL_BITS:
            raise ProvingError(f"the insurance fund's value ({fund} ×10^4 value units) is not below "
                               f"2^{sspec.SHORTFALL_BITS}")
        inputs["insurance_fund"] = fund
    c = sk.circuits["solvency"]
    witness = backend.witness(c, inputs)
    res_proof = backend.prove(sk.keys["solvency"], c, witness, seed=proof_seed(inst.secret, c, witness))
    out = c.name_publics(res_proof.public)
    covered = out.get("insurance_covered")
    return SolvencySection(
        mode=mode,
        reserves={a.symbol: format_amount(r, a.decimals) for a, r in zip(book.assets, res, strict=True)} if kind == "public" else None,
        reserves_commitment=str(commitment) if commitment is not None else None,
        coverage=dict(zip(symbols, out["coverage"], strict=True)),
        insurance_fund=None if fund is None or opts.risk is None else format_amount(fund, 4 + opts.risk.params.value_decimals),
        insurance_covered=None if covered is None else bool(covered),
        proof=ProofJson(**res_proof.proof))



def write_reserves_opening(out: Path, att: Attestation, book: AccountBook, inst: Institution, opts: ProveOptions) -> None:
    """Operator-private ``OUT/private/reserves-opening.json``: what a custodian needs to
    check the reserves commitment and sign for it (``reserves.commitment``)."""
    assert att.solvency is not None and att.solvency.reserves_commitment is not None and opts.reserves is not None
    op = build_opening(inst.name, opts.epoch, opts.snapshot_time, int(att.context), int(att.solvency.reserves_commitment),
                       reserves_blind(inst.secret, opts.epoch), [(a.symbol, a.decimals) for a in book.assets],
                       [opts.reserves[a.symbol] for a in book.assets], opts.reserves_document or {})
    write_opening(out / "private" / "reserves-opening.json", op)
