"""Verifying an attestation: every check an auditor needs, each reported by name.

By default proofs are checked with the independent pure-Python verifier
(``solvent.verifier``, batch-verified with random weights); ``fast=True`` uses the
native arkworks verifier instead. Circuits are recompiled from the stated shape so that
the attestation cannot name circuits other than solvent's, and every circuit's key is
trusted only on evidence the caller supplies (``trust``: ceremony checks, the trust
store, pinned keys — ``attestation.trust``), never on the attestation's own labels. A
report is VALID only when every check passes and every key is trusted, or when the
caller explicitly accepts untrusted keys (``allow_insecure_keys``: tests, the demo).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .. import verifier as pyv
from ..pins import Pins
from ..verifier import book as spec
from . import evidence, hashing, outcomes, trust
from .models import Attestation, BatchEntry, proof_of

TOP_PUBLICS = 4


def solvency_publics(att: Attestation) -> int:
    """context, totals_commitment, reserves[A] | reserves_commitment, [insurance_fund],
    coverage[A], [insurance_covered]."""
    s, A = att.statement.shape, att.statement.shape.n_assets
    if s.solvency is None:
        return 0
    extra = 1 if s.risk is not None else 0
    return 2 + (A if s.solvency.reserves == "public" else 1) + extra + A + extra


def batch_publics(att: Attestation) -> int:
    """context, [params_hash,] batch_root, batch_commitment, [all_collateralized, [all_margined]]."""
    risk = att.statement.shape.risk
    if risk is None:
        return 3
    return 6 if risk.instruments > 0 else 5


def batch_outputs(att: Attestation, b: BatchEntry) -> list[int]:
    """The outcome bits a batch proof outputs after its root and commitment (MalformedInput
    when the shape calls for one that the entry does not state)."""
    risk = att.statement.shape.risk
    if risk is None:
        if b.all_collateralized is not None or b.all_margined is not None:
            raise pyv.MalformedInput(f"batch {b.index}: outcome bits without the collateral statement")
        return []
    bits = [b.all_collateralized] + ([b.all_margined] if risk.instruments > 0 else [])
    if any(x is None for x in bits) or (risk.instruments == 0 and b.all_margined is not None):
        raise pyv.MalformedInput(f"batch {b.index}: the outcome bits the circuit outputs are missing")
    return [int(x) for x in bits]


class AttestationFormatError(ValueError):
    pass


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


VERDICT_VALID, VERDICT_VALID_UNTRUSTED, VERDICT_UNTRUSTED, VERDICT_INVALID = (
    "VALID", "VALID — UNTRUSTED KEYS", "NOT VALID — UNTRUSTED KEYS", "INVALID")


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    holdings: list[dict] = field(default_factory=list)
    """Per reserve holding: what backs its balance and what was checked (``evidence``)."""
    keys: list[trust.KeyTrust] = field(default_factory=list)
    """Per circuit: whether its key is trusted, on which evidence (or why not)."""
    allow_insecure_keys: bool = False
    """The caller accepts untrusted keys (tests, the demo): the verdict then says so."""

    @property
    def checks_ok(self) -> bool:
        """Every check passed (what the proofs show, *if* their keys are sound)."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def keys_trusted(self) -> bool:
        return trust.all_trusted(self.keys)

    @property
    def valid(self) -> bool:
        return self.checks_ok and (self.keys_trusted or self.allow_insecure_keys)

    @property
    def verdict(self) -> str:
        if not self.checks_ok:
            return VERDICT_INVALID
        if self.keys_trusted:
            return VERDICT_VALID
        return VERDICT_VALID_UNTRUSTED if self.allow_insecure_keys else VERDICT_UNTRUSTED

    def untrusted(self) -> list[trust.KeyTrust]:
        return [k for k in self.keys if not k.trusted]

    def add(self, name: str, ok: bool, detail: str = "", fail: str | None = None) -> bool:
        """Record a check. ``detail`` says what was shown; when the check fails, ``fail``
        (if given) replaces it, so that a failed check never prints its success text.
        Without ``fail`` the detail must read true either way (a neutral observation)."""
        self.checks.append(Check(name, ok, detail if ok or fail is None else fail))
        return ok

    def merge(self, other: Report) -> None:
        """Take ``other``'s checks, warnings and key decisions (a customer's check embeds the
        attestation's)."""
        self.checks.extend(other.checks)
        self.warnings.extend(other.warnings)
        self.holdings.extend(other.holdings)
        self.keys.extend(other.keys)
        self.allow_insecure_keys = self.allow_insecure_keys or other.allow_insecure_keys

    def to_dict(self) -> dict:
        return {"valid": self.valid, "verdict": self.verdict, "keys_trusted": self.keys_trusted,
                "allow_insecure_keys": self.allow_insecure_keys, "warnings": self.warnings,
                "holdings": self.holdings, "keys": [k.to_dict() for k in self.keys],
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks]}


