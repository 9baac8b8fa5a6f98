"""The page's formulas against solvent's Python, evaluated in the real page in Chromium
(the bundled script, `window.solventWeb`): Poseidon and hash_many, byte encoding and
tags, packing, leaves (64-, 96- and 128-bit balances), sum lanes (with netted debt) and
commitments, nodes, batch commitments, the digest, tree shapes and paths, positions
commitments, amounts, prices and the insurance fund's value, each proof's public-value
layout (the batch proofs' outcome bits), what the outcome bits say (outcomes.py),
canonical JSON, the statement and attestation hashes, the context, verifying-key hashes
and EIP-191 signer recovery."""

from __future__ import annotations

import decimal
import json
import random

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from solvent.attestation import hashing, outcomes
from solvent.attestation import proofs as aproofs
from solvent.attestation import solvency_checks as asolvency
from solvent.attestation import totals as atotals
from solvent.attestation.models import Attestation
from solvent.inputs.assets import Asset
from solvent.formulas.amounts import AmountError, format_amount, parse_amount
from solvent.inputs.params import RiskParamsFile, from_file
from solvent.verifier import VerifyingKey, vk_hash
from solvent.formulas import book as spec
from solvent.formulas import risk as risk_spec
from solvent.formulas.errors import MalformedInput
from solvent.formulas.field import R
from solvent.formulas.poseidon import domain, encode_bytes, hash_many, poseidon

from tests.risk.helpers import RISK
from tests.solvency.helpers import holding

from .helpers import drive, export_page

rnd = random.Random(13)


def _field() -> int:
    return rnd.randrange(R)


def _bits(b: int) -> int:
    return rnd.randrange(1 << b)


_KAT_TAG = (7 << 200) + (1 << 96) + 42
LEAF_KATS = [(_KAT_TAG, [1, 2], [3, 0], 5, 64), (_KAT_TAG, [1, 2], None, 5, 64),
             (_KAT_TAG, [1, 2, 3], [4, 0, 6], 5, 64), (_KAT_TAG, [1, 2], None, 5, 96)]
"""Leaf vectors pinned here and in prover/src/book/tree.rs: tag (order key 42), equity,
debt (None: a book without debt), positions, balance bits. The first two carry the key in
the last equity element (2·64 + 96 ≤ 252), the last two as an input of its own (3·64 + 96
and 2·96 + 96 exceed 252)."""
LEAF_KAT_HASHES = [
    19614656829896906235583263255712807617108625874008113146379290698804059174071,
    18226127451070439807792656337085323956142781971321363155509400084513371571329,
    13636266552955391019500471476799017656016773849567113250844891462762110147779,
    13305672098832761113920219091002680708395490722018575916714919247145364073602,
]

IDS = ["", "a", "user-00003", "x" * 31, "y" * 32, "z" * 62, "w" * 434, "Zoë Ünïcødé", "名前@例え.jp", "🦀🦀 emoji",
       "e\u0301 (decomposed)", "quote\" back\\slash"]
CANONICAL = [
    '{"b": 1, "a": [true, false, null], "c": {"z": "", "y": "\\u0000\\u001f\\n\\t\\"\\\\/"}}',
    '{"big": 18446744073709551617, "neg": -1180591620717411303424, "zero": -0, "n": [0, 1, -1]}',
    '{"f": [0.1, 1e16, 1.5e-5, 123.0, 1e-7, 2.5e+300, -0.0, 0.0001, 1234567890123456.0, 5e-324, 1.7976931348623157e308]}',
    '{"\\ue000": 1, "\\ud83d\\ude00": 2, "a": 3, "Z": 4, "é": 5, "\\u00e9x": 6, "": 7}',
    '{"u2028": "\\u2028\\u2029", "del": "\\u007f", "astral": "\\ud834\\udd1e", "text": "Zoë </script>"}',
    '[1.0, 100, 1E2, 3.14159, -2.5e-10, 1e21, 123456789012345680000.0]',
]
AMOUNTS = [("0", 8), ("1", 8), ("1.5", 8), ("0.00000001", 8), ("0.000000010", 8), ("0.000000001", 8), ("-1", 8),
           ("1e3", 8), (" 2.5 ", 6), ("18446744073709551615", 0), ("18446744073709551616", 0), ("184467440737.09551615", 8),
           ("1.", 8), (".5", 8), ("+1", 8), ("1,5", 8), ("007", 2), ("12.3400", 2)]


