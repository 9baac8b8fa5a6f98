"""Progress of a run as JSON lines, for operators who run it unattended: one event per
stage change and per finished batch, with accounts/s and an ETA."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path


class ProgressLog:
    def __init__(self, path: Path, accounts_per_batch: int, then: Callable | None = None):
        self.path, self.per, self.then = path, accounts_per_batch, then
        self.started = time.time()
        self.first_done: int | None = None
        path.parent.mkdir(parents=True, exist_ok=True)

    def _write(self, event: dict) -> None:
        if not self.path.parent.exists():
            return  # the default log lives in OUT/.run/, removed when the run completes
        with open(self.path, "a") as f:
            f.write(json.dumps({"time": round(time.time(), 3), **event}) + "\n")

    def __call__(self, stage: str, done: int, total: int) -> None:
        event: dict = {"stage": stage, "done": done, "total": total}
        if stage == "batch":
            if self.first_done is None:
                self.first_done, self.started = done, time.time()  # checkpointed batches are not "speed"
            elapsed = time.time() - self.started
            proven = done - self.first_done
            if proven and elapsed > 0:
                rate = proven * self.per / elapsed
                event.update(accounts_per_s=round(rate, 2), eta_s=round((total - done) * self.per / rate, 1))
        self._write(event)
        if self.then is not None:
            self.then(stage, done, total)

    def note(self, **event) -> None:
        self._write(event)
