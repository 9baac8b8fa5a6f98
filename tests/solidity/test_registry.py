"""SolvencyRegistry in a real EVM: registration checks the verifier's key and happens once;
changing keys is announced, waits the delay and is then activated, with events; submit
refuses a proof under any key but the active one, verifies the top proof with a context
recomputed on chain, checks the EIP-191 signature, stores the epoch and refuses every
replayed, stale, mis-signed or mismatched submission."""

from __future__ import annotations

import hashlib

import pytest
from eth_abi import decode
from eth_account import Account
from eth_account.messages import encode_defunct

from solvent.evm.calldata import proof_words
from solvent.evm.inclusion import encode_path
from solvent.evm.verifier_gen import generate_verifier
from solvent.formulas.field import R
from solvent.formulas.poseidon import poseidon
from solvent.verifier import VerifyingKey, vk_hash
from tests.harness.attest import context, signed_digest
from tests.harness.contracts import code_hash, deploy_inclusion_verifier
from tests.harness.solc import compile_sources

from .trees import Tree

SIGNER = Account.from_key(b"\x11" * 32)      # dev test keys, generated here, never real
INTRUDER = Account.from_key(b"\x22" * 32)
INSTITUTION = "0x" + "a1" * 20               # the chain's default sender registers itself
STATEMENT = hashlib.sha256(b'{"institution":"Example Exchange"}').digest()
SHAPE = hashlib.sha256(b'{"n_assets":2}').digest()
DELAY = 7 * 24 * 3600
HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
SECP_N = 2 * HALF_N + 1


@pytest.fixture(scope="module")
def tree():
    return Tree.build([8, 2])


@pytest.fixture
def deployed(chain, compiled, prover):
    inclusion = deploy_inclusion_verifier(chain, compiled)
    registry = chain.deploy(compiled["SolvencyRegistry"], inclusion.address, DELAY)
    top = chain.deploy(compiled["TopVerifier"])
    registry("register", SIGNER.address, SHAPE, top.address, key_hash(prover), [key_hash(prover), b"\x05" * 32])
    return registry, top


def key_hash(prover) -> bytes:
    return bytes.fromhex(vk_hash(VerifyingKey.from_snarkjs(prover.keys.vk_json)))


def attestation_hash(epoch: int, root: int) -> bytes:
    return hashlib.sha256(f'{{"epoch":{epoch},"root":"{root}"}}'.encode()).digest()


def sign(h: bytes, account=SIGNER) -> bytes:
    return bytes(account.sign_message(encode_defunct(primitive=h)).signature)


def submission(prover, epoch, root, signer=SIGNER.address, proof_epoch=None, proof_signer=None,
               proof_root=None, sign_with=SIGNER, statement=STATEMENT, top_vk=None):
    """``top_vk``: the key hash the submission names (default: the prover's own)."""
    ctx = context(statement, epoch if proof_epoch is None else proof_epoch, proof_signer or signer)
    proof, public = prover.prove(ctx, root if proof_root is None else proof_root)
    h = attestation_hash(epoch, root)
    return (epoch, statement, h, root, public[2], public[3], proof_words(proof), sign(h, sign_with),
            key_hash(prover) if top_vk is None else top_vk)


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
    registry = chain.deploy(compiled["SolvencyRegistry"], "0x" + "00" * 20, DELAY)
    top = chain.deploy(compiled["TopVerifier"])
    other = chain.deploy(compiled["OtherVerifier"])
    vkh = key_hash(prover)
    assert registry.call("register", SIGNER.address, SHAPE, other.address, vkh, [vkh]).error == "VerifyingKeyMismatch"
    assert registry.call("register", "0x" + "00" * 20, SHAPE, top.address, vkh, [vkh]).error == "ZeroSigner"
    res = registry.call("register", SIGNER.address, SHAPE, top.address, vkh, [vkh])
    assert res.ok and len(res.logs) == 1
    # the event pins the verifier's code hash: anyone can rebuild it from the key
    _, data = res.logs[0].data
    signer, shape, verifier, key, codehash, _ = decode(
        ["address", "bytes32", "address", "bytes32", "bytes32", "bytes32[]"], data)
    assert (signer, shape, verifier, key) == (SIGNER.address.lower(), SHAPE, top.address.lower(), vkh)
    rebuilt = compile_sources({"V.sol": generate_verifier(prover.keys.vk_json, "TopVerifier")})["TopVerifier"]
    assert codehash.hex() == code_hash(rebuilt.runtime)
    assert registry("institutions", INSTITUTION)[0] == SIGNER.address.lower()
    assert registry("institutions", INSTITUTION)[4:] == (vkh, SHAPE)
    assert registry.call("latest", INSTITUTION).error == "NotRegistered"  # nothing submitted yet


def test_a_zero_delay_registry_is_refused(chain, compiled):
    with pytest.raises(RuntimeError):
        chain.deploy(compiled["SolvencyRegistry"], "0x" + "00" * 20, 0)


# ---------------------------------------------------------------- keys are pinned