def _vectors(att) -> tuple[dict, dict]:
    """(inputs as JSON-able strings, expected outputs as Python computes them)."""
    v: dict = {}
    want: dict = {}

    v["poseidon"] = [[[1, 2], 0], [[3, 4], 0], [[_field()], domain("solvent.leaf.v1", 1)],
                     [[_field() for _ in range(16)], _field()]]
    want["poseidon"] = [poseidon(xs, init) for xs, init in v["poseidon"]]
    v["hash_many"] = [["solvent.t.v1", [_field() for _ in range(n)]] for n in (1, 2, 15, 16, 17, 31, 32, 46)]
    want["hash_many"] = [hash_many(label, xs) for label, xs in v["hash_many"]]
    v["tag_of"] = [[i, _field()] for i in IDS]
    want["tag_of"] = [spec.tag_of(i, s) for i, s in v["tag_of"]]
    want["encode"] = [encode_bytes(i.encode("utf-8")) for i in IDS]
    v["pack"] = [[[_bits(w) for _ in range(n)], w] for w, n in ((64, 8), (96, 5), (128, 3), (48, 7), (33, 9), (252, 2))]
    want["pack"] = [spec.pack(vals, w) for vals, w in v["pack"]]
    v["leaf"] = []
    for a, b in ((2, 64), (4, 64), (8, 64), (4, 96), (2, 96), (5, 96), (3, 128), (1, 1)):
        v["leaf"].append([_bits(spec.TAG_BITS), [_bits(b) for _ in range(a)], [_bits(b) for _ in range(a)], _field(), b])
        v["leaf"].append([_bits(spec.TAG_BITS), [_bits(b) for _ in range(a)], None, _field(), b])
    # the widest key beside the widest values, in a last element with room for it
    v["leaf"].append([(1 << spec.TAG_BITS) - 1, [(1 << 64) - 1] * 5, None, 0, 64])
    top96 = (1 << 96) - 1  # the widest 96-bit balance, in every slot of a three-per-element pack
    v["leaf"].append([_bits(spec.TAG_BITS), [top96, 0, top96], [top96, top96, 1], _field(), 96])
    # two tags with one order key (tag mod 2^96) and the same balances: different leaves
    shared = [_bits(spec.TAG_BITS), [_bits(64), _bits(64)], [0, 0], 0, 64]
    v["leaf"] += [shared, [shared[0] ^ (1 << 200), *shared[1:]]]
    v["leaf"] += [list(k) for k in LEAF_KATS]
    want["leaf"] = [spec.leaf_hash(*x) for x in v["leaf"]]
    v["order_key"] = [0, (1 << spec.ORDER_BITS) - 1, 1 << spec.ORDER_BITS, (1 << spec.TAG_BITS) - 1,
                      *(_bits(spec.TAG_BITS) for _ in range(4))]
    want["order_key"] = [spec.order_key(t) for t in v["order_key"]]

    def sums(n, b):
        return [_bits(spec.sum_width(b)) for _ in range(n)]

    # [equity, debt, range bits, extras, netted debt or None]
    v["lanes"] = [[sums(4, 64), sums(4, 64), 64, [], None],
                  [sums(2, 96), sums(2, 96), 96, [3, _bits(200), 1, 0], None],
                  [sums(2, 64), sums(2, 64), 64, [2, _bits(200), 1, _bits(200)], sums(2, 64)],   # netted lanes
                  [sums(2, 96), sums(2, 96), 96, [0, 0, 0, 0], sums(2, 96)],                    # 126-bit lanes
                  [sums(3, 96), sums(3, 96), 96, [1, 5, 0, 0], sums(3, 96)],
                  [sums(2, 128), sums(2, 128), 128, [], sums(2, 128)],
                  [[(1 << spec.sum_width(96)) - 1] * 2, [0, 1], 96, [], [(1 << spec.sum_width(96)) - 1, 0]]]
    want["lanes"] = [spec.sums_lanes(e, d, b, x, n) for e, d, b, x, n in v["lanes"]]
    v["lane_count"] = [[a, b, n, x] for a, b, n, x in ((2, 64, False, 0), (2, 64, True, 4), (4, 96, True, 4),
                                                        (3, 96, False, 0), (3, 128, True, 4), (8, 64, True, 2),
                                                        (1, 1, True, 0))]
    want["lane_count"] = [spec.lane_count(*x) for x in v["lane_count"]]
    v["sum_commitment"] = [[want["lanes"][1], _field()]]
    want["sum_commitment"] = [spec.sum_commitment(*x) for x in v["sum_commitment"]]
    v["sum_commitment"].append([want["lanes"][2], _field()])
    want["sum_commitment"].append(spec.sum_commitment(*v["sum_commitment"][-1]))
    v["node"] = [[[_field() for _ in range(k)], _field()] for k in (8, 4, 2)]
    want["node"] = [spec.node_hash(*x) for x in v["node"]]
    v["batch_commitment"] = [[_field(), [_field(), _field()], _bits(240), _bits(240), _field()]]
    want["batch_commitment"] = [spec.batch_commitment(*x) for x in v["batch_commitment"]]
    v["digest"] = [[_field(), [[_field(), _field()] for _ in range(3)]]]
    want["digest"] = [spec.digest(c, [tuple(b) for b in bs]) for c, bs in v["digest"]]
    want["empty_root"] = spec.empty_root()
    v["tree_sizes"] = [1 << k for k in range(1, 13)] + [3, 6, 12, 24, 72, 96, 1280, 1536, 1792, 3072, 3 << 12]
    want["arities"] = [spec.arities(n) for n in v["tree_sizes"]]
    v["paths"] = []
    for n in (256, 16, 2, 4096, 1536, 1792, 24, 6):
        path = [[rnd.randrange(a), [_field() for _ in range(a - 1)], _field()] for a in spec.arities(n)]
        v["paths"].append([_field(), path, n])
    want["paths"] = [[spec.root_from_path(leaf, [spec.PathLevel(p, tuple(s), c) for p, s, c in path], n),
                      spec.position_in_batch([spec.PathLevel(p, tuple(s), c) for p, s, c in path])]
                     for leaf, path, n in v["paths"]]
    v["positions"] = [[10_000, -5_000, 0, 1 - (1 << 47), (1 << 47) - 1, 300, -1]]
    want["positions"] = [risk_spec.positions_commitment(q) for q in v["positions"]]

    def amount(text, d):
        try:
            return str(parse_amount(text, d, 64))
        except AmountError:
            return None

    v["exact"] = [["65000", 2], ["65000.5", -5], ["65000.5", -6], ["-3217.5", 4], ["0.0001", 3], ["1", 0],
                  ["3000.25", 2], ["123.456", -2]]

    def exact(text, scale_pow):
        from pathlib import Path

        from solvent.inputs.errors import InputError
        from solvent.inputs.params import _exact

        try:
            return str(_exact(text, scale_pow, "x", Path("x")))
        except InputError:
            return None

    want["exact"] = [exact(t, p) for t, p in v["exact"]]
    v["amounts"] = AMOUNTS
    want["amounts"] = [amount(t, d) for t, d in AMOUNTS]
    v["canonical"] = CANONICAL
    want["canonical"] = [hashing.canonical_json(json.loads(t)).decode("utf-8") for t in CANONICAL]
    want["float_repr"] = [repr(float(x)) for x in ("0.1", "1e16", "1e15", "1.5e-5", "0.0001", "0.00001", "1e22",
                                                   "-3.25", "123456789.125", "9007199254740993", "2e-308")]
    v["float_repr"] = ["0.1", "1e16", "1e15", "1.5e-5", "0.0001", "0.00001", "1e22", "-3.25", "123456789.125",
                       "9007199254740993", "2e-308"]

    # the attestation embedded in the page
    st = att.statement
    want["statement_hash"] = hashing.statement_hash(st)
    want["attestation_hash"] = hashing.attestation_hash(att).hex()
    want["context"] = hashing.context_of(want["statement_hash"], st.epoch, st.signer)
    v["context"] = [["ab" * 32, (1 << 64) - 1, "0x" + "Cd" * 20], ["00" * 32, 0, "0x" + "00" * 20]]
    want["contexts"] = [hashing.context_of(h, e, s) for h, e, s in v["context"]]
    want["vk_hash"] = {name: vk_hash(VerifyingKey.from_snarkjs(vk)) for name, vk in att.verifying_keys.items()}

    sigs = []
    for _ in range(3):
        key, h = rnd.randbytes(32), rnd.randbytes(32)
        sig = bytes(Account.sign_message(encode_defunct(primitive=h), private_key=key).signature)
        low_v = sig[:64] + bytes([sig[64] - 27])
        sigs.append([h.hex(), "0x" + sig.hex(), "0x" + low_v.hex(), Account.from_key(key).address.lower()])
    v["signatures"] = sigs
    _attestation_vectors(att, v, want)
    return v, want


