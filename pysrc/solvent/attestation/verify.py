"""Verifying an attestation: every check an auditor needs, each reported by name.

By default proofs are checked with the independent pure-Python verifier
(``solvent.verifier``, batch-verified with random weights). A caller may inject another
:class:`ProofChecker` (the command line's ``--fast`` passes the native arkworks one from
``solvent.backend``): this layer never imports the backend or the native module. Circuits
are recompiled from the stated shape so that the attestation cannot name circuits other
than solvent's, and every circuit's key is
trusted only on evidence the caller supplies (``trust``: ceremony checks, the trust
store, pinned keys — ``attestation.trust``), never on the attestation's own labels. A
report is VALID only when every check passes and every key is trusted, or when the
caller explicitly accepts untrusted keys (``allow_insecure_keys``: tests, the demo).

:func:`verify` reads as the order of the checks; each concern is a module of its own
(``checks``, ``keys``, ``proofs``, ``parameters``, ``totals``, ``solvency_checks``,
``evidence``, ``outcomes``).
"""

from __future__ import annotations

from pathlib import Path

from .. import verifier as pyv
from ..errors import SolventError
from ..formulas import book as spec
from ..inputs.pins import Pins
from . import evidence, hashing, outcomes, trust
from .checks import Report
from .keys import circuits_match, key_trust, verifying_key
from .models import Attestation, proof_of, read_model
from .parameters import check_risk_params
from .proofs import PYTHON_PROOFS, ProofChecker, batch_outputs, circuit_name
from .solvency_checks import check_solvency
from .totals import totals_detail, totals_open


class AttestationFormatError(SolventError, ValueError):
    """The attestation cannot be read: not JSON, not the model, a missing file."""


def load(path: Path) -> Attestation:
    """An attestation from a directory (``attestation.json`` inside) or a JSON file."""
    file = path / "attestation.json" if path.is_dir() else path
    return read_model(Attestation, file, AttestationFormatError)


def verify(att: Attestation, proof_checker: ProofChecker = PYTHON_PROOFS, signer: str | None = None, epoch: int | None = None,
           only_batches: list[int] | None = None, pins: Pins | None = None,
           trust_evidence: trust.TrustEvidence | None = None, allow_insecure_keys: bool = False) -> Report:
    """All checks of ``att``; ``signer`` is the address the verifier expects to have
    signed; ``epoch`` the OLDEST epoch accepted (an older, replayed attestation fails; a
    newer one passes); ``only_batches`` limits the batch proofs checked (a
    customer needs only their own batch, the digest and the top proof); ``pins`` are the
    blocks, custodian, oracle and token keys the auditor pins (caveats become checks).

    ``trust_evidence`` is what the caller trusts keys on (``attestation.trust``); without
    it no key is trusted and the report is not valid unless ``allow_insecure_keys``.
    ``proof_checker`` checks the proofs (the pure-Python verifier unless one is injected)."""
    r = Report()
    pins = pins or Pins()
    context = _statement(att, r, signer, epoch)
    params_hash, prices = check_risk_params(att, r)
    evidence.check_price_snapshot(att, r, pins)
    compiled = circuits_match(att, r)
    key_trust(att, compiled, trust_evidence, allow_insecure_keys, r)
    vk_batch, vk_top = verifying_key(att, "batch", r), verifying_key(att, "top", r)
    _batches(att, r, context, params_hash, vk_batch, proof_checker, only_batches)
    _top(att, r, context, vk_top, proof_checker)
    if att.totals is not None:
        r.add("revealed totals", totals_open(att), totals_detail(att),
              "the revealed totals do NOT open the totals commitment")
    check_solvency(att, context, prices, r, proof_checker, pins)
    _accounts(att, r, only_batches)
    return r


