//! The prover's QAP step: the scalars of the H query from the R1CS matrices and a full
//! assignment, for both reductions a key can be made for (see `interop/reduction.rs` for
//! the circom one). The FFTs are arkworks' (`ark-poly`); what this module decides is how
//! many of them run.
//!
//! **libsnark reduction, six FFTs instead of arkworks' seven.** With `a, b, c` the values
//! of `A·z, B·z, C·z` on the domain D (size n) and `g` the coset offset, arkworks computes
//! `H = coset_ifft((A·B − C)|_{gD}) / (gⁿ − 1)`, which needs C on the coset: an iFFT and a
//! coset FFT of `c`, then the coset iFFT of the difference. The coset iFFT is linear and
//! `C` has degree below n, so `coset_ifft(C|_{gD})` is just C's coefficients:
//! `H = (coset_ifft((A·B)|_{gD}) − ifft(c)) / (gⁿ − 1)`. The coset FFT of `c` is gone and
//! the result is the same vector, element for element (a test holds it to arkworks').
//!
//! **circom reduction.** The scalars are `(A·B − C)` on the odd 2n-th roots of unity:
//! three iFFTs and three coset FFTs, as snarkjs does; there is no final iFFT to save.

use super::clock::Clock;
use crate::error::{Error, Result};
use crate::r1cs::R1cs;
use ark_bn254::Fr;
use ark_ff::{FftField, Field, Zero};
use ark_groth16::r1cs_to_qap::evaluate_constraint;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rayon::prelude::*;

/// Which H query a key carries (and so which scalars the prover computes for it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// `[τ^i·Z(τ)/δ]₁`, i < n − 1: keys made by solvent's setup and ceremony.
    Libsnark,
    /// `[L'_{2i+1}(τ)/δ]₁`, i < n: snarkjs zkeys.
    Circom,
}

impl Reduction {
    /// The name key headers record.
    pub fn name(self) -> &'static str {
        match self {
            Reduction::Libsnark => "libsnark",
            Reduction::Circom => "circom",
        }
    }
    /// The reduction a header names.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "libsnark" => Ok(Reduction::Libsnark),
            "circom" => Ok(Reduction::Circom),
            other => Err(Error::Invalid(format!("unknown QAP reduction '{other}'"))),
        }
    }
    /// Points in the H query for a domain of `n`.
    pub fn h_len(self, n: usize) -> usize {
        match self {
            Reduction::Libsnark => n - 1,
            Reduction::Circom => n,
        }
    }
}

/// The evaluation domain of a circuit: constraints plus one input-consistency row per
/// instance variable, rounded up to a power of two.
pub fn domain(r1cs: &R1cs) -> Result<Radix2EvaluationDomain<Fr>> {
    Radix2EvaluationDomain::<Fr>::new(r1cs.num_constraints() + r1cs.num_instance())
        .ok_or_else(|| Error::Prover("circuit too large for the BN254 FFT domain (2^28)".to_string()))
}

/// `(wall, CPU)` seconds spent in the QAP step, by kind.
#[derive(Clone, Copy, Debug, Default)]
pub struct QapTimes {
    /// Evaluating `A·z`, `B·z`, `C·z` row by row (and the check, if asked for).
    pub evaluate: (f64, f64),
    /// Every FFT and iFFT (and the pointwise products between them).
    pub fft: (f64, f64),
    /// FFTs and iFFTs run.
    pub ffts: u32,
}

/// `A·z`, `B·z`, `C·z` on the domain (zero-padded to `n`), with libsnark's input rows
/// (A = the instance value, B = C = 0) after the constraints.
fn evaluate_rows(r1cs: &R1cs, z: &[Fr], n: usize) -> [Vec<Fr>; 3] {
    let m = r1cs.num_constraints();
    let ni = r1cs.num_instance();
    let mut out = [vec![Fr::zero(); n], vec![Fr::zero(); n], vec![Fr::zero(); n]];
    let [a, b, c] = &mut out;
    a[..m].par_iter_mut().zip(&mut b[..m]).zip(&mut c[..m]).enumerate().with_min_len(1024).for_each(
        |(i, ((a, b), c))| {
            *a = evaluate_constraint(&r1cs.m[0][i], z);
            *b = evaluate_constraint(&r1cs.m[1][i], z);
            *c = evaluate_constraint(&r1cs.m[2][i], z);
        },
    );
    a[m..m + ni].copy_from_slice(&z[..ni]);
    out
}