def _event(res, name: str, types: list[str]):
    """The decoded data of the one log of ``res`` whose first topic is event ``name``."""
    from eth_hash.auto import keccak

    signature = {"KeysAnnounced": "KeysAnnounced(address,address,bytes32,address,bytes32,bytes32,bytes32[],uint64)",
                 "KeysActivated": "KeysActivated(address,address,bytes32,address,bytes32,bytes32[])",
                 "KeysCancelled": "KeysCancelled(address,bytes32)"}[name]
    topic = keccak(signature.encode())
    logs = [log for log in res.logs if bytes.fromhex(str(log.topics[0]).removeprefix("0x")) == topic]
    assert len(logs) == 1, f"no single {name} event"
    return decode(types, logs[0].data[1])


def test_registration_is_once_and_changes_wait_the_delay(deployed, chain, compiled, prover, other_prover):
    registry, top = deployed
    other = chain.deploy(compiled["OtherVerifier"])
    new_key = key_hash(other_prover)
    # registering again is refused: a key swap must be announced and wait
    assert registry.call("register", SIGNER.address, SHAPE, other.address, new_key, [new_key]).error \
        == "AlreadyRegistered"
    assert registry.call("activateKeys").error == "NothingPending"
    res = registry.call("announceKeys", SIGNER.address, SHAPE, other.address, new_key, [new_key])
    assert res.ok, res.error
    *_, activates_at = _event(res, "KeysAnnounced", ["address", "bytes32", "address", "bytes32", "bytes32",
                                                     "bytes32[]", "uint64"])
    assert activates_at == chain.timestamp + DELAY
    assert registry("pendingKeysOf", INSTITUTION)[0][1] == activates_at
    # before the delay: refused, and the old key stays the active one
    chain.advance(DELAY - 1)
    res = registry.call("activateKeys")
    assert res.error == "TooEarly"
    assert registry("institutions", INSTITUTION)[4] == key_hash(prover)
    # a proof under the announced key is not accepted while it is pending
    assert registry.call("submit", INSTITUTION, submission(other_prover, 1, 111)).error == "KeyNotActive"
    assert registry.call("submit", INSTITUTION, submission(prover, 1, 111)).ok
    # after the delay: active, with the event, and the old key is refused from now on
    chain.advance(1)
    res = registry.call("activateKeys")
    assert res.ok, res.error
    signer, shape, verifier, key, hashes = _event(res, "KeysActivated",
                                                  ["address", "bytes32", "address", "bytes32", "bytes32[]"])
    assert (signer, shape, verifier, key, list(hashes)) == (SIGNER.address.lower(), SHAPE, other.address.lower(),
                                                            new_key, [new_key])
    assert registry("institutions", INSTITUTION)[3:5] == (other.address.lower(), new_key)
    assert list(registry("vkHashesOf", INSTITUTION)) == [new_key]
    assert registry("pendingKeysOf", INSTITUTION)[0][1] == 0
    assert registry.call("submit", INSTITUTION, submission(prover, 2, 222)).error == "KeyNotActive"
    assert registry.call("submit", INSTITUTION, submission(other_prover, 2, 222)).ok


def test_a_proof_under_a_key_that_is_not_active_is_refused(deployed, prover, other_prover):
    registry, _ = deployed
    # named honestly: refused before any verification
    res = registry.call("submit", INSTITUTION, submission(other_prover, 1, 111))
    assert res.error == "KeyNotActive"
    # named as the active key: the active verifier rejects the proof
    res = registry.call("submit", INSTITUTION, submission(other_prover, 1, 111, top_vk=key_hash(prover)))
    assert res.error == "InvalidProof"
    assert registry.call("latest", INSTITUTION).error == "NotRegistered", "nothing was stored"


def test_an_announcement_can_be_replaced_or_cancelled(deployed, chain, compiled, other_prover):
    registry, _ = deployed
    other = chain.deploy(compiled["OtherVerifier"])
    new_key = key_hash(other_prover)
    assert registry.call("announceKeys", SIGNER.address, SHAPE, other.address, new_key, [new_key]).ok
    chain.advance(DELAY // 2)
    # announcing again restarts the clock
    assert registry.call("announceKeys", INTRUDER.address, SHAPE, other.address, new_key, [new_key]).ok
    chain.advance(DELAY // 2 + 1)
    assert registry.call("activateKeys").error == "TooEarly"
    res = registry.call("cancelKeys")
    assert res.ok and _event(res, "KeysCancelled", ["bytes32"]) == (new_key,)
    chain.advance(DELAY)
    assert registry.call("activateKeys").error == "NothingPending"
    assert registry("institutions", INSTITUTION)[0] == SIGNER.address.lower()
    # announcing is only for registered institutions, and checks the verifier like register
    stranger = "0x" + "b2" * 20
    chain.evm.set_balance(stranger, 10**20)
    assert registry.call("announceKeys", SIGNER.address, SHAPE, other.address, new_key, [new_key],
                         sender=stranger).error == "NotRegistered"
    assert registry.call("announceKeys", SIGNER.address, SHAPE, other.address, key_hash_of_nothing(),
                         [new_key]).error == "VerifyingKeyMismatch"


def key_hash_of_nothing() -> bytes:
    return b"\x01" * 32
