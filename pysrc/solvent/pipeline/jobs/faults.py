"""Failpoints for crash tests: ``SOLVENT_FAULT`` names where a process dies, so tests
can prove that resuming works. Unset in normal runs (and then nothing happens).

    crash_after_batches=N        the driver exits after checkpointing N batches
    interrupt_after_batches=N    the driver sends itself SIGINT (Ctrl-C) after checkpointing N
    crash_in_batch=B             the driver exits while proving batch B (no checkpoint)
    worker_exit_in_batch=B:FILE  a worker exits while proving batch B, once (FILE marks it)
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def _setting(name: str) -> str | None:
    for part in os.environ.get("SOLVENT_FAULT", "").split(","):
        key, _, value = part.partition("=")
        if key.strip() == name:
            return value.strip()
    return None


def after_batches(done: int) -> None:
    v = _setting("crash_after_batches")
    if v is not None and done >= int(v):
        os._exit(70)
    v = _setting("interrupt_after_batches")
    if v is not None and done == int(v):
        os.kill(os.getpid(), signal.SIGINT)


def in_batch(b: int) -> None:
    v = _setting("crash_in_batch")
    if v is not None and b == int(v):
        os._exit(71)


def worker_in_batch(b: int) -> None:
    v = _setting("worker_exit_in_batch")
    if v is None:
        return
    batch, _, marker = v.partition(":")
    if b == int(batch) and marker and not Path(marker).exists():
        Path(marker).write_text("killed once\n")
        os._exit(72)
