"""``prove_book``: from a validated account book to a signed attestation directory.

Steps: lay out the book (tags, padding, order, native trees) → state what is proven
and derive the proofs' context → prove every batch → prove the top → sign → write the
attestation, the verifying keys and the private inclusion database into a staging
directory, renamed into place only when everything succeeded.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from eth_account import Account

from .. import __version__
from ..attestation import hashing
from ..attestation.models import (
    AssetInfo, Attestation, BatchEntry, CircuitRef, Outcome, ProofJson, RiskSection, RiskShape, Shape,
    SolvencySection, SolvencyShape, Statement, TopEntry, Totals,
)
from ..backend import Groth16
from ..book import AccountBook, format_amount
from ..verifier import VerifyingKey, vk_hash
from ..verifier import book as spec
from . import inclusion_db, top_tree
from .keys import ShapeKeys
from ..risk.evaluate import RiskSetup, shortfalls
from .layout import BookLayout, batch_inputs, lay_out, top_inputs


@dataclass
class Institution:
    name: str
    signing_key: bytes
    """secp256k1 private key: its Ethereum address signs attestations."""
    secret: bytes
    """Derives every salt and blind; kept by the institution, never published."""

    @property
    def address(self) -> str:
        return Account.from_key(self.signing_key).address


@dataclass
class ProveOptions:
    epoch: int
    snapshot_time: str
    reveal_totals: bool = False
    risk: RiskSetup | None = None
    """Risk parameters: adds the collateral statement, and margin when they list instruments."""
    insurance_fund: str | None = None
    """Declared insurance fund, in the quote currency (with risk statements)."""
    reserves: dict[str, int] | None = None
    """Reserves per asset symbol, in smallest units (with the solvency statement)."""
    reserves_document: dict | None = None
    """The reserves snapshot (``solvent.reserves/1``) published with public reserves."""


class ProvingError(RuntimeError):
    pass


Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: stage is ``"batch"`` (done/total batches) or ``"top"``."""


def statements_of(risk: RiskSetup | None, solvency: bool = False) -> list[str]:
    return (["liabilities"] + (["collateral"] if risk else []) + (["margin"] if risk and risk.margin else [])
            + (["solvency"] if solvency else []))


def _statement(book: AccountBook, sk: ShapeKeys, inst: Institution, opts: ProveOptions) -> Statement:
    s = sk.shape
    return Statement(
        institution=inst.name, signer=inst.address, epoch=opts.epoch, snapshot_time=opts.snapshot_time,
        statements=statements_of(opts.risk, s.solvency is not None),
        assets=[AssetInfo(symbol=a.symbol, decimals=a.decimals) for a in book.assets],
        shape=Shape(n_assets=s.n_assets, batch_size=s.batch_size, capacity=s.capacity,
                    range_bits=s.range_bits, with_debt=s.with_debt,
                    risk=RiskShape(**s.risk) if s.risk else None,
                    solvency=SolvencyShape(**s.solvency) if s.solvency else None),
        params_hash=str(opts.risk.params_hash) if opts.risk else None,
        circuits=[CircuitRef(role=role, name=sk.circuits[role].name, ir_hash=sk.circuits[role].hash,
                             vk_hash=vk_hash(VerifyingKey.from_snarkjs(sk.keys[role].vk_json)),
                             setup=sk.keys[role].setup, transcript_hash=sk.keys[role].transcript_hash)
                  for role in sk.circuits],
        solvent_version=__version__,
    )


def _expect(named: dict, expected: dict, what: str) -> None:
    for k, v in expected.items():
        if named[k] != v:
            raise ProvingError(f"{what}: the circuit computed {k} = {named[k]}, the tree builder {v}")


def outcome_totals(layout: BookLayout) -> list[int]:
    """The four outcome sums over every leaf (empty without risk statements)."""
    if layout.leaf_risk is None:
        return []
    return [sum(r.outcome[j] for r in layout.leaf_risk) for j in range(4)]


