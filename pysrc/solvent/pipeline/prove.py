"""``prove_book``: from a validated account book to a signed attestation directory.

Steps: lay out the book (tags, padding, order, native trees) → state what is proven
and derive the proofs' context → prove every batch → prove the top → sign → write the
attestation, the verifying keys and the private inclusion database into a staging
directory, renamed into place only when everything succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import native
from ..attestation import hashing, outcomes
from ..attestation.models import Attestation, BatchEntry, Outcome, ProofJson, RiskSection, Statement, TopEntry, Totals
from ..backend import Groth16
from ..backend.groth16 import proof_seed
from ..errors import UsageError
from ..formulas import book as spec
from ..formulas.amounts import format_amount
from ..inputs.accounts import AccountBook
from . import solvency_step, top_tree
from .bundle import write_bundle
from .errors import ProvingError, WouldBeInvalid
from .jobs import faults
from .jobs.checkpoints import RUN_DIR, Checkpoints
from .jobs.executors import BatchJob, Executor, InProcessExecutor
from .keys import ShapeKeys
from .layout import (
    BookLayout,
    batch_inputs,
    batch_outcome_bits,
    lay_out,
    netted_totals,
    outcome_totals,
    top_inputs,
)
from .statement import Institution, ProveOptions, stated

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: stage is ``"batch"`` (done/total batches) or ``"top"``."""


def _expect(named: dict, expected: dict, what: str) -> None:
    for k, v in expected.items():
        if named[k] != v:
            raise ProvingError(f"{what}: the circuit computed {k} = {named[k]}, the tree builder {v}")


def _totals(book: AccountBook, layout: BookLayout, tt: top_tree.TopTree) -> Totals:
    """The revealed totals, recomputed from the book (not read off the tree) and checked to
    open the committed ones."""
    eq, de = book.totals()
    blind = tt.root_blind
    extras = outcome_totals(layout)
    netted = netted_totals(book, layout)
    if spec.sum_commitment(spec.sums_lanes(eq, de, book.range_bits, extras, netted), blind) != tt.totals_commitment:
        raise ProvingError("the revealed totals do not open the totals commitment")
    fmt = {a.symbol: a.decimals for a in book.assets}
    outcome = None
    if extras:
        assert layout.risk is not None, "outcome lanes come with the collateral statement"
        scale = 4 + layout.risk.params.value_decimals
        outcome = Outcome(under_collateralized=extras[0], collateral_shortfall=format_amount(extras[1], scale),
                          under_margined=extras[2], margin_shortfall=format_amount(extras[3], scale))
    per_asset = lambda units: {a.symbol: format_amount(units[i], fmt[a.symbol])  # noqa: E731
                               for i, a in enumerate(book.assets)}
    return Totals(blind=str(blind), equity=per_asset(eq), debt=per_asset(de),
                  netted_debt=per_asset(netted) if netted is not None else None, outcome=outcome)


def published_reserves(document: dict | None, shape) -> dict | None:
    """What the attestation publishes of the reserves file: all of it with public reserves;
    with committed reserves only the insurance fund's holdings (the fund is always public:
    the verifier values it), or nothing."""
    if document is None or shape.solvency is None:
        return None
    if shape.solvency["reserves"] == "public":
        return document
    fund = [h for h in document["holdings"] if h.get("purpose", "reserves") == "insurance"]
    return {**document, "holdings": fund} if fund else None


def _batch_entry(layout: BookLayout, b: int, context: int, proof: dict) -> BatchEntry:
    bits = batch_outcome_bits(layout, b)
    return BatchEntry(index=b, root=str(layout.tree.root(b)), commitment=str(layout.tree.commitment(b, context)),
                      all_collateralized=bool(bits[0]) if bits else None,
                      all_margined=bool(bits[1]) if len(bits) > 1 else None, proof=ProofJson(**proof))


@dataclass
class _Run:
    """What every step of one run shares: its inputs, the laid-out book, the proofs'
    context and the checkpoints."""

    book: AccountBook
    sk: ShapeKeys
    inst: Institution
    opts: ProveOptions
    backend: Groth16
    layout: BookLayout
    context: int
    checkpoints: Checkpoints
    progress: Progress | None

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(stage, done, total)

    def verifies(self, role: str) -> Callable[[dict[str, Any], list[int]], bool]:
        """Checks a checkpointed proof of ``role`` natively before it is reused."""
        vk_json = self.sk.keys[role].vk_json
        return lambda proof, public: self.backend.verify_native(vk_json, public, proof)


def prove_book(book: AccountBook, sk: ShapeKeys, inst: Institution, opts: ProveOptions, out: Path,
               backend: Groth16 | None = None, progress: Progress | None = None,
               executor: Executor | None = None, keys_dir: Path | None = None) -> Attestation:
    """Prove ``book`` into the attestation directory ``out``.

    Every finished proof is checkpointed under ``out/.run/``; calling again on the same
    ``out`` after a crash reuses every checkpoint that is intact, is for exactly the
    public values this book gives, and verifies — and proves the rest. Proof randomness
    is derived from the institution secret and the witness, so the result is the same
    attestation whatever crashed or whichever executor ran the batches.
    """
    _claim(out)
    layout = lay_out(book, sk.shape, inst.secret, opts.epoch, opts.risk)
    statement, sh, context = stated(book, sk, inst, opts)
    run = _Run(book, sk, inst, opts, backend or Groth16(), layout, context, Checkpoints(out), progress)
    job = BatchJob(inputs=lambda b: sk.circuits["batch"].input_vector(batch_inputs(layout, book, b, context)),
                   keys_dir=keys_dir or getattr(sk, "keys_dir", None), secret=inst.secret, out=out)
    entries = _prove_batches(run, job, executor)
    tt, top = _prove_top(run, entries)
    att = hashing.sign(_attestation(run, statement, sh, entries, tt, top), inst.signing_key)
    problems = outcomes.problems(att)
    if problems and opts.refuse_invalid:
        raise WouldBeInvalid(problems)
    _write(run, out, att, tt)
    return att


