"""Reserve-evidence and price-snapshot checks (issue 12): what verifying the evidence of an
attestation costs, per holding and per price report, in the pure-Python verifier.

Holdings use the Ethereum state-proof fixture of the tests (a real eth_getProof set from
a local chain), repeated; every row is ownership signature + evidence.

    python benches/bench_evidence.py [--holdings 200] [--assets 8] [--sources 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benches._util import table  # noqa: E402


def _per_holding(holdings: list[dict], blocks: list[dict], repeat: int) -> float:
    from solvent.inputs.reserves import parse_reserves
    from solvent.inputs.reserves.audit import audit_holdings
    from tests.reserves.helpers import EPOCH, INSTITUTION, SNAPSHOT

    doc = parse_reserves({"version": "solvent.reserves/1", "eth_blocks": blocks, "holdings": holdings})
    t = time.perf_counter()
    for _ in range(repeat):
        audits = audit_holdings(doc, INSTITUTION, EPOCH, SNAPSHOT)
    assert all(a.ok for a in audits)
    return (time.perf_counter() - t) / (repeat * len(holdings))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--holdings", type=int, default=200)
    ap.add_argument("--assets", type=int, default=8)
    ap.add_argument("--sources", type=int, default=5)
    a = ap.parse_args()
    from solvent.inputs.prices import check_snapshot, parse_snapshot
    from tests.reserves.evidence_helpers import custodian_holding, eth_blocks, price_snapshot, state_proof_holding
    from tests.reserves.helpers import SNAPSHOT, eth_holding

    kinds = {
        "self_reported": lambda i: eth_holding(f"s{i}", "USDT", "1"),
        "eth_state_proof (ETH)": lambda i: state_proof_holding("eth-hot", "eth"),
        "eth_state_proof (ERC-20)": lambda i: state_proof_holding("eth-hot", "token"),
        "custodian_statement": lambda i: custodian_holding(f"c{i}", "USDT", "1"),
    }
    rows = []
    for name, make in kinds.items():
        n = a.holdings if name in ("self_reported", "custodian_statement") else 1
        repeat = 1 if n > 1 else a.holdings
        ms = _per_holding([make(i) for i in range(n)], eth_blocks(0), repeat) * 1e3
        rows.append({"kind": name, "ms": f"{ms:.2f}", "n": n * repeat})
    print(table(rows, [("kind", "evidence"), ("n", "holdings checked"), ("ms", "ms per holding (ownership + evidence)")]))

    snap = parse_snapshot(price_snapshot({f"A{k}": [str(100 + s) for s in range(a.sources)]
                                          for k in range(a.assets)}, min_sources=2, max_spread_bps=2000))
    t = time.perf_counter()
    result = check_snapshot(snap, SNAPSHOT)
    seconds = time.perf_counter() - t
    assert result.ok, result.errors
    print(f"\nprice snapshot: {a.assets} assets × {a.sources} sources checked in {seconds * 1e3:.1f} ms "
          f"({seconds * 1e3 / (a.assets * a.sources):.2f} ms per signed report)")


if __name__ == "__main__":
    main()
