"""``solvent keys``: the local trust store and trusted-keys files (docs/keys.md)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..attestation.models import Shape, read_model
from ..attestation.trust import key_hash
from ..attestation.trust_files import PinnedKey, StoreEntry, TrustStore, pin_of, sha256_file, write_trusted_keys
from ..attestation.verify import load
from ..errors import UsageError
from .common import EXIT_INVALID, EXIT_VALID, emit_json, fail, fail_usage, handle_errors, results
from .trust import ceremony_evidence

store_option = click.option(
    "--trust-store", "trust_store", type=click.Path(dir_okay=False, path_type=Path),
    help="Trust store file (default $SOLVENT_TRUST_STORE, else the user's cache directory: solvent/trust.json).")
shape_options = [
    click.option("--shape", "shape_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 help="The book shape (shape.json, as `solvent setup` writes it)."),
    click.option("--attestation", "attestation_dir", type=click.Path(exists=True, path_type=Path),
                 help="Take the shape (and, for pin, the keys) from this attestation."),
]


def with_shape_options(f):
    for opt in reversed(shape_options):
        f = opt(f)
    return f


def _read_shape(path: Path) -> Shape:
    return read_model(Shape, path, UsageError, "book shape")


def resolve_shape(shape_file: Path | None, attestation_dir: Path | None, ceremony_dir: Path | None) -> Shape:
    """--shape, else the attestation's shape, else ``<ceremony>/shape.json``."""
    if shape_file is not None and attestation_dir is not None:
        fail_usage("give --shape or --attestation, not both")
    if shape_file is not None:
        return _read_shape(shape_file)
    if attestation_dir is not None:
        return load(attestation_dir).statement.shape
    if ceremony_dir is not None and (ceremony_dir / "shape.json").is_file():
        return _read_shape(ceremony_dir / "shape.json")
    fail_usage("which book shape? give --shape FILE or --attestation DIR (or a ceremony directory with shape.json)")
    raise AssertionError  # unreachable: fail_usage exits


@click.group()
def keys() -> None:
    """Trust in verifying keys: check ceremonies into the local trust store, list it,
    and publish trusted-keys files (docs/keys.md).

    \b
    solvent keys trust --ceremony keys/ --ptau pot.ptau      # re-verify and record
    solvent keys list
    solvent keys pin --attestation att/ --out trusted-keys.json
    """


