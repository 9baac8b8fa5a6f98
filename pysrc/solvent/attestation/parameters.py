"""The risk parameters an attestation publishes: their hash is the statement's, their
prices the ones the proofs used (``inputs.params``, ``inputs.evaluate``)."""

from __future__ import annotations

from ..inputs.assets import Asset
from ..inputs.errors import InputError
from ..inputs.evaluate import prepare
from ..inputs.params import RiskParamsFile, from_file
from .checks import Report
from .models import Attestation


def check_risk_params(att: Attestation, r: Report) -> tuple[int | None, list[int] | None]:
    """The published risk parameters: present exactly with collateral/margin, of the
    stated shape, and hashing to the stated ``params_hash`` (which every batch proof takes
    as a public input). Returns that hash and the prices (value units per smallest unit),
    or Nones without risk statements."""
    st = att.statement
    wants = "collateral" in st.statements
    if not wants:
        r.add("risk parameters", att.risk is None and st.params_hash is None and st.shape.risk is None
              and "margin" not in st.statements, "no collateral or margin statement")
        return None, None

    try:
        if att.risk is None or st.shape.risk is None or st.params_hash is None:
            raise ValueError("collateral statement without its parameters")
        raw = RiskParamsFile.model_validate(att.risk.params)
        setup = prepare(from_file(raw, [Asset(a.symbol, a.decimals) for a in st.assets]), st.shape.risk.regions,
                        st.shape.range_bits)
        ok = setup.shape() == st.shape.risk.model_dump() and str(setup.params_hash) == st.params_hash \
            and ("margin" in st.statements) == setup.margin
        r.add("risk parameters", ok, f"{len(raw.instruments)} instruments, {raw.scenarios} scenarios, "
                                     f"hash {st.params_hash[:16]}…" if ok else "do not hash to the stated params_hash")
        return int(st.params_hash), list(setup.params.prices)
    except (ValueError, InputError) as e:
        r.add("risk parameters", False, str(e))
        return (int(st.params_hash) if st.params_hash else 0), None