def load(path: Path) -> Attestation:
    """An attestation from a directory (``attestation.json`` inside) or a JSON file."""
    file = path / "attestation.json" if path.is_dir() else path
    try:
        return Attestation.model_validate_json(file.read_bytes())
    except OSError as e:
        raise AttestationFormatError(f"{file}: cannot read: {e.strerror}") from e
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AttestationFormatError(f"{file}: {where}: {first['msg']} ({e.error_count()} errors)") from e


def _vk(att: Attestation, role: str, report: Report) -> pyv.VerifyingKey | None:
    ref = next((c for c in att.statement.circuits if c.role == role), None)
    if ref is None or ref.name not in att.verifying_keys:
        report.add(f"{role} verifying key", False, "missing")
        return None
    try:
        vk = trust.parse_key(att.verifying_keys[ref.name])  # parsed once for trust and proofs
    except pyv.MalformedInput as e:
        report.add(f"{role} verifying key", False, str(e))
        return None
    expected = {"batch": batch_publics(att), "top": TOP_PUBLICS, "solvency": solvency_publics(att)}[role]
    ok = pyv.vk_hash(vk) == ref.vk_hash and vk.n_public == expected
    report.add(f"{role} verifying key", ok,
               f"hash {ref.vk_hash[:16]}…" if ok else f"hash or input count ({vk.n_public}) does not match the statement")
    if ref.setup.startswith("dev-insecure"):
        report.warnings.append(f"{role} keys are labelled by the attestation itself as an INSECURE single-party "
                               "development setup: whoever ran it could forge proofs")
    return vk if ok else None


def _circuits_match(att: Attestation, report: Report) -> dict | None:
    """Recompile the stated shape's circuits (pure Python) and check the attestation names
    exactly them; returns them by role (None for an invalid shape)."""
    from ..circuits.compile import compile_circuits
    from ..circuits.shape import BookShape

    s = att.statement.shape
    try:
        compiled = compile_circuits(BookShape(**s.model_dump()))  # risk shape included
    except ValueError as e:
        report.add("circuits", False, f"invalid shape: {e}")
        return None
    refs = att.statement.circuits
    bad = [c.role for c in refs if c.role not in compiled or compiled[c.role].hash != c.ir_hash
           or compiled[c.role].name != c.name]
    complete = sorted(c.role for c in refs) == sorted(compiled)
    report.add("circuits", not bad and complete,
               f"{', '.join(sorted(compiled))} circuits are solvent's for this shape" if not bad and complete
               else f"unknown or missing circuits: {bad or sorted(set(compiled) - {c.role for c in refs})}")
    return compiled


def _key_trust(att: Attestation, compiled: dict | None, evidence: trust.TrustEvidence | None,
               allow_insecure_keys: bool, report: Report) -> None:
    """Decide every circuit's key trust from the caller's evidence alone."""
    report.allow_insecure_keys = allow_insecure_keys
    report.keys = trust.assess(att, evidence or trust.TrustEvidence(), compiled or {})
    if allow_insecure_keys and not report.keys_trusted:
        names = ", ".join(f"{k.role} ({k.name})" for k in report.untrusted())
        report.warnings.append(f"UNTRUSTED KEYS accepted on request (--allow-insecure-keys): {names}. Whoever "
                               "holds these keys' trapdoor could have forged every proof checked here.")