def _variant(att, edit) -> tuple[Attestation, str]:
    """``att`` with its JSON edited by ``edit`` (validated as an Attestation, so both sides
    read the same document), and that JSON. These documents carry no valid proofs: they
    only feed the functions that read published values."""
    doc = att.model_dump(mode="json")
    edit(doc)
    variant = Attestation.model_validate(doc)
    return variant, json.dumps(doc)


def _attestation_vectors(att, v: dict, want: dict) -> None:
    """Outcome sentences, batch outcome bits and public-value layouts, and the insurance
    fund's value, from variants of the embedded attestation."""
    n = len(att.batches)

    def outcome_case(statements, bits=None, solvency=None, outcome=None):
        def edit(doc):
            doc["statement"]["statements"] = statements
            for b, (c, m) in zip(doc["batches"], bits or [(None, None)] * n):
                b["all_collateralized"], b["all_margined"] = c, m
            doc["risk"] = {"params": {"quote": "USD"}} if "collateral" in statements else None
            if solvency is not None:
                covered, fund, coverage = solvency
                doc["solvency"] = {"mode": "pass_fail", "reserves": {"BTC": "1", "USDT": "2"}, "coverage": coverage,
                                   "insurance_fund": fund, "insurance_covered": covered, "proof": doc["top"]["proof"]}
            if outcome is not None:
                doc["totals"] = {"blind": "1", "equity": {}, "debt": {}, "outcome": outcome}
        return _variant(att, edit)

    ok, short, unknown = [(True, True)] * n, [(True, True)] * (n - 1) + [(True, False)], [(True, None)] * n
    revealed = {"under_collateralized": 3, "collateral_shortfall": "1234567.0005", "under_margined": 1,
                "margin_shortfall": "12"}
    cases = [
        outcome_case(["liabilities"]),
        outcome_case(["liabilities", "collateral"], [(True, None)] * n),
        outcome_case(["liabilities", "collateral", "margin"], ok),
        outcome_case(["liabilities", "collateral", "margin"], short),
        outcome_case(["liabilities", "collateral", "margin"], unknown),
        outcome_case(["liabilities", "collateral", "margin", "solvency"], short, (True, "1234567.5", {"BTC": 1, "USDT": 1})),
        outcome_case(["liabilities", "collateral", "margin", "solvency"], short, (False, "0", {"BTC": 0, "USDT": 1})),
        outcome_case(["liabilities", "collateral", "margin", "solvency"], short, (True, "999", {"BTC": 1, "USDT": 0}),
                     revealed),
        outcome_case(["liabilities", "collateral"], [(False, None)] + [(True, None)] * (n - 1), None, revealed),
        outcome_case(["liabilities", "collateral", "margin"], [(False, False)] * n, None, revealed),
    ]
    v["outcomes"] = [text for _, text in cases]
    want["outcomes"] = [[outcomes.accounts_summary(a), outcomes.book_outcome(a).acceptable, outcomes.uncovered_assets(a)]
                        for a, _ in cases]

    # batch outcome bits and public values: [risk shape or None, [all_collateralized, all_margined]]
    v["batch_outputs"] = [[None, [None, None]], [None, [True, None]], [{"instruments": 0}, [True, None]],
                          [{"instruments": 0}, [False, None]], [{"instruments": 0}, [True, False]],
                          [{"instruments": 0}, [None, None]], [{"instruments": 2}, [False, True]],
                          [{"instruments": 2}, [True, True]], [{"instruments": 2}, [True, None]]]
    want["batch_outputs"] = []
    context, params_hash = _field(), _field()
    v["batch_prefix"] = [context, params_hash]
    for risk, (c, m) in v["batch_outputs"]:
        def edit(doc, risk=risk, c=c, m=m):
            doc["statement"]["shape"]["risk"] = None if risk is None else {"regions": 3, "scenarios": 16, **risk}
            doc["batches"][0]["all_collateralized"], doc["batches"][0]["all_margined"] = c, m
        a, _ = _variant(att, edit)
        b = a.batches[0]
        try:
            bits = aproofs.batch_outputs(a, b)
        except MalformedInput:
            want["batch_outputs"].append([aproofs.batch_publics(a), None])
            continue
        prefix = [context] if risk is None else [context, params_hash]
        want["batch_outputs"].append([aproofs.batch_publics(a), [*prefix, int(b.root), int(b.commitment), *bits]])
    v["batch_entry"] = [att.batches[0].root, att.batches[0].commitment]

    v["solvency_publics"] = [[risk, reserves] for risk in (None, {"instruments": 0}, {"instruments": 2})
                             for reserves in ("public", "committed")]
    want["solvency_publics"] = []
    for risk, reserves in v["solvency_publics"]:
        def edit(doc, risk=risk, reserves=reserves):
            doc["statement"]["shape"]["risk"] = None if risk is None else {"regions": 3, "scenarios": 16, **risk}
            doc["statement"]["shape"]["solvency"] = {"mode": "buckets", "reserves": reserves}
        want["solvency_publics"].append(aproofs.solvency_publics(_variant(att, edit)[0]))

    # the revealed totals' figures: net liabilities = equity − the debt that nets, as Decimal writes it
    v["totals_detail"], want["totals_detail"] = [], []
    for equity, debt, netted in [({"BTC": "1.5", "USDT": "0"}, {"BTC": "0.5", "USDT": "119000"}, {"BTC": "0.5", "USDT": "110000"}),
                                 ({"BTC": "0.00000001", "USDT": "10123.456789"}, {"BTC": "0.1", "USDT": "0"},
                                  {"BTC": "0.1", "USDT": "0"}),
                                 ({"BTC": "2002.6", "USDT": "7"}, {"BTC": "0", "USDT": "3"}, None),
                                 ({"BTC": "123456789012345678901234567890", "USDT": "0.000001"}, {"BTC": "1", "USDT": "0"},
                                  {"BTC": "0.00000001", "USDT": "0.000001"})]:
        def edit(doc, equity=equity, debt=debt, netted=netted):
            doc["totals"] = {"blind": "1", "equity": equity, "debt": debt, "netted_debt": netted}
        a, text = _variant(att, edit)
        v["totals_detail"].append(text)
        with decimal.localcontext(prec=200):  # exact: the default 28 digits would round the widest sums
            want["totals_detail"].append(atotals.totals_detail(a))

    # the insurance fund: the holdings designated "insurance", at the published prices
    st = att.statement
    assets = [Asset(a.symbol, a.decimals) for a in st.assets]
    fund_cases = [
        (8, {"BTC": "65000", "USDT": "1"}, [("BTC", 10 * 10**8, "insurance"), ("USDT", 123_456_789, "insurance"),
                                           ("BTC", 5 * 10**8, None), ("USDT", 7, "reserves")]),
        (20, {"BTC": "3000.25", "USDT": "0.99987"}, [("BTC", 1, "insurance"), ("USDT", (1 << 100) + 1, "insurance")]),
        (2, {"BTC": "65000", "USDT": "1"}, [("BTC", 12_345, "insurance")]),
        (8, {"BTC": "65000", "USDT": "1"}, [("USDT", 5, None)]),                      # no fund: 0
        (2, {"BTC": "65000.5", "USDT": "1"}, [("BTC", 1, "insurance")]),              # price not exact: refused
        (8, {"BTC": "65000", "USDT": "1"}, [("BTC", 1, "insurance"), ("ETH", 1, "insurance")]),  # unknown asset
    ]
    v["funds"], want["funds"] = [], []
    for vd, prices, rows in fund_cases:
        doc = {"version": "solvent.reserves/1", "holdings": [
            holding(bytes([k + 1]) * 32, symbol, units, st.institution, st.epoch, st.snapshot_time, purpose)
            for k, (symbol, units, purpose) in enumerate(rows)]}
        raw = {**RISK, "value_decimals": vd, "prices": prices, "instruments": {}}  # the fund depends on prices only

        def edit(d, doc=doc, raw=raw):
            d["reserves"], d["risk"] = doc, {"params": raw}
        a, text = _variant(att, edit)
        try:
            params = from_file(RiskParamsFile.model_validate(raw), assets)
            want["funds"].append(format_amount(asolvency.fund_value(a, list(params.prices)), 4 + vd))
        except ValueError:  # InputError and ReservesError are ValueErrors
            want["funds"].append(None)
        v["funds"].append(text)


