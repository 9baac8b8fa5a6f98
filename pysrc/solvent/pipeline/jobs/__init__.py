"""Proving runs as jobs: checkpointed batch tasks, resumable, executed serially, on a
local process pool, or on a Dask cluster."""
