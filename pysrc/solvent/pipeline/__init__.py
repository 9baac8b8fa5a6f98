"""The proving pipeline: from a validated account book to a signed attestation bundle.

Layout of the book into batches (:mod:`.layout`), the top tree (:mod:`.top_tree`), the
statement and the per-batch/top/solvency proving steps (:mod:`.prove`,
:mod:`.solvency_step`), shape keys (:mod:`.keys`), the bundle (:mod:`.bundle`), the
operator's inclusion database and export (:mod:`.inclusion_db`, :mod:`.inclusion_export`),
and resumable jobs (:mod:`.jobs`: checkpoints, executors, run spec, state, progress).

May import everything below it: backend, attestation, circuits, inputs, dsl, verifier,
formulas. Nothing but the command line imports it.
"""