JS = """(() => {
  const W = window.solventWeb, F = W.formulas, P = W.poseidon, J = W.json, S = W.signature;
  const v = JSON.parse(%s);
  const B = (x) => BigInt(x), str = (x) => x.toString(), strs = (xs) => xs.map(str);
  const hex = (h) => Uint8Array.from(h.match(/../g).map((b) => parseInt(b, 16)));
  const att = J.parseJson(document.getElementById("solvent-attestation").textContent);
  const path = (p) => p.map(([pos, sib, c]) => ({position: pos, siblings: sib.map(B), parentCommitment: B(c)}));
  const raises = (f) => { try { f(); return false; } catch (e) { return true; } };
  return {
    poseidon: v.poseidon.map(([xs, init]) => str(P.poseidon(xs.map(B), B(init)))),
    hash_many: v.hash_many.map(([label, xs]) => str(P.hashMany(label, xs.map(B)))),
    tag_of: v.tag_of.map(([id, salt]) => str(F.tagOf(id, B(salt)))),
    encode: v.tag_of.map(([id]) => strs(P.encodeBytes(new TextEncoder().encode(id)))),
    pack: v.pack.map(([vals, w]) => strs(F.pack(vals.map(B), w))),
    leaf: v.leaf.map(([t, e, d, p, b]) => str(F.leafHash(B(t), e.map(B), d === null ? null : d.map(B), B(p), b))),
    order_key: v.order_key.map((t) => str(F.orderKey(B(t)))),
    lanes: v.lanes.map(([e, d, b, x, n]) => strs(F.sumsLanes(e.map(B), d.map(B), b, x.map(B), n === null ? null : n.map(B)))),
    lane_count: v.lane_count.map(([a, b, n, x]) => String(F.laneCount(a, b, n, x))),
    exact: v.exact.map(([t, p]) => { try { return str(F.exactScaled(t, p, "x")); } catch (e) { return null; } }),
    outcomes: v.outcomes.map((t) => { const a = J.parseJson(t), O = W.outcomes;
      return [O.accountsSummary(a), O.acceptable(O.bookOutcome(a)), O.uncoveredAssets(a)]; }),
    batch_outputs: v.batch_outputs.map(([risk, [c, m]]) => {
      const shape = {risk: risk === null ? null : {instruments: risk.instruments}};
      const entry = {root: B(v.batch_entry[0]), commitment: B(v.batch_entry[1])};
      let pub = null;
      try {
        const bits = F.batchOutputs(shape, {index: 0, allCollateralized: c, allMargined: m});
        pub = strs(F.batchPublics(B(v.batch_prefix[0]), risk === null ? null : B(v.batch_prefix[1]), entry, bits));
      } catch (e) { if (!(e instanceof F.MalformedInput)) throw e; }
      return [F.batchPublicCount(shape), pub];
    }),
    solvency_publics: v.solvency_publics.map(([risk, reserves]) => F.solvencyPublicCount({nAssets: 2, risk,
      solvency: {mode: "buckets", reserves}})),
    totals_detail: v.totals_detail.map((t) => { const a = J.parseJson(t);
      return W.check.totalsDetail(a, a.statement.assets.map((x) => ({symbol: x.symbol, decimals: Number(x.decimals)}))); }),
    funds: v.funds.map((t) => { const a = J.parseJson(t);
      const assets = a.statement.assets.map((x) => ({symbol: x.symbol, decimals: Number(x.decimals)}));
      try { return F.formatAmount(W.check.insuranceFund(a, assets), 4 + Number(a.risk.params.value_decimals)); }
      catch (e) { if (e instanceof F.MalformedInput) return null; throw e; } }),
    sum_commitment: v.sum_commitment.map(([l, blind]) => str(F.sumCommitment(l.map(B), B(blind)))),
    node: v.node.map(([ch, c]) => str(F.nodeHash(ch.map(B), B(c)))),
    batch_commitment: v.batch_commitment.map(([c, l, f, t, b]) => str(F.batchCommitment(B(c), l.map(B), B(f), B(t), B(b)))),
    digest: v.digest.map(([c, bs]) => str(F.digest(B(c), bs.map(([r, m]) => [B(r), B(m)])))),
    empty_root: str(F.emptyRoot()),
    arities: v.tree_sizes.map((n) => F.arities(n)),
    paths: v.paths.map(([leaf, p, n]) => [str(F.rootFromPath(B(leaf), path(p), n)), F.positionInBatch(path(p))]),
    positions: v.positions.map((q) => str(F.positionsCommitment(q.map(B)))),
    amounts: v.amounts.map(([t, d]) => { try { return str(F.parseAmount(t, d, 64)); } catch (e) { return null; } }),
    canonical: v.canonical.map((t) => J.canonicalJson(J.parseJson(t))),
    float_repr: v.float_repr.map(J.pythonFloatRepr),
    statement_hash: S.statementHash(att.statement),
    attestation_hash: Array.from(S.attestationHash(att), (b) => b.toString(16).padStart(2, "0")).join(""),
    context: str(S.contextOf(S.statementHash(att.statement), att.statement.epoch, att.statement.signer)),
    contexts: v.context.map(([h, e, s]) => str(S.contextOf(h, B(e), s))),
    vk_hash: Object.fromEntries(Object.entries(att.verifying_keys).map(([n, k]) => [n, W.proofs.vkHash(W.proofs.readVerifyingKey(k))])),
    recovered: v.signatures.map(([h, sig, low]) => [S.recoverSigner(hex(h), sig), S.recoverSigner(hex(h), low)]),
    bad_signature: S.recoverSigner(hex(v.signatures[0][0]), "0x" + "00".repeat(65)),
    refused: [
      raises(() => F.pack([1n << 64n], 64)), raises(() => P.poseidon([P.R])), raises(() => F.tagOf("a", P.R)),
      raises(() => F.arities(11)), raises(() => F.arities(1)), raises(() => F.arities(22)),
      raises(() => F.arities(9007199254740881)), raises(() => F.leafHash(1n << 240n, [0n], [0n], 0n, 64)),
      raises(() => P.encodeBytes(new Uint8Array(435))), raises(() => F.positionsCommitment([1n << 47n])),
      raises(() => J.parseJson('{"a": 1, "a": 2}')),
      raises(() => F.leafHash(1n, [1n << 96n], [0n], 0n, 96)), raises(() => F.sumsLanes([0n], [0n], 96, [], [1n << 126n])),
      raises(() => F.orderKey(1n << 240n)), raises(() => F.orderKey(-1n)),
    ],
  };
})()"""


