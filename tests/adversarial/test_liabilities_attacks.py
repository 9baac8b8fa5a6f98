"""A cheating institution against proof of liabilities: every attack is rejected.

Witness-level attacks are played by solving an honest witness and overwriting wires
(or solving leniently), then showing (1) the constraint that stops it and (2) that a
proof made from it anyway does not verify. Bundle-level attacks edit a valid
attestation and re-sign it with the institution's own key, so that only the check
under test can catch them.
"""

from __future__ import annotations

import pytest

from solvent import _native
from solvent.attestation import hashing
from solvent.attestation.inclusion import verify_inclusion
from solvent.attestation.verify import verify
from solvent.backend import NATIVE_PROOFS
from solvent.circuits import liabilities
from solvent.dsl import CircuitBuilder
from solvent.dsl.builder import Op
from solvent.formulas import book as spec
from solvent.formulas.field import R
from solvent.formulas.poseidon import hash_many
from solvent.pipeline.inclusion_export import export
from solvent.pipeline.layout import batch_inputs, lay_out, top_inputs
from solvent.pipeline.prove import prove_book
from solvent.pipeline.statement import ProveOptions
from tests.liabilities.helpers import SECRET, small_book, small_shape

CONTEXT = 99


def failing(backend, compiled, witness):
    return backend.circuit(compiled).first_unsatisfied(witness)


def proof_rejected(backend, keys, compiled, witness):
    res = backend.prove(keys, compiled, witness, check=False)
    return not backend.verify_native(keys.vk_json, res.public, res.proof)


def refused(backend, keys, compiled, inputs) -> tuple[str, str]:
    """``(op, scope)`` of the first constraint a witness solved from ``inputs`` (leniently:
    what a cheating prover would do) breaks, once its proof is also seen to fail."""
    w = backend.witness(compiled, inputs, strict=False)
    row = failing(backend, compiled, w)
    assert row is not None, "the cheating witness satisfies every constraint"
    assert proof_rejected(backend, keys, compiled, w)
    return row[2], row[3]


@pytest.fixture(scope="module")
def setting(shape_keys, backend):
    sk, _ = shape_keys
    book = small_book(8)
    layout = lay_out(book, sk.shape, SECRET, epoch=1)
    return sk, book, layout


# --- balances ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, why", [(R - 1, "negative (-1)"), (2**64, "overflowing (2^64)"),
                                        (R - 10**9, "negative (-10^9)")])
def test_negative_or_overflowing_balance(setting, backend, value, why):
    sk, book, layout = setting
    c = sk.circuits["batch"]
    inputs = batch_inputs(layout, book, 0, CONTEXT)
    inputs["equity"][2][1] = value
    with pytest.raises(_native.WitnessError, match="does not fit in 64 bits"):
        backend.witness(c, inputs)
    assert refused(backend, sk.keys["batch"], c, inputs) == ("BITS", "account[2]/equity[1]"), why


def test_sum_that_wraps_the_field_is_impossible():
    """Every leaf value is below 2^b and a book has at most 2^30 leaves, so a per-asset
    sum stays below 2^(b+30), the lane width; two lanes of 96-bit balances (2·126 bits)
    stay below 2^252 < r: no wrap, no lane carry."""
    assert spec.sum_width(64) == 94 and spec.sum_width(96) == 126
    assert 2 * spec.sum_width(96) <= spec.PACK_BITS < R.bit_length()
    shape = small_shape()
    with pytest.raises(ValueError, match="2\\^30"):
        type(shape)(n_assets=2, batch_size=4096, capacity=2**19)


# --- the sum tree -----------------------------------------------------------------------

def _batch_builder(shape):
    cs = CircuitBuilder("liabilities_batch")
    liabilities.batch(cs, **shape.batch_params())
    return cs


