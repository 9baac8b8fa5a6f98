"""`make bench`: a quick pass over every bench, each printing its table. The larger
configurations quoted in the README are the same scripts with bigger arguments (see
each script's docstring)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ["bench_core.py", "--max-log", "16"],
    ["bench_liabilities.py", "sizes"],
    ["bench_prover.py", "profile", "--assets", "8", "--batch-size", "64", "--reference"],
    ["bench_prover.py", "msm", "--log", "16"],
    ["bench_liabilities.py", "tree", "--accounts", "100000", "--assets", "8"],
    ["bench_liabilities.py", "prove", "--accounts", "2048", "--batch-size", "256", "--assets", "4"],
    ["bench_liabilities.py", "risk", "--accounts", "64", "--batch-size", "32", "--assets", "8", "--instruments", "4"],
    ["bench_scale.py", "--accounts", "50000", "--assets", "8", "--batch-size", "256", "--sample-batches", "1"],
    ["bench_evm_gas.py"],
    ["bench_evidence.py", "--holdings", "50"],
    ["bench_trust.py", "--accounts", "64", "--batch-size", "16", "--assets", "2"],
]


def main() -> int:
    failed = 0
    for args in RUNS:
        print(f"\n## {' '.join(args)}\n", flush=True)
        r = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]])
        failed += r.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
