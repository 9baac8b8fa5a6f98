"""The page's formulas against solvent's Python, evaluated in the real page in Chromium
(the bundled script, `window.solventWeb`): Poseidon and hash_many, byte encoding and
tags, packing, leaves, sum commitments, nodes, batch commitments, the digest, tree
shapes and paths, positions commitments, amounts, canonical JSON, the statement and
attestation hashes, the context, verifying-key hashes and EIP-191 signer recovery."""

from __future__ import annotations

import json
import random

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from solvent.attestation import hashing
from solvent.book.amounts import AmountError, parse_amount
from solvent.verifier import VerifyingKey, vk_hash
from solvent.verifier import book as spec
from solvent.verifier import risk as risk_spec
from solvent.verifier.errors import MalformedInput
from solvent.verifier.field import R
from solvent.verifier.poseidon import domain, encode_bytes, hash_many, poseidon

from .helpers import drive, export_page

rnd = random.Random(13)


def _field() -> int:
    return rnd.randrange(R)


def _bits(b: int) -> int:
    return rnd.randrange(1 << b)


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
    for a, b in ((2, 64), (4, 64), (8, 64), (4, 96), (3, 128), (1, 1)):
        v["leaf"].append([_bits(spec.TAG_BITS), [_bits(b) for _ in range(a)], [_bits(b) for _ in range(a)], _field(), b])
    want["leaf"] = [spec.leaf_hash(*x) for x in v["leaf"]]
    v["lanes"] = [[[_bits(64 + 32) for _ in range(4)], [_bits(64 + 32) for _ in range(4)], 64, []],
                  [[_bits(96 + 32) for _ in range(2)], [_bits(96 + 32) for _ in range(2)], 96, [3, _bits(200), 1, 0]]]
    want["lanes"] = [spec.sums_lanes(*x) for x in v["lanes"]]
    v["sum_commitment"] = [[want["lanes"][1], _field()]]
    want["sum_commitment"] = [spec.sum_commitment(*x) for x in v["sum_commitment"]]
    v["node"] = [[[_field() for _ in range(k)], _field()] for k in (8, 4, 2)]
    want["node"] = [spec.node_hash(*x) for x in v["node"]]
    v["batch_commitment"] = [[_field(), [_field(), _field()], _bits(240), _bits(240), _field()]]
    want["batch_commitment"] = [spec.batch_commitment(*x) for x in v["batch_commitment"]]
    v["digest"] = [[_field(), [[_field(), _field()] for _ in range(3)]]]
    want["digest"] = [spec.digest(c, [tuple(b) for b in bs]) for c, bs in v["digest"]]
    want["empty_root"] = spec.empty_root()
    want["arities"] = [spec.arities(1 << k) for k in range(1, 13)]
    v["paths"] = []
    for n in (256, 16, 2, 4096):
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
    return v, want


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
    leaf: v.leaf.map(([t, e, d, p, b]) => str(F.leafHash(B(t), e.map(B), d.map(B), B(p), b))),
    lanes: v.lanes.map(([e, d, b, x]) => strs(F.sumsLanes(e.map(B), d.map(B), b, x.map(B)))),
    sum_commitment: v.sum_commitment.map(([l, blind]) => str(F.sumCommitment(l.map(B), B(blind)))),
    node: v.node.map(([ch, c]) => str(F.nodeHash(ch.map(B), B(c)))),
    batch_commitment: v.batch_commitment.map(([c, l, f, t, b]) => str(F.batchCommitment(B(c), l.map(B), B(f), B(t), B(b)))),
    digest: v.digest.map(([c, bs]) => str(F.digest(B(c), bs.map(([r, m]) => [B(r), B(m)])))),
    empty_root: str(F.emptyRoot()),
    arities: Array.from({length: 12}, (_, k) => F.arities(2 ** (k + 1))),
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
      raises(() => F.arities(3)), raises(() => F.leafHash(1n << 240n, [0n], [0n], 0n, 64)),
      raises(() => P.encodeBytes(new Uint8Array(435))), raises(() => F.positionsCommitment([1n << 47n])),
      raises(() => J.parseJson('{"a": 1, "a": 2}')),
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
    return str(x)


@pytest.mark.parametrize("name", ["poseidon", "hash_many", "tag_of", "encode", "pack", "leaf", "lanes", "sum_commitment",
                                  "node", "batch_commitment", "digest", "empty_root", "positions", "contexts"])
def test_book_formulas_match_python(computed, name):
    _, want, got = computed
    assert got[name] == _as_str(want[name])


def test_known_answers(computed):
    _, _, got = computed
    assert got["poseidon"][:2] == ["7853200120776062878684798364095072458815029376092732009249414926327459813530",
                                   "14763215145315200506921711489642608356394854266165572616578112107564877678998"]


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
    _, _, got = computed
    assert got["refused"] == [True] * 8
    for bad in ([1 << 64], 64), ([-1], 64):
        with pytest.raises(MalformedInput):
            spec.pack(*bad)
