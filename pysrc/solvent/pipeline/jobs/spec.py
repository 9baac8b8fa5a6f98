"""The run specification (``OUT/.run/run.json``): everything needed to rebuild a proving
run's state — inputs by path and SHA-256, options, the keys directory, where the secrets
are — so that a resumed run, or a Dask worker, reconstructs exactly the same book."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ...errors import UsageError
from ...io import PRIVATE, private_dir, write_atomic
from .checkpoints import RUN_DIR


class FileRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    sha256: str

    @classmethod
    def of(cls, path: Path) -> FileRef:
        return cls(path=str(path.resolve()), sha256=file_sha256(path))

    def check(self, what: str) -> Path:
        p = Path(self.path)
        if not p.exists():
            raise UsageError(f"{what} {p} is gone: the run cannot resume")
        if file_sha256(p) != self.sha256:
            raise UsageError(f"{what} {p} changed since the run started: start a new run")
        return p


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class RunSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal["solvent.run/1"] = "solvent.run/1"
    accounts: FileRef
    assets: FileRef
    positions: FileRef | None = None
    risk: FileRef | None = None
    prices: FileRef | None = None
    reserves: FileRef | None = None
    institution: str
    epoch: int
    snapshot_time: str
    statements: list[str]
    reveal_totals: bool = False
    solvency_mode: str = "pass_fail"
    private_reserves: bool = False
    range_bits: int | None = None
    """Balance width; None: the smallest supported width that fits the book (or the keys')."""
    batch_size: int | Literal["auto"] | None = None
    """Accounts per batch without keys; ``auto``: the least proving cost for the book."""
    keys_dir: str | None = None
    """Resolved when the run starts: ``--keys`` or the cached development keys."""
    secret_file: str
    signing_key_file: str
    generated: list[str] = []
    """Secrets generated for this run (moved to OUT/private/ at the end)."""

    def save(self, out: Path) -> None:
        private_dir(out / RUN_DIR)
        write_atomic(out / RUN_DIR / "run.json", self.model_dump_json(indent=1).encode(), mode=PRIVATE)

    @classmethod
    def load(cls, out: Path) -> RunSpec:
        path = out / RUN_DIR / "run.json"
        if not path.exists():
            raise FileNotFoundError(f"{out}: no interrupted run to resume (no {RUN_DIR}/run.json)")
        return cls.model_validate_json(path.read_bytes())


def keep_secret(out: Path, name: str, value: bytes) -> str:
    """Store a secret the run needs (generated, or given through the environment) in the
    run's private directory, readable by its owner only."""
    private_dir(out / RUN_DIR)
    d = private_dir(out / RUN_DIR / "private")
    path = d / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value.hex() + "\n")
    return str(path.resolve())


def read_hex_secret(path: str | Path, what: str) -> bytes:
    text = Path(path).read_text().strip()
    try:
        value = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        raise UsageError(f"{path}: {what} must be hex") from None
    if len(value) != 32:
        raise UsageError(f"{path}: {what} must be 32 bytes (64 hex digits)")
    return value
