"""Loading snarkjs files: success path and errors that name the file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from solvent.formulas.errors import MalformedInput
from solvent.verifier import load_json, load_proof, load_public_inputs, load_verifying_key, verify_files
from solvent.verifier.files import json_depth

from . import toy_groth16 as toy
from .conftest import Instance


def write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return path


@pytest.fixture()
def files(tmp_path: Path, cubic: Instance) -> tuple[Path, Path, Path]:
    return (
        write(tmp_path / "verification_key.json", cubic.vk_json),
        write(tmp_path / "proof.json", cubic.proof_json),
        write(tmp_path / "public.json", cubic.public_json),
    )


def test_load_and_verify(files: tuple[Path, Path, Path], cubic: Instance) -> None:
    vk_path, proof_path, public_path = files
    assert load_verifying_key(vk_path) == cubic.vk
    assert load_proof(str(proof_path)) == cubic.proof
    assert load_public_inputs(public_path) == [35]
    assert verify_files(vk_path, proof_path, public_path) is True


def test_wrong_public_file_is_false(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    vk_path, proof_path, _ = files
    other = write(tmp_path / "other_public.json", ["36"])
    assert verify_files(vk_path, proof_path, other) is False


def test_count_mismatch_names_public_file(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    vk_path, proof_path, _ = files
    two = write(tmp_path / "two.json", ["35", "1"])
    with pytest.raises(MalformedInput, match=r"two\.json: public: the verifying key expects 1"):
        verify_files(vk_path, proof_path, two)


def test_field_errors_name_file_and_field(tmp_path: Path, cubic: Instance) -> None:
    doc = copy.deepcopy(cubic.proof_json)
    doc["pi_b"] = toy.g2_affine_json(toy.twist_point_outside_subgroup(seed=77))
    path = write(tmp_path / "proof.json", doc)
    with pytest.raises(MalformedInput) as exc:
        load_proof(path)
    assert str(exc.value) == f"{path}: proof.pi_b: point not in the G2 subgroup"

    vk = copy.deepcopy(cubic.vk_json)
    vk["IC"][1] = ["0", "1", "0"]
    vk_path = write(tmp_path / "vk.json", vk)
    with pytest.raises(MalformedInput, match=r"vk\.json: vk\.IC\[1\]: point at infinity"):
        load_verifying_key(vk_path)

    pub = write(tmp_path / "public.json", ["0035"])
    with pytest.raises(MalformedInput, match=r"public\.json: public\[0\]: not a canonical"):
        load_public_inputs(pub)


@pytest.mark.parametrize(
    "content,message",
    [
        (b'{"pi_a": [', "invalid JSON at line 1"),
        (b"", "invalid JSON"),
        (b'{"pi_a": 1, "pi_a": 2}', "duplicate JSON object key 'pi_a'"),
        (b'{"x": NaN}', "non-standard JSON constant NaN"),
        (b'["1", Infinity]', "non-standard JSON constant Infinity"),
        (b'["\xff\xfe"]', "not UTF-8"),
        (b"[" + b"1" * 5000 + b"]", "invalid JSON"),
        # py_ecc raises the recursion limit to 100000; without the depth guard
        # this input crashes the interpreter (C stack overflow) instead of raising
        (b"[" * 100000 + b"]" * 100000, "JSON nested deeper than 32 levels"),
        (b"[" * 33 + b"]" * 33, "JSON nested deeper than 32 levels"),
    ],
)
def test_bad_json_names_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(MalformedInput) as exc:
        load_json(path)
    assert str(exc.value).startswith(f"{path}: ")
    assert message in str(exc.value)


def test_json_depth_ignores_brackets_in_strings(tmp_path: Path) -> None:
    assert json_depth('["[[[\\"[", [[1]], {"a": [2]}]') == 3
    assert json_depth('"[[[["') == 0
    assert json_depth('["\\\\", [1]]') == 2  # an escaped backslash ends before the quote
    path = tmp_path / "ok.json"
    path.write_text('["' + "[" * 100 + '"]', encoding="utf-8")
    assert load_json(path) == ["[" * 100]


def test_wrong_document_kind_names_file(files: tuple[Path, Path, Path]) -> None:
    vk_path, proof_path, public_path = files
    with pytest.raises(MalformedInput, match=r"proof\.json: vk\.IC: missing"):
        load_verifying_key(proof_path)
    with pytest.raises(MalformedInput, match=r"public\.json: proof: expected a JSON object"):
        load_proof(public_path)
    with pytest.raises(MalformedInput, match=r"verification_key\.json: public: expected a JSON array"):
        load_public_inputs(vk_path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.json"):
        load_proof(tmp_path / "nope.json")