def _proofs_ok(vk: pyv.VerifyingKey, vk_json: dict, items: list[tuple[list[int], dict]], fast: bool) -> list[bool]:
    """Per-item validity; batch-verifies first and only splits up on failure."""
    if fast:
        from ..backend import Groth16

        g = Groth16()
        return [g.verify_native(vk_json, pub, proof) for pub, proof in items]
    try:
        parsed = [(pub, pyv.Proof.from_snarkjs(proof)) for pub, proof in items]
    except pyv.MalformedInput:
        parsed = None
    if parsed is not None and pyv.verify_batch(vk, parsed):
        return [True] * len(items)
    out = []
    for pub, proof in items:
        try:
            out.append(pyv.verify(vk, pub, pyv.Proof.from_snarkjs(proof)))
        except pyv.MalformedInput:
            out.append(False)
    return out


def verify(att: Attestation, fast: bool = False, signer: str | None = None, epoch: int | None = None,
           only_batches: list[int] | None = None, pins: Pins | None = None,
           trust_evidence: trust.TrustEvidence | None = None, allow_insecure_keys: bool = False) -> Report:
    """All checks of ``att``; ``signer`` is the address the verifier expects to have
    signed; ``epoch`` the OLDEST epoch accepted (an older, replayed attestation fails; a
    newer one passes); ``only_batches`` limits the batch proofs checked (a
    customer needs only their own batch, the digest and the top proof); ``pins`` are the
    blocks, custodian, oracle and token keys the auditor pins (caveats become checks).

    ``trust_evidence`` is what the caller trusts keys on (``attestation.trust``); without
    it no key is trusted and the report is not valid unless ``allow_insecure_keys``."""
    r = Report()
    pins = pins or Pins()
    st = att.statement
    recovered = hashing.recover_signer(att)
    r.add("signature", recovered is not None and recovered.lower() == st.signer.lower(),
          f"signed by {recovered}", f"signed by {recovered}, not by the signer the statement names ({st.signer})"
          if recovered else "missing or malformed signature")
    if signer is not None:
        r.add("expected signer", st.signer.lower() == signer.lower(), f"the statement names {st.signer}, as expected",
              f"the statement names {st.signer}, not the expected {signer}")
    if epoch is not None:
        r.add("expected epoch", st.epoch >= epoch, f"epoch {st.epoch}, not older than {epoch}",
              f"epoch {st.epoch} is older than the epoch {epoch} you require: a replayed attestation")
    sh = hashing.statement_hash(st)
    r.add("statement hash", sh == att.statement_hash, "", "the statement does not hash to the stated statement_hash")
    context = hashing.context_of(sh, st.epoch, st.signer)
    r.add("context", str(context) == att.context, "binds institution, epoch and statement",
          "does not bind this institution, epoch and statement")
    r.add("assets", len(st.assets) == st.shape.n_assets and len({a.symbol for a in st.assets}) == len(st.assets),
          "", f"{len(st.assets)} assets listed for a shape of {st.shape.n_assets}, or a symbol listed twice")
    params_hash, prices = _risk_params(att, r)
    evidence.check_price_snapshot(att, r, pins)
    compiled = _circuits_match(att, r)
    _key_trust(att, compiled, trust_evidence, allow_insecure_keys, r)
    vk_b, vk_t = _vk(att, "batch", r), _vk(att, "top", r)

    n = len(att.batches)
    r.add("batch count", 1 <= n <= st.shape.capacity and [b.index for b in att.batches] == list(range(n)),
          f"{n} batches of {st.shape.batch_size} leaves (capacity {st.shape.capacity})",
          f"{n} batches for a capacity of {st.shape.capacity}, or not numbered 0 to {n - 1} in order")
    if vk_b is not None:
        chosen = [b for b in att.batches if only_batches is None or b.index in only_batches]
        prefix = [context] if params_hash is None else [context, params_hash]
        try:
            items = [([*prefix, int(b.root), int(b.commitment), *batch_outputs(att, b)], proof_of(b)) for b in chosen]
        except pyv.MalformedInput as e:
            r.add("batch proofs", False, str(e))
        else:
            oks = _proofs_ok(vk_b, att.verifying_keys[_name(att, "batch")], items, fast)
            bad = [b.index for b, ok in zip(chosen, oks) if not ok]
            r.add("batch proofs", bool(chosen) and not bad,
                  f"{len(chosen)} valid" if chosen and not bad else f"invalid or missing: batches {bad or only_batches}")
    digest = spec.digest(context, [(int(b.root), int(b.commitment)) for b in att.batches])
    r.add("batches digest", str(digest) == att.top.batches_digest, "every batch, once, in order",
          "the stated digest is not that of every listed batch, once, in order")
    if vk_t is not None:
        pub = [context, int(att.top.book_root), int(att.top.totals_commitment), digest]
        (ok,) = _proofs_ok(vk_t, att.verifying_keys[_name(att, "top")], [(pub, proof_of(att.top))], fast)
        r.add("top proof", ok, "book root and totals commitment",
              "does not verify for this book root, totals commitment and batches digest")
    if att.totals is not None:
        r.add("revealed totals", _totals_open(att), _totals_detail(att),
              "the revealed totals do NOT open the totals commitment")
    _solvency(att, context, prices, r, fast, pins)
    _accounts(att, r, only_batches)
    return r