def _totals(book: AccountBook, layout: BookLayout, secret: bytes, commitment: int) -> Totals:
    from .. import _native

    eq, de = book.totals()
    blind = _native.top_node_blinds(secret, layout.epoch, spec.arities(layout.shape.capacity),
                                    layout.shape.capacity)[-1]
    extras = outcome_totals(layout)
    if spec.sum_commitment(spec.sums_lanes(eq, de, book.range_bits, extras), blind) != commitment:
        raise ProvingError("the revealed totals do not open the totals commitment")
    fmt = {a.symbol: a.decimals for a in book.assets}
    outcome = None
    if extras:
        scale = 4 + layout.risk.params.value_decimals
        outcome = Outcome(under_collateralized=extras[0], collateral_shortfall=format_amount(extras[1], scale),
                          under_margined=extras[2], margin_shortfall=format_amount(extras[3], scale))
    return Totals(blind=str(blind),
                  equity={a.symbol: format_amount(eq[i], fmt[a.symbol]) for i, a in enumerate(book.assets)},
                  debt={a.symbol: format_amount(de[i], fmt[a.symbol]) for i, a in enumerate(book.assets)},
                  outcome=outcome)


def prove_book(book: AccountBook, sk: ShapeKeys, inst: Institution, opts: ProveOptions, out: Path,
               backend: Groth16 | None = None, progress: Progress | None = None) -> Attestation:
    backend = backend or Groth16()
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out}: output directory exists and is not empty")
    layout = lay_out(book, sk.shape, inst.secret, opts.epoch, opts.risk)
    statement = _statement(book, sk, inst, opts)
    sh = hashing.statement_hash(statement)
    context = hashing.context_of(sh, opts.epoch, inst.address)

    batch_c, top_c = sk.circuits["batch"], sk.circuits["top"]
    entries = []
    for b in range(layout.num_batches):
        if progress:
            progress("batch", b, layout.num_batches)
        witness = backend.witness(batch_c, batch_inputs(layout, book, b, context))
        res = backend.prove(sk.keys["batch"], batch_c, witness)
        named = batch_c.name_publics(res.public)
        expected = {"context": context, "batch_root": layout.tree.root(b),
                    "batch_commitment": layout.tree.commitment(b, context)}
        if opts.risk is not None:
            expected["params_hash"] = opts.risk.params_hash
        _expect(named, expected, f"batch {b}")
        entries.append(BatchEntry(index=b, root=str(named["batch_root"]),
                                  commitment=str(named["batch_commitment"]), proof=ProofJson(**res.proof)))
    if progress:
        progress("batch", layout.num_batches, layout.num_batches)
        progress("top", 0, 1)
    res = backend.prove(sk.keys["top"], top_c, backend.witness(top_c, top_inputs(layout, inst.secret, context)))
    top = top_c.name_publics(res.public)
    _expect(top, {"context": context,
                  "batches_digest": spec.digest(context, [(int(e.root), int(e.commitment)) for e in entries])}, "top")
    if progress:
        progress("top", 1, 1)
    from .. import _native

    tt = top_tree.build([int(e.root) for e in entries], [layout.tree.lanes(b) for b in range(layout.num_batches)],
                        sk.shape.capacity, _native.top_node_blinds(inst.secret, opts.epoch,
                                                                   spec.arities(sk.shape.capacity), sk.shape.capacity))
    _expect(top, {"book_root": tt.root, "totals_commitment": tt.totals_commitment}, "top tree")
    att = Attestation(
        statement=statement, statement_hash=sh, context=str(context),
        verifying_keys={sk.circuits[r].name: sk.keys[r].vk_json for r in sk.circuits},
        batches=entries,
        top=TopEntry(book_root=str(top["book_root"]), totals_commitment=str(top["totals_commitment"]),
                     batches_digest=str(top["batches_digest"]), proof=ProofJson(**res.proof)),
        totals=_totals(book, layout, inst.secret, top["totals_commitment"]) if opts.reveal_totals else None,
        risk=RiskSection(params=opts.risk.params.source.model_dump(mode="json"),
                         insurance_fund=opts.insurance_fund) if opts.risk else None,
        solvency=_prove_solvency(book, sk, layout, inst, opts, context, top, tt, backend)
        if sk.shape.solvency else None,
        reserves=opts.reserves_document if sk.shape.solvency and sk.shape.solvency["reserves"] == "public" else None,
    )
    att = hashing.sign(att, inst.signing_key)
    write_bundle(out, att, book, layout, tt)
    return att


