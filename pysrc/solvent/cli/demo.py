"""``solvent demo``: the whole mission on the bundled demo inputs — prove liabilities,
collateral, margin and solvency, verify, write the auditor's report and the customer's
page, and check one customer in Python and in the page — with each step's time and
where each artefact is."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import click

from ..backend import Groth16
from .common import EXIT_INVALID, EXIT_VALID, BatchProgress, emit_json, err, handle_errors

DEMO_INPUTS = ("assets.csv", "accounts.csv", "positions.csv", "risk.json", "prices.json", "reserves.json")
"""pysrc/solvent/data/demo/, made by scripts/make_demo_data.py."""
INSTITUTION, EPOCH, SNAPSHOT = "Demo Exchange", 1, "2026-11-21T00:00:00Z"
"""What the bundled reserves and price signatures are bound to."""
STATEMENTS = ["liabilities", "collateral", "margin", "solvency"]
CUSTOMER = "customer-00151@example.com"
"""The customer checked: one who holds ETH, owes USDT and holds a BTC future (balances,
debt and a position to see)."""


def demo_inputs() -> dict[str, Path]:
    data = resources.files("solvent") / "data" / "demo"
    return {name: Path(str(data / name)) for name in DEMO_INPUTS}


def first_customers(inputs: dict[str, Path], n: int, into: Path) -> dict[str, Path]:
    """The bundled inputs with the book (accounts and positions) cut to its first ``n``
    customers, written under ``into`` (the reserves and prices stay: they then exceed
    what the smaller book needs)."""
    import csv

    into.mkdir(parents=True, exist_ok=True)
    kept: set[str] = set()
    out = dict(inputs)
    for name in ("accounts.csv", "positions.csv"):
        with open(inputs[name], newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        if name == "accounts.csv":
            for r in body:
                if len(kept) < n or r[0] in kept:
                    kept.add(r[0])
        with open(into / name, "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([header] + [r for r in body if r[0] in kept])
        out[name] = into / name
    return out


def demo_secret(label: str) -> bytes:
    """The demo institution's secrets: derived from a public label, so INSECURE (anyone can
    sign as the demo institution) — and the demo's attestation is the same on every run."""
    return hashlib.sha256(b"solvent demo INSECURE key: " + label.encode()).digest()


class Steps:
    """Each step's wall time, printed as it finishes (stderr) and kept for the summary."""

    def __init__(self, quiet: bool) -> None:
        self.seconds: dict[str, float] = {}
        self.quiet = quiet

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        result = fn()
        self.seconds[name] = time.perf_counter() - t
        if not self.quiet:
            err.print(f"[dim]  {name}: {self.seconds[name]:.1f} s[/]", highlight=False)
        return result


def _spec(inputs: dict[str, Path], batch_size: int, secrets_dir: Path):
    from ..pipeline.jobs.spec import FileRef, RunSpec

    secrets_dir.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in ("institution.secret", "signing.key"):
        files[name] = secrets_dir / name
        files[name].write_text(demo_secret(f"institution {name}").hex() + "\n")
    return RunSpec(accounts=FileRef.of(inputs["accounts.csv"]), assets=FileRef.of(inputs["assets.csv"]),
                   positions=FileRef.of(inputs["positions.csv"]), risk=FileRef.of(inputs["risk.json"]),
                   prices=FileRef.of(inputs["prices.json"]), reserves=FileRef.of(inputs["reserves.json"]),
                   institution=INSTITUTION, epoch=EPOCH, snapshot_time=SNAPSHOT, statements=STATEMENTS,
                   reveal_totals=True, batch_size=batch_size, secret_file=str(files["institution.secret"]),
                   signing_key_file=str(files["signing.key"]))


def _customer_check(proof_file: Path, att_dir: Path, proof, signer: str) -> tuple[list[str], int, dict]:
    """``solvent verify-inclusion`` as the customer runs it (a separate process), strict:
    their own account id, the signer and epoch their institution publishes, and every
    balance, debt and position they expect (here: what their file says — a real customer
    compares with their own records)."""
    expect = [f"--expect={s}={b.equity}" for s, b in proof.balances.items()]
    expect += [f"--expect-debt={s}={b.debt}" for s, b in proof.balances.items()]
    expect += [f"--expect-position={name}={q}" for name, q in (proof.positions or {}).items()]
    cmd = [sys.executable, "-m", "solvent.cli", "verify-inclusion", str(proof_file), "--attestation", str(att_dir),
           f"--account={proof.account_id}", f"--signer={signer}", f"--epoch={proof.epoch}", *expect,
           "--allow-insecure-keys", "--json"]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    try:
        out = json.loads(res.stdout)
    except json.JSONDecodeError:
        out = {"error": (res.stdout + res.stderr)[-2000:]}
    return ["solvent", *cmd[3:-1]], res.returncode, out


