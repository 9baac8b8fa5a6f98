"""SolvencyRegistry in a real EVM: registration checks the verifier's key, submit verifies the
top proof with a context recomputed on chain, checks the EIP-191 signature, stores the epoch
and refuses every replayed, stale, mis-signed or mismatched submission."""

from __future__ import annotations

import hashlib

import pytest
from eth_abi import decode
from eth_account import Account
from eth_account.messages import encode_defunct

from solvent.evm.attest import context, signed_digest
from solvent.evm.calldata import proof_words
from solvent.evm.contracts import code_hash, deploy_inclusion_verifier
from solvent.evm.solc import compile_sources
from solvent.evm.verifier_gen import generate_verifier
from solvent.evm.inclusion import encode_path
from solvent.verifier import R, VerifyingKey, poseidon, vk_hash

from .trees import Tree

SIGNER = Account.from_key(b"\x11" * 32)      # dev test keys, generated here, never real
INTRUDER = Account.from_key(b"\x22" * 32)
INSTITUTION = "0x" + "a1" * 20               # the chain's default sender registers itself
STATEMENT = hashlib.sha256(b'{"institution":"Example Exchange"}').digest()
HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
SECP_N = 2 * HALF_N + 1


@pytest.fixture(scope="module")
def tree():
    return Tree.build([8, 2])


@pytest.fixture
def deployed(chain, compiled, prover):
    inclusion = deploy_inclusion_verifier(chain, compiled)
    registry = chain.deploy(compiled["SolvencyRegistry"], inclusion.address)
    top = chain.deploy(compiled["TopVerifier"])
    vkh = bytes.fromhex(vk_hash(VerifyingKey.from_snarkjs(prover.keys.vk_json)))
    registry("register", SIGNER.address, top.address, vkh, [vkh, b"\x05" * 32])
    return registry, top


def attestation_hash(epoch: int, root: int) -> bytes:
    return hashlib.sha256(f'{{"epoch":{epoch},"root":"{root}"}}'.encode()).digest()


def sign(h: bytes, account=SIGNER) -> bytes:
    return bytes(account.sign_message(encode_defunct(primitive=h)).signature)


def submission(prover, epoch, root, signer=SIGNER.address, proof_epoch=None, proof_signer=None,
               proof_root=None, sign_with=SIGNER, statement=STATEMENT):
    ctx = context(statement, epoch if proof_epoch is None else proof_epoch, proof_signer or signer)
    proof, public = prover.prove(ctx, root if proof_root is None else proof_root)
    h = attestation_hash(epoch, root)
    return (epoch, statement, h, root, public[2], public[3], proof_words(proof), sign(h, sign_with))


def test_context_matches_python(deployed):
    registry, _ = deployed
    for epoch in (0, 1, 2**64 - 1):
        assert registry("contextOf", STATEMENT, epoch, SIGNER.address) == context(STATEMENT, epoch, SIGNER.address)


def test_signature_digest_matches_eth_account():
    h = attestation_hash(1, 5)
    assert Account._recover_hash(signed_digest(h), signature=sign(h)) == SIGNER.address


def test_submit_stores_the_epoch_and_inclusion_checks_against_it(deployed, prover, tree):
    registry, _ = deployed
    sub = submission(prover, 1, tree.root)
    res = registry.call("submit", INSTITUTION, sub)
    assert res.ok, res.error
    assert res.gas < 400_000, res.gas
    epoch, (root, totals, h) = registry("latest", INSTITUTION)
    assert (epoch, root, totals, h) == (1, tree.root, sub[4], sub[2])
    assert registry("attestationAt", INSTITUTION, 1) == (tree.root, sub[4], sub[2])
    assert registry("vkHashesOf", INSTITUTION)[1] == b"\x05" * 32
    for i in (0, 9, 15):
        enc = encode_path(tree.path(i))
        assert registry("verifyInclusion", INSTITUTION, 1, tree.levels[0][i], enc.levels, list(enc.words)) is True
    enc = encode_path(tree.path(9))
    assert registry("verifyInclusion", INSTITUTION, 1, poseidon([99]), enc.levels, list(enc.words)) is False
    assert registry("verifyInclusion", INSTITUTION, 2, tree.levels[0][9], enc.levels, list(enc.words)) is False


def test_epochs_only_move_forward(deployed, prover):
    registry, _ = deployed
    assert registry.call("submit", INSTITUTION, submission(prover, 5, 111)).ok
    for stale in (5, 4, 0):
        res = registry.call("submit", INSTITUTION, submission(prover, stale, 222))
        assert res.error == "EpochNotAfterLatest", stale
    assert registry.call("submit", INSTITUTION, submission(prover, 6, 222)).ok
    assert registry("latest", INSTITUTION)[0] == 6
    assert registry("attestationAt", INSTITUTION, 5)[0] == 111


