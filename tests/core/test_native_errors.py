"""The native module's exceptions: one hierarchy under ``NativeError``, and one class per
kind of failure whichever entry point meets it (prover/python/src/errors.rs)."""

import pytest

from solvent import _native
from solvent.dsl import CircuitBuilder, build

CLASSES = {
    "IrError": ValueError, "WitnessError": ValueError, "UnsatisfiedError": ValueError, "KeyFileError": ValueError,
    "FormatError": ValueError, "InteropError": ValueError, "CeremonyError": ValueError, "BookRowError": ValueError,
    "ArgumentError": ValueError, "IndexOutOfRange": IndexError, "ProverError": RuntimeError,
}


def tiny(cs: CircuitBuilder) -> None:
    x = cs.private_input("x")
    with cs.scope("square"):
        cs.public_output("y", x * x)


@pytest.fixture(scope="module")
def circuit():
    return build(tiny, "tiny")


def test_every_class_derives_from_native_error_and_its_builtin():
    for name, builtin in CLASSES.items():
        cls = getattr(_native, name)
        assert issubclass(cls, _native.NativeError) and issubclass(cls, builtin), name
        assert cls.__module__ == "solvent._native" and cls.__doc__, name
    assert not issubclass(_native.NativeError, ValueError)


def test_a_corrupt_key_file_is_a_key_file_error_everywhere(circuit, tmp_path):
    key = tmp_path / "tiny.pk"
    key.write_bytes(b"SLVPK001" + b"\x00" * 3)
    wtns = tmp_path / "w.wtns"
    wtns.write_bytes(b"")
    ceremony_circuit = _native.CeremonyCircuit.from_ir(circuit.ir)
    for attempt in (lambda: _native.ProvingKey.load(key), lambda: _native.ProvingKey.read_header(key),
                    lambda: _native.circom_prove(key, ceremony_circuit, wtns)):
        with pytest.raises(_native.KeyFileError, match="tiny.pk: truncated proving-key file"):
            attempt()


def test_a_key_for_another_circuit_is_a_key_file_error(circuit, tmp_path):
    other = build(tiny, "other_name")
    native = _native.Circuit(other.ir)
    pk = _native.ProvingKey.setup_dev_insecure(native, seed=b"t")
    path = tmp_path / "other.pk"
    pk.save(path)
    # same constraints, another name: another IR, so another identity
    mine = _native.Circuit(circuit.ir)
    assert mine.hash != native.hash
    with pytest.raises(_native.KeyFileError, match="proving key is for circuit other_name"):
        _native.prove(pk, mine, mine.solve([3]))
    with pytest.raises(_native.KeyFileError, match="other.pk: the proving key is for circuit other_name"):
        _native.circom_prove(path, _native.CeremonyCircuit.from_ir(circuit.ir), tmp_path / "absent.wtns")


def test_a_bad_ptau_is_an_interop_error_in_every_step(circuit, tmp_path):
    ptau = tmp_path / "bad.ptau"
    ptau.write_bytes(b"ptau")
    with pytest.raises(_native.InteropError, match="bad.ptau: truncated file"):
        _native.ptau_info(ptau)
    with pytest.raises(_native.InteropError, match="bad.ptau: truncated file"):
        _native.ceremony_init(_native.CeremonyCircuit.from_ir(circuit.ir), ptau, tmp_path / "s.ph2")


def test_the_test_ptau_writer_refuses_a_power_it_does_not_write(tmp_path):
    for power in (0, 21):
        with pytest.raises(_native.ArgumentError, match=f"power {power} outside 1..=20"):
            _native.ptau_write_insecure_for_tests(tmp_path / "t.ptau", power, b"seed")
    assert not (tmp_path / "t.ptau").exists()


def test_messages_name_the_op_and_the_row(circuit):
    native = _native.Circuit(circuit.ir)
    with pytest.raises(_native.WitnessError, match="expected 1 input values, got 2"):
        native.solve([1, 2])
    forged = native.solve([3]).with_wire(circuit.group("y").first, 10)
    # the output wire is a copy (LIN) of the product: its row is the one a forged output breaks
    with pytest.raises(_native.UnsatisfiedError, match=r"constraint 1 \(op #1 LIN 'square'\) is not satisfied"):
        native.check(forged)
    with pytest.raises(_native.ArgumentError, match="not below the field modulus"):
        native.solve([2**254])
    store = _native.BookStore(["ETH"], [18], 64)
    with pytest.raises(_native.BookRowError) as info:
        store.add_rows(7, ["alice"], ["ETH"], ["1.5e3"])
    assert info.value.args == (7, "balance", "'1.5e3' is not a plain decimal amount")
    with pytest.raises(_native.ArgumentError, match="one value per row"):
        store.add_rows(8, ["alice", "bob"], ["ETH"], ["1"])
    with pytest.raises(_native.IndexOutOfRange, match="no account 0"):
        store.id(0)
