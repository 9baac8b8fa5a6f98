"""``solvent setup --batch-size``: sizes other than powers of two, ``auto``, the domain
fill it prints, and the refusals."""

import json

from click.testing import CliRunner

from solvent.backend import Groth16
from solvent.circuits.shape import BookShape
from solvent.cli import main
from solvent.pipeline.batch_fill import CostModel, auto_batch_size, valid_batch_sizes

ASSETS = "symbol,decimals\nBTC,8\nUSDT,6\n"


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
