"""A signed reserves document (solvent.reserves/1) for given per-asset amounts."""

from solvent.formulas.amounts import format_amount
from solvent.inputs.reserves.message import ownership_message
from solvent.inputs.reserves.signing import ethereum_address, sign_ethereum

DECIMALS = {"BTC": 8, "USDT": 6, "ETH": 18}


def holding(key: bytes, symbol: str, units: int, institution: str, epoch: int, snapshot: str,
            purpose: str | None = None) -> dict:
    """One Ethereum holding of ``units`` smallest units, its ownership signed by ``key``."""
    address = ethereum_address(key)
    msg = ownership_message(institution, epoch, snapshot, "ethereum", address)
    h = {"chain": "ethereum", "address": address, "asset": symbol,
         "balance": format_amount(units, DECIMALS[symbol]), "as_of": {"time": snapshot},
         "source": "test", "ownership": {"scheme": "eip191", "message": msg, "signature": sign_ethereum(key, msg)},
         "evidence": {"kind": "self_reported"}}
    if purpose is not None:
        h["purpose"] = purpose
    return h


def signed_reserves(units: dict[str, int], institution: str, epoch: int, snapshot: str,
                    insurance: dict[str, int] | None = None) -> dict:
    """Reserves backing customer balances (one address per asset), and with ``insurance``
    the insurance fund's holdings (other addresses, ``"purpose": "insurance"``)."""
    holdings = [holding(bytes([k]) * 32, symbol, amount, institution, epoch, snapshot)
                for k, (symbol, amount) in enumerate(sorted(units.items()), start=1)]
    holdings += [holding(bytes([0x80 + k]) * 32, symbol, amount, institution, epoch, snapshot, "insurance")
                 for k, (symbol, amount) in enumerate(sorted((insurance or {}).items()), start=1)]
    return {"version": "solvent.reserves/1", "holdings": holdings}


CUSTODIAN_KEY = bytes([0xC5]) * 32
"""A throw-away custodian key (never a real one)."""


def attach_custodian_statement(att, out, institution, key: bytes = CUSTODIAN_KEY, name: str = "Vault Co"):
    """What a custodian and the institution do for committed reserves: the custodian checks
    the opening the run wrote (OUT/private/reserves-opening.json) and signs the commitment
    message; the institution attaches the signature and signs the attestation again."""
    from solvent.attestation import hashing
    from solvent.attestation.models import ReservesStatement
    from solvent.formulas.eip191 import sign_text
    from solvent.inputs.reserves.commitment import check_opening, load_opening, opening_message

    op = load_opening(out / "private" / "reserves-opening.json")
    problems, _ = check_opening(op)
    assert not problems, problems
    assert op.commitment == att.solvency.reserves_commitment
    stmt = ReservesStatement(custodian=ethereum_address(key), name=name, signature=sign_text(key, opening_message(op)))
    return hashing.sign(att.model_copy(update={"reserves_statement": stmt}), institution.signing_key)