def _accounts(att: Attestation, r: Report, only_batches: list[int] | None) -> None:
    """Act on the batch proofs' outcome bits: an account that falls short fails the
    attestation unless the solvency proof shows the insurance fund covering the shortfall."""
    if "collateral" not in att.statement.statements:
        return
    o = outcomes.book_outcome(att)
    r.add("accounts covered", o.acceptable, outcomes.accounts_summary(att))
    if only_batches is not None and o.all_covered:
        r.warnings.append("the outcome bits of batches other than "
                          f"{', '.join(map(str, only_batches))} were not verified here: "
                          "`solvent verify` checks every batch")


def _solvency(att: Attestation, context: int, prices: list[int] | None, r: Report, fast: bool,
              pins: Pins) -> None:
    """The solvency proof over the top proof's totals commitment, and what it outputs:
    every asset covered (never a valid "solvent" attestation otherwise), and with
    collateral/margin whether the insurance fund — reserve holdings designated for it,
    valued at the published prices — covers the book's shortfalls."""
    from ..book.amounts import AmountError, format_amount, parse_amount
    from ..verifier.solvency import BUCKET_LABELS

    st, s = att.statement, att.solvency
    if "solvency" not in st.statements:
        if s is not None or st.shape.solvency is not None or att.reserves is not None or att.reserves_statement:
            r.add("solvency", False, "a solvency or reserves section without the solvency statement")
        return
    if s is None or st.shape.solvency is None or s.mode != st.shape.solvency.mode:
        r.add("solvency", False, "the solvency statement has no (or a mismatched) proof")
        return
    vk = _vk(att, "solvency", r)
    symbols = [a.symbol for a in st.assets]
    try:
        if st.shape.solvency.reserves == "public":
            if s.reserves is None or sorted(s.reserves) != sorted(symbols):
                raise ValueError("public reserves must list every asset")
            res = [parse_amount(s.reserves[a.symbol], a.decimals, 250) for a in st.assets]
        else:
            if s.reserves_commitment is None:
                raise ValueError("committed reserves need reserves_commitment")
            res = [int(s.reserves_commitment)]
        fund: list[int] = []
        covered: list[int] = []
        if st.shape.risk is not None:
            if s.insurance_covered is None or prices is None or att.risk is None:
                raise ValueError("with collateral/margin the solvency proof states insurance coverage")
            fund = [_insurance_fund(att, prices)]
            scale = 4 + int(att.risk.params["value_decimals"])
            if s.insurance_fund != format_amount(fund[0], scale):
                raise ValueError(f"the stated insurance fund {s.insurance_fund} is not the value of the fund's "
                                 f"holdings at the published prices ({format_amount(fund[0], scale)})")
            covered = [int(s.insurance_covered)]
        elif s.insurance_fund is not None or s.insurance_covered is not None:
            raise ValueError("an insurance fund without the collateral statement")
        if sorted(s.coverage) != sorted(symbols):
            raise ValueError("coverage must list every asset")
        pub = [context, int(att.top.totals_commitment), *res, *fund, *(s.coverage[x] for x in symbols), *covered]
    except (ValueError, AmountError, KeyError) as e:  # ReservesError is a ValueError
        r.add("solvency proof", False, str(e))
        return
    if vk is not None:
        (ok,) = _proofs_ok(vk, att.verifying_keys[_name(att, "solvency")], [(pub, s.proof.model_dump(mode="json"))], fast)
        r.add("solvency proof", ok, "reserves vs the committed totals, opened privately",
              "does not verify for these reserves, insurance fund and coverage against the committed totals")
    label = (lambda v: "covered" if v else "NOT COVERED") if s.mode == "pass_fail" else \
        (lambda v: BUCKET_LABELS[v] if 0 <= v < len(BUCKET_LABELS) else "?")
    evidence.check_reserves(att, res, r, pins)
    uncovered = outcomes.uncovered_assets(att)
    r.add("solvency", not uncovered, ", ".join(f"{x}: {label(s.coverage[x])}" for x in symbols))
    if s.insurance_covered is not None:
        r.add("insurance fund", s.insurance_covered,
              outcomes.insurance_summary(outcomes.book_outcome(att)) + " (proven, shortfall not revealed)")