def test_node_claiming_max_instead_of_sum(setting, backend):
    """The prover wants node [1,0] to commit to max(children) instead of their sum."""
    sk, book, layout = setting
    c = sk.circuits["batch"]
    cs = _batch_builder(sk.shape)
    assert cs.compile().hash == c.hash
    sum_wire, node_wire = cs.outputs("node[1,0]", Op.POSEIDON)
    inputs = batch_inputs(layout, book, 0, CONTEXT)
    w = backend.witness(c, inputs)
    eq = inputs["equity"]
    max_lanes = spec.sums_lanes([max(r[a] for r in eq) for a in range(2)], [0, 0], 64)
    forged_c = spec.sum_commitment(max_lanes, inputs["node_blinds"][0])
    forged = w.with_wire(sum_wire, forged_c)
    leaves = [w.wire(x) for x in _leaf_wires(cs)]
    forged = forged.with_wire(node_wire, spec.node_hash(leaves, forged_c))
    row = failing(backend, c, forged)
    assert row is not None and row[2] == "POSEIDON" and row[3] == "node[1,0]"
    assert proof_rejected(backend, sk.keys["batch"], c, forged)


def _leaf_wires(cs):
    return [cs.outputs(f"account[{i}]/leaf", Op.POSEIDON)[0] for i in range(4)]


def test_inclusion_path_with_max_sums_does_not_reach_the_root(attested):
    """The same attack against a customer: a path whose parent commitment is computed
    from max(L, R) cannot reach the attested batch root."""
    book, att, out = attested
    proof = export(out, book.ids[0])
    step = proof.path[0]
    forged = proof.model_copy(update={"path": [step.model_copy(update={
        "parent_commitment": str((int(step.parent_commitment) + 1) % R)})]})
    assert not verify_inclusion(forged, att, allow_insecure_keys=True).valid


# --- order keys: duplicates and ordering ----------------------------------------------------

def test_two_accounts_with_the_same_tag_in_a_batch(setting, backend):
    """The same account twice in a batch: same key, same tag, same balances."""
    sk, book, layout = setting
    c = sk.circuits["batch"]
    inputs = batch_inputs(layout, book, 0, CONTEXT)
    inputs["keys"][1], inputs["tags"][1] = inputs["keys"][0], inputs["tags"][0]
    inputs["equity"][1] = inputs["equity"][0]
    assert refused(backend, sk.keys["batch"], c, inputs)[1] == "keys/order[0]"


def test_equal_keys_with_different_tags_in_a_batch(setting, backend):
    """Two leaves whose tags differ but whose order keys are equal: the order is strict."""
    sk, book, layout = setting
    c = sk.circuits["batch"]
    inputs = batch_inputs(layout, book, 0, CONTEXT)
    assert inputs["tags"][1] != inputs["tags"][2]
    inputs["keys"][2] = inputs["keys"][1]
    assert refused(backend, sk.keys["batch"], c, inputs)[1] == "keys/order[1]"


def test_keys_out_of_order_or_descending(setting, backend):
    sk, book, layout = setting
    c = sk.circuits["batch"]
    swapped = batch_inputs(layout, book, 0, CONTEXT)
    for name in ("keys", "tags", "equity"):  # two whole accounts trade places
        swapped[name][1], swapped[name][2] = swapped[name][2], swapped[name][1]
    assert failing(backend, c, backend.witness(c, swapped, strict=False))[3] == "keys/order[1]"
    down = batch_inputs(layout, book, 0, CONTEXT)
    down["keys"][1] = down["keys"][0] - 1
    assert refused(backend, sk.keys["batch"], c, down)[1] == "keys/order[0]"


@pytest.mark.parametrize("end", ["first", "last"])
def test_key_above_2_96_at_either_end(setting, backend, end):
    """Steps in range but an end at or above 2^96: without the end checks the keys could
    run past r and wrap around to a repeat."""
    sk, book, layout = setting
    c = sk.circuits["batch"]
    inputs = batch_inputs(layout, book, 0, CONTEXT)
    keys = inputs["keys"]
    if end == "first":
        inputs["keys"] = [k + 2**spec.ORDER_BITS for k in keys]  # every step unchanged
    else:
        keys[-1] = keys[-2] + 2**spec.ORDER_BITS  # the last step is 2^96 - 1 + 1: in range
        assert keys[-1] >= 2**spec.ORDER_BITS
    assert refused(backend, sk.keys["batch"], c, inputs) == ("BITS", f"keys/{end}")


