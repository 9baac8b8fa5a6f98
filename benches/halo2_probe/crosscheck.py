"""Recompute a probe batch's public values with solvent's own formulas.

    cargo run --release -- --accounts 64 --dump /tmp/batch.json --skip-negative
    PYTHONPATH=../../pysrc python crosscheck.py /tmp/batch.json

Checks that the halo2 circuit computes what solvent's liabilities batch circuit computes
(circuits/liabilities.md): every leaf (solvent.formulas.book.leaf_hash, no debt), the sum
tree (sums_lanes with zero debt, sum_commitment, node_hash, arities) and the batch
commitment, bit for bit. Exits non-zero on any difference."""
import json
import sys

from solvent.formulas import book

RANGE_BITS = 64


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    num = lambda x: int(x, 16)  # noqa: E731
    context, batch_blind = num(doc["context"]), num(doc["batch_blind"])
    keys, tags = [num(x) for x in doc["keys"]], [num(x) for x in doc["tags"]]
    equity = [[num(x) for x in row] for row in doc["equity"]]
    positions = [num(x) for x in doc["positions"]]
    blinds = [[num(x) for x in level] for level in doc["node_blinds"]]
    assert all(book.order_key(t) == k for t, k in zip(tags, keys, strict=True)), "key != tag mod 2^96"
    n_assets = len(equity[0])

    hashes = [book.leaf_hash(t, e, None, p, RANGE_BITS) for t, e, p in zip(tags, equity, positions, strict=True)]
    sums = [list(e) for e in equity]
    for arity, level_blinds in zip(book.arities(len(tags)), blinds, strict=True):
        nxt_h, nxt_s = [], []
        for i, blind in enumerate(level_blinds):
            kids = range(arity * i, arity * (i + 1))
            s = [sum(sums[k][a] for k in kids) for a in range(n_assets)]
            lanes = book.sums_lanes(s, [0] * n_assets, RANGE_BITS)
            nxt_h.append(book.node_hash([hashes[k] for k in kids], book.sum_commitment(lanes, blind)))
            nxt_s.append(s)
        hashes, sums = nxt_h, nxt_s
    root = hashes[0]
    commitment = book.batch_commitment(context, book.sums_lanes(sums[0], [0] * n_assets, RANGE_BITS),
                                       keys[0], keys[-1], batch_blind)
    want = [context, root, commitment]
    got = [num(x) for x in doc["public"]]
    for name, w, g in zip(["context", "batch_root", "batch_commitment"], want, got, strict=True):
        print(f"{name}: {'equal' if w == g else 'DIFFERENT'} ({g:#x})")
    return 0 if want == got else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
