//! The witness solver: runs the IR's ops in order from the inputs and produces the full
//! R1CS assignment (columns in the lowering's order). Python never evaluates a constraint.

use crate::field::fr_num_bits;
use crate::ir::{Ir, Lc, Op};
use crate::r1cs::{poseidon_gadget, R1cs};
use ark_bn254::Fr;
use ark_ff::{BigInteger, Field, One, PrimeField, Zero};
use num_bigint::BigUint;

#[derive(Debug)]
pub struct SolveError {
    pub op: usize,
    pub message: String,
}

/// How the solver treats a value that a range check cannot hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Refuse, naming the op: the honest prover's mode.
    Strict,
    /// Write the low bits anyway, producing an unsatisfied witness: adversarial tests
    /// use this to show that the constraints, not the solver, stop a cheater.
    Lenient,
}

fn eval(lc: &Lc, values: &[Fr]) -> Fr {
    lc.0.iter().fold(Fr::zero(), |acc, (w, c)| acc + *c * values[*w as usize])
}

fn to_biguint(x: &Fr) -> BigUint {
    BigUint::from_bytes_le(&x.into_bigint().to_bytes_le())
}

fn from_biguint(x: &BigUint) -> Fr {
    Fr::from_le_bytes_mod_order(&x.to_bytes_le())
}

/// Wire values (indexed by IR wire) and auxiliaries, in column order.
pub fn solve(ir: &Ir, r1cs: &R1cs, inputs: &[Fr], mode: Mode) -> Result<Vec<Fr>, SolveError> {
    let input_wires = ir.input_wires();
    if inputs.len() != input_wires.len() {
        return Err(SolveError {
            op: usize::MAX,
            message: format!("expected {} input values, got {}", input_wires.len(), inputs.len()),
        });
    }
    let mut values = vec![Fr::zero(); ir.num_wires as usize];
    values[0] = Fr::one();
    for (w, v) in input_wires.iter().zip(inputs) {
        values[*w as usize] = *v;
    }
    let mut aux: Vec<Fr> = Vec::with_capacity(r1cs.num_columns - r1cs.aux_offset);
    for (i, (op, _)) in ir.ops.iter().enumerate() {
        let fail = |message: String| SolveError { op: i, message };
        match op {
            Op::Mul { out, a, b } => values[*out as usize] = eval(a, &values) * eval(b, &values),
            Op::Lin { out, a } => values[*out as usize] = eval(a, &values),
            Op::Assert { .. } => {}
            Op::Bits { x, n, first } => {
                let v = eval(x, &values);
                if mode == Mode::Strict && fr_num_bits(&v) > *n {
                    return Err(fail(format!("value does not fit in {n} bits")));
                }
                let bits = v.into_bigint();
                for k in 0..*n {
                    values[(first + k) as usize] = Fr::from(bits.get_bit(k as usize) as u64);
                }
            }
            Op::Poseidon { domain, inputs, out } => {
                let xs: Vec<Fr> = inputs.iter().map(|l| eval(l, &values)).collect();
                values[*out as usize] = poseidon_gadget::trace(*domain, &xs, &mut aux);
            }
            Op::HintInv { x, out } => {
                values[*out as usize] = eval(x, &values).inverse().unwrap_or(Fr::zero());
            }
            Op::HintDivMod { x, d, q, rem } => {
                let (xv, dv) = (to_biguint(&eval(x, &values)), to_biguint(&eval(d, &values)));
                if dv == BigUint::ZERO {
                    return Err(fail("division by zero".into()));
                }
                values[*q as usize] = from_biguint(&(&xv / &dv));
                values[*rem as usize] = from_biguint(&(&xv % &dv));
            }
        }
    }
    let mut z = vec![Fr::zero(); r1cs.num_columns];
    for (w, v) in values.iter().enumerate() {
        z[r1cs.wire_col[w] as usize] = *v;
    }
    z[r1cs.aux_offset..].copy_from_slice(&aux);
    Ok(z)
}
