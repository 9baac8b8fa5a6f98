"""``solvent setup --batch-size``: sizes other than powers of two, ``auto``, the domain
fill it prints, and the refusals."""

import json

from click.testing import CliRunner

from solvent.backend import Groth16
from solvent.circuits.shape import BookShape
from solvent.cli import main
from solvent.pipeline.batch_fill import NEAR_BEST, CostModel, auto_batch_size, proving_cost, valid_batch_sizes

ASSETS = "symbol,decimals\nBTC,8\nUSDT,6\n"
BOOK = "account_id,asset,balance\n" + "".join(f"user{i},BTC,{i}.5\nuser{i},USDT,{i * 100}\n" for i in range(10))
SHAPE = BookShape(n_assets=2, batch_size=4, capacity=2)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _assets(tmp_path):
    (tmp_path / "assets.csv").write_text(ASSETS)
    return tmp_path / "assets.csv"


def test_setup_prints_the_domain_fill(tmp_path):
    assets = _assets(tmp_path)
    r = run("setup", "--assets", assets, "--batch-size", 24, "--capacity", 4, "--circuits-only", "--out", tmp_path / "k")
    assert r.exit_code == 0, r.output
    line = r.output.splitlines()[0]
    assert line.startswith("batch circuit (24 accounts): ") and "constraints, domain 2^" in line and "% full" in line
    r = run("setup", "--assets", assets, "--batch-size", 16, "--capacity", 4, "--circuits-only", "--out", tmp_path / "j",
            "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)["batch_domain"]
    assert d["batch_size"] == 16 and d["domain"] >= d["constraints"] and d["domain"] & (d["domain"] - 1) == 0
    assert 0.5 < d["fill"] <= 1


def test_auto_takes_the_best_filling_size(tmp_path):
    r = run("setup", "--assets", _assets(tmp_path), "--batch-size", "auto", "--capacity", 2, "--circuits-only",
            "--out", tmp_path / "k", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    want = auto_batch_size(BookShape(n_assets=2, batch_size=4, capacity=2), Groth16())
    assert out["shape"]["batch_size"] == out["batch_domain"]["batch_size"] == want.batch_size
    assert out["batch_domain"]["constraints"] == want.constraints, "the compiled count is the predicted one"
    model = CostModel.fit(BookShape(n_assets=2, batch_size=4, capacity=2), Groth16())
    assert want.domain_per_account <= min(model.fill(1 << k).domain_per_account for k in range(1, 13))
    assert want.batch_size in valid_batch_sizes()


def test_malformed_batch_sizes_are_refused(tmp_path):
    assets = _assets(tmp_path)
    for size, message in ((11, "has the factor 11"), (4097, "outside 2..4096"), (3 << 12, "outside 2..4096"),
                          (1, "outside 2..4096"), (0, "outside 2..4096")):
        r = run("setup", "--assets", assets, "--batch-size", size, "--capacity", 2, "--circuits-only",
                "--out", tmp_path / f"k{size}", "--json")
        assert r.exit_code == 2 and message in json.loads(r.stdout)["error"]["message"], (size, r.output)
        assert not (tmp_path / f"k{size}").exists()
    r = run("setup", "--assets", assets, "--batch-size", "many", "--capacity", 2, "--out", tmp_path / "x")
    assert r.exit_code == 2 and "neither a whole number nor 'auto'" in r.output


def _book(tmp_path):
    (tmp_path / "accounts.csv").write_text(BOOK)
    return tmp_path / "accounts.csv"


def test_auto_with_a_book_takes_the_least_cost_for_it(tmp_path):
    r = run("setup", "--assets", _assets(tmp_path), "--accounts", _book(tmp_path), "--batch-size", "auto",
            "--capacity", 2, "--circuits-only", "--out", tmp_path / "k")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0].endswith("for a book of 10 accounts")
    chosen = json.loads((tmp_path / "k" / "shape.json").read_text())["batch_size"]
    assert chosen == auto_batch_size(SHAPE, Groth16(), accounts=10).batch_size
    model = CostModel.fit(SHAPE, Groth16())
    least = min(proving_cost(model.fill(b), 10) for b in valid_batch_sizes() if model.fill(b).domain <= 1 << 21)
    assert proving_cost(model.fill(chosen), 10) <= least * NEAR_BEST
    # a 10-account book is not padded to the batch that fills the domain best
    assert chosen < auto_batch_size(SHAPE, Groth16()).batch_size


def test_prove_without_keys_sizes_auto_batches_to_the_book(tmp_path):
    (tmp_path / "secret").write_text("ab" * 32)
    (tmp_path / "key").write_text("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    r = run("prove", "--accounts", _book(tmp_path), "--assets", _assets(tmp_path), "--out", tmp_path / "a",
            "--batch-size", "auto", "--secret-file", tmp_path / "secret", "--signing-key-file", tmp_path / "key",
            "--epoch", 1, "--json")
    assert r.exit_code == 0, r.output
    shape = json.loads((tmp_path / "a" / "attestation.json").read_text())["statement"]["shape"]
    want = auto_batch_size(SHAPE, Groth16(), accounts=10).batch_size
    assert shape["batch_size"] == want and json.loads(r.stdout)["batches"] == -(-10 // want)
