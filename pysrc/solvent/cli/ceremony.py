"""``solvent ceremony``: the phase-2 trusted-setup ceremony (docs/ceremony.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from ..backend import ceremony as cer
from .common import EXIT_INVALID, fail, refuse_overwrite

_force = click.option("--force", is_flag=True, help="Replace an existing --out file.")


def _shape(values: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for v in values:
        key, sep, raw = v.partition("=")
        if not sep:
            raise click.BadParameter(f"{v!r}: expected key=value", param_hint="--shape")
        try:
            out[key] = json.loads(raw)
        except ValueError:
            out[key] = raw
    return out


def _circuit(spec: str, shape: tuple[str, ...], name: str | None):
    try:
        return cer.load_circuit(spec, _shape(shape), name)
    except (cer.InteropError, OSError) as exc:
        raise click.UsageError(str(exc)) from exc


def _fail(exc: Exception, as_json: bool, code: int) -> NoReturn:
    """A ceremony step that fails: the common error (a JSON error object under --json)."""
    fail(str(exc), code, "invalid" if code == EXIT_INVALID else "input")


def _emit(as_json: bool, value: dict[str, Any], text: str) -> None:
    click.echo(json.dumps({"ok": True, **value}, indent=1) if as_json else text)


circuit_options = [
    click.option("--shape", multiple=True, metavar="KEY=VALUE", help="Shape argument of a DSL circuit function."),
    click.option("--name", "circuit_name", default=None, help="Name of a DSL circuit (default: the function's)."),
]


def with_circuit_options(f):
    for opt in reversed(circuit_options):
        f = opt(f)
    return f


@click.group()
def ceremony() -> None:
    """Multi-party trusted setup (Groth16 phase 2) from a powers-of-tau file.

    \b
    Flow:  init → contribute (each participant, in turn) → finalize → verify
    The keys are sound if at least ONE participant generated their secret honestly
    and destroyed it; `verify` lets anyone check the whole transcript.
    """


@ceremony.command()
@click.argument("circuit")
@click.option("--ptau", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="snarkjs / Perpetual Powers of Tau file (with or without phase-2 Lagrange sections).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="State file to write.")
@with_circuit_options
@click.option("--threads", type=int, default=None)
@_force
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def init(circuit: str, ptau: Path, out: Path, shape, circuit_name, threads, force: bool, as_json) -> None:
    """Start a ceremony: check PTAU and derive CIRCUIT's initial key (delta = 1).

    CIRCUIT is a circom .r1cs, a solvent IR file, or package.module:function.

    Example: solvent ceremony init circuit.r1cs --ptau pot12_final.ptau --out c_0000.ph2
    """
    refuse_overwrite([out], force)
    c = _circuit(circuit, shape, circuit_name)
    click.echo(f"circuit {c.name}: {c.num_constraints} constraints, {c.num_public} public, "
               f"domain {c.domain_size}; checking {ptau} …", err=True)
    try:
        header = cer.init(c, ptau, out, threads=threads)
    except cer.NativeError as exc:
        _fail(exc, as_json, EXIT_INVALID)
    _emit(as_json, {"state": str(out), "header": header},
          f"wrote {out}\ninitial hash {header['initial_hash']}")


def _entropy(prompt: bool) -> bytes:
    if prompt and sys.stdin.isatty():
        text = click.prompt("Type some random text (mixed into the OS randomness; not stored)",
                            hide_input=True, default="", show_default=False)
        return text.encode()
    return b""


@ceremony.command()
@click.argument("state", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="New state file.")
@click.option("--name", required=True, help="Your name or handle, recorded in the transcript.")
@click.option("--prompt/--no-prompt", "prompt", default=True, show_default=True,
              help="Ask for extra typed entropy when run in a terminal.")
@click.option("--threads", type=int, default=None)
@_force
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def contribute(state: Path, out: Path, name: str, prompt: bool, threads, force: bool, as_json) -> None:
    """Add your contribution to STATE and write it to --out.

    Your secret is drawn from the OS (plus any text you type), used once and wiped.
    Publish the two hashes printed at the end so anyone can find your contribution
    in the final transcript.

    Example: solvent ceremony contribute c_0001.ph2 --out c_0002.ph2 --name alice
    """
    refuse_overwrite([out], force)
    try:
        rec = cer.contribute(state, out, name, _entropy(prompt), threads=threads)
    except cer.NativeError as exc:
        _fail(exc, as_json, EXIT_INVALID)
    _emit(as_json, {"state": str(out), "contribution": rec},
          f"contribution #{rec['index']} by {rec['name']!r} written to {out}\n"
          f"  made on state   {rec['prev_hash']}\n  resulting state {rec['hash']}")


def _attestation_circuit(state: Path, attestation: Path):
    """The circuit of ``attestation`` that ``state`` is for (by the transcript's circuit
    name), recompiled from the attestation's shape; with the attestation's key for it."""
    from ..attestation.trust import recompiled
    from ..attestation.verify import AttestationFormatError, load

    try:
        att = load(attestation)
        name = cer.info(state)["header"]["circuit"]
    except (AttestationFormatError, cer.CeremonyError) as exc:
        raise click.UsageError(str(exc)) from exc
    ref = next((c for c in att.statement.circuits if c.name == name), None)
    if ref is None:
        raise click.UsageError(f"{state}: the transcript is for circuit {name!r}, which {attestation} does not use "
                               f"(it uses {', '.join(c.name for c in att.statement.circuits)})")
    compiled = (recompiled(att) or {}).get(ref.role)
    if compiled is None or compiled.name != name:
        raise click.UsageError(f"{attestation}: cannot recompile circuit {name!r} from its shape")
    return ref, compiled, att.verifying_keys.get(name)


@ceremony.command()
@click.argument("state", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ptau", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--circuit", "circuit", default=None, help="The circuit (as for init); with --attestation, "
              "the circuit is recompiled from the attestation's shape instead.")
@click.option("--attestation", type=click.Path(exists=True, path_type=Path), default=None,
              help="Also check that the transcript's final key is the one this attestation uses.")
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Also check that this finalized proving key is the transcript's.")
@with_circuit_options
@click.option("--threads", type=int, default=None)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def verify(state: Path, ptau: Path, circuit: str | None, attestation: Path | None, key, shape, circuit_name, threads,
           as_json) -> None:
    """Verify a transcript from PTAU and the circuit to STATE's key.

    With --attestation the circuit is recompiled from the attestation's shape (the one
    named in the transcript) and the transcript's final verifying key must be, point for
    point, the key the attestation uses for it. Exit code 0 when valid, 1 when not (the
    message names the first failure).

    Example: solvent ceremony verify keys/circuit.ph2 --ptau pot12_final.ptau --circuit circuit.r1cs --key keys/circuit.pk
    """
    from ..attestation.trust import key_hash, vk_differences

    if circuit is None and attestation is None:
        raise click.UsageError("give --circuit (or --attestation, to recompile it from the attestation's shape)")
    att_key = None
    if attestation is not None:
        ref, compiled, att_key = _attestation_circuit(state, attestation)
        c = cer.circuit_of(compiled)
        if circuit is not None and _circuit(circuit, shape, circuit_name).hash != c.hash:
            raise click.UsageError(f"--circuit {circuit} is not the circuit {ref.name} recompiled from "
                                   f"{attestation}'s shape")
    else:
        assert circuit is not None  # one of --circuit and --attestation (checked above)
        c = _circuit(circuit, shape, circuit_name)
    try:
        report = cer.verify(state, ptau, c, key, threads=threads)
    except cer.NativeError as exc:
        _fail(exc, as_json, EXIT_INVALID)
    if attestation is not None:
        diff = vk_differences(report["verification_key"], att_key or {})
        if diff:
            _fail(cer.CeremonyError(f"the transcript verifies, but its final key (vk "
                                    f"{key_hash(report['verification_key'])}) is not the {ref.role} key "
                                    f"{ref.name} of {attestation} (vk {key_hash(att_key)}): differs in "
                                    f"{', '.join(diff)}"), as_json, EXIT_INVALID)
        report["attestation_key"] = {"role": ref.role, "name": ref.name, "vk_hash": key_hash(att_key), "same": True}
    lines = [f"transcript for {report['circuit']} is VALID",
             f"  participants {report['participants']}, beacons {report['beacons']}"]
    lines += [f"  #{r['index']} {r['kind']:<11} {r['name']!r}: {r['hash']}" for r in report["contributions"]]
    lines.append(f"  transcript hash {report['transcript_hash']}")
    if attestation is not None:
        lines.append(f"  its final key is the {report['attestation_key']['role']} key of {attestation} "
                     f"(vk {report['attestation_key']['vk_hash']})")
    if not report["secure"]:
        lines.append("  WARNING: no participant contribution: delta is public and proofs can be forged")
    _emit(as_json, report, "\n".join(lines))


@ceremony.command()
@click.argument("state", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for the final state and keys.")
@click.option("--beacon", default=None, metavar="HEX",
              help="Public random beacon value (hex), e.g. a block hash announced in advance.")
@click.option("--beacon-iterations", type=click.IntRange(0, 40), default=10, show_default=True,
              help="The beacon is hashed 2^N times.")
@click.option("--force", is_flag=True, help="Replace final keys of this circuit already in --out.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def finalize(state: Path, out_dir: Path, beacon, beacon_iterations, force: bool, as_json) -> None:
    """Apply an optional beacon and write the final keys.

    Writes <circuit>.ph2 (the final transcript), <circuit>.pk (header "setup":
    "ceremony" with the transcript hash) and <circuit>.vk.json (snarkjs layout), so every
    circuit of a book shape can be finalized into one keys directory. Refuses a
    transcript with no participant contribution.

    Example: solvent ceremony finalize c_0003.ph2 --out keys --beacon 0000000000000000000320283a032748cef8227873ff4872689bf23f1cda83a5
    """
    value = None
    if beacon is not None:
        try:
            value = bytes.fromhex(beacon)
        except ValueError as exc:
            raise click.BadParameter("not hex", param_hint="--beacon") from exc
    try:
        name = cer.info(state)["header"]["circuit"]
    except cer.CeremonyError as exc:
        _fail(exc, as_json, EXIT_INVALID)
    final = [out_dir / f"{name}{ext}" for ext in (".ph2", ".pk", ".vk.json")]
    # finalizing the transcript where it lies (no beacon) reads it, and does not replace it
    refuse_overwrite([p for p in final if not (p == final[0] and value is None and p.resolve() == state.resolve())],
                     force)
    try:
        res = cer.finalize(state, out_dir, value, beacon_iterations)
    except cer.NativeError as exc:
        _fail(exc, as_json, EXIT_INVALID)
    h = res["header"]
    _emit(as_json, res, f"wrote {res['key']} and {res['verification_key']}\n"
                        f"transcript hash {h['transcript_hash']} ({len(h['contributions'])} contributions)")
