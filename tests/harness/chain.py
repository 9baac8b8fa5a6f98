"""A small in-process EVM (pyrevm) for tests and benches: deploy, call, decode.

pyrevm (revm inside) runs the Cancun rules with the BN254 (0x06-0x08), sha256 (0x02)
and ecrecover (0x01) precompiles, and reports gas the way a chain charges it:
``gas`` of a :class:`CallResult` includes the 21,000 intrinsic cost and the calldata
cost of a transaction.  Every call is committed to the in-memory state; use
:meth:`Chain.snapshot` / :meth:`Chain.revert` to undo.

Needs the test extras (``pyrevm``, ``eth-abi``, ``eth-hash[pycryptodome]``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyrevm
from eth_abi import decode, encode
from eth_hash.auto import keccak

from tests.harness.solc import Compiled

DEFAULT_SENDER = "0x" + "a1" * 20


def _type(arg: dict[str, Any]) -> str:
    t = arg["type"]
    if t.startswith("tuple"):
        inner = ",".join(_type(c) for c in arg["components"])
        return f"({inner}){t[5:]}"
    return t


def selector(signature: str) -> bytes:
    return keccak(signature.encode())[:4]


@dataclass
class CallResult:
    ok: bool
    output: bytes
    gas: int
    values: tuple[Any, ...] = ()
    error: str | None = None  # custom error name (or "Error(string)" message) on revert
    logs: list[Any] | None = None

    @property
    def value(self) -> Any:
        return self.values[0] if len(self.values) == 1 else self.values


class Contract:
    def __init__(self, chain: Chain, address: str, abi: list[dict[str, Any]]):
        self.chain, self.address, self.abi = chain, address, abi
        self._fns = {f["name"]: f for f in abi if f["type"] == "function"}
        self._errors = {
            selector(f"{e['name']}({','.join(_type(i) for i in e['inputs'])})"): e for e in abi if e["type"] == "error"
        }

    def calldata(self, fn: str, *args: Any) -> bytes:
        f = self._fns[fn]
        types = [_type(i) for i in f["inputs"]]
        return selector(f"{fn}({','.join(types)})") + encode(types, list(args))

    def call(self, fn: str, *args: Any, sender: str = DEFAULT_SENDER, gas: int | None = None) -> CallResult:
        """Call ``fn``; a revert comes back as ``ok=False`` with the error's name."""
        f = self._fns[fn]
        res = self.chain.raw_call(self.address, self.calldata(fn, *args), sender, gas)
        if res.ok:
            res.values = tuple(decode([_type(o) for o in f["outputs"]], res.output))
        else:
            res.error = self._error_name(res.output)
        return res

    def __call__(self, fn: str, *args: Any, **kw: Any) -> Any:
        """Call ``fn`` and return its (single) value; raise on revert."""
        res = self.call(fn, *args, **kw)
        if not res.ok:
            raise RuntimeError(f"{fn} reverted: {res.error}")
        return res.value

    def _error_name(self, data: bytes) -> str:
        if len(data) < 4:
            return "<empty revert>"
        if data[:4] == selector("Error(string)"):
            return "Error: " + decode(["string"], data[4:])[0]
        e = self._errors.get(data[:4])
        return e["name"] if e else "0x" + data.hex()


class Chain:
    def __init__(self) -> None:
        self.evm = pyrevm.EVM(spec_id="CANCUN")
        self.evm.set_balance(DEFAULT_SENDER, 10**24)

    def deploy(self, compiled: Compiled, *args: Any, sender: str = DEFAULT_SENDER) -> Contract:
        ctor = next((f for f in compiled.abi if f["type"] == "constructor"), None)
        data = compiled.bytecode
        if ctor:
            data += encode([_type(i) for i in ctor["inputs"]], list(args))
        address = self.evm.deploy(sender, data)
        return Contract(self, address, compiled.abi)

    def deploy_code(self, runtime: bytes, sender: str = DEFAULT_SENDER) -> str:
        """Deploy raw runtime code (e.g. a data contract) with a minimal constructor."""
        n = len(runtime)
        # PUSH2 n, DUP1, PUSH1 0x0e, PUSH1 0, CODECOPY, PUSH1 0, RETURN  (14 bytes) ‖ runtime
        init = bytes([0x61, n >> 8, n & 0xFF, 0x80, 0x60, 0x0E, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3]) + b"\x00\x00"
        return self.evm.deploy(sender, init + runtime)

    def raw_call(self, to: str, data: bytes, sender: str = DEFAULT_SENDER, gas: int | None = None) -> CallResult:
        try:
            out = self.evm.message_call(sender, to, data, gas=gas)
        except RuntimeError as exc:
            m = re.search(r"output: 0x([0-9a-fA-F]*)", str(exc))
            g = re.search(r"gas_used: (\d+)", str(exc))
            if m is None and "Halt" not in str(exc):
                raise
            return CallResult(False, bytes.fromhex(m.group(1)) if m else b"", int(g.group(1)) if g else -1)
        r = self.evm.result
        return CallResult(True, bytes(out), r.gas_used, logs=list(r.logs))

    @property
    def timestamp(self) -> int:
        return int(self.evm.env.block.timestamp)

    def advance(self, seconds: int) -> int:
        """Move the block clock (and number) forward; returns the new timestamp."""
        block = self.evm.env.block
        self.evm.set_block_env(pyrevm.BlockEnv(number=int(block.number) + 1, timestamp=int(block.timestamp) + seconds))
        return self.timestamp

    def snapshot(self) -> Any:
        return self.evm.snapshot()

    def revert(self, checkpoint: Any) -> None:
        self.evm.revert(checkpoint)


__all__: Sequence[str] = ["Chain", "Contract", "CallResult", "selector", "DEFAULT_SENDER"]
