import warnings

import pytest

from solvent.backend import Groth16
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.pipeline import keys as keymod
from solvent.pipeline.prove import prove_book
from solvent.pipeline.statement import Institution, ProveOptions
from tests.liabilities.helpers import SECRET, small_book, small_shape

SIGNING_KEY = bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")


@pytest.fixture(scope="session")
def backend():
    return Groth16()


def _keys(tmp_path_factory, backend, with_debt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        d = tmp_path_factory.mktemp(f"keys-debt-{with_debt}")
        return keymod.setup_dev_insecure(small_shape(with_debt=with_debt), d, backend, seed=b"tests"), d


@pytest.fixture(scope="session")
def shape_keys(tmp_path_factory, backend):
    return _keys(tmp_path_factory, backend, False)


@pytest.fixture(scope="session")
def shape_keys_debt(tmp_path_factory, backend):
    return _keys(tmp_path_factory, backend, True)


@pytest.fixture(scope="session")
def institution():
    return Institution("Test Exchange", SIGNING_KEY, SECRET)


@pytest.fixture(scope="session")
def attested(tmp_path_factory, shape_keys, backend, institution):
    """A 10-account book (3 batches of 4) proven once for the whole session."""
    sk, _ = shape_keys
    book = small_book(10)
    out = tmp_path_factory.mktemp("att") / "attestation"
    att = prove_book(book, sk, institution, ProveOptions(epoch=7, snapshot_time="2026-11-21T00:00:00Z"), out, backend)
    return book, att, out


@pytest.fixture(scope="session")
def risk_attested(tmp_path_factory, backend, institution):
    """Liabilities + collateral + margin over one book, totals revealed; accounts 1 and 2 fall
    short and there is no solvency statement (so no insurance proof): INVALID by its outputs."""
    from tests.risk.helpers import risk_book, risk_shape

    shape, setup = risk_shape(margin=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        sk = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp("risk-keys"), backend, seed=b"risk")
    book = risk_book(6)
    out = tmp_path_factory.mktemp("risk-att") / "attestation"
    att = prove_book(book, sk, institution, ProveOptions(epoch=2, snapshot_time="2026-11-21T00:00:00Z",
                                                         reveal_totals=True, risk=setup),
                     out, backend)
    return book, att, out, setup


@pytest.fixture(scope="session")
def risk_solvent_attested(tmp_path_factory, backend, institution):
    """The same book with the solvency statement: reserves cover net liabilities (the
    under-collateralized account's debt does not net) and an insurance fund of 10 BTC,
    reserve holdings of its own, covers the shortfalls. VALID."""
    from dataclasses import replace

    from tests.risk.helpers import risk_book, risk_shape
    from tests.solvency.helpers import signed_reserves

    shape, setup = risk_shape(margin=True)
    shape = replace(shape, solvency={"mode": "pass_fail", "reserves": "public"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        sk = keymod.setup_dev_insecure(shape, tmp_path_factory.mktemp("risk-solv-keys"), backend, seed=b"risk-solv")
    book = risk_book(6)
    equity, _ = book.totals()
    reserves, fund = {"BTC": equity[0], "USDT": 0}, {"BTC": 10 * 10**8}
    snapshot = "2026-11-21T00:00:00Z"
    opts = ProveOptions(epoch=3, snapshot_time=snapshot, reveal_totals=True, risk=setup, reserves=reserves,
                        insurance=fund,
                        reserves_document=signed_reserves(reserves, institution.name, 3, snapshot, insurance=fund))
    out = tmp_path_factory.mktemp("risk-solv-att") / "attestation"
    att = prove_book(book, sk, institution, opts, out, backend)
    return book, att, out, setup
