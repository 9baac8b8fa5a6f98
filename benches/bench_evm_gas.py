"""Gas of solvent's contracts, measured in an in-process EVM (pyrevm, Cancun rules).

Prints tables (no assertions): Groth16 verification for 1..8 public inputs, solvent's
generated verifier against snarkjs's own Solidity template rendered for the same key
(what `snarkjs zkey export solidityverifier` writes, minus the zkey); SolvencyRegistry
register/submit; Poseidon per width; inclusion path levels per arity (2 to 8) and whole
paths of real book shapes (10^6 accounts, batch 256, capacity 4096 among them), computed
from the per-level figures and measured, against an inclusion SNARK's verification cost.

"tx" is what a transaction pays (21,000 + calldata + execution); "exec" subtracts the
intrinsic 21,000 and the calldata cost (EIP-2028: 16 gas per non-zero byte, 4 per zero).

Run: make bench-evm   (or: .venv/bin/python benches/bench_evm_gas.py)
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the EVM test harness lives in tests/harness

from solvent.backend import Groth16
from solvent.backend.groth16 import InsecureSetupWarning
from solvent.dsl import CircuitBuilder, build
from solvent.evm.calldata import encode_verify_proof, proof_words
from solvent.evm.verifier_gen import generate_verifier
from solvent.formulas import book as spec
from solvent.formulas.field import R
from solvent.formulas.poseidon import poseidon
from solvent.verifier import VerifyingKey, vk_hash
from tests.harness.attest import context
from tests.harness.chain import Chain
from tests.harness.contracts import compile_all, deploy_inclusion_verifier, deploy_poseidon_hasher
from tests.harness.solc import compile_sources, find_node_modules

_RENDER_SNARKJS = r"""
const fs = require('fs'); const path = require('path'); const ejs = require('ejs');
const tpl = fs.readFileSync(path.join(process.env.NODE_PATH, 'snarkjs/templates/verifier_groth16.sol.ejs'), 'utf8');
process.stdout.write(ejs.render(tpl, JSON.parse(fs.readFileSync(0, 'utf8'))));
"""


def n_inputs_circuit(cs: CircuitBuilder, n: int) -> None:
    xs = [cs.public_input(f"x{i}") for i in range(n)]
    s = cs.private_input("s")
    cs.assert_equal(cs.poseidon([s, s]), xs[0])


def calldata_gas(data: bytes) -> int:
    return sum(16 if b else 4 for b in data)


def render_snarkjs(vk_json: dict) -> str | None:
    try:
        nm = find_node_modules()
        if not (nm / "snarkjs" / "templates" / "verifier_groth16.sol.ejs").is_file():
            return None
        out = subprocess.run(["node", "-e", _RENDER_SNARKJS], input=json.dumps(vk_json), text=True,
                             capture_output=True, check=True, env={"NODE_PATH": str(nm), "PATH": "/usr/bin:/bin"})
        return out.stdout
    except (subprocess.CalledProcessError, OSError):
        return None


def keys_for(backend: Groth16, compiled):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureSetupWarning)
        return backend.setup_dev_insecure(compiled, seed=b"bench")


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = lambda r: "  ".join(str(x).rjust(w) for x, w in zip(r, widths, strict=True))  # noqa: E731
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def bench_verifiers(backend: Groth16) -> dict[int, int]:
    rows, tx_by_n = [], {}
    rng = random.Random(7)
    for n in (1, 2, 4, 8):
        compiled = build(n_inputs_circuit, f"bench_in{n}", n=n)
        keys = keys_for(backend, compiled)
        s = 12345
        inputs = {"s": s, "x0": poseidon([s, s]), **{f"x{i}": rng.randrange(R) for i in range(1, n)}}
        res = backend.prove(keys, compiled, backend.witness(compiled, inputs))
        data = encode_verify_proof(res.proof, res.public)
        sources = {"Ours.sol": generate_verifier(keys.vk_json, "Ours")}
        snark = render_snarkjs(keys.vk_json)
        if snark:
            sources["Snarkjs.sol"] = snark
        contracts = compile_sources(sources)
        chain = Chain()
        ours = chain.deploy(contracts["Ours"])
        r = chain.raw_call(ours.address, data)
        assert r.ok and r.output[-1] == 1
        tx_by_n[n] = r.gas
        row = [n, r.gas, r.gas - 21_000 - calldata_gas(data), len(contracts["Ours"].runtime)]
        if snark:
            theirs = chain.deploy(contracts["Groth16Verifier"])
            t = chain.raw_call(theirs.address, data)
            assert t.ok and t.output[-1] == 1
            row += [t.gas, t.gas - 21_000 - calldata_gas(data), t.gas - r.gas]
        else:
            row += ["n/a", "n/a", "n/a"]
        row.append(207_000 + 7_200 * n)
        rows.append(row)
    table("Groth16 verifyProof (valid proof)",
          ["inputs", "solvent tx", "solvent exec", "code bytes", "snarkjs tx", "snarkjs exec", "saved",
           "ref 207k+7.2k*n"], rows)
    floor = [[n, 45_000 + 4 * 34_000 + n * 6_150] for n in (1, 2, 4, 8)]
    table("Precompile floor (ecPairing 4 pairs + n x (ecMul + ecAdd))", ["inputs", "gas"], floor)
    return tx_by_n


def bench_registry(backend: Groth16) -> tuple[Chain, object]:
    """register / submit gas; returns the chain and registry with epochs 1 and 2 stored."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    compiled = build(top_like_circuit, "bench_top")
    keys = keys_for(backend, compiled)
    contracts = compile_all({"TopVerifier.sol": generate_verifier(keys.vk_json, "TopVerifier")})
    chain = Chain()
    inclusion = deploy_inclusion_verifier(chain, contracts)
    registry = chain.deploy(contracts["SolvencyRegistry"], inclusion.address, 7 * 24 * 3600)
    top = chain.deploy(contracts["TopVerifier"])
    signer = Account.from_key(b"\x42" * 32)
    vkh = bytes.fromhex(vk_hash(VerifyingKey.from_snarkjs(keys.vk_json)))
    shape = hashlib.sha256(b"bench shape").digest()
    reg = registry.call("register", signer.address, shape, top.address, vkh, [vkh, vkh])
    statement = hashlib.sha256(b"bench statement").digest()
    rows = [["register (2 vk hashes)", reg.gas]]
    for epoch in (1, 2):
        ctx = context(statement, epoch, signer.address)
        root = poseidon([epoch, 1])
        inputs = {"context": ctx, "book_root": root, "batches_digest": 77, "total": 10**9, "salt": 3,
                  "totals_commitment": poseidon([10**9, 3])}
        res = backend.prove(keys, compiled, backend.witness(compiled, inputs))
        h = hashlib.sha256(f"attestation {epoch}".encode()).digest()
        sig = bytes(signer.sign_message(encode_defunct(primitive=h)).signature)
        sub = (epoch, statement, h, root, res.public[2], res.public[3], proof_words(res.proof), sig, vkh)
        r = registry.call("submit", chain_sender(), sub)
        assert r.ok, r.error
        rows.append([f"submit (epoch {epoch})", r.gas])
    ann = registry.call("announceKeys", signer.address, shape, top.address, vkh, [vkh, vkh])
    chain.advance(7 * 24 * 3600)
    act = registry.call("activateKeys")
    assert ann.ok and act.ok, (ann.error, act.error)
    rows += [["announceKeys (2 vk hashes)", ann.gas], ["activateKeys (after the delay)", act.gas]]
    table("SolvencyRegistry (tx gas)", ["call", "gas"], rows)
    return chain, registry


