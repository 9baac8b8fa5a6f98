"""The reserves snapshot file (``docs/reserves.md``): pydantic models and loading.

Balances are inputs (no chain is reachable from here): each holding says where its
figure comes from (``as_of``, ``source``) and carries a proof that the institution
controls the address. Loading checks structure, address and signature formats and that
no (chain, address, asset) is counted twice; it does not check signatures
(``verify_ownership`` does, against an attestation's institution, epoch and snapshot).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from eth_utils import is_checksum_address
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import InputError
from . import bitcoin
from .evidence import EthBlock, EthStateProof, Evidence
from .message import canonical_address

VERSION: Final = "solvent.reserves/1"

Amount = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")]
Symbol = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
Timestamp = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]


class ReservesError(InputError):
    """A bad reserves file or holding: names the file, the holding's index (and address)
    and the field."""

    def __init__(self, path: str | Path, message: str, index: int | None = None, field: str | None = None,
                 address: str | None = None):
        self.path, self.index, self.field, self.address = str(path), index, field, address
        self.row = index
        where = self.path
        if index is not None:
            where += f", holdings[{index}]" + (f" ({address})" if address else "")
        if field is not None:
            where += f", field '{field}'"
        ValueError.__init__(self, f"{where}: {message}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AsOf(_Strict):
    """When the balance was read: a block height, a time, or both."""

    block: int | None = Field(default=None, ge=0)
    time: Timestamp | None = None

    @model_validator(mode="after")
    def _one_given(self) -> AsOf:
        if self.block is None and self.time is None:
            raise ValueError("give a block number, a time, or both")
        return self


class Eip191Proof(_Strict):
    """An Ethereum ``personal_sign`` (EIP-191 version 0x45) signature of ``message``."""

    scheme: Literal["eip191"]
    message: str = Field(min_length=1, max_length=2000)
    signature: Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{130}$")]


class Bip137Proof(_Strict):
    """A Bitcoin BIP-137 message signature (base64, 65 bytes) of ``message``."""

    scheme: Literal["bip137"]
    message: str = Field(min_length=1, max_length=2000)
    signature: str

    @field_validator("signature")
    @classmethod
    def _well_formed(cls, v: str) -> str:
        try:
            bitcoin.decode_signature(v)
        except bitcoin.BitcoinError as e:
            raise ValueError(str(e)) from None
        return v


Ownership = Annotated[Eip191Proof | Bip137Proof, Field(discriminator="scheme")]
SCHEME_OF_CHAIN = {"ethereum": "eip191", "bitcoin": "bip137"}


class Holding(_Strict):
    chain: Literal["ethereum", "bitcoin"]
    address: str
    asset: Symbol
    balance: Amount
    """Exact decimal in the asset's units (``"12.5"``); never a JSON number."""
    as_of: AsOf
    source: str = Field(min_length=1, max_length=200)
    """Where the figure was read: an explorer, a node, a custodian statement."""
    ownership: Ownership
    evidence: Evidence
    """What backs the balance: ``self_reported``, ``eth_state_proof`` or ``custodian_statement``."""
    purpose: Literal["reserves", "insurance"] = "reserves"
    """``reserves`` back customer balances; ``insurance`` forms the insurance fund that covers
    accounts falling short. A (chain, address, asset) is counted once, so never both."""

    @field_validator("balance", mode="before")
    @classmethod
    def _decimal_text(cls, v: Any) -> Any:
        if not isinstance(v, str):
            raise ValueError(f"amounts are decimal strings such as \"12.5\", not JSON numbers ({v!r})")
        return v

    @field_validator("address")
    @classmethod
    def _address_for_chain(cls, v: str, info: ValidationInfo) -> str:
        chain = info.data.get("chain")
        if chain == "ethereum":
            if not (len(v) == 42 and v.startswith("0x") and all(c in "0123456789abcdefABCDEF" for c in v[2:])):
                raise ValueError("an Ethereum address is 0x and 40 hex digits")
            if v[2:] != v[2:].lower() and v[2:] != v[2:].upper() and not is_checksum_address(v):
                raise ValueError("mixed-case Ethereum address with a wrong EIP-55 checksum (a typo?)")
        elif chain == "bitcoin":
            try:
                bitcoin.address_kind(v)
            except bitcoin.BitcoinError as e:
                raise ValueError(str(e)) from None
        return v

    @model_validator(mode="before")
    @classmethod
    def _scheme_for_chain(cls, raw: Any) -> Any:
        """Checked first: the wrong kind of proof would otherwise fail on its signature format."""
        if isinstance(raw, dict) and isinstance(raw.get("ownership"), dict):
            chain, scheme = raw.get("chain"), raw["ownership"].get("scheme")
            want = SCHEME_OF_CHAIN.get(chain) if isinstance(chain, str) else None
            if want is not None and scheme in SCHEME_OF_CHAIN.values() and scheme != want:
                raise PydanticCustomError("scheme_mismatch", "a {chain} address proves ownership with {want}, not {got}",
                                          {"chain": chain, "want": want, "got": scheme})
        return raw

    @model_validator(mode="after")
    def _evidence_for_chain(self) -> Holding:
        if isinstance(self.evidence, EthStateProof) and self.chain != "ethereum":
            raise PydanticCustomError("evidence_chain", "an eth_state_proof backs only ethereum holdings, not {chain}",
                                      {"chain": self.chain})
        return self

    @property
    def key(self) -> tuple[str, str, str]:
        """What may appear only once: chain, canonical address, asset."""
        return self.chain, canonical_address(self.chain, self.address), self.asset

    @property
    def label(self) -> str:
        return f"{self.chain} {self.address}"