@keys.command()
@click.option("--ceremony", "ceremony_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              required=True, help="Directory with each circuit's final transcript <circuit>.ph2.")
@click.option("--ptau", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The powers-of-tau file the ceremony started from.")
@with_shape_options
@store_option
@click.option("--threads", type=int, default=None)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def trust(ceremony_dir: Path, ptau: Path, shape_file: Path | None, attestation_dir: Path | None,
          trust_store: Path | None, threads: int | None, as_json: bool) -> None:
    """Re-verify the ceremony of every circuit of a book shape and record it.

    Each circuit is recompiled here from the shape; its transcript <circuit>.ph2 in
    CEREMONY is re-verified from PTAU against that circuit (never against an IR file
    lying beside it), and each one that holds is recorded in the trust store, so later
    `solvent verify` runs trust that key in the usual time. Exit 0 when every circuit's
    transcript verified, 1 otherwise (those that did are still recorded).

    Example: solvent keys trust --ceremony keys/ --ptau pot20_final.ptau --shape keys/shape.json
    """
    shape = resolve_shape(shape_file, attestation_dir, ceremony_dir)
    store = TrustStore(trust_store)
    evidence, checks = ceremony_evidence(ceremony_dir, ptau, shape, store, threads)
    ok = not evidence.refusals
    if as_json:
        emit_json({"ok": ok, "trust_store": str(store.path),
                   "recorded": [dict(c.entry.model_dump(mode="json"), role=c.role) for c in checks],
                   "refused": [{"circuit": r.circuit, "source": r.source, "reason": r.reason}
                               for r in evidence.refusals]})
    else:
        for c in checks:
            results.print(f" [green]✓[/] {c.role} {escape(c.entry.circuit)}: vk {c.entry.vk_hash[:16]}… — "
                      f"{escape(c.entry.summary())}", highlight=False)
        for r in evidence.refusals:
            results.print(f" [bold red]✗[/] {escape(r.circuit)}: {escape(r.source)}: {escape(r.reason)}",
                          highlight=False)
        results.print(f"{len(checks)} key(s) recorded in {escape(str(store.path))}"
                  + ("" if ok else f"; {len(evidence.refusals)} refused"), highlight=False)
    raise SystemExit(EXIT_VALID if ok else EXIT_INVALID)


@keys.command("list")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def list_(trust_store: Path | None, as_json: bool) -> None:
    """List the trust store: every key whose ceremony this machine re-verified.

    Example: solvent keys list
    """
    store = TrustStore(trust_store)
    entries = store.entries()
    if as_json:
        emit_json({"trust_store": str(store.path), "entries": [e.model_dump(mode="json") for e in entries]})
        return
    results.print(f"trust store {escape(str(store.path))}: {len(entries)} entries", highlight=False)
    for e in entries:
        click.echo(f"{e.circuit}  ir {e.ir_hash[:16]}…  vk {e.vk_hash[:16]}…  "
                   f"transcript {e.transcript_hash[:16]}…  "
                   f"ptau {e.ptau_hash[:16]}…  {len(e.participants)} participants, checked {e.checked_at}")


def _pins_for(entries: list[StoreEntry], shape: Shape, only_vk: dict[str, str | None] | None) -> list[PinnedKey]:
    """Pinned entries for every circuit of ``shape`` (IR recompiled here), optionally only
    the keys ``only_vk`` names per circuit; refuses a shape with a circuit left unpinned."""
    from ..circuits.compile import compile_circuits
    from ..circuits.shape import BookShape

    compiled = compile_circuits(BookShape(**shape.model_dump()))
    pins, missing = [], []
    for c in compiled.values():
        chosen = {e.key: e for e in entries if e.ir_hash == c.hash
                  and (only_vk is None or e.vk_hash == only_vk.get(c.name))}
        if not chosen:
            missing.append(c.name)
        pins += [pin_of(e, shape) for e in chosen.values()]
    if missing:
        raise UsageError(f"no re-verified ceremony for {', '.join(missing)}"
                         + (" with the attestation's key" if only_vk is not None else "")
                         + ": run `solvent keys trust --ceremony DIR --ptau FILE` first (or pass them here)")
    return pins


@keys.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Trusted-keys file to write (solvent.trusted-keys/1).")
@with_shape_options
@click.option("--ceremony", "ceremony_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Re-verify this ceremony first (with --ptau) and pin its keys.")
@click.option("--ptau", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publisher", help="Who vouches for these keys (written into the file).")
@store_option
@click.option("--force", is_flag=True, help="Replace an existing --out file.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def pin(out: Path, shape_file: Path | None, attestation_dir: Path | None, ceremony_dir: Path | None,
        ptau: Path | None, publisher: str | None, trust_store: Path | None, force: bool, as_json: bool) -> None:
    """Write a trusted-keys file for a book shape from re-verified ceremonies.

    Every circuit of the shape must have a key this machine re-verified (in the trust
    store, or the --ceremony checked now); with --attestation only the keys that
    attestation uses are pinned. Publish the file with its SHA-256: customers pass it to
    `solvent verify --trusted-keys`.

    Example: solvent keys pin --attestation att/ --publisher "Example Audit LLP" --out trusted-keys.json
    """
    if (ceremony_dir is None) != (ptau is None):
        raise click.UsageError("--ceremony DIR and --ptau FILE go together")
    if out.exists() and not force:
        fail_usage(f"{out} exists (pass --force to replace it)")
    shape = resolve_shape(shape_file, attestation_dir, ceremony_dir)
    store = TrustStore(trust_store)
    if ceremony_dir is not None and ptau is not None:
        evidence, checks = ceremony_evidence(ceremony_dir, ptau, shape, store)
        if evidence.refusals:
            fail("nothing pinned: the ceremony does not verify: "
                 + "; ".join(f"{r.circuit}: {r.source}: {r.reason}" for r in evidence.refusals), EXIT_INVALID,
                 "invalid", {"refused": [{"circuit": r.circuit, "source": r.source, "reason": r.reason}
                                         for r in evidence.refusals]})
        entries = [c.entry for c in checks]
    else:
        entries = store.entries()
    only = None
    if attestation_dir is not None:
        att = load(attestation_dir)
        only = {ref.name: key_hash(att.verifying_keys.get(ref.name)) for ref in att.statement.circuits}
    pins = _pins_for(entries, shape, only)
    write_trusted_keys(out, pins, publisher, force=force)
    digest = sha256_file(out)
    if as_json:
        emit_json({"out": str(out), "sha256": digest, "keys": [p.model_dump(mode="json") for p in pins]})
    else:
        for p in pins:
            results.print(f" pinned {escape(p.circuit)}: ir {p.ir_hash[:16]}… vk {p.vk_hash[:16]}…", highlight=False)
        click.echo(f"wrote {out} ({len(pins)} keys), sha256 {digest}")


__all__ = ["keys", "resolve_shape"]
