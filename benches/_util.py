"""Bench helpers: run a function in a fresh process and return its result with peak RSS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def in_subprocess(module: str, func: str, **kwargs) -> dict:
    """``module.func(**kwargs)`` in a new interpreter; adds ``peak_rss_mb`` of that process."""
    code = (
        "import json, resource, sys, warnings; warnings.simplefilter('ignore');"
        f"sys.path.insert(0, {str(ROOT)!r});"
        f"from benches.{module} import {func} as f;"
        f"r = f(**json.loads(sys.argv[1]));"
        "r['peak_rss_mb'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1);"
        "print('RESULT' + json.dumps(r))"
    )
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-c", code, json.dumps(kwargs)], capture_output=True, text=True, env=env)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT"):
            return json.loads(line[6:])
    raise RuntimeError(f"bench child failed:\n{out.stderr[-4000:]}")


def table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    head = " | ".join(h for _, h in columns)
    lines = [head, " | ".join("---" for _ in columns)]
    for r in rows:
        lines.append(" | ".join(str(r.get(k, "")) for k, _ in columns))
    return "\n".join(lines)
