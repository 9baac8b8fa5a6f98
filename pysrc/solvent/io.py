"""Writing files so that a crash never leaves half of one: write a temporary file beside
the target, flush it to disk, rename it over the target (atomic on POSIX). A reader sees
the old file or the new one, never a mix."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

PRIVATE = 0o600
"""Files only the operator may read (salts, balances, shortfalls, secrets)."""
PRIVATE_DIR = 0o700
"""Directories only the operator may enter (``OUT/private/``, ``OUT/.run/``)."""


def private_dir(path: str | Path) -> Path:
    """Create ``path`` (and its parents) if need be and make it owner-only, whatever the
    umask: what is written under it is never readable by other users."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_DIR)
    return path


def write_atomic(path: str | Path, data: bytes | str, mode: int = 0o644) -> None:
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create_private(path: str | Path, newline: str | None = None) -> IO[str]:
    """A new text file readable and writable by its owner only (created 0600, never
    widened by the umask nor first created world-readable); an existing file is refused."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline)