def top_like_circuit(cs: CircuitBuilder) -> None:
    cs.public_input("context")
    cs.public_input("book_root")
    totals = cs.public_input("totals_commitment")
    cs.public_input("batches_digest")
    total, salt = cs.private_input("total"), cs.private_input("salt")
    cs.range_check(total, 64)
    cs.assert_equal(cs.poseidon([total, salt]), totals)


def chain_sender() -> str:
    from tests.harness.chain import DEFAULT_SENDER

    return DEFAULT_SENDER


def bench_poseidon() -> None:
    widths = (2, 3, 4, 5, 6, 9, 10, 13, 17)
    contracts = compile_all(widths=widths)
    chain = Chain()
    rows = []
    for t in widths:
        args = (0, list(range(1, t)))
        fast = deploy_poseidon_hasher(chain, contracts, t).call("hash", *args)
        slow = deploy_poseidon_hasher(chain, contracts, t, generic=True).call("hash", *args)
        rows.append([t, t - 1, fast.gas, slow.gas])
    table("Poseidon hash, one call (tx gas, tables loaded from data contracts)",
          ["width", "inputs", "unrolled", "generic loops"], rows)


def random_path(rng: random.Random, arities: list[int]) -> tuple[int, list[int]]:
    """An encoded path of these arities (bottom first), random words: verifyPath hashes every
    level before comparing with the root, so its gas does not depend on the words' values
    (only on their calldata bytes)."""
    levels = sum((a << 4 | rng.randrange(a)) << (8 * i) for i, a in enumerate(arities))
    return levels, [rng.randrange(R) for _ in range(sum(arities))]