@pytest.fixture(scope="module")
def computed(attested, chromium, tmp_path_factory):
    _, att, out = attested
    page = export_page(out, tmp_path_factory.mktemp("formulas") / "site", "--allow-insecure-keys")
    v, want = _vectors(att)
    (got,) = drive(chromium, page, [{"op": "eval", "expr": JS % json.dumps(json.dumps(_js(v)))}])["steps"]
    return v, want, got


def _js(x):
    """JSON for JavaScript: integers beyond 2^53 as decimal strings (JSON.parse would
    round them; the page's side reads every integer with BigInt)."""
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return str(x) if abs(x) >= 1 << 53 else x
    if isinstance(x, (list, tuple)):
        return [_js(y) for y in x]
    if isinstance(x, dict):
        return {k: _js(y) for k, y in x.items()}
    return x


def _as_str(x):
    if isinstance(x, list):
        return [_as_str(y) for y in x]
    return None if x is None else str(x)


@pytest.mark.parametrize("name", ["poseidon", "hash_many", "tag_of", "encode", "pack", "leaf", "order_key", "lanes",
                                  "lane_count",
                                  "sum_commitment", "node", "batch_commitment", "digest", "empty_root", "positions",
                                  "contexts", "exact", "funds", "totals_detail"])
def test_book_formulas_match_python(computed, name):
    _, want, got = computed
    assert got[name] == _as_str(want[name])


