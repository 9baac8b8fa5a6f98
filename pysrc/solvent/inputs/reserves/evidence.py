"""What backs a holding's balance: the ``evidence`` field of every holding
(``docs/reserves.md``). Three kinds:

* ``self_reported`` — ownership is proven, the balance is the institution's word; allowed,
  and always labelled so in the verdict.
* ``eth_state_proof`` — an ``eth_getProof`` response (account proof, and for an ERC-20
  balance one storage proof) checked against the state root of a block header that the
  reserves file carries and names by hash.
* ``custodian_statement`` — an EIP-191 statement of the balance signed by a custodian key.

Only the shapes live here; the checks are in ``ethproof`` and ``custody``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

EthAddress = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{40}$")]
Hash32 = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{64}$")]
HexBytes = Annotated[str, StringConstraints(pattern=r"^0x([0-9a-fA-F]{2})*$")]
Quantity = Annotated[str, StringConstraints(pattern=r"^0x(0|[1-9a-fA-F][0-9a-fA-F]{0,63})$")]
"""A JSON-RPC quantity: 0x-hex without leading zeros."""
Signature = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{130}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SelfReported(_Strict):
    kind: Literal["self_reported"]


class StorageProof(_Strict):
    """One entry of ``eth_getProof``'s ``storageProof``."""

    key: Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{1,64}$")]
    """The storage key as the node echoes it (32 bytes, or shorter with leading zeros dropped)."""
    value: Quantity
    proof: list[HexBytes]


class EthGetProof(_Strict):
    """An ``eth_getProof`` result, exactly as the JSON-RPC method returns it."""

    address: EthAddress
    account_proof: list[HexBytes] = Field(alias="accountProof", min_length=1)
    balance: Quantity
    code_hash: Hash32 = Field(alias="codeHash")
    nonce: Quantity
    storage_hash: Hash32 = Field(alias="storageHash")
    storage_proof: list[StorageProof] = Field(alias="storageProof")


class Erc20Token(_Strict):
    """The ERC-20 contract whose balances mapping holds the balance."""

    address: EthAddress
    decimals: int = Field(ge=0, le=36)
    """The token's decimals: the storage value is in 10^-decimals of a token."""
    balance_slot: int = Field(ge=0, lt=2**256)
    """Storage slot of the ``mapping(address => uint256)`` of balances (Solidity layout:
    the holder's entry is at keccak256(pad32(holder) ‖ pad32(slot)))."""


class EthStateProof(_Strict):
    kind: Literal["eth_state_proof"]
    block_hash: Hash32
    """One of the file's ``eth_blocks``: the header whose state root the proof is checked against."""
    token: Erc20Token | None = None
    """Absent: the account's ETH balance (18 decimals); present: its balance of this token."""
    proof: EthGetProof


class CustodianStatement(_Strict):
    kind: Literal["custodian_statement"]
    custodian: EthAddress
    """The custodian's signing key, as an Ethereum address (named by the institution)."""
    name: str = Field(min_length=1, max_length=100)
    message: str = Field(min_length=1, max_length=2000)
    """The exact statement signed (``custody.holding_message``)."""
    signature: Signature


Evidence = Annotated[SelfReported | EthStateProof | CustodianStatement, Field(discriminator="kind")]


class EthBlock(_Strict):
    """A block header the state proofs are checked against: keccak256(header_rlp) must be
    ``hash``, and the header's number ``number``. Whether the block is canonical is
    something only a node or an explorer can say: the verifier prints it, or checks it
    against ``--eth-block NUMBER:HASH``."""

    number: int = Field(ge=0)
    hash: Hash32
    header_rlp: HexBytes
