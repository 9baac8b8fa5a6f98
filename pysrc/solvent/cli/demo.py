"""``solvent demo``: the whole pipeline on the bundled sample book, with a summary."""

from __future__ import annotations

import secrets
import time
from importlib import resources
from pathlib import Path

import click

from ..attestation import inclusion as inc
from ..attestation.verify import verify
from ..backend import Groth16
from ..book import read_assets
from ..circuits.shape import BookShape
from ..liabilities.prove import Institution, ProveOptions, prove_book
from .common import BatchProgress, EXIT_INVALID, EXIT_VALID, emit_json, err, handle_errors
from ..jobs.state import capacity_for, dev_keys, read_book


def sample_files() -> tuple[Path, Path]:
    data = resources.files("solvent") / "data"
    return Path(str(data / "sample_accounts.csv")), Path(str(data / "sample_assets.csv"))


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out/demo"), show_default=True,
              help="Working directory (created; an existing attestation there is replaced).")
@click.option("--batch-size", default=256, show_default=True, help="Accounts per batch proof.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary.")
@handle_errors
def demo(out: Path, batch_size: int, as_json: bool) -> None:
    """Prove the bundled sample book (2,500 customers, 4 assets) end to end: keys,
    batch and top proofs, a signed attestation, its verification with the pure-Python
    verifier, and one customer's inclusion proof. The keys are an INSECURE development
    setup, so the demo verifies with untrusted keys allowed, and says so.

    Example: solvent demo --out out/demo
    """
    import shutil

    accounts_file, assets_file = sample_files()
    assets = read_assets(assets_file)
    book = read_book(accounts_file, assets, None, with_risk=False)  # ETH in wei: 96-bit balances
    shape = BookShape(n_assets=len(assets), batch_size=batch_size, capacity=capacity_for(-(-book.size // batch_size)),
                      range_bits=book.range_bits)
    backend = Groth16()
    timings = {}
    t = time.perf_counter()
    sk, _ = dev_keys(shape, backend)
    timings["keys"] = time.perf_counter() - t

    att_dir = out / "attestation"
    shutil.rmtree(att_dir, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    inst = Institution("Demo Exchange", secrets.token_bytes(32), secrets.token_bytes(32))
    progress = BatchProgress(batch_size)
    t = time.perf_counter()
    try:
        att = prove_book(book, sk, inst, ProveOptions(epoch=1, snapshot_time="2026-11-21T00:00:00Z"),
                         att_dir, backend, progress=progress)
    finally:
        progress.close()
    timings["prove"] = time.perf_counter() - t

    # The demo's keys are a development setup made on this machine: no ceremony, no pinned
    # list vouches for them, so they are accepted explicitly (and said so below).
    t = time.perf_counter()
    report = verify(att, allow_insecure_keys=True)
    timings["verify"] = time.perf_counter() - t
    customer = book.ids[0]
    proof = inc.export(att_dir, customer)
    proof_file = out / "inclusion-customer-00000.json"
    proof_file.write_text(proof.model_dump_json(indent=1))
    t = time.perf_counter()
    inclusion = inc.verify_inclusion(proof, att, allow_insecure_keys=True)
    timings["verify_inclusion"] = time.perf_counter() - t

    constraints = {r: backend.circuit(sk.circuits[r]).num_constraints for r in ("batch", "top")}
    ok = report.valid and inclusion.valid
    summary = {
        "accounts": book.size, "assets": [a.symbol for a in assets], "batches": len(att.batches),
        "batch_size": batch_size, "constraints": constraints, "signer": inst.address,
        "attestation": str(att_dir), "inclusion_proof": str(proof_file),
        "attestation_valid": report.valid, "inclusion_valid": inclusion.valid,
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "accounts_per_second": round(book.size / timings["prove"], 1), "setup": "dev-insecure",
        "verdict": report.verdict, "keys_trusted": report.keys_trusted, "allow_insecure_keys": True,
    }
    if as_json:
        emit_json(summary)
    else:
        err.print("[bold red]Development keys: INSECURE single-party setup — demo only.[/]", highlight=False)
        click.echo(f"book:        {book.size:,} accounts × {len(assets)} assets ({', '.join(summary['assets'])})")
        click.echo(f"circuits:    batch {constraints['batch']:,} constraints ({batch_size} accounts), "
                   f"top {constraints['top']:,} ({shape.capacity} slots)")
        click.echo(f"proving:     {len(att.batches)} batch proofs + 1 top proof in {timings['prove']:.1f} s "
                   f"({summary['accounts_per_second']:,.0f} accounts/s)")
        click.echo(f"attestation: {att_dir}/attestation.json, signed by {inst.address}")
        click.echo(f"verify:      {report.verdict} (pure-Python verifier, {timings['verify']:.1f} s)")
        click.echo("keys:        UNTRUSTED — development keys made on this machine; the demo passes "
                   "allow-insecure-keys so the pipeline can be shown. `solvent verify` refuses such keys "
                   "(exit 3) unless --allow-insecure-keys is given; real keys come from a ceremony (docs/keys.md)")
        click.echo(f"inclusion:   {customer}: {'INCLUDED' if inclusion.valid else 'NOT VERIFIED'} "
                   f"with " + ", ".join(f"{s} {b.equity}" for s, b in proof.balances.items() if b.equity != "0")
                   + f" ({proof_file})")
    raise SystemExit(EXIT_VALID if ok else EXIT_INVALID)