def test_key_not_from_its_tag_is_a_leaf_no_customer_recognises(setting, backend):
    """The circuit does not check key = tag mod 2^96 (circuits/liabilities.md, "Order
    keys"): a leaf with another key is allowed, but it is not the customer's leaf, so it
    is a fictitious account, which the institution could add anyway."""
    sk, book, layout = setting
    c = sk.circuits["batch"]
    cs = _batch_builder(sk.shape)
    inputs = batch_inputs(layout, book, 0, CONTEXT)
    assert inputs["keys"] == [spec.order_key(t) for t in inputs["tags"]]
    inputs["keys"][1] = inputs["keys"][0] + 1
    assert inputs["keys"][1] < inputs["keys"][2] and inputs["keys"][1] != spec.order_key(inputs["tags"][1])
    w = backend.witness(c, inputs)
    assert failing(backend, c, w) is None
    leaf = w.wire(_leaf_wires(cs)[1])
    eq = inputs["equity"][1]
    assert not sk.shape.with_debt
    assert leaf != spec.leaf_hash(inputs["tags"][1], eq, None, 0, 64)
    assert leaf == hash_many(spec.LEAF, spec.leaf_inputs(inputs["keys"][1], inputs["tags"][1], spec.pack(eq, 64),
                                                         None, 0, spec.key_shift(len(eq), 64)))


def _top_with_boundary(layout, first_of_1):
    """The top's inputs with batch 1's first key replaced, its commitment re-made to match
    (so the opening holds and only the boundary order can catch it)."""
    inputs = top_inputs(layout, SECRET, CONTEXT)
    inputs["first_keys"][1] = first_of_1
    inputs["batch_commitments"][1] = spec.batch_commitment(
        CONTEXT, inputs["batch_lanes"][1], first_of_1, inputs["last_keys"][1], inputs["batch_blinds"][1])
    return inputs


@pytest.mark.parametrize("step", [0, -1], ids=["equal", "descending"])
def test_same_account_in_two_batches(setting, backend, step):
    """Duplicating an account across batches (batch 1 starting at batch 0's last key), or
    a batch starting below the previous one's end, breaks the boundary order in the top."""
    sk, book, layout = setting
    top = sk.circuits["top"]
    inputs = _top_with_boundary(layout, top_inputs(layout, SECRET, CONTEXT)["last_keys"][0] + step)
    w = backend.witness(top, inputs, strict=False)
    row = failing(backend, top, w)
    assert row is not None and row[3] == "slot[1]/order"
    honest = _top_with_boundary(layout, top_inputs(layout, SECRET, CONTEXT)["first_keys"][1])
    assert failing(backend, top, backend.witness(top, honest)) is None, "the re-made commitment opens"


def test_duplicate_account_rows_are_refused_in_input(tmp_path):
    from solvent.inputs.accounts import read_accounts
    from solvent.inputs.errors import InputError
    from tests.liabilities.helpers import ASSETS

    f = tmp_path / "accounts.csv"
    f.write_text("account_id,asset,balance\nalice,BTC,1\nbob,BTC,2\nalice,BTC,3\n")
    with pytest.raises(InputError, match=r"row 4, field 'asset': duplicate row .*first at row 2"):
        read_accounts(f, ASSETS)


# --- the top circuit ------------------------------------------------------------------------

def test_top_rejects_wrong_lanes_and_non_prefix_slots(setting, backend):
    sk, book, layout = setting
    top = sk.circuits["top"]
    inflated = top_inputs(layout, SECRET, CONTEXT)
    inflated["batch_lanes"][0][0] -= 1  # understate batch 0's sums
    assert failing(backend, top, backend.witness(top, inflated))[3] == "slot[0]"
    holes = top_inputs(layout, SECRET, CONTEXT)
    holes["active"] = [1, 0, 1, 0]
    assert failing(backend, top, backend.witness(top, holes, strict=False))[3] == "active"
    ghost = top_inputs(layout, SECRET, CONTEXT)
    ghost["batch_lanes"][3] = [10**20] * len(ghost["batch_lanes"][3])  # lanes in an unused slot
    w = backend.witness(top, ghost)
    assert failing(backend, top, w) is None, "allowed, but masked out:"
    honest = backend.witness(top, top_inputs(layout, SECRET, CONTEXT))
    assert w.public_values() == honest.public_values()


