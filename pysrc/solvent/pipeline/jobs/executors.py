"""Where batch proofs run: in this process, on a local process pool, or on a Dask
cluster. Every executor yields ``(batch, proof, public values)``; the driver checks and
checkpoints each result, so a lost task is simply proven again."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ...backend import Groth16
from ...backend.groth16 import proof_seed
from ...errors import UsageError
from .. import keys as keymod
from ..layout import batch_inputs, lay_out
from ..statement import stated
from . import faults
from .spec import RunSpec
from .state import load_state

Result = tuple[int, dict, list[int]]


@dataclass
class BatchJob:
    """What a batch task needs: the driver's way to build a batch's input vector, and where
    workers find keys, secret and (for Dask) the run to rebuild."""

    inputs: Callable[[int], list[int]]
    keys_dir: Path | None
    secret: bytes
    out: Path | None = None


# --- in a worker process ----------------------------------------------------------------
_WORKER: dict = {}


def _load_keys(keys_dir: str, threads: int | None) -> None:
    if _WORKER.get("keys_dir") != keys_dir:
        backend = Groth16(threads=threads)
        sk = keymod.load(Path(keys_dir), backend)
        backend.prepare(sk.keys["batch"])  # once per worker: every batch proof reuses the converted bases
        _WORKER.update(keys_dir=keys_dir, backend=backend, keys=sk)


def _prove_vector(b: int, vector: list[int], secret: bytes) -> Result:
    backend, sk = _WORKER["backend"], _WORKER["keys"]
    compiled = sk.circuits["batch"]
    witness = backend.witness(compiled, vector)
    faults.worker_in_batch(b)
    res = backend.prove(sk.keys["batch"], compiled, witness, seed=proof_seed(secret, compiled, witness))
    return b, res.proof, res.public


def _pool_task(keys_dir: str, threads: int | None, b: int, vector: list[int], secret: bytes) -> Result:
    _load_keys(keys_dir, threads)
    return _prove_vector(b, vector, secret)


def _dask_task(out: str, b: int) -> Result:
    """Runs on a Dask worker: rebuilds the run once per worker process (keys included),
    then proves batch ``b`` from its own copy of the inputs."""
    state = _WORKER.get(("run", out))
    if state is None:
        spec = RunSpec.load(Path(out))
        st = load_state(spec, Groth16())
        layout = lay_out(st.book, st.shape, st.inst.secret, st.opts.epoch, st.opts.risk)
        _, _, context = stated(st.book, st.keys, st.inst, st.opts)
        state = _WORKER[("run", out)] = (st, layout, context)
        _WORKER.update(keys_dir=spec.keys_dir, backend=Groth16(), keys=st.keys)
    st, layout, context = state
    vector = st.keys.circuits["batch"].input_vector(batch_inputs(layout, st.book, b, context))
    return _prove_vector(b, vector, st.inst.secret)


# --- executors ------------------------------------------------------------------------------
class Executor(Protocol):
    """Runs batch proofs: yields ``(batch, proof, public values)`` for each of ``batches``."""

    name: str

    def run(self, job: BatchJob, batches: list[int]) -> Iterator[Result]: ...


class InProcessExecutor:
    """Batches proven in this process, with the keys already in memory (rayon uses every
    core for each proof)."""

    name = "in-process"

    def __init__(self, backend, sk):
        self.backend, self.sk = backend, sk

    def run(self, job: BatchJob, batches: list[int]) -> Iterator[Result]:
        compiled = self.sk.circuits["batch"]
        for b in batches:
            faults.in_batch(b)
            w = self.backend.witness(compiled, job.inputs(b))
            res = self.backend.prove(self.sk.keys["batch"], compiled, w, seed=proof_seed(job.secret, compiled, w))
            yield b, res.proof, res.public


class PoolExecutor:
    """``workers`` processes on this machine, each loading the keys once and proving whole
    batches with ``cores / workers`` threads."""

    name = "pool"

    def __init__(self, workers: int):
        self.workers = workers

    def run(self, job: BatchJob, batches: list[int]) -> Iterator[Result]:
        threads = max(1, (os.cpu_count() or 1) // self.workers)
        ctx = multiprocessing.get_context("spawn")  # never fork a process that runs rayon threads
        with ProcessPoolExecutor(self.workers, mp_context=ctx) as pool:
            futures = [pool.submit(_pool_task, str(job.keys_dir), threads, b, job.inputs(b), job.secret)
                       for b in batches]
            for f in as_completed(futures):
                yield f.result()


class DaskExecutor:
    """Batch tasks on a Dask cluster (``distributed``): tasks carry the run directory and a
    batch index; workers read the inputs and keys themselves (a shared filesystem) and
    keep them between tasks. A task whose worker dies is rescheduled by Dask."""

    name = "dask"

    def __init__(self, address: str):
        self.address = address

    def run(self, job: BatchJob, batches: list[int]) -> Iterator[Result]:
        # imported here: Dask is an optional extra (`pip install solvent[cluster]`)
        from distributed import Client
        from distributed import as_completed as dask_completed

        if job.out is None:
            raise UsageError("a Dask run needs a run directory")
        with Client(self.address) as client:
            futures = client.map(_dask_task, [str(job.out.resolve())] * len(batches), batches, pure=False, retries=2)
            for f in dask_completed(futures):
                yield f.result()