def test_wrong_signer_is_rejected(deployed, prover):
    registry, _ = deployed
    res = registry.call("submit", INSTITUTION, submission(prover, 1, 111, sign_with=INTRUDER))
    assert res.error == "WrongSigner"


def test_malformed_and_malleable_signatures_are_rejected(deployed, prover):
    registry, _ = deployed
    sub = list(submission(prover, 1, 111))
    sig = sub[7]
    r, s, v = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
    twin = r + (SECP_N - s).to_bytes(32, "big") + bytes([55 - v])  # same signer, high s
    for bad in (twin, sig[:64], sig + b"\x00", r + sig[32:64] + b"\x01"):
        sub[7] = bad
        assert registry.call("submit", INSTITUTION, tuple(sub)).error == "BadSignature"


def test_proof_for_another_root_is_rejected(deployed, prover):
    registry, _ = deployed
    res = registry.call("submit", INSTITUTION, submission(prover, 1, 111, proof_root=112))
    assert res.error == "InvalidProof"


def test_proof_replayed_from_another_epoch_is_rejected(deployed, prover):
    registry, _ = deployed
    first = submission(prover, 1, 111)
    assert registry.call("submit", INSTITUTION, first).ok
    # epoch 2 reusing epoch 1's proof (and everything else), freshly signed: context differs
    replay = list(first)
    replay[0] = 2
    replay[2] = attestation_hash(2, 111)
    replay[7] = sign(replay[2])
    assert registry.call("submit", INSTITUTION, tuple(replay)).error == "InvalidProof"
    # a proof made for epoch 1 but submitted as epoch 2
    res = registry.call("submit", INSTITUTION, submission(prover, 2, 111, proof_epoch=1))
    assert res.error == "InvalidProof"


def test_proof_for_another_institution_or_statement_is_rejected(deployed, prover):
    registry, _ = deployed
    res = registry.call("submit", INSTITUTION, submission(prover, 1, 111, proof_signer=INTRUDER.address))
    assert res.error == "InvalidProof"
    sub = list(submission(prover, 1, 111))
    sub[1] = hashlib.sha256(b"another statement").digest()
    assert registry.call("submit", INSTITUTION, tuple(sub)).error == "InvalidProof"


def test_each_tampered_submission_field_is_rejected(deployed, prover):
    registry, _ = deployed
    good = submission(prover, 1, 111)
    for field, error in ((4, "InvalidProof"), (5, "InvalidProof"), (3, "InvalidProof")):
        bad = list(good)
        bad[field] = (bad[field] + 1) % R
        assert registry.call("submit", INSTITUTION, tuple(bad)).error == error, field
    for k in range(8):
        bad = list(good)
        words = list(bad[6])
        words[k] += 1
        bad[6] = words
        assert registry.call("submit", INSTITUTION, tuple(bad)).error == "InvalidProof", k
    bad = list(good)
    bad[3] += R
    assert registry.call("submit", INSTITUTION, tuple(bad)).error == "NotInField"
    assert registry.call("submit", INSTITUTION, good).ok


def test_only_the_institution_or_its_signer_submits(deployed, prover, chain):
    registry, _ = deployed
    sub = submission(prover, 1, 111)
    stranger = "0x" + "b2" * 20
    assert registry.call("submit", INSTITUTION, sub, sender=stranger).error == "NotInstitution"
    assert registry.call("submit", stranger, sub, sender=stranger).error == "NotRegistered"
    assert registry.call("submit", INSTITUTION, sub, sender=SIGNER.address).ok


def test_registration_checks_the_verifiers_key(chain, compiled, prover, other_prover):
    registry = chain.deploy(compiled["SolvencyRegistry"], "0x" + "00" * 20)
    top = chain.deploy(compiled["TopVerifier"])
    other = chain.deploy(compiled["OtherVerifier"])
    vkh = bytes.fromhex(vk_hash(VerifyingKey.from_snarkjs(prover.keys.vk_json)))
    assert registry.call("register", SIGNER.address, other.address, vkh, [vkh]).error == "VerifyingKeyMismatch"
    assert registry.call("register", "0x" + "00" * 20, top.address, vkh, [vkh]).error == "ZeroSigner"
    res = registry.call("register", SIGNER.address, top.address, vkh, [vkh])
    assert res.ok and len(res.logs) == 1
    # the event pins the verifier's code hash: anyone can rebuild it from the key
    _, data = res.logs[0].data
    signer, verifier, key_hash, codehash, _ = decode(["address", "address", "bytes32", "bytes32", "bytes32[]"], data)
    assert (signer, verifier, key_hash) == (SIGNER.address.lower(), top.address.lower(), vkh)
    rebuilt = compile_sources({"V.sol": generate_verifier(prover.keys.vk_json, "TopVerifier")})["TopVerifier"]
    assert codehash.hex() == code_hash(rebuilt.runtime)
    assert registry("institutions", INSTITUTION)[0] == SIGNER.address.lower()
    assert registry.call("latest", INSTITUTION).error == "NotRegistered"  # nothing submitted yet
