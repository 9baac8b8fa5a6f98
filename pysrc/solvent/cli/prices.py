"""``solvent prices …``: the message an oracle source signs, and checking a signed price
snapshot before proving (docs/prices.md)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from .common import EXIT_INVALID, EXIT_VALID, emit_json, handle_errors, pin_options, results


@click.group()
def prices() -> None:
    """Signed oracle price snapshots (solvent.prices/1)."""


@prices.command()
@click.option("--asset", required=True, help="Asset symbol, e.g. BTC.")
@click.option("--price", required=True, help="Quote currency per whole unit, canonical decimal, e.g. 64000.5.")
@click.option("--quote", required=True, help="Quote currency, e.g. USD.")
@click.option("--timestamp", required=True, help="When the price was observed, YYYY-MM-DDTHH:MM:SSZ.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output: {\"message\": TEXT}.")
@handle_errors
def message(asset: str, price: str, quote: str, timestamp: str, as_json: bool) -> None:
    """Print exactly the report message an oracle source signs (EIP-191), nothing else
    and no trailing newline.

    Example: solvent prices message --asset BTC --price 64000.5 --quote USD --timestamp 2026-11-21T00:00:00Z
    """
    from ..inputs.prices import report_message

    text = report_message(asset, price, quote, timestamp)
    if as_json:
        emit_json({"message": text})
    else:
        click.echo(text, nl=False)


@prices.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--snapshot-time", "snapshot_time", required=True, help="The attestation's snapshot time.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@handle_errors
@pin_options
def check(file: Path, snapshot_time: str, as_json: bool, pins) -> None:
    """Check a price snapshot: format (exit 2 if malformed), then per asset the number of
    sources, every signature, staleness against the snapshot time, the sanity band and
    the spread; prints each median. Exit 0 if every asset passes, 1 otherwise.

    Example: solvent prices check prices.json --snapshot-time 2026-11-21T00:00:00Z
    """
    from ..inputs.prices import check_snapshot, load_snapshot

    snap = load_snapshot(file)
    result = check_snapshot(snap, snapshot_time, pins)
    if as_json:
        emit_json({"valid": result.ok, "file": str(file), "quote": snap.quote, "rules": snap.rules.model_dump(),
                   "assets": [{"asset": a.asset, "ok": a.ok, "median": a.median, "detail": a.detail,
                               "sources": list(a.sources)} for a in result.assets], "caveats": list(result.caveats)})
    else:
        for a in result.assets:
            mark = "[green]✓[/]" if a.ok else "[bold red]✗[/]"
            results.print(f" {mark} {escape(a.asset)}: {escape(a.detail)}", highlight=False)
        for c in result.caveats:
            results.print(f" [yellow]![/] {escape(c)}", highlight=False)
        results.print(f"{escape(str(file))}: " + ("[bold green]OK[/]" if result.ok else "[bold red]FAILED[/]"), highlight=False)
    raise SystemExit(EXIT_VALID if result.ok else EXIT_INVALID)
