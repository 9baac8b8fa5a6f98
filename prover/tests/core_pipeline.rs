//! End-to-end checks of the native core on IR written by hand: lowering, solving,
//! satisfaction, and Groth16 setup / prove / verify, including cheating witnesses.

use ark_bn254::Fr;
use ark_ff::{One, Zero};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use solvent_prover::groth16::{prove::prove, setup::setup_dev, verify::verify};
use solvent_prover::ir::{GroupKind, Ir};
use solvent_prover::ir_writer::IrWriter;
use solvent_prover::r1cs::{first_unsatisfied, lower};
use solvent_prover::solver::{solve, Mode};
use solvent_prover::Error;
use std::str::FromStr;

fn one() -> Fr {
    Fr::one()
}

/// Public output h = poseidon([x, y]); private x, y; x range-checked to 8 bits; p = x·y public.
fn sample_ir() -> Vec<u8> {
    let mut w = IrWriter::new("test");
    // wires: 1 x, 2 y (private); 3 h, 4 p (public outputs); 5..12 bits of x
    w.group("xy", GroupKind::PrivateInput, 2, 1);
    w.group("h", GroupKind::PublicOutput, 1, 3);
    w.group("p", GroupKind::PublicOutput, 1, 4);
    w.poseidon(Fr::zero(), &[&[(1, one())], &[(2, one())]], 3);
    w.mul(4, &[(1, one())], &[(2, one())]);
    w.bits(&[(1, one())], 8, 5);
    w.finish(13)
}

#[test]
fn poseidon_costs_240_rows_like_circomlib() {
    let mut w = IrWriter::new("test");
    w.group("in", GroupKind::PrivateInput, 2, 1);
    w.poseidon(Fr::zero(), &[&[(1, one())], &[(2, one())]], 3);
    let ir = Ir::parse(&w.finish(4)).unwrap();
    assert_eq!(lower(&ir).num_constraints(), 240);
}

#[test]
fn solves_checks_proves_and_verifies() {
    let ir = Ir::parse(&sample_ir()).unwrap();
    let r1cs = lower(&ir);
    assert_eq!(r1cs.num_public, 2);
    let z = solve(&ir, &r1cs, &[Fr::from(1u64), Fr::from(2u64)], Mode::Strict).unwrap();
    assert_eq!(first_unsatisfied(&r1cs, &z), None);
    let h = Fr::from_str("7853200120776062878684798364095072458815029376092732009249414926327459813530").unwrap();
    assert_eq!(z[1], h, "public output is poseidon([1, 2])");
    assert_eq!(z[2], Fr::from(2u64));

    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let pk = setup_dev(&r1cs, &mut rng).unwrap();
    let proof = prove(&pk, &r1cs, &z, &mut rng).unwrap();
    assert!(verify(&pk.vk, &[h, Fr::from(2u64)], &proof).unwrap());
    assert!(!verify(&pk.vk, &[h, Fr::from(3u64)], &proof).unwrap());
    assert!(verify(&pk.vk, &[h], &proof).is_err(), "wrong input count is an error");
}

#[test]
fn range_check_refuses_and_cheating_witness_fails() {
    let ir = Ir::parse(&sample_ir()).unwrap();
    let r1cs = lower(&ir);
    let err = solve(&ir, &r1cs, &[Fr::from(256u64), Fr::from(2u64)], Mode::Strict).unwrap_err();
    assert!(
        matches!(&err, Error::Witness { site: Some(s), reason } if reason.contains("8 bits") && s.name == "BITS"),
        "{err}"
    );
    let z = solve(&ir, &r1cs, &[Fr::from(256u64), Fr::from(2u64)], Mode::Lenient).unwrap();
    let row = first_unsatisfied(&r1cs, &z).expect("2^8 must not pass an 8-bit range check");
    assert_eq!(r1cs.row_op[row], 2, "the BITS op is the one that fails");

    // a proof made from the unsatisfied witness does not verify
    let mut rng = ChaCha20Rng::seed_from_u64(8);
    let pk = setup_dev(&r1cs, &mut rng).unwrap();
    let proof = prove(&pk, &r1cs, &z, &mut rng).unwrap();
    assert!(!verify(&pk.vk, &[z[1], z[2]], &proof).unwrap());
}

#[test]
fn wrong_preimage_fails() {
    let ir = Ir::parse(&sample_ir()).unwrap();
    let r1cs = lower(&ir);
    let mut z = solve(&ir, &r1cs, &[Fr::from(3u64), Fr::from(4u64)], Mode::Strict).unwrap();
    z[1] += Fr::one(); // claim a different hash output
    assert!(first_unsatisfied(&r1cs, &z).is_some());
}

#[test]
fn malformed_ir_is_rejected() {
    let good = sample_ir();
    assert!(Ir::parse(&good[..good.len() - 1]).is_err(), "truncated");
    let mut bad = good.clone();
    bad[0] = b'X';
    assert!(Ir::parse(&bad).unwrap_err().to_string().contains("magic"));
    // a wire read before written: y*h where h comes later
    let mut w = IrWriter::new("test");
    w.group("x", GroupKind::PrivateInput, 1, 1);
    w.mul(2, &[(1, one())], &[(3, one())]);
    w.lin(3, &[(1, one())]);
    assert!(Ir::parse(&w.finish(4)).unwrap_err().to_string().contains("before it is written"));
    // a wire never written
    let mut w = IrWriter::new("test");
    w.group("x", GroupKind::PrivateInput, 1, 1);
    assert!(Ir::parse(&w.finish(3)).unwrap_err().to_string().contains("never written"));
}