def test_known_answers(computed):
    _, want, got = computed
    assert got["poseidon"][:2] == ["7853200120776062878684798364095072458815029376092732009249414926327459813530",
                                   "14763215145315200506921711489642608356394854266165572616578112107564877678998"]
    # the same leaf vector is pinned in the Rust tree builder's tests (prover/src/book/tree.rs)
    n = len(LEAF_KATS)
    assert want["leaf"][-n:] == LEAF_KAT_HASHES and got["leaf"][-n:] == [str(h) for h in LEAF_KAT_HASHES]


def test_key_sits_in_the_last_equity_element_only_when_it_fits():
    assert [spec.key_shift(a, b) for a, b in ((2, 64), (8, 64), (3, 64), (2, 96), (1, 96), (1, 128), (5, 96))] == \
        [128, 128, None, None, 96, 128, 96]
    tag, eq, _, pos, bits = LEAF_KATS[1]
    packed = spec.pack(eq, bits)
    assert spec.leaf_hash(tag, eq, None, pos, bits) == hash_many(spec.LEAF, [tag, packed[0] + (42 << 128), pos])
    tag, eq, de, pos, bits = LEAF_KATS[2]
    assert spec.leaf_hash(tag, eq, de, pos, bits) == hash_many(spec.LEAF, [42, tag, *spec.pack(eq, bits),
                                                                           *spec.pack(de, bits), pos])


