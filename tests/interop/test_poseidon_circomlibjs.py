"""Live cross-check of Poseidon against circomlibjs (pinned in package.json): the native
hash and the pure-Python verifier's hash equal circomlibjs's `poseidon(inputs, initState)`
for 1..16 inputs, with the zero initial state and with a nonzero one."""

from solvent import _native
from solvent.formulas.poseidon import poseidon as py_poseidon
from tests.harness import node

SCRIPT = """
import { buildPoseidon } from "circomlibjs";
const p = await buildPoseidon();
const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const out = [];
for (let n = 1; n <= 16; n++) {
  const xs = Array.from({length: n}, (_, i) => (BigInt(i + 1) * 0x1234567890abcdefn ** 4n + BigInt(n)) % r);
  xs[n - 1] = r - 1n - BigInt(n);
  const init = (BigInt(n) * 0xfedcba9876543210n ** 3n) % r;
  out.push({xs: xs.map(String), plain: p.F.toString(p(xs)), init: String(init),
            with_init: p.F.toString(p(xs, init))});
}
console.log(JSON.stringify(out));
"""


def test_poseidon_matches_circomlibjs_for_every_width():
    cases = node.node_eval(SCRIPT)
    assert len(cases) == 16
    for case in cases:
        xs = [int(x) for x in case["xs"]]
        init = int(case["init"])
        assert init != 0
        plain, with_init = int(case["plain"]), int(case["with_init"])
        assert _native.poseidon(xs) == plain == py_poseidon(xs), f"{len(xs)} inputs"
        assert _native.poseidon(xs, init) == with_init == py_poseidon(xs, init), f"{len(xs)} inputs, init"
