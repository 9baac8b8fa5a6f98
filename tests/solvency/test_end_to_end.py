"""Liabilities + solvency over a book without debt (with debt, solvency needs the
collateral statement: tests/adversarial/test_declared_solvency.py): a solvent institution
verifies; an insolvent one (one asset under-covered) never yields a valid attestation."""

import warnings
from dataclasses import replace

import pytest

from solvent.attestation import hashing
from solvent.attestation.verify import verify
from solvent.backend import NATIVE_PROOFS
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.pipeline import keys as keymod
from solvent.pipeline.prove import prove_book
from solvent.pipeline.statement import ProveOptions
from tests.liabilities.helpers import small_book, small_shape
from tests.solvency.helpers import attach_custodian_statement, signed_reserves


def _failed(report):
    return {c.name for c in report.checks if not c.ok}


@pytest.fixture(scope="module")
def solvency_keys(tmp_path_factory, backend):
    out = {}
    for mode, kind in (("pass_fail", "public"), ("buckets", "committed")):
        shape = replace(small_shape(), solvency={"mode": mode, "reserves": kind})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureSetupWarning)
            out[mode] = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp(mode), backend, seed=b"solv")
    return out


def _prove(tmp_path, backend, institution, keys, reserves, epoch=1):
    book = small_book(6)
    snapshot = "2026-11-21T00:00:00Z"
    opts = ProveOptions(epoch=epoch, snapshot_time=snapshot, reserves=reserves,
                        reserves_document=signed_reserves(reserves, institution.name, epoch, snapshot))
    return book, prove_book(book, keys, institution, opts, tmp_path / f"att{epoch}", backend)


def net(book):
    eq, de = book.totals()
    return {"BTC": eq[0] - de[0], "USDT": eq[1] - de[1]}


def test_solvent_institution(tmp_path, backend, institution, solvency_keys):
    book = small_book(6)
    book, att = _prove(tmp_path, backend, institution, solvency_keys["pass_fail"], net(book))
    assert att.statement.statements == ["liabilities", "solvency"]
    assert att.solvency.coverage == {"BTC": 1, "USDT": 1}
    report = verify(att, allow_insecure_keys=True)
    assert report.valid, report.to_dict()


def test_insolvent_institution_is_never_valid(tmp_path, backend, institution, solvency_keys):
    book = small_book(6)
    reserves = net(book)
    reserves["BTC"] -= 1  # one satoshi short
    _, att = _prove(tmp_path, backend, institution, solvency_keys["pass_fail"], reserves)
    assert att.solvency.coverage == {"BTC": 0, "USDT": 1}
    report = verify(att, allow_insecure_keys=True)
    assert not report.valid and _failed(report) == {"solvency"}
    assert "BTC: NOT COVERED" in next(c.detail for c in report.checks if c.name == "solvency")
    # claiming coverage anyway breaks the proof
    forged = hashing.sign(att.model_copy(update={"solvency": att.solvency.model_copy(
        update={"coverage": {"BTC": 1, "USDT": 1}})}), institution.signing_key)
    assert "solvency proof" in _failed(verify(forged, proof_checker=NATIVE_PROOFS))


def test_committed_reserves_in_buckets(tmp_path, backend, institution, solvency_keys):
    book = small_book(6)
    reserves = {k: v * 112 // 100 for k, v in net(book).items()}  # 112 % coverage
    _, att = _prove(tmp_path, backend, institution, solvency_keys["buckets"], reserves)
    assert att.solvency.reserves is None and att.solvency.reserves_commitment is not None
    assert att.solvency.coverage == {"BTC": 3, "USDT": 3}  # 110–120 %
    report = verify(att, allow_insecure_keys=True)
    # nobody but the institution has seen committed reserves: never valid on their own
    assert not report.valid and _failed(report) == {"reserves commitment statement"}
    assert "110–120 %" in next(c.detail for c in report.checks if c.name == "solvency")
    att = attach_custodian_statement(att, tmp_path / "att1", institution)
    report = verify(att, allow_insecure_keys=True)
    assert report.valid, report.to_dict()
    assert any("rest on Vault Co" in w for w in report.warnings)


def test_reserves_of_another_attestation(tmp_path, backend, institution, solvency_keys):
    """Swapping in reserves (or a whole solvency section) from another attestation fails:
    the solvency proof is bound to this context and this totals commitment."""
    book = small_book(6)
    _, a1 = _prove(tmp_path, backend, institution, solvency_keys["pass_fail"], net(book), epoch=1)
    _, a2 = _prove(tmp_path, backend, institution, solvency_keys["pass_fail"],
                   {k: v * 2 for k, v in net(book).items()}, epoch=2)
    mixed = hashing.sign(a1.model_copy(update={"solvency": a2.solvency}), institution.signing_key)
    assert "solvency proof" in _failed(verify(mixed, proof_checker=NATIVE_PROOFS))