# --- the bundle ---------------------------------------------------------------------------------

def _resigned(att, institution, **update):
    return hashing.sign(att.model_copy(update=update), institution.signing_key)


def _failed(report):
    return {c.name for c in report.checks if not c.ok}


def test_batch_omitted_duplicated_or_reordered(attested, institution):
    _, att, _ = attested
    b = att.batches
    omitted = _resigned(att, institution, batches=[b[0], b[1].model_copy(update={"index": 1})])
    assert "batches digest" in _failed(verify(omitted, proof_checker=NATIVE_PROOFS))
    duplicated = _resigned(att, institution, batches=[b[0], b[1], b[1].model_copy(update={"index": 2})])
    assert "batches digest" in _failed(verify(duplicated, proof_checker=NATIVE_PROOFS))
    swapped = _resigned(att, institution, batches=[b[1].model_copy(update={"index": 0}),
                                                   b[0].model_copy(update={"index": 1}), b[2]])
    assert "batches digest" in _failed(verify(swapped, proof_checker=NATIVE_PROOFS))


def test_batch_taken_from_another_attestation(tmp_path, attested, shape_keys, backend, institution):
    book, att, _ = attested
    other = prove_book(book, shape_keys[0], institution,
                       ProveOptions(epoch=8, snapshot_time="2026-11-22T00:00:00Z"), tmp_path / "other", backend)
    mixed = _resigned(att, institution, batches=[att.batches[0], other.batches[1], att.batches[2]])
    failed = _failed(verify(mixed, proof_checker=NATIVE_PROOFS))
    assert {"batch proofs", "batches digest"} <= failed


def test_replayed_attestation_is_caught_by_expected_epoch(attested):
    _, att, _ = attested
    assert "expected epoch" in _failed(verify(att, proof_checker=NATIVE_PROOFS, epoch=8))


def test_tampered_unsigned_or_foreign_signed_attestation(attested, institution):
    _, att, _ = attested
    tampered = att.model_copy(update={"top": att.top.model_copy(update={"book_root": "1"})})
    assert "signature" in _failed(verify(tampered, proof_checker=NATIVE_PROOFS))
    assert "signature" in _failed(verify(att.model_copy(update={"signature": None}), proof_checker=NATIVE_PROOFS))
    mallory = bytes.fromhex("11" * 32)
    foreign = hashing.sign(att, mallory)
    assert "signature" in _failed(verify(foreign, proof_checker=NATIVE_PROOFS))
    # resigned with a new key *and* naming it: the signature is fine, the signer is not
    st = att.statement.model_copy(update={"signer": institution.__class__("x", mallory, b"").address})
    renamed = hashing.sign(att.model_copy(update={"statement": st}), mallory)
    failed = _failed(verify(renamed, proof_checker=NATIVE_PROOFS, signer=institution.address))
    assert "expected signer" in failed and "context" in failed


def test_forged_book_root_with_valid_signature(attested, institution):
    _, att, _ = attested
    forged = _resigned(att, institution, top=att.top.model_copy(update={"book_root": "12345"}))
    assert _failed(verify(forged, proof_checker=NATIVE_PROOFS)) == {"top proof"}
    assert _failed(verify(forged)) == {"top proof"}, "the pure-Python verifier agrees"


def test_wide_key_in_the_packed_element_is_refused(setting, backend):
    """The order key rides in the last packed equity element (circuits/liabilities.md, "The
    leaf"). A prover keeps a customer's leaf hash exactly but lowers their last balance by 1,
    carrying the difference into the key: ``key' = key + 2^-64 mod r``, so ``v' + key'·2^64·c``
    is the same field element. That key is far above 2^96, and the order checks refuse it."""
    sk, book, layout = setting
    c = sk.circuits["batch"]
    cs = _batch_builder(sk.shape)
    b, A = sk.shape.range_bits, sk.shape.n_assets
    shift = spec.key_shift(A, b)
    assert shift is not None and not sk.shape.with_debt, "the key sits in the equity element"
    inputs = batch_inputs(layout, book, 0, CONTEXT)
    honest = backend.witness(c, inputs)
    i = next(k for k in range(1, 3) if inputs["equity"][k][A - 1] > 0)
    honest_leaf = honest.wire(_leaf_wires(cs)[i])
    inputs["equity"][i][A - 1] -= 1  # weight 2^(shift - b) in the element
    inputs["keys"][i] = (inputs["keys"][i] + pow(1 << b, -1, R)) % R
    assert inputs["keys"][i] >= 2**spec.ORDER_BITS
    w = backend.witness(c, inputs, strict=False)
    assert w.wire(_leaf_wires(cs)[i]) == honest_leaf, "the customer would recognise this leaf"
    row = failing(backend, c, w)
    assert row is not None and row[2] == "BITS" and row[3].startswith(f"keys/order[{i - 1}]")
    assert proof_rejected(backend, sk.keys["batch"], c, w)