/// The primitive 2n-th root of unity whose odd powers are the circom coset.
fn circom_shift(n: usize) -> Result<Fr> {
    Radix2EvaluationDomain::<Fr>::new(2 * n)
        .map(|d| d.group_gen)
        .ok_or_else(|| Error::Prover("domain too large".to_string()))
}

/// The H query's scalars for `reduction`, and how long each part took. With `check`, the
/// witness is first checked against every constraint on the row values this step
/// evaluates anyway (what `r1cs::first_unsatisfied` does in a separate pass).
/// A failing row is `Error::Unsatisfied` with no op named (the caller knows the circuit).
pub fn h_scalars(r1cs: &R1cs, z: &[Fr], reduction: Reduction, check: bool) -> Result<(Vec<Fr>, QapTimes)> {
    let domain = domain(r1cs)?;
    let n = domain.size();
    let mut times = QapTimes::default();
    let t = Clock::now();
    let [mut a, mut b, mut c] = evaluate_rows(r1cs, z, n);
    if check {
        let m = r1cs.num_constraints();
        let bad = (0..m).into_par_iter().with_min_len(4096).filter(|&i| a[i] * b[i] != c[i]).min();
        if let Some(row) = bad {
            return Err(Error::Unsatisfied { row, site: None });
        }
    }
    times.evaluate = t.elapsed();
    let t = Clock::now();
    let h = match reduction {
        Reduction::Libsnark => {
            let coset = domain.get_coset(Fr::GENERATOR).ok_or_else(|| Error::Prover("no coset".into()))?;
            domain.ifft_in_place(&mut a);
            domain.ifft_in_place(&mut b);
            domain.ifft_in_place(&mut c);
            coset.fft_in_place(&mut a);
            coset.fft_in_place(&mut b);
            a.par_iter_mut().zip(b.par_iter()).with_min_len(4096).for_each(|(a, b)| *a *= b);
            drop(b);
            coset.ifft_in_place(&mut a);
            let z_inv = domain
                .evaluate_vanishing_polynomial(Fr::GENERATOR)
                .inverse()
                .ok_or_else(|| Error::Prover("Z(g) = 0".into()))?;
            a.par_iter_mut().zip(c.par_iter()).with_min_len(4096).for_each(|(h, c)| *h = (*h - c) * z_inv);
            times.ffts = 6;
            a
        }
        Reduction::Circom => {
            let coset = domain.get_coset(circom_shift(n)?).ok_or_else(|| Error::Prover("no coset".into()))?;
            for v in [&mut a, &mut b, &mut c] {
                domain.ifft_in_place(v);
                coset.fft_in_place(v);
            }
            a.par_iter_mut()
                .zip(b.par_iter().zip(c.par_iter()))
                .with_min_len(4096)
                .for_each(|(a, (b, c))| *a = *a * b - c);
            times.ffts = 6;
            a
        }
    };
    times.fft = t.elapsed();
    Ok((h, times))
}

