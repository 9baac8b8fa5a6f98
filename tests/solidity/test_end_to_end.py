"""From `solvent prove` to the chain: a real attestation (CLI: setup, prove, inclusion,
export-verifier), its top proof submitted to SolvencyRegistry, and a real customer's
inclusion proof checked on chain against the stored book root; every tampered variant
refused.

Shape: 2 assets, batch size 8 (an 8-ary level), capacity 4 (a 4-ary top level), 12
accounts (2 batches). Two epochs (3, then 4 with one balance changed) from one key set."""

from __future__ import annotations

import dataclasses
import json
import warnings
from decimal import Decimal

import pytest
from click.testing import CliRunner
from eth_account import Account
from eth_account.messages import encode_defunct

from solvent.attestation import hashing
from solvent.attestation.inclusion import load_proof, verify_inclusion
from solvent.attestation.verify import load
from solvent.backend import NATIVE_PROOFS
from solvent.cli import main
from solvent.evm.inclusion import registry_call, verify_path
from solvent.formulas.errors import MalformedInput
from solvent.formulas.field import R
from tests.harness.attest import registered_keys_match, registration, submission
from tests.harness.chain import DEFAULT_SENDER, Chain
from tests.harness.contracts import compile_all, deploy_inclusion_verifier

INSTITUTION = DEFAULT_SENDER            # the address that registers
SIGNING_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"  # a public test key
INTRUDER = Account.from_key(b"\x22" * 32)
ASSETS = "symbol,decimals\nBTC,8\nUSDT,6\n"
IDS = [f"user{i:02d}" for i in range(12)]
DELAY = 3 * 24 * 3600


def accounts_csv(changed: bool = False) -> str:
    rows = []
    for i in range(12):
        btc = f"{i}.25" if not (changed and i == 7) else "100"
        rows += [f"user{i:02d},BTC,{btc}", f"user{i:02d},USDT,{1000 * i + 17}"]
    return "account_id,asset,balance\n" + "\n".join(rows) + "\n"