class Reserves(_Strict):
    version: Literal["solvent.reserves/1"] = VERSION
    holdings: list[Holding] = Field(min_length=1)
    eth_blocks: list[EthBlock] = Field(default_factory=list)
    """Block headers that the holdings' ``eth_state_proof`` evidence names by hash."""
    _source: str = PrivateAttr(default="<reserves>")

    @model_validator(mode="after")
    def _counted_once(self) -> Reserves:
        seen: dict[tuple[str, str, str], int] = {}
        for i, h in enumerate(self.holdings):
            if h.key in seen:
                raise PydanticCustomError(
                    "counted_twice", "{asset} at this address is already counted by holdings[{first}]: "
                    "an address is counted once per asset", {"index": i, "first": seen[h.key], "asset": h.asset})
            seen[h.key] = i
        blocks = [b.hash.lower() for b in self.eth_blocks]
        if len(set(blocks)) != len(blocks):
            raise ValueError("eth_blocks lists a block twice")
        for i, h in enumerate(self.holdings):
            if isinstance(h.evidence, EthStateProof) and h.evidence.block_hash.lower() not in blocks:
                raise PydanticCustomError(
                    "unknown_block", "the state proof names block {block}, which eth_blocks does not carry",
                    {"index": i, "block": h.evidence.block_hash})
        return self

    def block(self, block_hash: str) -> EthBlock:
        return next(b for b in self.eth_blocks if b.hash.lower() == block_hash.lower())

    @property
    def source(self) -> str:
        """The file this snapshot was read from (for error messages)."""
        return self._source

    def where(self, index: int) -> str:
        return f"{self._source}, holdings[{index}] ({self.holdings[index].label})"


def _holding_address(raw: Any, index: int) -> str | None:
    try:
        h = raw["holdings"][index]
        return f"{h['chain']} {h['address']}" if isinstance(h["address"], str) and isinstance(h["chain"], str) else None
    except (KeyError, IndexError, TypeError):
        return None


def _error_from(path: Path, raw: Any, e: ValidationError) -> ReservesError:
    first = e.errors()[0]
    loc = [p for p in first["loc"] if p not in ("eip191", "bip137", "self_reported", "eth_state_proof",
                                                 "custodian_statement")]
    msg = first["msg"].removeprefix("Value error, ")
    more = f" (and {e.error_count() - 1} more errors)" if e.error_count() > 1 else ""
    if first["type"] in ("counted_twice", "unknown_block"):
        index = first["ctx"]["index"]
        field: str | None = "address" if first["type"] == "counted_twice" else "evidence.block_hash"
        return ReservesError(path, msg + more, index, field, _holding_address(raw, index))
    if len(loc) >= 2 and loc[0] == "holdings" and isinstance(loc[1], int):
        index = loc[1]
        field = ".".join(str(p) for p in loc[2:]) or {"scheme_mismatch": "ownership.scheme",
                                                       "evidence_chain": "evidence.kind"}.get(first["type"])
        return ReservesError(path, msg + more, index, field, _holding_address(raw, index))
    return ReservesError(path, msg + more, field=".".join(str(p) for p in loc) or None)


def parse_reserves(raw: Any, path: str | Path = "<reserves>") -> Reserves:
    """Validate an already-parsed JSON value (for example an attestation's section)."""
    try:
        reserves = Reserves.model_validate(raw)
    except ValidationError as e:
        raise _error_from(Path(path), raw, e) from None
    reserves._source = str(path)
    return reserves


def load_reserves(path: str | Path) -> Reserves:
    """Read and validate a reserves file; ReservesError names the file, holding and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ReservesError(path, f"cannot read: {e.strerror}") from e
    except UnicodeDecodeError:
        raise ReservesError(path, "not UTF-8 text") from None
    try:
        raw = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise ReservesError(path, f"not JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    return parse_reserves(raw, path)