def bench_inclusion(chain: Chain, registry, snark_tx: dict[int, int]) -> None:
    verifier = deploy_inclusion_verifier(chain, compile_all())
    rng = random.Random(3)

    def gas(arities: list[int]) -> int:
        levels, words = random_path(rng, arities)
        r = verifier.call("verifyPath", 1, 2, levels, words)
        assert r.ok and r.value is False
        return r.gas

    first8 = gas([8])
    per = {8: (gas([8] * 5) - first8) // 4}
    fixed = first8 - per[8]  # 21,000, the arity-8 table copy and the call's own overhead
    first = {8: 0}
    for a in (2, 4, 3, 5, 6, 7):
        one, three = gas([8, a]), gas([8, a, a, a])
        per[a] = (three - one) // 2
        first[a] = one - first8 - per[a]  # copying this width's tables, once per call
    rows = [[8, 10, per[8], "in the fixed cost"]] + [[a, a + 2, per[a], first[a]] for a in (2, 4, 3, 5, 6, 7)]
    table("Inclusion path, per level (tx gas; random words, so calldata bytes are non-zero)",
          ["arity", "Poseidon width", "per level", "table copy, first level of this arity"], rows)
    print(f"fixed cost of a verifyPath call whose path has an arity-8 level: {fixed:,} "
          "(21,000, the width-10 table copy, the call)")

    def book_path(n_accounts: int, batch: int, capacity: int) -> list[int]:
        assert -(-n_accounts // batch) <= capacity
        return spec.arities(batch) + spec.arities(capacity)

    rows = []
    levels_r, words_r = None, None
    for n, batch, cap in ((10**4, 64, 256), (10**6, 256, 4096), (10**6, 1024, 1024), (10**6, 1536, 1024),
                          (10**6, 1600, 1024), (10**8, 4096, 32768)):
        arities = book_path(n, batch, cap)
        computed = fixed + sum(per[a] * arities.count(a) + (first[a] if a in arities else 0) for a in per)
        measured = gas(arities)
        if (n, batch, cap) == (10**6, 256, 4096):
            levels_r, words_r = random_path(rng, arities)
        rows.append([f"{n:,}", batch, cap, "+".join(map(str, arities)), computed, measured])
    table("Whole path, leaf to book root (tx gas): computed from the per-level figures, and measured",
          ["accounts", "batch", "capacity", "arities", "computed", "measured verifyPath"], rows)
    r = registry.call("verifyInclusion", chain_sender(), 2, 2, levels_r, words_r)
    assert r.ok and r.value is False
    print(f"SolvencyRegistry.verifyInclusion, 10^6 accounts (batch 256, capacity 4096): {r.gas:,} tx gas "
          f"(Groth16 verification of an inclusion SNARK, 4 inputs: {snark_tx.get(4, 'n/a'):,})")


def main() -> int:
    backend = Groth16()
    tx = bench_verifiers(backend)
    chain, registry = bench_registry(backend)
    bench_poseidon()
    bench_inclusion(chain, registry, tx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