ARTEFACTS = ("attestation", "report.html", "site", "inclusion.json", "demo-keys", "inputs")
"""What the demo writes into --out: all that --force removes."""


def _clear(out: Path, force: bool) -> None:
    """An empty --out, or (``force``) one holding only an earlier demo's artefacts."""
    present = sorted(p.name for p in out.iterdir()) if out.exists() else []
    if present and not force:
        raise FileExistsError(f"{out}: exists and is not empty (use --force to replace the demo's artefacts)")
    foreign = [n for n in present if n not in ARTEFACTS]
    if foreign:
        raise FileExistsError(f"{out}: holds files the demo did not write ({', '.join(foreign[:5])}): "
                              "choose another --out")
    for name in present:
        path = out / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    out.mkdir(parents=True, exist_ok=True)


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out/demo"), show_default=True,
              help="Directory for every artefact (created; must be empty unless --force).")
@click.option("--force", is_flag=True, help="Replace what an earlier demo wrote in --out (nothing else is touched).")
@click.option("--batch-size", default=64, show_default=True, help="Accounts per batch proof (2..4096, no prime factor above 7).")
@click.option("--customers", type=click.IntRange(min=2), help="Prove only the bundled book's first N customers "
              "(a quicker run; default: all 500).")
@click.option("--no-browser", is_flag=True, help="Skip the customer's check in the page (Chromium).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary on stdout.")
@handle_errors
def demo(out: Path, force: bool, batch_size: int, customers: int | None, no_browser: bool, as_json: bool) -> None:
    """The whole mission on the bundled demo book (500 customers, 4 assets, debt and
    positions): proves liabilities, collateral, margin and solvency against a signed
    reserves file and a signed oracle price snapshot; verifies the attestation with the
    pure-Python verifier; writes the auditor's HTML report and the customer's web page;
    checks one customer's inclusion with `solvent verify-inclusion` and in the page
    (headless Chromium, when installed). Prints each step's time and every artefact.

    Every key of the demo is INSECURE: the proving keys are a single-party development
    setup made on this machine, and the institution's, oracles' and custodian's keys are
    derived from public labels. The demo therefore verifies with untrusted keys allowed
    and says so: its verdict is VALID — UNTRUSTED KEYS, never VALID.

    Example: solvent demo --out out/demo
    """
    from ..attestation.proofs import PYTHON_PROOFS
    from ..attestation.verify import verify
    from ..pipeline.inclusion_export import export
    from ..pipeline.jobs.state import load_state
    from ..pipeline.prove import prove_book
    from ..report import render, write_atomic
    from ..report.view import build_view, reserves_from_attestation
    from ..web import Pins, attestation_keys, export_site
    from ..web.browser import page_checker

    _clear(out, force)
    att_dir, report_file, site_dir = out / "attestation", out / "report.html", out / "site"
    proof_file = out / "inclusion.json"
    inputs = demo_inputs() if customers is None else first_customers(demo_inputs(), customers, out / "inputs")
    steps = Steps(as_json)
    err.print("[bold white on red] DEMO: every key here is INSECURE (development proving keys, keys derived from "
              "public labels) — nothing it proves is evidence [/]", highlight=False)

    backend = Groth16()
    spec = _spec(inputs, batch_size, out / "demo-keys")
    state = steps.run("inputs and keys", lambda: load_state(spec, backend))
    bar = BatchProgress(state.shape.batch_size)
    try:
        att = steps.run("prove", lambda: prove_book(state.book, state.keys, state.inst, state.opts, att_dir, backend,
                                                    progress=bar, keys_dir=Path(spec.keys_dir)))
    finally:
        bar.close()
    # The keys are a development setup made on this machine: no ceremony or pinned list
    # vouches for them, so they are accepted explicitly — and every output says so.
    report = steps.run("verify", lambda: verify(att, allow_insecure_keys=True))
    view = steps.run("report", lambda: build_view(att, report, reserves_from_attestation(att), PYTHON_PROOFS.name))
    write_atomic(report_file, render(view))
    pins = Pins(keys=attestation_keys(att), signer=att.statement.signer, insecure=True, source=None)
    page = steps.run("export-web", lambda: export_site(att, site_dir, pins))

    ids = {state.book.ids[i] for i in range(state.book.size)}
    customer = CUSTOMER if CUSTOMER in ids else state.book.ids[0]
    proof = export(att_dir, customer)
    write_atomic(proof_file, proof.model_dump_json(indent=1))
    command, code, checked = steps.run("verify-inclusion", lambda: _customer_check(
        proof_file, att_dir, proof, att.statement.signer))
    python_ok = code == 0 and bool(checked.get("valid")) and bool(checked.get("account", {}).get("ok"))

    browser: dict[str, Any] = {"ran": False}
    checker, missing = (None, "--no-browser") if no_browser else page_checker()
    if checker is not None:
        step = steps.run("page check", lambda: checker.check_account(page, customer, proof_file))
        browser = {"ran": True, "included": step["included"], "word": step["word"].strip(),
                   "balances": step["balances"], "requests": step["requests"], "page_errors": step["page_errors"]}
        browser["ok"] = step["included"] == "yes" and not step["requests"] and not step["page_errors"]
    else:
        browser["not_run"] = missing

    constraints = {c: backend.circuit(state.keys.circuits[c]).num_constraints for c in state.keys.circuits}
    ok = report.valid and python_ok and browser.get("ok", True)
    summary = {
        "accounts": state.book.size, "assets": [a.symbol for a in state.book.assets], "batches": len(att.batches),
        "batch_size": state.shape.batch_size, "range_bits": state.shape.range_bits, "statements": STATEMENTS,
        "constraints": constraints, "signer": att.statement.signer, "verdict": report.verdict,
        "attestation_valid": report.valid, "keys_trusted": report.keys_trusted, "allow_insecure_keys": True,
        "problems": view.problems, "accounts_outcome": view.outcome.summary if view.outcome else None,
        "coverage": {a.symbol: a.coverage_text for a in view.assets},
        "artefacts": {"attestation": str(att_dir / "attestation.json"), "report": str(report_file),
                      "web_page": str(page), "inclusion_proof": str(proof_file)},
        "customer": customer, "verify_inclusion": {"command": command, "exit_code": code, "valid": python_ok,
                                                    "summary": checked.get("summary", checked.get("error"))},
        "page_check": browser, "seconds": {k: round(v, 2) for k, v in steps.seconds.items()},
        "total_seconds": round(sum(steps.seconds.values()), 2), "ok": ok,
    }
    if as_json:
        emit_json(summary)
    else:
        _print_summary(summary, view)
    raise SystemExit(EXIT_VALID if ok else EXIT_INVALID)


