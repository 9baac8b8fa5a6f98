"""Checkpoints of a proving run (``OUT/.run/``): one file per finished proof, written
atomically (temp file + rename) with a checksum, and re-validated before reuse."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...io import PRIVATE, private_dir, write_atomic

RUN_DIR = ".run"


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class Checkpoints:
    """Finished proofs of one run, by name (``batch-00007``, ``top``, ``solvency``)."""

    def __init__(self, out: Path):
        self.dir = out / RUN_DIR / "proofs"
        private_dir(out / RUN_DIR)  # the run's secrets and staged private files live here too
        self.dir.mkdir(parents=True, exist_ok=True)
        self.discarded: list[str] = []

    def _path(self, name: str) -> Path:
        return self.dir / f"{name}.json"

    def save(self, name: str, proof: dict, public: list[int]) -> None:
        body = {"proof": proof, "public": [str(x) for x in public]}
        write_atomic(self._path(name), _canonical({"body": body, "sha256": hashlib.sha256(_canonical(body)).hexdigest()}),
                     mode=PRIVATE)

    def load(self, name: str, expected_public: list[int], valid: Callable[[dict, list[int]], bool]) -> dict | None:
        """The stored proof if it is intact, is for exactly these public values and
        verifies; otherwise None (and a corrupt or stale file is discarded, to be redone)."""
        path = self._path(name)
        if not path.exists():
            return None
        try:
            doc = json.loads(path.read_bytes())
            body = doc["body"]
            ok = (hashlib.sha256(_canonical(body)).hexdigest() == doc["sha256"]
                  and [int(x) for x in body["public"]] == list(expected_public)
                  and valid(body["proof"], list(expected_public)))
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            self.discarded.append(name)
            path.unlink(missing_ok=True)
            return None
        return body["proof"]

    def clear(self) -> None:
        shutil.rmtree(self.dir.parent, ignore_errors=True)
