"""The files key trust is read from (docs/keys.md): trusted-keys files that someone
publishes, and the local trust store of ceremony checks this machine made.

* ``solvent.trusted-keys/1`` (:class:`TrustedKeysFile`, schema in
  ``schemas/trusted-keys.schema.json``): entries of (shape, circuit, IR hash, vk hash,
  transcript hash, ptau hash). Nothing in it is checked here beyond its form: it is
  exactly as trustworthy as whoever published it, which is why its SHA-256 is printed.
* ``solvent.trust-store/1`` (:class:`TrustStoreFile`): one entry per successful ceremony
  check, keyed by (IR hash, vk hash, transcript hash, ptau hash). Default
  ``$SOLVENT_TRUST_STORE``, else ``$XDG_CACHE_HOME/solvent/trust.json``, else
  ``~/.cache/solvent/trust.json``. Written atomically under a lock; a store that does not
  parse is an error, never silently replaced.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from pydantic import Field

from .. import __version__
from ..errors import SolventError
from ..io import write_atomic
from .models import Hex32, Shape, Strict, Timestamp, read_model
from .trust import Evidence, TrustEvidence

TRUSTED_KEYS_VERSION: Final = "solvent.trusted-keys/1"
STORE_VERSION: Final = "solvent.trust-store/1"


class TrustFileError(SolventError, ValueError):
    """A trusted-keys file or trust store that cannot be read (names the file and field)."""


class PinnedKey(Strict):
    """One key someone vouches for: the circuit (by the IR hash of the circuit solvent
    compiles for ``shape``) and its verifying key (by vk hash), with the ceremony it came
    from."""

    shape: Shape
    circuit: str = Field(min_length=1, max_length=100)
    ir_hash: Hex32
    vk_hash: Hex32
    transcript_hash: Hex32
    """The final state hash of the phase-2 transcript the key came from."""
    ptau_hash: Hex32
    """SHA-256 of the powers-of-tau file the transcript was verified from."""
    note: str | None = Field(default=None, max_length=2000)
    """Free text, e.g. the participants."""


class TrustedKeysFile(Strict):
    version: Literal["solvent.trusted-keys/1"] = TRUSTED_KEYS_VERSION
    publisher: str | None = Field(default=None, max_length=200)
    """Who vouches for these keys (free text; authenticate the file by its SHA-256)."""
    created: Timestamp | None = None
    keys: list[PinnedKey] = Field(min_length=1)


class StoreEntry(Strict):
    """A ceremony transcript this machine verified against the circuit it recompiled."""

    circuit: str
    ir_hash: Hex32
    vk_hash: Hex32
    transcript_hash: Hex32
    ptau_hash: Hex32
    shape: Shape | None = None
    """The shape the circuit was recompiled for."""
    participants: list[str]
    beacons: int = Field(ge=0)
    checked_at: Timestamp
    solvent_version: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.ir_hash, self.vk_hash, self.transcript_hash, self.ptau_hash)

    def summary(self) -> str:
        people = ", ".join(self.participants)
        return (f"transcript {self.transcript_hash[:16]}… re-verified against the recompiled circuit: "
                f"{len(self.participants)} participant{'s' * (len(self.participants) != 1)} ({people}), "
                f"{self.beacons} beacon{'s' * (self.beacons != 1)}; ptau sha256 {self.ptau_hash[:16]}…")


class TrustStoreFile(Strict):
    version: Literal["solvent.trust-store/1"] = STORE_VERSION
    entries: list[StoreEntry] = Field(default_factory=list)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- trusted-keys files


def load_trusted_keys(path: Path) -> TrustedKeysFile:
    return read_model(TrustedKeysFile, path, TrustFileError, f"trusted-keys file ({TRUSTED_KEYS_VERSION})")


def pinned_evidence(path: Path) -> TrustEvidence:
    """The entries of a trusted-keys file as evidence, the file named by its SHA-256."""
    doc = load_trusted_keys(path)
    digest = sha256_file(path)
    by = f" published by {doc.publisher!r}" if doc.publisher else ""
    source = f"{path} (sha256 {digest[:16]}…)"
    keys = [Evidence("pinned", k.circuit, k.ir_hash, k.vk_hash, source,
                     f"pinned in {path.name}{by}: transcript {k.transcript_hash[:16]}…, "
                     f"ptau sha256 {k.ptau_hash[:16]}…"
                     + (f" — {k.note}" if k.note else ""), k.transcript_hash, k.ptau_hash) for k in doc.keys]
    return TrustEvidence(keys=keys, sources=[f"trusted keys {source}{by}: {len(keys)} entries"])


def write_trusted_keys(path: Path, keys: list[PinnedKey], publisher: str | None, force: bool = False) -> TrustedKeysFile:
    """Write a trusted-keys file atomically; an existing file is replaced only with ``force``."""
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists (pass --force to replace it)")
    if not keys:
        raise TrustFileError("no keys to pin")
    doc = TrustedKeysFile(publisher=publisher, created=now(), keys=keys)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(doc.model_dump(mode="json"), indent=1) + "\n")
    return doc


def pin_of(entry: StoreEntry, shape: Shape) -> PinnedKey:
    people = ", ".join(entry.participants)
    return PinnedKey(shape=shape, circuit=entry.circuit, ir_hash=entry.ir_hash, vk_hash=entry.vk_hash,
                     transcript_hash=entry.transcript_hash, ptau_hash=entry.ptau_hash,
                     note=f"checked {entry.checked_at} with solvent {entry.solvent_version}: participants {people}, "
                          f"{entry.beacons} beacon(s)")


# ---------------------------------------------------------------- the trust store


def default_store_path() -> Path:
    env = os.environ.get("SOLVENT_TRUST_STORE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "solvent" / "trust.json"


class TrustStore:
    """The local store of ceremony checks (see the module docstring)."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else default_store_path()

    def load(self) -> TrustStoreFile:
        """The store's contents; a missing store is an empty one."""
        if not self.path.exists():
            return TrustStoreFile()
        return read_model(TrustStoreFile, self.path, TrustFileError, f"trust store ({STORE_VERSION})")

    def entries(self) -> list[StoreEntry]:
        return list(self.load().entries)

    def evidence(self) -> TrustEvidence:
        entries = self.entries()
        source = f"trust store {self.path}"
        keys = [Evidence("trust-store", e.circuit, e.ir_hash, e.vk_hash, source,
                         f"{e.summary()}; recorded {e.checked_at}", e.transcript_hash, e.ptau_hash) for e in entries]
        return TrustEvidence(keys=keys, sources=[f"{source}: {len(entries)} entries"])

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, new: list[StoreEntry]) -> int:
        """Record entries (one per key tuple: a re-check replaces the older record).
        Returns how many key tuples were new."""
        if not new:
            return 0
        with self._locked():
            current = self.load()
            by_key = {e.key: e for e in current.entries}
            added = sum(e.key not in by_key for e in new)
            by_key.update({e.key: e for e in new})
            doc = TrustStoreFile(entries=list(by_key.values()))
            write_atomic(self.path, json.dumps(doc.model_dump(mode="json"), indent=1) + "\n", mode=0o600)
        return added


def store_entry(circuit: str, ir_hash: str, vk_hash: str, transcript_hash: str, ptau_hash: str,
                participants: list[str], beacons: int, shape: Shape | None) -> StoreEntry:
    return StoreEntry(circuit=circuit, ir_hash=ir_hash, vk_hash=vk_hash, transcript_hash=transcript_hash,
                      ptau_hash=ptau_hash, shape=shape, participants=participants, beacons=beacons,
                      checked_at=now(), solvent_version=__version__)


__all__ = ["TRUSTED_KEYS_VERSION", "STORE_VERSION", "TrustFileError", "PinnedKey", "TrustedKeysFile", "StoreEntry",
           "TrustStoreFile", "sha256_file", "load_trusted_keys", "pinned_evidence", "write_trusted_keys", "pin_of",
           "default_store_path", "TrustStore", "store_entry"]
