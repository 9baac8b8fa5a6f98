"""The attestation bundle: pydantic models, versioned; ``schemas/attestation.schema.json``
is generated from them. Every number that is a field element is a canonical decimal
string below r; proofs and verifying keys use snarkjs's layouts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationError,
    model_serializer,
    model_validator,
)

from ..formulas.field import R

VERSION: Final = "solvent.attestation/1"
StatementName = Literal["liabilities", "collateral", "margin", "solvency"]
Role = Literal["batch", "top", "solvency"]


def _below_r(s: str) -> str:
    if int(s) >= R:
        raise ValueError("not below the field modulus r")
    return s


FieldStr = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]{0,76})$"), AfterValidator(_below_r)]
Hex32 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Address = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{40}$")]
Signature = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-f]{130}$")]
Amount = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$")]
Timestamp = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Model = TypeVar("Model", bound=BaseModel)


def read_model(model: type[Model], path: Path, error: type[Exception], what: str | None = None) -> Model:
    """``model`` parsed from the JSON file ``path``; a file that cannot be read or does not
    validate raises ``error`` naming the file, ``what`` it should be, and the first field
    that is wrong (with how many are)."""
    the = f" the {what}" if what else ""
    try:
        return model.model_validate_json(path.read_bytes())
    except OSError as e:
        raise error(f"{path}: cannot read{the}: {e.strerror}") from e
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(document)"
        kind = f"not a {what}: " if what else ""
        raise error(f"{path}: {kind}{where}: {first['msg']} ({e.error_count()} errors)") from e


class AssetInfo(Strict):
    symbol: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
    decimals: int = Field(ge=0, le=36)


class RiskShape(Strict):
    regions: int = Field(ge=1)
    instruments: int = Field(ge=0)
    scenarios: int = Field(ge=1)


class SolvencyShape(Strict):
    mode: Literal["pass_fail", "buckets"]
    reserves: Literal["public", "committed"]


class Shape(Strict):
    n_assets: int = Field(ge=1)
    batch_size: int = Field(ge=2)
    capacity: int = Field(ge=2)
    range_bits: int = Field(ge=1, le=128)
    with_debt: bool
    risk: RiskShape | None = None
    solvency: SolvencyShape | None = None
    asset_bits: list[Annotated[int, Field(ge=1, le=128)]] | None = None
    """Per asset (in ``assets`` order), the bits its balances are proven below, each at
    most ``range_bits``; absent: every asset at ``range_bits`` (circuits/liabilities.md)."""

    @model_validator(mode="after")
    def _widths_fit(self) -> Shape:
        if self.asset_bits is not None and (len(self.asset_bits) != self.n_assets
                                            or max(self.asset_bits) > self.range_bits):
            raise ValueError(f"asset_bits: one width per asset ({self.n_assets}), each at most range_bits "
                             f"({self.range_bits})")
        return self

    @model_serializer(mode="wrap")
    def _without_absent_widths(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # absent, not null: a statement without widths hashes as it did before they existed
        out: dict[str, Any] = handler(self)
        if out.get("asset_bits") is None:
            out.pop("asset_bits", None)
        return out

    def widths(self) -> list[int]:
        """Per asset, the bits its balances are proven below."""
        return list(self.asset_bits) if self.asset_bits is not None else [self.range_bits] * self.n_assets


def balance_bounds(symbols: list[str], widths: list[int]) -> str:
    """What the batch proofs prove of every balance and debt, per asset when the widths
    differ: ``BTC balances proven below 2^51, ETH below 2^87`` (smallest units)."""
    if len(set(widths)) == 1:
        return f"balances range-checked to {widths[0]} bits"
    first, *rest = (f"below 2^{w}" for w in widths)
    return ", ".join([f"{symbols[0]} balances proven {first}",
                      *(f"{s} {b}" for s, b in zip(symbols[1:], rest, strict=False))]) + " smallest units"


class CircuitRef(Strict):
    role: Role
    name: str
    ir_hash: Hex32
    vk_hash: Hex32
    setup: str
    """``ceremony`` or ``dev-insecure…`` (a single-party setup: anyone who ran it can forge)."""
    transcript_hash: Hex32 | None = None


class Statement(Strict):
    """What the institution states; its hash goes into every proof's context."""

    institution: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    signer: Address
    epoch: int = Field(ge=0, lt=2**64)
    snapshot_time: Timestamp
    statements: list[StatementName]
    assets: list[AssetInfo]
    shape: Shape
    circuits: list[CircuitRef]
    solvent_version: str
    params_hash: FieldStr | None = None
    """Hash of the risk parameters every collateral/margin check used (``risk.params``)."""

    def balance_bounds(self) -> str:
        """The per-asset bound the batch proofs put on every balance and debt, said plainly."""
        return balance_bounds([a.symbol for a in self.assets], self.shape.widths())


