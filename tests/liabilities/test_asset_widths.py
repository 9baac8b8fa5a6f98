"""Per-asset balance widths (circuits/liabilities.md, "Per-asset widths"): a shape without
them is the circuit it always was; with them, a book proves and verifies end to end, the
statement carries them, and the verifier says the bound per asset."""

from __future__ import annotations

import warnings

import pytest
from pydantic import ValidationError

from solvent.attestation import hashing
from solvent.attestation.inclusion import verify_inclusion
from solvent.attestation.models import Shape
from solvent.attestation.verify import verify
from solvent.backend import NATIVE_PROOFS
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.circuits import liabilities
from solvent.circuits.compile import compile_circuits
from solvent.circuits.shape import BookShape, ShapeError, asset_widths
from solvent.dsl import build
from solvent.errors import UsageError
from solvent.pipeline import keys as keymod
from solvent.pipeline.inclusion_export import export
from solvent.pipeline.layout import lay_out
from solvent.pipeline.prove import prove_book
from solvent.pipeline.statement import ProveOptions
from tests.liabilities.helpers import SECRET, small_book, small_shape

WIDTHS = (51, 60)  # BTC 21·10^6 at 8 decimals, USDT 10^12 at 6


@pytest.mark.parametrize("with_debt", [False, True])
def test_a_shape_without_widths_is_the_same_circuit(with_debt):
    """Regression: no asset_bits (or every asset at range_bits) gives the same parameters,
    shape file and IR as before widths existed, so existing keys and attestations keep
    their meaning."""
    plain = small_shape(with_debt=with_debt)
    assert plain.asset_bits is None and plain.widths == (64, 64)
    assert "asset_bits" not in plain.batch_params() and "asset_bits" not in plain.to_dict()
    spelled = BookShape(**plain.to_dict(), asset_bits=(64, 64))
    assert spelled == plain and spelled.asset_bits is None, "every asset at range_bits is the shape without widths"
    explicit = build(liabilities.batch, "liabilities_batch", use_disk=False, asset_bits=[64, 64],
                     **plain.batch_params())
    assert explicit.ir == compile_circuits(plain)["batch"].ir
    narrow = BookShape(**plain.to_dict(), asset_bits=WIDTHS)
    hashes, narrow_hashes = ({r: c.hash for r, c in compile_circuits(s).items()} for s in (plain, narrow))
    assert narrow_hashes["batch"] != hashes["batch"] and narrow_hashes["top"] == hashes["top"]


def test_widths_with_the_collateral_statement_only_narrow_the_balance_checks(backend):
    """With collateral (equity and debt range-checked, then valued at the book's width) the
    widths save exactly Σ_a (b − w_a) per balance column and account; the value and region
    comparisons stay b-sized (circuits/risk.md: upper bounds from b)."""
    risk = {"regions": 2, "instruments": 0, "scenarios": 1}
    plain = BookShape(n_assets=2, batch_size=4, capacity=2, with_debt=True, risk=risk)
    narrow = BookShape(**plain.to_dict(), asset_bits=WIDTHS)
    n_plain, n_narrow = (backend.circuit(compile_circuits(s)["batch"]).num_constraints for s in (plain, narrow))
    assert n_plain - n_narrow == 4 * 2 * sum(64 - w for w in WIDTHS)


def test_shape_widths_are_checked():
    for bad in [(51,), (51, 65), (0, 60), (51, 60, 60)]:
        with pytest.raises(ShapeError, match="one width per asset"):
            BookShape(n_assets=2, batch_size=4, capacity=2, asset_bits=bad)
    assert asset_widths(["BTC", "ETH"], [51, None], 96) == (51, 96)
    assert asset_widths(["BTC", "ETH"], [None, None], 64) is None
    with pytest.raises(ShapeError, match="asset ETH: its max_supply needs 87 bits, more than the 64 range bits"):
        asset_widths(["BTC", "ETH"], [51, 87], 64)


def test_statement_shape_without_widths_hashes_as_before():
    """An old statement's shape has no asset_bits key; it reads and dumps back without one
    (not ``null``), so its statement hash, and so every proof's context, is unchanged."""
    old = {"n_assets": 2, "batch_size": 4, "capacity": 4, "range_bits": 64, "with_debt": False, "risk": None,
           "solvency": None}
    assert Shape(**old).model_dump(mode="json") == old
    assert Shape(**old).widths() == [64, 64]
    new = Shape(**old, asset_bits=[51, 60])
    assert new.model_dump(mode="json") == {**old, "asset_bits": [51, 60]}
    assert BookShape(**new.model_dump()).asset_bits == WIDTHS
    for bad in ([51], [51, 65], [0, 60]):
        with pytest.raises(ValidationError):
            Shape(**old, asset_bits=bad)


@pytest.fixture(scope="module")
def widths_attested(tmp_path_factory, backend, institution):
    shape = BookShape(n_assets=2, batch_size=4, capacity=4, with_debt=True, asset_bits=WIDTHS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        sk = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp("width-keys"), backend, seed=b"widths")
    book = small_book(10, with_debt=True)
    book.add_account("whale", [(1 << 51) - 1, (1 << 60) - 1], [0, 0])  # the largest balances the widths allow
    out = tmp_path_factory.mktemp("width-att") / "attestation"
    att = prove_book(book, sk, institution, ProveOptions(epoch=3, snapshot_time="2026-11-21T00:00:00Z"), out, backend)
    return sk, book, att, out


def test_mixed_widths_prove_and_verify(widths_attested, institution):
    sk, book, att, out = widths_attested
    assert att.statement.shape.asset_bits == [51, 60]
    for checker in (None, NATIVE_PROOFS):  # pure Python (recompiles the circuits from the stated shape) and native
        report = verify(att, **({"proof_checker": checker} if checker else {}), allow_insecure_keys=True)
        assert report.valid, report.to_dict()
    assert att.statement.balance_bounds() == "BTC balances proven below 2^51, USDT below 2^60 smallest units"
    whale = export(out, "whale")
    assert verify_inclusion(whale, att, allow_insecure_keys=True).valid


def test_stated_widths_cannot_be_edited(widths_attested, institution):
    """Claiming a narrower bound than the keys prove (re-signed by the institution): the
    circuit the verifier recompiles from the stated shape is not the one the keys and the
    statement's IR hashes were made for (and the context changes with the statement)."""
    _, _, att, _ = widths_attested
    st = att.statement.model_copy(update={"shape": att.statement.shape.model_copy(update={"asset_bits": [50, 60]})})
    forged = hashing.sign(att.model_copy(update={"statement": st, "statement_hash": hashing.statement_hash(st)}),
                          institution.signing_key)
    report = verify(forged, proof_checker=NATIVE_PROOFS, allow_insecure_keys=True)
    failed = {c.name for c in report.checks if not c.ok}
    assert not report.valid and {"circuits", "context"} <= failed, failed


def test_a_balance_above_its_width_is_refused_before_proving(widths_attested):
    sk, _, _, _ = widths_attested
    book = small_book(4, with_debt=True)
    book.add_account("too-rich", [1 << 51, 0], [0, 0])
    with pytest.raises(UsageError, match=r"account 'too-rich', asset BTC: balance 22517998.13685248 is at or above "
                                         r"2\^51 smallest units.*larger max_supply for BTC"):
        lay_out(book, sk.shape, SECRET, epoch=1)
