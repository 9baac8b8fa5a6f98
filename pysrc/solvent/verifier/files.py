"""Load snarkjs artefacts from disk, with errors that name the file.

An auditor typically holds a directory of ``verification_key.json``,
``proof.json`` and ``public.json`` files; when one is wrong the message must say
which file and which field (``"att/proof.json: proof.pi_b: point not in the G2
subgroup"``), so every :class:`MalformedInput` raised while reading is re-raised
with the path in front.

JSON is decoded strictly: duplicate object keys and the non-standard constants
``NaN`` / ``Infinity`` are refused, because different JSON parsers resolve them
differently and a file must mean the same thing to every verifier.  Nesting
deeper than :data:`MAX_JSON_DEPTH` is refused before decoding: py_ecc raises
the interpreter's recursion limit to 100000 at import, and with that limit
the standard library's JSON decoder overflows the C stack (a segmentation
fault, not an exception) on a file of a few hundred kilobytes of ``[``.
snarkjs files nest at most four levels deep.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

from ..formulas.errors import MalformedInput
from .groth16 import Proof, VerifyingKey, parse_public_inputs, verify

T = TypeVar("T")
PathLike = str | os.PathLike[str]

#: Deepest array/object nesting accepted in an input file.
MAX_JSON_DEPTH = 32


def json_depth(text: str) -> int:
    """Deepest array/object nesting of a JSON text, ignoring brackets in strings.

    A plain linear scan (regular expressions over strings can go quadratic on
    hostile input such as a long run of escaped quotes).  Unbalanced input may
    give a meaningless number; the decoder rejects it anyway.
    """
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "[" or ch == "{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif ch == "]" or ch == "}":
            depth -= 1
    return deepest


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise MalformedInput(f"duplicate JSON object key {key!r}")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise MalformedInput(f"non-standard JSON constant {name}")


def load_json(path: PathLike) -> Any:
    """Decode a UTF-8 JSON file strictly; errors are :class:`MalformedInput` naming it.

    A missing or unreadable file raises the usual :class:`OSError`, whose
    message already carries the path.
    """
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        text = raw.decode("utf-8")
        if json_depth(text) > MAX_JSON_DEPTH:
            raise MalformedInput(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise MalformedInput(f"{os.fspath(path)}: not UTF-8 text: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise MalformedInput(
            f"{os.fspath(path)}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except MalformedInput as exc:
        raise MalformedInput(f"{os.fspath(path)}: {exc}") from exc
    except (ValueError, RecursionError) as exc:  # e.g. an over-long integer literal
        raise MalformedInput(f"{os.fspath(path)}: invalid JSON: {exc}") from exc


def _load(path: PathLike, parse: Callable[[Any], T]) -> T:
    data = load_json(path)
    try:
        return parse(data)
    except MalformedInput as exc:
        raise MalformedInput(f"{os.fspath(path)}: {exc}") from exc


def load_verifying_key(path: PathLike) -> VerifyingKey:
    """Read and validate a snarkjs ``verification_key.json``."""
    return _load(path, VerifyingKey.from_snarkjs)


def load_proof(path: PathLike) -> Proof:
    """Read and validate a snarkjs ``proof.json``."""
    return _load(path, Proof.from_snarkjs)


def load_public_inputs(path: PathLike) -> list[int]:
    """Read and validate a snarkjs ``public.json``."""
    return _load(path, parse_public_inputs)


def verify_files(vk_path: PathLike, proof_path: PathLike, public_path: PathLike) -> bool:
    """Load the three snarkjs files and check the proof.

    Returns ``False`` only for a well-formed proof that does not verify; any
    malformed file raises :class:`MalformedInput` naming it.  A count mismatch
    between the key and ``public.json`` is reported against ``public.json``.
    """
    vk = load_verifying_key(vk_path)
    proof = load_proof(proof_path)
    inputs = load_public_inputs(public_path)
    try:
        return verify(vk, inputs, proof)
    except MalformedInput as exc:
        raise MalformedInput(f"{os.fspath(public_path)}: {exc}") from exc


__all__ = [
    "load_json",
    "load_verifying_key",
    "load_proof",
    "load_public_inputs",
    "verify_files",
]