/// Median CPU seconds of the H scalars for a random R1CS of `2^log − 8` rows (three terms
/// per row), arkworks' seven-FFT reduction vs `h_scalars`, alternating in one process:
/// `(arkworks, solvent)`.
/// `log` must be in 6..=22.
pub fn compare(log: u32, runs: usize) -> Result<(f64, f64)> {
    if !(6..=22).contains(&log) {
        return Err(Error::Invalid(format!("log {log} is not in 6..=22")));
    }
    use ark_ff::UniformRand;
    use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
    use ark_poly::GeneralEvaluationDomain;
    use rand::Rng;
    let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(3);
    let rows = (1usize << log) - 8;
    let cols = rows;
    let z: Vec<Fr> = (0..cols).map(|_| Fr::rand(&mut rng)).collect();
    let mut row = || -> Vec<(Fr, usize)> {
        (0..3).map(|_| (Fr::from(rng.gen::<u8>() as u64 + 1), rng.gen_range(0..cols))).collect()
    };
    let m =
        [(0..rows).map(|_| row()).collect(), (0..rows).map(|_| row()).collect(), (0..rows).map(|_| row()).collect()];
    let r1cs = R1cs { num_public: 2, num_columns: cols, aux_offset: cols, m, row_op: vec![], wire_col: vec![] };
    let (mut ark, mut own) = (vec![], vec![]);
    for _ in 0..runs.max(1) {
        let t = Clock::now();
        let x = LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
            &r1cs.m,
            r1cs.num_instance(),
            rows,
            &z,
        )
        .unwrap();
        ark.push(t.elapsed().1);
        let t = Clock::now();
        let (y, _) = h_scalars(&r1cs, &z, Reduction::Libsnark, false).unwrap();
        own.push(t.elapsed().1);
        assert_eq!(x, y);
    }
    ark.sort_by(|a, b| a.partial_cmp(b).unwrap());
    own.sort_by(|a, b| a.partial_cmp(b).unwrap());
    Ok((ark[ark.len() / 2], own[own.len() / 2]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop::reduction::CircomReduction;
    use ark_ff::UniformRand;
    use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
    use ark_poly::GeneralEvaluationDomain;

    /// A random dense-ish R1CS (the values need not satisfy it: H is a linear map of
    /// `A·B − C` and must equal arkworks' for any assignment).
    fn random_r1cs(rows: usize, cols: usize, seed: u64) -> (R1cs, Vec<Fr>) {
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(seed);
        use rand::Rng;
        let mut m: [Vec<Vec<(Fr, usize)>>; 3] = [vec![], vec![], vec![]];
        for mat in m.iter_mut() {
            for _ in 0..rows {
                let k = rng.gen_range(0..4);
                let mut row: Vec<(Fr, usize)> = (0..k).map(|_| (Fr::rand(&mut rng), rng.gen_range(0..cols))).collect();
                row.sort_by_key(|t| t.1);
                row.dedup_by_key(|t| t.1);
                mat.push(row);
            }
        }
        let z: Vec<Fr> = std::iter::once(Fr::from(1u8)).chain((1..cols).map(|_| Fr::rand(&mut rng))).collect();
        let r1cs =
            R1cs { num_public: 2, num_columns: cols, aux_offset: cols, m, row_op: vec![0; rows], wire_col: vec![] };
        (r1cs, z)
    }

    #[test]
    fn six_fft_libsnark_h_equals_arkworks_seven() {
        for (rows, cols, seed) in [(5, 7, 1), (61, 40, 2), (1000, 300, 3)] {
            let (r1cs, z) = random_r1cs(rows, cols, seed);
            let (h, t) = h_scalars(&r1cs, &z, Reduction::Libsnark, false).unwrap();
            let expected = LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
                &r1cs.m,
                r1cs.num_instance(),
                r1cs.num_constraints(),
                &z,
            )
            .unwrap();
            assert_eq!(h, expected);
            assert_eq!(t.ffts, 6);
        }
    }

    #[test]
    fn the_fused_check_names_the_lowest_failing_row() {
        let (r1cs, z) = crate::groth16::prove::tests::bits_and_products(3, 1);
        assert!(h_scalars(&r1cs, &z, Reduction::Libsnark, true).is_ok());
        let mut bad = z.clone();
        bad[2 + 66 + 5] = Fr::from(2u8); // a range-check bit of the second value
        let expected = crate::r1cs::first_unsatisfied(&r1cs, &bad).unwrap();
        assert_eq!(
            h_scalars(&r1cs, &bad, Reduction::Libsnark, true).unwrap_err(),
            Error::Unsatisfied { row: expected, site: None }
        );
        assert!(h_scalars(&r1cs, &bad, Reduction::Circom, false).is_ok());
    }

    #[test]
    fn circom_h_equals_the_reference_reduction() {
        for (rows, cols, seed) in [(5, 7, 4), (300, 120, 5)] {
            let (r1cs, z) = random_r1cs(rows, cols, seed);
            let (h, _) = h_scalars(&r1cs, &z, Reduction::Circom, false).unwrap();
            let expected = CircomReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
                &r1cs.m,
                r1cs.num_instance(),
                r1cs.num_constraints(),
                &z,
            )
            .unwrap();
            assert_eq!(h, expected);
        }
    }
}
