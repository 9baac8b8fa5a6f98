//! The witness solver: runs the IR's ops in order from the inputs and produces the full
//! R1CS assignment (columns in the lowering's order). Python never evaluates a constraint.

use crate::error::{Error, Result};
use crate::field::fr_num_bits;
use crate::ir::{Ir, Lc, Op};
use crate::r1cs::{poseidon_gadget, R1cs};
use ark_bn254::Fr;
use ark_ff::{BigInteger, Field, One, PrimeField, Zero};
use num_bigint::BigUint;

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

use crate::field::fr_to_biguint as to_biguint;

fn from_biguint(x: &BigUint) -> Fr {
    Fr::from_le_bytes_mod_order(&x.to_bytes_le())
}

/// The full assignment in column order (`r1cs` must be `lower(ir)`): IR wires, then the
/// auxiliaries of the Poseidon rows. A refusal is `Error::Witness` naming the op and its
/// label.
pub fn solve(ir: &Ir, r1cs: &R1cs, inputs: &[Fr], mode: Mode) -> Result<Vec<Fr>> {
    let input_wires = ir.input_wires();
    if inputs.len() != input_wires.len() {
        return Err(Error::Witness {
            site: None,
            reason: format!("expected {} input values, got {}", input_wires.len(), inputs.len()),
        });
    }
    let mut values = vec![Fr::zero(); ir.num_wires as usize];
    values[0] = Fr::one();
    for (w, v) in input_wires.iter().zip(inputs) {
        values[*w as usize] = *v;
    }
    let mut aux: Vec<Fr> = Vec::with_capacity(r1cs.num_columns - r1cs.aux_offset);
    for (i, (op, _)) in ir.ops.iter().enumerate() {
        let fail = |reason: String| Error::Witness { site: Some(ir.site(i)), reason };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circuit::Compiled;
    use crate::error::Site;
    use crate::ir::GroupKind;
    use crate::ir_writer::IrWriter;

    fn one() -> Fr {
        Fr::one()
    }

    /// x (1) private; 8 bits of x (2..=9) labelled "range"; x = q·d + r hinted (d = 7,
    /// q 10, r 11) with q·7 + r = x asserted ("divmod"); inv = x⁻¹ hinted (12); h =
    /// Poseidon(x, q) (13), public.
    fn circuit() -> Compiled {
        let mut w = IrWriter::new("solver");
        w.group("x", GroupKind::PrivateInput, 1, 1).group("h", GroupKind::PublicOutput, 1, 13);
        w.label("range").bits(&[(1, one())], 8, 2);
        w.label("divide").hint_divmod(&[(1, one())], &[(0, Fr::from(7u8))], 10, 11);
        w.label("divmod").assert_product(&[(10, one())], &[(0, Fr::from(7u8))], &[(1, one()), (11, -one())]);
        w.label("inverse").hint_inv(&[(1, one())], 12);
        w.label("hash").poseidon(Fr::from(3u8), &[&[(1, one())], &[(10, one())]], 13);
        Compiled::parse(&w.finish(14)).unwrap()
    }

    fn wire(c: &Compiled, z: &[Fr], w: usize) -> Fr {
        z[c.r1cs.wire_col[w] as usize]
    }

    #[test]
    fn solves_bits_hints_and_poseidon_into_a_satisfying_assignment() {
        let c = circuit();
        let z = c.solve(&[Fr::from(200u8)], Mode::Strict).unwrap();
        assert_eq!(z.len(), c.r1cs.num_columns);
        c.check(&z).unwrap();
        let bits: Vec<u64> = (2..10).map(|w| if wire(&c, &z, w).is_one() { 1 } else { 0 }).collect();
        assert_eq!(bits, [0, 0, 0, 1, 0, 0, 1, 1], "200 = 0b11001000, least significant first");
        assert_eq!((wire(&c, &z, 10), wire(&c, &z, 11)), (Fr::from(28u8), Fr::from(4u8)));
        assert_eq!(wire(&c, &z, 12) * Fr::from(200u8), one());
        let h = crate::poseidon::poseidon(&[Fr::from(200u8), Fr::from(28u8)], Fr::from(3u8));
        assert_eq!(z[1], h, "the public output is column 1");
    }

    #[test]
    fn strict_refuses_what_a_range_check_cannot_hold_lenient_writes_it() {
        let c = circuit();
        let e = c.solve(&[Fr::from(256u16)], Mode::Strict).unwrap_err();
        let range = Site { op: 0, name: "BITS", label: "range".into() };
        assert_eq!(e, Error::Witness { site: Some(range.clone()), reason: "value does not fit in 8 bits".into() });
        assert_eq!(e.to_string(), "value does not fit in 8 bits (op #0 BITS 'range')");
        // the cheating prover's witness: the low 8 bits of 256 are zero, so the sum row fails
        let z = c.solve(&[Fr::from(256u16)], Mode::Lenient).unwrap();
        let (row, site) = c.first_unsatisfied(&z).unwrap();
        assert_eq!((row, site), (8, range));
        let e = c.check(&z).unwrap_err();
        assert_eq!(e.to_string(), "constraint 8 (op #0 BITS 'range') is not satisfied");
    }

    #[test]
    fn a_failing_assertion_names_its_label() {
        let c = circuit();
        let mut z = c.solve(&[Fr::from(100u8)], Mode::Strict).unwrap();
        // a remainder the hint did not give: q·7 + r = x no longer holds
        z[c.r1cs.wire_col[11] as usize] += one();
        let e = c.check(&z).unwrap_err();
        assert!(
            matches!(&e, Error::Unsatisfied { row: 9, site: Some(s) } if s.label == "divmod" && s.name == "ASSERT"),
            "{e}"
        );
    }

    #[test]
    fn division_by_zero_and_input_count_are_refused() {
        let mut w = IrWriter::new("div");
        w.group("x", GroupKind::PrivateInput, 2, 1);
        w.label("split").hint_divmod(&[(1, one())], &[(2, one())], 3, 4);
        let c = Compiled::parse(&w.finish(5)).unwrap();
        let e = c.solve(&[Fr::from(5u8), Fr::zero()], Mode::Strict).unwrap_err();
        assert_eq!(e.to_string(), "division by zero (op #0 HINT_DIVMOD 'split')");
        let e = c.solve(&[Fr::from(5u8)], Mode::Lenient).unwrap_err();
        assert_eq!(e, Error::Witness { site: None, reason: "expected 2 input values, got 1".into() });
        // the inverse hint of zero is zero (constraints elsewhere must refuse it)
        let mut w = IrWriter::new("inv");
        w.group("x", GroupKind::PrivateInput, 1, 1).hint_inv(&[(1, one())], 2);
        let c = Compiled::parse(&w.finish(3)).unwrap();
        assert!(c.solve(&[Fr::zero()], Mode::Strict).unwrap()[2].is_zero());
    }
}