def write_bundle(out: Path, att: Attestation, book: AccountBook, layout: BookLayout, tt: top_tree.TopTree) -> None:
    """Everything goes to a staging directory first; only a complete bundle is renamed
    into place, so a failure never leaves a half-written attestation."""
    out = out.resolve()
    stage = out.parent / f".{out.name}.staging-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        (stage / "keys").mkdir(parents=True)
        (stage / "private").mkdir()
        (stage / "attestation.json").write_text(json.dumps(att.model_dump(mode="json"), indent=1))
        for name, vk in att.verifying_keys.items():
            (stage / "keys" / f"{name}.vk.json").write_text(json.dumps(vk, indent=1))
        inclusion_db.write(stage / "private" / "inclusion.sqlite", book, layout, tt, {
            "attestation_hash": hashing.attestation_hash(att).hex(),
            "assets": json.dumps([[a.symbol, a.decimals] for a in book.assets]),
            "batch_size": str(layout.shape.batch_size),
        })
        if layout.leaf_risk is not None:
            _write_shortfalls(stage / "private" / "shortfalls.csv", book, layout)
        (stage / "private" / "README").write_text(
            "Operator-only: every customer's salt and balances. Never publish this directory;\n"
            "give each customer their own extract (solvent inclusion).\n")
        if out.exists():
            out.rmdir()  # empty, checked before proving
        os.rename(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _write_shortfalls(path: Path, book: AccountBook, layout: BookLayout) -> None:
    """Operator-only: the accounts that fall short (shortfalls ×10^4 value units)."""
    import csv

    per_account = [layout.leaf_risk[layout.leaf_of[i]] for i in range(book.size)]
    rows = shortfalls(book, layout.risk, per_account)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "under_collateralized", "collateral_shortfall", "under_margined", "margin_shortfall"])
        scale = 4 + layout.risk.params.value_decimals
        for r in rows:
            w.writerow([r["account_id"], int(r["under_collateralized"]), format_amount(r["collateral_shortfall"], scale),
                        int(r["under_margined"]), format_amount(r["margin_shortfall"], scale)])


def _prove_solvency(book: AccountBook, sk: ShapeKeys, layout: BookLayout, inst: Institution, opts: ProveOptions,
                    context: int, top: dict, tt: top_tree.TopTree, backend: Groth16) -> SolvencySection:
    """Reserves against the totals the top proof committed, opened privately."""
    import hashlib
    import hmac

    from ..book.amounts import parse_amount
    from ..verifier import solvency as sspec

    mode, kind = sk.shape.solvency["mode"], sk.shape.solvency["reserves"]
    symbols = [a.symbol for a in book.assets]
    if opts.reserves is None or sorted(opts.reserves) != sorted(symbols):
        raise ProvingError(f"the solvency statement needs reserves for exactly the assets {symbols}")
    eq, de = book.totals()
    res = [opts.reserves[s] for s in symbols]
    inputs = {"context": context, "totals_commitment": top["totals_commitment"],
              "totals_lanes": spec.sums_lanes(eq, de, book.range_bits, outcome_totals(layout)),
              "totals_blind": _native_root_blind(inst, opts, sk), "reserves": res}
    commitment = None
    if kind == "committed":
        blind = int.from_bytes(hmac.new(inst.secret, b"solvent.reserves.v1" + opts.epoch.to_bytes(8, "big"),
                                        hashlib.sha256).digest()[:31], "big")
        commitment = sspec.reserves_commitment(res, blind, context)
        inputs.update(reserves_commitment=commitment, reserves_blind=blind)
    if sk.shape.extra_lanes:
        fund = opts.insurance_fund or "0"
        inputs["insurance_fund"] = parse_amount(fund, 4 + opts.risk.params.value_decimals, 200)
    c = sk.circuits["solvency"]
    res_proof = backend.prove(sk.keys["solvency"], c, backend.witness(c, inputs))
    out = c.name_publics(res_proof.public)
    covered = out.get("insurance_covered")
    return SolvencySection(
        mode=mode,
        reserves={a.symbol: format_amount(r, a.decimals) for a, r in zip(book.assets, res)} if kind == "public" else None,
        reserves_commitment=str(commitment) if commitment is not None else None,
        coverage=dict(zip(symbols, out["coverage"])),
        insurance_covered=None if covered is None else bool(covered),
        proof=ProofJson(**res_proof.proof))


def _native_root_blind(inst: Institution, opts: ProveOptions, sk: ShapeKeys) -> int:
    """The blind of the top root's sum commitment, i.e. of ``totals_commitment``."""
    from .. import _native

    M = sk.shape.capacity
    return _native.top_node_blinds(inst.secret, opts.epoch, spec.arities(M), M)[-1]