def test_equal_order_keys_give_different_leaves(computed):
    v, want, _ = computed
    n = len(LEAF_KATS)
    a, b = v["leaf"][-n - 2:-n]
    assert spec.order_key(a[0]) == spec.order_key(b[0]) and a[0] != b[0] and want["leaf"][-n - 2] != want["leaf"][-n - 1]


def test_tree_shapes_and_paths_match_python(computed):
    _, want, got = computed
    assert got["arities"] == want["arities"]
    assert got["paths"] == [[str(root), pos] for root, pos in want["paths"]]


def test_amounts_are_parsed_like_python(computed):
    v, want, got = computed
    assert got["amounts"] == want["amounts"], list(zip(v["amounts"], want["amounts"], got["amounts"]))


def test_canonical_json_is_pythons(computed):
    _, want, got = computed
    assert got["float_repr"] == want["float_repr"]
    for text, expected, actual in zip(CANONICAL, want["canonical"], got["canonical"]):
        assert actual == expected, text


def test_attestation_hashes_and_keys_match_python(computed):
    _, want, got = computed
    assert got["statement_hash"] == want["statement_hash"]
    assert got["attestation_hash"] == want["attestation_hash"]
    assert got["context"] == str(want["context"])
    assert got["vk_hash"] == want["vk_hash"]