def _statement(att: Attestation, r: Report, signer: str | None, epoch: int | None) -> int:
    """The signature, the expected signer and epoch, the statement hash, the context (returned)
    and the asset list."""
    st = att.statement
    recovered = hashing.recover_signer(att)
    r.add("signature", recovered is not None and recovered.lower() == st.signer.lower(),
          f"signed by {recovered}", f"signed by {recovered}, not by the signer the statement names ({st.signer})"
          if recovered else "missing or malformed signature")
    if signer is not None:
        r.add("expected signer", st.signer.lower() == signer.lower(), f"the statement names {st.signer}, as expected",
              f"the statement names {st.signer}, not the expected {signer}")
    if epoch is not None:
        r.add("expected epoch", st.epoch >= epoch, f"epoch {st.epoch}, not older than {epoch}",
              f"epoch {st.epoch} is older than the epoch {epoch} you require: a replayed attestation")
    sh = hashing.statement_hash(st)
    r.add("statement hash", sh == att.statement_hash, "", "the statement does not hash to the stated statement_hash")
    context = hashing.context_of(sh, st.epoch, st.signer)
    r.add("context", str(context) == att.context, "binds institution, epoch and statement",
          "does not bind this institution, epoch and statement")
    r.add("assets", len(st.assets) == st.shape.n_assets and len({a.symbol for a in st.assets}) == len(st.assets),
          "", f"{len(st.assets)} assets listed for a shape of {st.shape.n_assets}, or a symbol listed twice")
    return context


def _batches(att: Attestation, r: Report, context: int, params_hash: int | None, vk: pyv.VerifyingKey | None,
             proof_checker: ProofChecker, only_batches: list[int] | None) -> None:
    """The batch count and the batch proofs (only ``only_batches``, if given)."""
    st = att.statement
    n = len(att.batches)
    r.add("batch count", 1 <= n <= st.shape.capacity and [b.index for b in att.batches] == list(range(n)),
          f"{n} batches of {st.shape.batch_size} leaves (capacity {st.shape.capacity})",
          f"{n} batches for a capacity of {st.shape.capacity}, or not numbered 0 to {n - 1} in order")
    if vk is None:
        return
    chosen = [b for b in att.batches if only_batches is None or b.index in only_batches]
    prefix = [context] if params_hash is None else [context, params_hash]
    try:
        items = [([*prefix, int(b.root), int(b.commitment), *batch_outputs(att, b)], proof_of(b)) for b in chosen]
    except pyv.MalformedInput as e:
        r.add("batch proofs", False, str(e))
        return
    oks = proof_checker.check(vk, att.verifying_keys[circuit_name(att, "batch")], items)
    bad = [b.index for b, ok in zip(chosen, oks, strict=True) if not ok]
    r.add("batch proofs", bool(chosen) and not bad,
          f"{len(chosen)} valid" if chosen and not bad else f"invalid or missing: batches {bad or only_batches}")


def _top(att: Attestation, r: Report, context: int, vk: pyv.VerifyingKey | None, proof_checker: ProofChecker) -> None:
    """The digest binding every batch, once, in order, and the top proof over it."""
    digest = spec.digest(context, [(int(b.root), int(b.commitment)) for b in att.batches])
    r.add("batches digest", str(digest) == att.top.batches_digest, "every batch, once, in order",
          "the stated digest is not that of every listed batch, once, in order")
    if vk is not None:
        pub = [context, int(att.top.book_root), int(att.top.totals_commitment), digest]
        (ok,) = proof_checker.check(vk, att.verifying_keys[circuit_name(att, "top")], [(pub, proof_of(att.top))])
        r.add("top proof", ok, "book root and totals commitment",
              "does not verify for this book root, totals commitment and batches digest")


def _accounts(att: Attestation, r: Report, only_batches: list[int] | None) -> None:
    """Act on the batch proofs' outcome bits: an account that falls short fails the
    attestation unless the solvency proof shows the insurance fund covering the shortfall."""
    if "collateral" not in att.statement.statements:
        return
    o = outcomes.book_outcome(att)
    r.add("accounts covered", o.acceptable, outcomes.accounts_summary(att))
    if only_batches is not None and o.all_covered:
        r.warnings.append("the outcome bits of batches other than "
                          f"{', '.join(map(str, only_batches))} were not verified here: "
                          "`solvent verify` checks every batch")


