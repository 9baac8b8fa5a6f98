"""What a run states: the institution, the run's options, the statement they give and the
proofs' context (``hashing.context_of``, the one definition), shared by the driver
(``prove``) and the workers that rebuild a run (``jobs.executors``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from eth_account import Account

from .. import __version__
from ..attestation import hashing
from ..attestation.models import AssetInfo, CircuitRef, RiskShape, Role, Shape, SolvencyShape, Statement, StatementName
from ..inputs.accounts import AccountBook
from ..inputs.evaluate import RiskSetup
from ..verifier import VerifyingKey, vk_hash
from .keys import ShapeKeys


@dataclass
class Institution:
    name: str
    signing_key: bytes
    """secp256k1 private key: its Ethereum address signs attestations."""
    secret: bytes
    """Derives every salt and blind; kept by the institution, never published."""

    @property
    def address(self) -> str:
        return Account.from_key(self.signing_key).address


@dataclass
class ProveOptions:
    epoch: int
    snapshot_time: str
    reveal_totals: bool = False
    risk: RiskSetup | None = None
    """Risk parameters: adds the collateral statement, and margin when they list instruments."""
    reserves: dict[str, int] | None = None
    """Reserves backing customer balances per asset symbol, in smallest units (with the
    solvency statement)."""
    insurance: dict[str, int] | None = None
    """The insurance fund's holdings per asset symbol, in smallest units (reserve holdings
    designated ``"purpose": "insurance"``; with the solvency and collateral statements).
    None or missing assets: zero."""
    reserves_document: dict | None = None
    """The reserves snapshot (``solvent.reserves/1``) behind the solvency statement: published
    whole with public reserves; with committed reserves only its insurance holdings are
    (``published_reserves``)."""
    price_snapshot: dict | None = None
    """The signed price snapshot (``solvent.prices/1``) the risk parameters' prices come from."""
    refuse_invalid: bool = False
    """``prove --strict``: raise ``WouldBeInvalid`` instead of writing an attestation whose
    own proofs make it INVALID."""


def statements_of(risk: RiskSetup | None, solvency: bool = False) -> list[StatementName]:
    names: list[StatementName] = ["liabilities"]
    return (names + (["collateral"] if risk else []) + (["margin"] if risk and risk.margin else [])
            + (["solvency"] if solvency else []))


def build_statement(book: AccountBook, sk: ShapeKeys, inst: Institution, opts: ProveOptions) -> Statement:
    s = sk.shape
    return Statement(
        institution=inst.name, signer=inst.address, epoch=opts.epoch, snapshot_time=opts.snapshot_time,
        statements=statements_of(opts.risk, s.solvency is not None),
        assets=[AssetInfo(symbol=a.symbol, decimals=a.decimals) for a in book.assets],
        shape=Shape(n_assets=s.n_assets, batch_size=s.batch_size, capacity=s.capacity,
                    range_bits=s.range_bits, with_debt=s.with_debt,
                    risk=RiskShape(**s.risk) if s.risk else None,
                    solvency=SolvencyShape(**s.solvency) if s.solvency else None,
                    asset_bits=list(s.asset_bits) if s.asset_bits is not None else None),
        params_hash=str(opts.risk.params_hash) if opts.risk else None,
        circuits=[CircuitRef(role=cast(Role, role), name=sk.circuits[role].name, ir_hash=sk.circuits[role].hash,
                             vk_hash=vk_hash(VerifyingKey.from_snarkjs(sk.keys[role].vk_json)),
                             setup=sk.keys[role].setup, transcript_hash=sk.keys[role].transcript_hash)
                  for role in sk.circuits],
        solvent_version=__version__,
    )


def stated(book: AccountBook, sk: ShapeKeys, inst: Institution, opts: ProveOptions) -> tuple[Statement, str, int]:
    """The run's statement, its hash and the proofs' context."""
    statement = build_statement(book, sk, inst, opts)
    sh = hashing.statement_hash(statement)
    return statement, sh, hashing.context_of(sh, opts.epoch, inst.address)