def test_signer_recovery_matches_eth_account(computed):
    v, _, got = computed
    assert got["recovered"] == [[address, address] for *_, address in v["signatures"]]
    assert got["bad_signature"] is None


def test_the_page_refuses_what_python_refuses(computed):
    _, want, got = computed
    assert got["refused"] == [True] * 15
    for bad in ([1 << 64], 64), ([-1], 64):
        with pytest.raises(MalformedInput):
            spec.pack(*bad)
    with pytest.raises(MalformedInput):
        spec.leaf_hash(1, [1 << 96], [0], 0, 96)
    with pytest.raises(MalformedInput):
        spec.sums_lanes([0], [0], 96, (), [1 << 126])
    for tag in (1 << 240, -1):
        with pytest.raises(MalformedInput):
            spec.order_key(tag)
    assert None in want["exact"] and want["funds"][-2:] == [None, None], "the vectors include refusals"


def test_batch_public_values_carry_the_outcome_bits_as_python_does(computed):
    _, want, got = computed
    assert got["batch_outputs"] == [[count, None if pub is None else [str(x) for x in pub]]
                                    for count, pub in want["batch_outputs"]]
    assert [count for count, _ in want["batch_outputs"]] == [3, 3, 5, 5, 5, 5, 6, 6, 6]
    assert [pub is None for _, pub in want["batch_outputs"]] == [False, True, False, False, True, True, False, False,
                                                                 True], "missing or extra bits are refused"
    assert got["solvency_publics"] == want["solvency_publics"]


def test_the_outcome_sentences_are_pythons(computed):
    _, want, got = computed
    assert got["outcomes"] == [list(x) for x in want["outcomes"]]
    sentences = [s for s, _, _ in want["outcomes"]]
    assert "every account is collateralized and margined" in sentences
    assert any("some accounts fall short" in s and "(1,234,567.5 USD): yes" in s for s in sentences)
    assert any("3 under-collateralized (shortfall 1,234,567.0005 USD)" in s for s in sentences)