def _insurance_fund(att: Attestation, prices: list[int]) -> int:
    """The fund the solvency proof must have taken: the published holdings designated
    ``"purpose": "insurance"`` at the published prices, ×10^4 value units (0 without any)."""
    from ..book import Asset
    from ..reserves import parse_reserves, reserves_per_asset
    from ..verifier.solvency import insurance_value

    if att.reserves is None:
        return 0
    st = att.statement
    doc = parse_reserves(att.reserves, "attestation.json, section 'reserves'")
    units = reserves_per_asset(doc, [Asset(a.symbol, a.decimals) for a in st.assets], purpose="insurance")
    return insurance_value([units[a.symbol] for a in st.assets], prices)


def _risk_params(att: Attestation, r: Report) -> tuple[int | None, list[int] | None]:
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
    from ..book import Asset, InputError
    from ..risk.evaluate import prepare
    from ..risk.params import RiskParamsFile, from_file

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


def _name(att: Attestation, role: str) -> str:
    return next(c.name for c in att.statement.circuits if c.role == role)


def _totals_open(att: Attestation) -> bool:
    from ..book.amounts import AmountError, parse_amount

    st, t = att.statement, att.totals
    assert t is not None
    symbols = set(a.symbol for a in st.assets)
    nets = st.shape.risk is not None  # the tree sums netted debt exactly with the collateral statement
    if set(t.equity) != symbols or set(t.debt) != symbols or (nets and set(t.netted_debt or ()) != symbols) \
            or (not nets and t.netted_debt is not None):
        return False
    width = spec.sum_width(st.shape.range_bits)
    try:
        eq = [parse_amount(t.equity[a.symbol], a.decimals, width) for a in st.assets]
        de = [parse_amount(t.debt[a.symbol], a.decimals, width) for a in st.assets]
        netted = [parse_amount(t.netted_debt[a.symbol], a.decimals, width) for a in st.assets] \
            if t.netted_debt is not None else None
    except AmountError:
        return False
    extras: list[int] = []
    if st.shape.risk is not None:
        o = t.outcome
        if o is None or att.risk is None:
            return False
        scale = 4 + int(att.risk.params.get("value_decimals", 0))
        try:
            extras = [o.under_collateralized, parse_amount(o.collateral_shortfall, scale, 250),
                      o.under_margined, parse_amount(o.margin_shortfall, scale, 250)]
        except AmountError:
            return False
    elif t.outcome is not None:
        return False
    lanes = spec.sums_lanes(eq, de, st.shape.range_bits, extras, netted)
    return str(spec.sum_commitment(lanes, int(t.blind))) == att.top.totals_commitment


def _totals_detail(att: Attestation) -> str:
    """The revealed figures per asset: net liabilities = equity − the debt that nets, in
    exact integer units (a Decimal at its default precision would round the totals of a
    96-bit book)."""
    from ..book.amounts import format_amount, parse_amount

    t = att.totals
    assert t is not None
    parts = []
    for a in att.statement.assets:
        def units(table: dict[str, str] | None) -> int:
            return parse_amount((table or {}).get(a.symbol, "0"), a.decimals, 250)

        eq, de, netted = units(t.equity), units(t.debt), units(t.netted_debt)
        net = eq - netted
        shown = ("-" if net < 0 else "") + format_amount(abs(net), a.decimals)
        parts.append(f"{a.symbol}: net liabilities {shown} (equity {format_amount(eq, a.decimals)}, debt "
                     f"{format_amount(de, a.decimals)}, of which {format_amount(netted, a.decimals)} nets)")
    return "open the totals commitment; " + "; ".join(parts)