class ProofJson(Strict):
    """snarkjs ``proof.json``."""

    pi_a: list[FieldStr] = Field(min_length=3, max_length=3)
    pi_b: list[list[FieldStr]] = Field(min_length=3, max_length=3)
    pi_c: list[FieldStr] = Field(min_length=3, max_length=3)
    protocol: Literal["groth16"] = "groth16"
    curve: Literal["bn128"] = "bn128"


class BatchEntry(Strict):
    index: int = Field(ge=0)
    root: FieldStr
    commitment: FieldStr
    all_collateralized: bool | None = None
    """With the collateral statement: the batch proof's output "no account of this batch
    is under-collateralized" (a public value of the proof, so it cannot be edited)."""
    all_margined: bool | None = None
    """With the margin statement: "no account of this batch is under-margined"."""
    proof: ProofJson


class TopEntry(Strict):
    book_root: FieldStr
    totals_commitment: FieldStr
    batches_digest: FieldStr
    proof: ProofJson


class Outcome(Strict):
    """Accounts that fall short, summed over the book (×10^4 shortfalls made exact
    decimals in the quote currency)."""

    under_collateralized: int = Field(ge=0)
    collateral_shortfall: Amount
    under_margined: int = Field(ge=0)
    margin_shortfall: Amount


class Totals(Strict):
    """Revealed totals (only with ``--reveal-totals``): amounts in asset units and the
    blind that opens ``totals_commitment``. ``netted_debt`` (with the collateral
    statement) is the part of ``debt`` owed by accounts whose collateral covers it — the
    only debt that reduces net liabilities (``equity − netted_debt``)."""

    blind: FieldStr
    equity: dict[str, Amount]
    debt: dict[str, Amount]
    netted_debt: dict[str, Amount] | None = None
    outcome: Outcome | None = None


class RiskSection(Strict):
    """The published risk parameters (``solvent.risk/1``)."""

    params: dict[str, Any]
    prices: dict[str, Any] | None = None
    """The signed oracle price snapshot (``solvent.prices/1``) the prices were taken from;
    absent: the prices are the institution's declaration."""


class SolvencySection(Strict):
    """Reserves against net liabilities (equity − customer debt), per asset.

    ``coverage`` is what the solvency proof outputs: ``1``/``0`` per asset (pass/fail), or
    a bucket index into ``verifier.solvency.BUCKET_LABELS``. Public reserves are listed
    (asset units); committed reserves only as ``reserves_commitment``."""

    mode: Literal["pass_fail", "buckets"]
    reserves: dict[str, Amount] | None = None
    reserves_commitment: FieldStr | None = None
    coverage: dict[str, int]
    insurance_fund: Amount | None = None
    """With collateral/margin: the value, in the quote currency, of the reserve holdings
    designated ``"purpose": "insurance"`` at the published prices (0 without any) — the
    proof's public input, which the verifier recomputes from those holdings."""
    insurance_covered: bool | None = None
    proof: ProofJson


class ReservesStatement(Strict):
    """The evidence behind committed reserves: a custodian's (or auditor's) EIP-191
    signature over ``reserves.custody.commitment_message`` for this attestation's
    institution, epoch, snapshot, assets and reserves commitment (docs/reserves.md)."""

    custodian: Address
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    signature: Signature


class Attestation(Strict):
    version: Literal["solvent.attestation/1"] = VERSION
    statement: Statement
    statement_hash: Hex32
    context: FieldStr
    verifying_keys: dict[str, dict[str, Any]]
    """snarkjs ``verification_key.json`` per circuit name."""
    batches: list[BatchEntry] = Field(min_length=1)
    top: TopEntry
    totals: Totals | None = None
    risk: RiskSection | None = None
    solvency: SolvencySection | None = None
    reserves: dict[str, Any] | None = None
    """The reserves snapshot (``solvent.reserves/1``: holdings with ownership proofs) behind
    public reserves; with committed reserves only the insurance fund's holdings (the fund
    is always public), or absent."""
    reserves_statement: ReservesStatement | None = None
    """With committed reserves: the custodian's statement bound to the commitment."""
    signature: Signature | None = None


def proof_of(entry: BatchEntry | TopEntry) -> dict[str, Any]:
    return entry.proof.model_dump(mode="json")

