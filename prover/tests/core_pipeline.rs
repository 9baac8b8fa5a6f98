//! End-to-end checks of the native core on IR written by hand: lowering, solving,
//! satisfaction, and Groth16 setup / prove / verify, including cheating witnesses.

use ark_bn254::Fr;
use ark_ff::{One, Zero};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use solvent_native::field::fr_to_le;
use solvent_native::groth16::{prove::prove, setup::setup_dev, verify::verify};
use solvent_native::ir::Ir;
use solvent_native::r1cs::{first_unsatisfied, lower};
use solvent_native::solver::{solve, Mode};
use std::str::FromStr;

/// Minimal IR writer for tests (the real one is the Python DSL).
#[derive(Default)]
struct IrWriter {
    coeffs: Vec<Fr>,
    groups: Vec<(String, u8, u32, u32)>,
    ops: Vec<u8>,
    n_ops: u32,
}

type Terms<'a> = &'a [(u32, Fr)];

impl IrWriter {
    fn coeff(&mut self, c: Fr) -> u32 {
        if let Some(i) = self.coeffs.iter().position(|x| *x == c) {
            return i as u32;
        }
        self.coeffs.push(c);
        (self.coeffs.len() - 1) as u32
    }
    fn u32(&mut self, v: u32) {
        self.ops.extend_from_slice(&v.to_le_bytes());
    }
    fn lc(&mut self, terms: Terms) {
        self.u32(terms.len() as u32);
        for (w, c) in terms {
            let ci = self.coeff(*c);
            self.u32(*w);
            self.u32(ci);
        }
    }
    fn op(&mut self, code: u8) {
        self.ops.push(code);
        self.u32(0);
        self.n_ops += 1;
    }
    fn mul(&mut self, out: u32, a: Terms, b: Terms) {
        self.op(1);
        self.u32(out);
        self.lc(a);
        self.lc(b);
    }
    fn lin(&mut self, out: u32, a: Terms) {
        self.op(2);
        self.u32(out);
        self.lc(a);
    }
    fn bits(&mut self, x: Terms, n: u32, first: u32) {
        self.op(4);
        self.lc(x);
        self.u32(n);
        self.u32(first);
    }
    fn poseidon(&mut self, domain: Fr, inputs: &[Terms], out: u32) {
        self.op(5);
        let d = self.coeff(domain);
        self.u32(d);
        self.u32(inputs.len() as u32);
        for i in inputs {
            self.lc(i);
        }
        self.u32(out);
    }
    fn finish(self, num_wires: u32) -> Vec<u8> {
        let mut b = b"SLVIR001".to_vec();
        let s = |b: &mut Vec<u8>, x: &str| {
            b.extend_from_slice(&(x.len() as u32).to_le_bytes());
            b.extend_from_slice(x.as_bytes());
        };
        s(&mut b, "test");
        b.extend_from_slice(&num_wires.to_le_bytes());
        b.extend_from_slice(&(self.coeffs.len() as u32).to_le_bytes());
        for c in &self.coeffs {
            b.extend_from_slice(&fr_to_le(c));
        }
        b.extend_from_slice(&1u32.to_le_bytes());
        s(&mut b, "");
        b.extend_from_slice(&(self.groups.len() as u32).to_le_bytes());
        for (name, kind, count, first) in &self.groups {
            s(&mut b, name);
            b.push(*kind);
            b.extend_from_slice(&count.to_le_bytes());
            b.extend_from_slice(&first.to_le_bytes());
        }
        b.extend_from_slice(&self.n_ops.to_le_bytes());
        b.extend_from_slice(&self.ops);
        b
    }
}

fn one() -> Fr {
    Fr::one()
}

/// Public output h = poseidon([x, y]); private x, y; x range-checked to 8 bits; p = x·y public.
fn sample_ir() -> Vec<u8> {
    let mut w = IrWriter::default();
    // wires: 1 x, 2 y (private); 3 h, 4 p (public outputs); 5..12 bits of x
    w.groups.push(("xy".into(), 0, 2, 1));
    w.groups.push(("h".into(), 2, 1, 3));
    w.groups.push(("p".into(), 2, 1, 4));
    w.poseidon(Fr::zero(), &[&[(1, one())], &[(2, one())]], 3);
    w.mul(4, &[(1, one())], &[(2, one())]);
    w.bits(&[(1, one())], 8, 5);
    w.finish(13)
}

#[test]
fn poseidon_costs_240_rows_like_circomlib() {
    let mut w = IrWriter::default();
    w.groups.push(("in".into(), 0, 2, 1));
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
    assert!(err.message.contains("8 bits"), "{}", err.message);
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
    assert!(Ir::parse(&bad).unwrap_err().contains("magic"));
    // a wire read before written: y*h where h comes later
    let mut w = IrWriter::default();
    w.groups.push(("x".into(), 0, 1, 1));
    w.mul(2, &[(1, one())], &[(3, one())]);
    w.lin(3, &[(1, one())]);
    assert!(Ir::parse(&w.finish(4)).unwrap_err().contains("before it is written"));
    // a wire never written
    let mut w = IrWriter::default();
    w.groups.push(("x".into(), 0, 1, 1));
    assert!(Ir::parse(&w.finish(3)).unwrap_err().contains("never written"));
}