def _claim(out: Path) -> None:
    """``out`` is new, empty, or holds only an interrupted run's checkpoints."""
    if out.exists() and any(p.name != RUN_DIR for p in out.iterdir()):
        raise FileExistsError(f"{out}: output directory exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)


def _batch_publics(run: _Run, b: int) -> list[int]:
    """The public values batch ``b``'s proof must have: what the tree gives."""
    layout, context = run.layout, run.context
    prefix = [context] if run.opts.risk is None else [context, run.opts.risk.params_hash]
    return [*prefix, layout.tree.root(b), layout.tree.commitment(b, context), *batch_outcome_bits(layout, b)]


def _prove_batches(run: _Run, job: BatchJob, executor: Executor | None) -> list[BatchEntry]:
    """Every batch's proof: intact checkpoints reused, the rest proven by ``executor``."""
    n = run.layout.num_batches
    proofs: dict[int, dict[str, Any]] = {}
    for b in range(n):
        stored = run.checkpoints.load(f"batch-{b:05d}", _batch_publics(run, b), run.verifies("batch"))
        if stored is not None:
            proofs[b] = stored
    if run.checkpoints.discarded:
        run.report("discarded", len(run.checkpoints.discarded), n)
    run.report("batch", len(proofs), n)
    todo = [b for b in range(n) if b not in proofs]
    if executor is not None and job.keys_dir is None:
        raise UsageError("worker processes load keys from a directory: these keys have none")
    for b, proof, public in (executor or InProcessExecutor(run.backend, run.sk)).run(job, todo):
        if public != _batch_publics(run, b):
            raise ProvingError(f"batch {b}: the proof's public values are not the ones the tree gives")
        run.checkpoints.save(f"batch-{b:05d}", proof, public)
        proofs[b] = proof
        run.report("batch", len(proofs), n)
        faults.after_batches(len(proofs) - (n - len(todo)))
    return [_batch_entry(run.layout, b, run.context, proofs[b]) for b in range(n)]


def _prove_top(run: _Run, entries: list[BatchEntry]) -> tuple[top_tree.TopTree, TopEntry]:
    """The top tree over the batch roots and the top proof binding them (and the totals)."""
    run.report("top", 0, 1)
    shape, secret, context = run.sk.shape, run.inst.secret, run.context
    blinds = native.top_node_blinds(secret, run.opts.epoch, spec.arities(shape.capacity), shape.capacity)
    tt = top_tree.build([int(e.root) for e in entries], [run.layout.tree.lanes(b) for b in range(len(entries))],
                        shape.capacity, blinds)
    digest = spec.digest(context, [(int(e.root), int(e.commitment)) for e in entries])
    top_public = [context, tt.root, tt.totals_commitment, digest]
    top_proof = run.checkpoints.load("top", top_public, run.verifies("top"))
    if top_proof is None:
        top_c = run.sk.circuits["top"]
        w = run.backend.witness(top_c, top_inputs(run.layout, secret, context))
        res = run.backend.prove(run.sk.keys["top"], top_c, w, seed=proof_seed(secret, top_c, w))
        _expect(top_c.name_publics(res.public), dict(zip(["context", "book_root", "totals_commitment",
                                                           "batches_digest"], top_public, strict=True)), "top")
        run.checkpoints.save("top", res.proof, res.public)
        top_proof = res.proof
    run.report("top", 1, 1)
    return tt, TopEntry(book_root=str(tt.root), totals_commitment=str(tt.totals_commitment),
                        batches_digest=str(digest), proof=ProofJson(**top_proof))


def _attestation(run: _Run, statement: Statement, sh: str, entries: list[BatchEntry], tt: top_tree.TopTree,
                 top: TopEntry) -> Attestation:
    """The unsigned attestation: statement, keys, batch and top proofs, the revealed totals,
    risk parameters, the solvency proof and the published reserves."""
    sk, opts = run.sk, run.opts
    return Attestation(
        statement=statement, statement_hash=sh, context=str(run.context),
        verifying_keys={sk.circuits[r].name: sk.keys[r].vk_json for r in sk.circuits},
        batches=entries, top=top,
        totals=_totals(run.book, run.layout, tt) if opts.reveal_totals else None,
        risk=RiskSection(params=opts.risk.params.source.model_dump(mode="json"),
                         prices=opts.price_snapshot) if opts.risk else None,
        solvency=solvency_step.prove_solvency(run.book, sk, run.inst, opts, run.context, tt, run.backend)
        if sk.shape.solvency else None,
        reserves=published_reserves(opts.reserves_document, sk.shape),
    )


def _write(run: _Run, out: Path, att: Attestation, tt: top_tree.TopTree) -> None:
    """The bundle (and the operator's reserves opening), then the checkpoints go."""
    run.report("write", 0, 1)
    write_bundle(out, att, run.book, run.layout, tt)
    if att.solvency is not None and att.solvency.reserves_commitment is not None:
        solvency_step.write_reserves_opening(out, att, run.book, run.inst, run.opts)
    run.checkpoints.clear()
    run.report("done", 1, 1)
