"""`solvent export-verifier`: from an attestation directory or a key file to a contract that
compiles and verifies; usage and input errors exit 2 naming the file."""

from __future__ import annotations

import json

from click.testing import CliRunner

from solvent.cli import main
from solvent.evm.calldata import encode_verify_proof
from solvent.verifier import VerifyingKey, vk_hash
from tests.harness.solc import compile_sources


def write_attestation(tmp_path, vk_json, name="top"):
    keys = tmp_path / "att" / "keys"
    keys.mkdir(parents=True)
    (keys / f"{name}.vk.json").write_text(json.dumps(vk_json))
    return tmp_path / "att"


def test_help_has_an_example():
    res = CliRunner().invoke(main, ["export-verifier", "--help"])
    assert res.exit_code == 0 and "Example: solvent export-verifier" in res.output


def test_export_from_directory_compiles_and_verifies(tmp_path, prover, chain):
    att = write_attestation(tmp_path, prover.keys.vk_json)
    out = tmp_path / "sol" / "Top.sol"
    res = CliRunner().invoke(main, ["export-verifier", str(att), "--out", str(out),
                                    "--contract-name", "Top", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["vk_hash"] == vk_hash(VerifyingKey.from_snarkjs(prover.keys.vk_json))
    assert summary["n_public"] == 4
    contract = chain.deploy(compile_sources({"Top.sol": out.read_text()})["Top"])
    proof, public = prover.prove(5, 6)
    res = chain.raw_call(contract.address, encode_verify_proof(proof, public))
    assert res.ok and res.output[-1] == 1


def test_export_from_key_file_and_other_circuit(tmp_path, prover):
    att = write_attestation(tmp_path, prover.keys.vk_json, name="batch")
    runner = CliRunner()
    res = runner.invoke(main, ["export-verifier", str(att), "--circuit", "batch", "--out", str(tmp_path / "B.sol")])
    assert res.exit_code == 0, res.output
    key = att / "keys" / "batch.vk.json"
    res = runner.invoke(main, ["export-verifier", str(key), "--out", str(tmp_path / "K.sol")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "B.sol").read_text() == (tmp_path / "K.sol").read_text()


def test_input_errors_exit_2_naming_the_file(tmp_path, prover):
    runner = CliRunner()
    att = write_attestation(tmp_path, prover.keys.vk_json)
    out = str(tmp_path / "V.sol")
    cases = []
    res = runner.invoke(main, ["export-verifier", str(tmp_path / "missing"), "--out", out])
    cases.append((res, "missing"))
    res = runner.invoke(main, ["export-verifier", str(att), "--circuit", "nope", "--out", out])
    cases.append((res, "nope.vk.json"))
    bad = json.loads(json.dumps(prover.keys.vk_json))
    bad["vk_alpha_1"][0] = "12x"
    (att / "keys" / "top.vk.json").write_text(json.dumps(bad))
    res = runner.invoke(main, ["export-verifier", str(att), "--out", out])
    cases.append((res, "top.vk.json"))
    (att / "keys" / "top.vk.json").write_text("{not json")
    res = runner.invoke(main, ["export-verifier", str(att), "--out", out])
    cases.append((res, "top.vk.json"))
    other = tmp_path / "key.json"
    other.write_text("{}")
    res = runner.invoke(main, ["export-verifier", str(other), "--out", out])
    cases.append((res, "key.json"))
    res = runner.invoke(main, ["export-verifier", str(att)])
    cases.append((res, "--out"))
    for res, needle in cases:
        assert res.exit_code == 2, res.output
        assert needle in res.output, res.output
    assert not (tmp_path / "V.sol").exists()


def test_roles_resolve_through_attestation_json(tmp_path, prover):
    """`solvent prove` stores keys under circuit names (keys/liabilities_top.vk.json); --circuit
    top / batch (the default: top) finds them through the statement's circuit roles."""
    att = write_attestation(tmp_path, prover.keys.vk_json, name="liabilities_top")
    (att / "attestation.json").write_text(json.dumps({"statement": {"circuits": [
        {"role": "batch", "name": "liabilities_batch"}, {"role": "top", "name": "liabilities_top"}]}}))
    runner = CliRunner()
    res = runner.invoke(main, ["export-verifier", str(att), "--out", str(tmp_path / "T.sol"), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["key"].endswith("liabilities_top.vk.json")
    res = runner.invoke(main, ["export-verifier", str(att), "--circuit", "batch", "--out", str(tmp_path / "B.sol")])
    assert res.exit_code == 2 and "liabilities_batch.vk.json" in res.output