def run(*args):
    res = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """Two attestations (epochs 3 and 4), every customer's inclusion proof, the exported top verifier."""
    d = tmp_path_factory.mktemp("e2e")
    (d / "assets.csv").write_text(ASSETS)
    (d / "secret").write_text("cd" * 32)
    (d / "key").write_text(SIGNING_KEY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run("setup", "--assets", d / "assets.csv", "--batch-size", 8, "--capacity", 4, "--out", d / "keys", "--json")
        atts, proofs = {}, {}
        for epoch, changed in ((3, False), (4, True)):
            (d / f"accounts{epoch}.csv").write_text(accounts_csv(changed))
            out = d / f"att{epoch}"
            run("prove", "--accounts", d / f"accounts{epoch}.csv", "--assets", d / "assets.csv", "--out", out,
                "--keys", d / "keys", "--secret-file", d / "secret", "--signing-key-file", d / "key",
                "--institution", "Chain Exchange", "--epoch", epoch, "--snapshot-time", "2026-11-21T00:00:00Z")
            atts[epoch] = load(out)
            for who in IDS:
                run("inclusion", out, "--account", who, "--out", d / f"{who}-{epoch}.json")
                proofs[epoch, who] = load_proof(d / f"{who}-{epoch}.json")
    summary = json.loads(run("export-verifier", d / "att3", "--out", d / "Top.sol", "--contract-name",
                             "TopVerifier", "--json").stdout)
    assert summary["n_public"] == 4
    assert summary["vk_hash"] == registration(atts[3])[2].hex()
    assert (d / "Top.sol").read_text() == _export(d / "att4"), "one key set, one verifier"
    return atts, proofs, (d / "Top.sol").read_text()


def _export(att_dir) -> str:
    out = att_dir.parent / f"{att_dir.name}.sol"
    run("export-verifier", att_dir, "--out", out, "--contract-name", "TopVerifier")
    return out.read_text()


@pytest.fixture(scope="module")
def contracts(bundle):
    return compile_all({"TopVerifier.sol": bundle[2]})


@pytest.fixture
def world(bundle, contracts):
    """A fresh chain: inclusion verifier, registry, the exported top verifier; the
    institution registered with its attestation's signer and vk hashes."""
    atts, _, _ = bundle
    chain = Chain()
    inclusion = deploy_inclusion_verifier(chain, contracts)
    registry = chain.deploy(contracts["SolvencyRegistry"], inclusion.address, DELAY)
    top = chain.deploy(contracts["TopVerifier"])
    signer, shape, top_vk, vks = registration(atts[3])
    assert registration(atts[4]) == (signer, shape, top_vk, vks)
    res = registry.call("register", signer, shape, top.address, top_vk, vks)
    assert res.ok, res.error
    assert registered_keys_match(atts[3], registry("institutions", INSTITUTION), registry("vkHashesOf", INSTITUTION)) \
        == []
    return chain, registry, inclusion, top


def customers(proofs) -> tuple[str, str, str]:
    """Two customers of the first batch and one of the second (leaves are sorted by order key)."""
    first = [who for who in IDS if proofs[3, who].batch == 0]
    second = [who for who in IDS if proofs[3, who].batch == 1]
    return first[0], first[-1], second[0]


def signed(sub: tuple, **change) -> tuple:
    """``sub`` with fields replaced (by Submission field name), re-signed by the real signer
    over its attestation hash, so that only what the proof binds can refuse it."""
    names = ["epoch", "statementHash", "attestationHash", "bookRoot", "totalsCommitment", "batchesDigest",
             "proof", "signature", "topVkHash"]
    out = list(sub)
    for k, v in change.items():
        out[names.index(k)] = v
    out[7] = bytes(Account.sign_message(encode_defunct(primitive=out[2]), private_key=SIGNING_KEY).signature)
    return tuple(out)


def test_real_attestations_are_what_the_registry_expects(bundle, world):
    atts, proofs, _ = bundle
    _, registry, _, _ = world
    for epoch, att in atts.items():
        assert len(att.batches) == 2 and att.statement.shape.batch_size == 8
        assert registry("contextOf", bytes.fromhex(att.statement_hash), epoch, att.statement.signer) == int(att.context)
    for (epoch, _), proof in proofs.items():
        report = verify_inclusion(proof, atts[epoch], proof_checker=NATIVE_PROOFS, allow_insecure_keys=True)
        assert report.valid, report.to_dict()


def test_submit_the_real_top_proof_then_check_a_customer_on_chain(bundle, world):
    atts, proofs, _ = bundle
    _, registry, inclusion, _ = world
    att = atts[3]
    res = registry.call("submit", INSTITUTION, submission(att))
    assert res.ok, res.error
    epoch, stored = registry("latest", INSTITUTION)
    assert (epoch, stored) == (3, (int(att.top.book_root), int(att.top.totals_commitment),
                                   hashing.attestation_hash(att)))
    for who in customers(proofs):
        call = registry_call(proofs[3, who], att)
        assert call.levels == 0x4_0_8_0 | (proofs[3, who].top_path[0].position << 8) | proofs[3, who].path[0].position
        assert verify_path(int(att.top.book_root), call.leaf_hash, call.levels, call.path)
        res = registry.call("verifyInclusion", *call.args(INSTITUTION))
        assert res.ok and res.value is True, who
        assert inclusion("verifyPath", int(att.top.book_root), call.leaf_hash, call.levels, list(call.path))
    # not for an epoch with nothing stored, nor for another institution
    call = registry_call(proofs[3, who], att)
    assert registry("verifyInclusion", INSTITUTION, 4, *call.args(INSTITUTION)[2:]) is False
    assert registry("verifyInclusion", "0x" + "b2" * 20, 3, *call.args(INSTITUTION)[2:]) is False


def _tampered(registry, root, call, expect=False, **kw):
    c = dataclasses.replace(call, **kw)
    assert verify_path(root, c.leaf_hash, c.levels, c.path) is expect
    res = registry.call("verifyInclusion", *c.args(INSTITUTION))
    assert res.ok, res.error
    return res.value


def test_tampered_inclusion_is_refused(bundle, world):
    atts, proofs, _ = bundle
    _, registry, _, _ = world
    att = atts[3]
    assert registry.call("submit", INSTITUTION, submission(att)).ok
    root = int(att.top.book_root)
    me, neighbour, stranger = customers(proofs)
    proof = proofs[3, me]
    call = registry_call(proof, att)
    assert _tampered(registry, root, call, expect=True)
    # wrong balance: the customer's leaf with one BTC more
    btc = proof.balances["BTC"]
    richer = proof.model_copy(update={"balances": {
        **proof.balances, "BTC": btc.model_copy(update={"equity": str(Decimal(btc.equity) + 1)})}})
    assert _tampered(registry, root, call, leaf_hash=registry_call(richer, att).leaf_hash) is False
    # another customer's leaf on this path
    assert _tampered(registry, root, call, leaf_hash=registry_call(proofs[3, neighbour], att).leaf_hash) is False
    # every sibling and parent commitment of the batch path and of the top path
    for w in range(len(call.path)):
        bad = list(call.path)
        bad[w] = (bad[w] + 1) % R
        assert _tampered(registry, root, call, path=tuple(bad)) is False, w
    # wrong position, at the leaf level and at the top level
    for levels in (call.levels ^ 0x01, call.levels ^ 0x0100, call.levels ^ 0x0300):
        assert _tampered(registry, root, call, levels=levels) is False, hex(levels)
    # the path cut short: it ends at the batch root
    assert _tampered(registry, root, call, levels=call.levels & 0xFF, path=call.path[:8]) is False
    assert _tampered(registry, root, call, levels=call.levels & 0xFF) is False
    # a forged top path: the batch root placed in the other batch's slot with that slot's siblings
    other = registry_call(proofs[3, stranger], att)
    forged = call.path[:8] + other.path[8:]
    assert _tampered(registry, root, call, levels=(other.levels & 0xFF00) | (call.levels & 0xFF), path=forged) is False
    # a value >= r that is the right value mod r
    bad = list(call.path)
    bad[0] += R
    assert _tampered(registry, root, call, path=tuple(bad)) is False


def test_the_helper_refuses_a_proof_that_does_not_fit(bundle):
    atts, proofs, _ = bundle
    proof = proofs[3, customers(proofs)[0]]
    with pytest.raises(MalformedInput):
        registry_call(proof, atts[4])                                           # another attestation
    with pytest.raises(MalformedInput):
        registry_call(proof.model_copy(update={"leaf_index": proof.leaf_index + 1}), atts[3])
    with pytest.raises(MalformedInput):
        registry_call(proof.model_copy(update={"top_path": proof.top_path[:0]}), atts[3])


def test_epochs_move_forward_and_inclusion_is_per_epoch(bundle, world):
    atts, proofs, _ = bundle
    _, registry, _, _ = world
    a3, a4 = atts[3], atts[4]
    assert registry.call("submit", INSTITUTION, submission(a3)).ok
    assert registry.call("submit", INSTITUTION, submission(a4)).ok
    assert registry("latest", INSTITUTION)[0] == 4
    # the older attestation replayed, as it is or re-signed under a newer epoch
    assert registry.call("submit", INSTITUTION, submission(a3)).error == "EpochNotAfterLatest"
    assert registry.call("submit", INSTITUTION, signed(submission(a3), epoch=5)).error == "InvalidProof"
    # each customer proof holds for its own epoch's root only
    for who in customers(proofs):
        c3, c4 = registry_call(proofs[3, who], a3), registry_call(proofs[4, who], a4)
        assert registry("verifyInclusion", *c3.args(INSTITUTION)) is True
        assert registry("verifyInclusion", *c4.args(INSTITUTION)) is True
        assert registry("verifyInclusion", INSTITUTION, 4, *c3.args(INSTITUTION)[2:]) is False
        assert registry("verifyInclusion", INSTITUTION, 3, *c4.args(INSTITUTION)[2:]) is False


def test_a_proof_of_another_epoch_is_refused(bundle, world):
    atts, _, _ = bundle
    _, registry, _, _ = world
    a3, a4 = atts[3], atts[4]
    s3, s4 = submission(a3), submission(a4)
    # epoch 4's statement and roots with epoch 3's proof: the context differs
    assert registry.call("submit", INSTITUTION, signed(s4, proof=s3[6])).error == "InvalidProof"
    # epoch 3's proof and values submitted as epoch 4 (fresh epoch, same statement)
    assert registry.call("submit", INSTITUTION, signed(s3, epoch=4)).error == "InvalidProof"
    assert registry.call("submit", INSTITUTION, s3).ok


def test_a_proof_for_another_root_is_refused(bundle, world):
    atts, _, _ = bundle
    _, registry, _, _ = world
    s3, s4 = submission(atts[3]), submission(atts[4])
    assert registry.call("submit", INSTITUTION, signed(s3, bookRoot=s4[3])).error == "InvalidProof"
    assert registry.call("submit", INSTITUTION, signed(s3, totalsCommitment=s4[4])).error == "InvalidProof"
    assert registry.call("submit", INSTITUTION, signed(s3, batchesDigest=s4[5])).error == "InvalidProof"
    assert registry.call("submit", INSTITUTION, signed(s3, statementHash=s4[1])).error == "InvalidProof"


def test_wrong_signer_is_refused(bundle, world, contracts):
    atts, _, _ = bundle
    chain, registry, _, top = world
    s3 = submission(atts[3])
    forged = list(s3)
    forged[7] = bytes(INTRUDER.sign_message(encode_defunct(primitive=s3[2])).signature)
    assert registry.call("submit", INSTITUTION, tuple(forged)).error == "WrongSigner"
    # the institution moves to another signer (announced, activated after the delay): the
    # real signature no longer matches, and a proof is bound to its signer through the context
    _, shape, top_vk, vks = registration(atts[3])
    assert registry.call("announceKeys", INTRUDER.address, shape, top.address, top_vk, vks).ok
    assert registry.call("submit", INSTITUTION, s3).ok, "the active signer stays until activation"
    chain.advance(DELAY)
    assert registry.call("activateKeys").ok
    assert registered_keys_match(atts[4], registry("institutions", INSTITUTION), registry("vkHashesOf", INSTITUTION)) \
        == [f"signer {atts[4].statement.signer} is not the registered {INTRUDER.address.lower()}"]
    s4 = submission(atts[4])
    assert registry.call("submit", INSTITUTION, s4).error == "WrongSigner"
    forged = list(s4)
    forged[7] = bytes(INTRUDER.sign_message(encode_defunct(primitive=s4[2])).signature)
    assert registry.call("submit", INSTITUTION, tuple(forged)).error == "InvalidProof"


def test_margin_attestation_customer_positions_on_chain(tmp_path, contracts):
    """With the margin statement a leaf commits to the customer's positions, which the helper
    recomputes from the quantities in their inclusion proof (never the operator's number)."""
    from tests.risk.helpers import RISK

    (tmp_path / "accounts.csv").write_text("account_id,asset,balance,debt\nalice,BTC,1.5,0\nalice,USDT,10000,50000\n"
                                           "carol,USDT,500,0\n")
    (tmp_path / "assets.csv").write_text(ASSETS)
    (tmp_path / "positions.csv").write_text("account_id,instrument,quantity\nalice,BTC-PERP,1\ncarol,BTC-C-70000,-2.5\n")
    (tmp_path / "risk.json").write_text(json.dumps(RISK))
    (tmp_path / "key").write_text(SIGNING_KEY)
    out = tmp_path / "att"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run("prove", "--accounts", tmp_path / "accounts.csv", "--assets", tmp_path / "assets.csv", "--out", out,
            "--positions", tmp_path / "positions.csv", "--risk", tmp_path / "risk.json", "--statements",
            "liabilities,collateral,margin", "--batch-size", 4, "--signing-key-file", tmp_path / "key", "--epoch", 9)
        run("inclusion", out, "--account", "carol", "--out", tmp_path / "carol.json")
    att, proof = load(out), load_proof(tmp_path / "carol.json")
    chain = Chain()
    registry = chain.deploy(contracts["SolvencyRegistry"], deploy_inclusion_verifier(chain, contracts).address, DELAY)
    top = chain.deploy(compile_all({"T.sol": _export(out)})["TopVerifier"])
    signer, shape, top_vk, vks = registration(att)
    assert registry.call("register", signer, shape, top.address, top_vk, vks).ok
    res = registry.call("submit", INSTITUTION, submission(att))
    assert res.ok, res.error
    assert registry("verifyInclusion", *registry_call(proof, att).args(INSTITUTION)) is True
    fewer = proof.model_copy(update={"positions": {**proof.positions, "BTC-C-70000": "-2"}})
    assert registry("verifyInclusion", *registry_call(fewer, att).args(INSTITUTION)) is False