def test_debt_cannot_enter_a_book_without_debt(setting, attested):
    """In a shape without debt there is no debt input (the leaf hashes none, the lanes
    carry constant zeros): no witness can give an account debt. A book with debt is refused
    at lay-out, and a customer's file claiming debt against such an attestation is refused
    rather than turned into a leaf."""
    from solvent.attestation.inclusion import leaf_of
    from solvent.errors import UsageError
    from solvent.formulas.errors import MalformedInput

    sk, _, _ = setting
    assert not sk.shape.with_debt and "debt" not in {g.name for g in sk.circuits["batch"].inputs}
    with pytest.raises(UsageError, match="without debt"):
        lay_out(small_book(8, with_debt=True), sk.shape, SECRET, epoch=1)
    book, att, out = attested
    proof = export(out, book.ids[3])
    bal = proof.balances["BTC"]
    owing = proof.model_copy(update={"balances": {**proof.balances, "BTC": bal.model_copy(update={"debt": "1"})}})
    with pytest.raises(MalformedInput, match="committed without debt"):
        leaf_of(owing, att)
    report = verify_inclusion(owing, att, proof_checker=NATIVE_PROOFS)
    assert _failed(report) == {"leaf"} and "committed without debt" in next(c.detail for c in report.checks
                                                                            if c.name == "leaf")


def test_inclusion_with_altered_balance_or_salt(attested):
    book, att, out = attested
    proof = export(out, book.ids[3])
    bal = proof.balances["USDT"]
    richer = proof.model_copy(update={"balances": {**proof.balances, "USDT": bal.model_copy(
        update={"equity": str(int(float(bal.equity)) + 1)})}})
    assert "path to batch root" in _failed(verify_inclusion(richer, att, proof_checker=NATIVE_PROOFS))
    resalted = proof.model_copy(update={"salt": str(int(proof.salt) + 1)})
    assert "path to batch root" in _failed(verify_inclusion(resalted, att, proof_checker=NATIVE_PROOFS))
    renamed = proof.model_copy(update={"account_id": book.ids[4]})
    assert "path to batch root" in _failed(verify_inclusion(renamed, att, proof_checker=NATIVE_PROOFS))
    moved = proof.model_copy(update={"batch": (proof.batch + 1) % 3})
    assert "path to batch root" in _failed(verify_inclusion(moved, att, proof_checker=NATIVE_PROOFS))
    beyond = proof.model_copy(update={"batch": 17})
    assert "path to batch root" in _failed(verify_inclusion(beyond, att, proof_checker=NATIVE_PROOFS))


def test_inclusion_with_a_forged_top_path(attested):
    """The top path must lead from the batch root to the attested book root, at the
    batch's own slot."""
    book, att, out = attested
    proof = export(out, book.ids[1])
    assert "path to book root" not in _failed(verify_inclusion(proof, att, proof_checker=NATIVE_PROOFS))
    step = proof.top_path[0]
    wrong_slot = proof.model_copy(update={"top_path": [step.model_copy(update={"position": (step.position + 1) % 4})]
                                          + list(proof.top_path[1:])})
    assert "path to book root" in _failed(verify_inclusion(wrong_slot, att, proof_checker=NATIVE_PROOFS))
    forged = proof.model_copy(update={"top_path": [step.model_copy(update={
        "parent_commitment": str(int(step.parent_commitment) ^ 1)})] + list(proof.top_path[1:])})
    assert "path to book root" in _failed(verify_inclusion(forged, att, proof_checker=NATIVE_PROOFS))