def _print_summary(s: dict, view) -> None:
    secs = s["seconds"]
    c = s["constraints"]
    echo = click.echo
    echo(f"book:          {s['accounts']:,} accounts × {len(s['assets'])} assets ({', '.join(s['assets'])}), "
         f"debt and positions, {s['range_bits']}-bit balances")
    echo(f"statements:    {', '.join(s['statements'])}; reserves and prices signed (bundled, demo keys)")
    echo(f"circuits:      batch {c['batch']:,} constraints ({s['batch_size']} accounts), top {c['top']:,}, "
         f"solvency {c.get('solvency', 0):,}")
    echo(f"proving:       {s['batches']} batch proofs + top + solvency in {secs['prove']:.1f} s "
         f"(inputs and keys {secs['inputs and keys']:.1f} s)")
    echo(f"verify:        {s['verdict']} (pure-Python verifier, {secs['verify']:.1f} s)")
    echo("keys:          UNTRUSTED — development keys made on this machine; the demo allows insecure keys so "
         "the pipeline can be shown. `solvent verify` refuses them (exit 3) without --allow-insecure-keys; real "
         "keys come from a ceremony (docs/keys.md)")
    for a in view.assets:
        echo(f"  {a.symbol:5} {a.coverage_text}")
    echo(f"accounts:      {s['accounts_outcome']}")
    for p in s["problems"]:
        echo(f"problem:       {p}")
    echo(f"report:        {s['artefacts']['report']} ({secs['report']:.1f} s)")
    echo(f"customer page: {s['artefacts']['web_page']} ({secs['export-web']:.1f} s)")
    echo(f"inclusion:     {s['artefacts']['inclusion_proof']} for {s['customer']}")
    v = s["verify_inclusion"]
    echo(f"  in Python:   {'INCLUDED' if v['valid'] else 'NOT VERIFIED'} (exit {v['exit_code']}, "
         f"{secs['verify-inclusion']:.1f} s): {v['summary']}")
    echo(f"               {' '.join(v['command'])}")
    b = s["page_check"]
    if b["ran"]:
        echo(f"  in the page: {b['word']} (headless Chromium, {secs['page check']:.1f} s; "
             f"{len(b['requests'])} network requests, {len(b['page_errors'])} page errors)")
    else:
        echo(f"  in the page: not checked — {b['not_run']}; open {s['artefacts']['web_page']} in a browser")
    echo(f"attestation:   {s['artefacts']['attestation']}, signed by {s['signer']}")
    echo(f"total:         {s['total_seconds']:.1f} s — " + ", ".join(f"{k} {v:.1f} s" for k, v in secs.items()))
