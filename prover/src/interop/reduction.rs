//! The "circom reduction": how snarkjs's prover (and every zkey) computes the H term,
//! as an alternative to libsnark's.
//!
//! With the QAP polynomials over the domain of size n, `A·B − C = H·Z` has degree at most
//! 2n − 2, so it is fixed by its values on the 2n-th roots of unity. On the even ones
//! (the n-domain) it vanishes; so `(A·B − C)(τ) = Σ_i p_i · L'_{2i+1}(τ)` where `L'` is
//! the Lagrange basis of the 2n-domain and `p_i = (A·B − C)(ω_{2n}^{2i+1})`. A zkey's H
//! query is therefore `[L'_{2i+1}(τ)/δ]₁` (n points, not libsnark's n − 1 powers
//! `[τ^i Z(τ)/δ]₁`), and the prover's scalars are the plain `p_i`: evaluations on the
//! coset `ω_{2n}·⟨ω_n⟩`, with no division by Z.
//!
//! arkworks' BN254 roots of unity are snarkjs's (both are powers of 5^((r−1)/2^28)), so
//! the coset and the basis agree index by index.

use crate::error::Result;
use crate::groth16::{Proof, ProvingKey};
use crate::r1cs::R1cs;
use ark_ff::{Field, PrimeField, Zero};
use ark_groth16::{r1cs_to_qap::evaluate_constraint, r1cs_to_qap::R1CSToQAP};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use ark_relations::gr1cs::{Matrix, Result as R1csResult, SynthesisError};
use rand::{CryptoRng, RngCore};
use rayon::prelude::*;

/// snarkjs's QAP reduction, as arkworks' `R1CSToQAP` (the reference the prover's
/// circom path is tested against).
pub struct CircomReduction;

/// The primitive 2n-th root of unity whose odd powers form the coset.
fn double_root<F: PrimeField>(n: usize) -> Option<F> {
    Radix2EvaluationDomain::<F>::new(2 * n).map(|d| d.group_gen)
}

impl R1CSToQAP for CircomReduction {
    fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
        _cs: ark_relations::gr1cs::ConstraintSystemRef<F>,
        _t: &F,
    ) -> R1csResult<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize)> {
        // solvent derives keys from matrices (setup.rs, ceremony); only proving and
        // h_query_scalars are needed here.
        Err(SynthesisError::AssignmentMissing)
    }

    fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
        matrices: &[Matrix<F>],
        num_inputs: usize,
        num_constraints: usize,
        z: &[F],
    ) -> R1csResult<Vec<F>> {
        let domain = D::new(num_constraints + num_inputs).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let n = domain.size();
        let shift = double_root::<F>(n).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let coset = domain.get_coset(shift).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let mut a = vec![F::zero(); n];
        let mut b = vec![F::zero(); n];
        let mut c = vec![F::zero(); n];
        a[..num_constraints]
            .par_iter_mut()
            .zip(&mut b[..num_constraints])
            .zip(&mut c[..num_constraints])
            .enumerate()
            .for_each(|(i, ((a, b), c))| {
                *a = evaluate_constraint(&matrices[0][i], z);
                *b = evaluate_constraint(&matrices[1][i], z);
                *c = evaluate_constraint(&matrices[2][i], z);
            });
        // libsnark's input-consistency rows: A = the input itself, B = C = 0.
        a[num_constraints..num_constraints + num_inputs].copy_from_slice(&z[..num_inputs]);
        for v in [&mut a, &mut b, &mut c] {
            domain.ifft_in_place(v);
            coset.fft_in_place(v);
        }
        Ok(a.into_par_iter().zip(b).zip(c).map(|((a, b), c)| a * b - c).collect())
    }

    /// `L'_{2i+1}(t) / δ` for i < n, with n = max_power + 1 (arkworks passes the domain
    /// size minus one).
    fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
        max_power: usize,
        t: F,
        _zt: F,
        delta_inverse: F,
    ) -> R1csResult<Vec<F>> {
        let n = max_power + 1;
        let big = Radix2EvaluationDomain::<F>::new(2 * n).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let lagrange = big.evaluate_all_lagrange_coefficients(t);
        Ok(lagrange.into_iter().skip(1).step_by(2).map(|l| l * delta_inverse).collect())
    }
}

pub use crate::groth16::qap::Reduction;

/// Proves with the reduction the key was made for (the key's shape is checked first).
pub fn prove<R: RngCore + CryptoRng>(
    reduction: Reduction,
    pk: &ProvingKey,
    r1cs: &R1cs,
    z: &[ark_bn254::Fr],
    rng: &mut R,
) -> Result<Proof> {
    crate::groth16::prove::prove_with(pk, reduction, r1cs, z, rng)
}

/// Turns a libsnark-reduction key made from toxic waste into the circom-reduction key for
/// the same waste (tests and INSECURE bench keys only: it needs tau and delta).
pub fn circom_h_query(n: usize, tau: ark_bn254::Fr, delta: ark_bn254::Fr) -> Vec<ark_bn254::G1Affine> {
    use ark_ec::{scalar_mul::BatchMulPreprocessing, AffineRepr};
    let scalars = <CircomReduction as R1CSToQAP>::h_query_scalars::<_, Radix2EvaluationDomain<_>>(
        n - 1,
        tau,
        ark_bn254::Fr::zero(),
        delta.inverse().unwrap(),
    )
    .unwrap();
    let g = ark_bn254::G1Projective::from(ark_bn254::G1Affine::generator());
    BatchMulPreprocessing::new(g, scalars.len()).batch_mul(&scalars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groth16::setup::{domain_for, setup_from_toxic_waste, ToxicWaste};
    use crate::groth16::verify::verify;
    use crate::interop::circom::tests::{toy, toy_witness};

    #[test]
    fn circom_reduction_proves_against_a_circom_h_query() {
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(7);
        let r1cs = toy();
        let domain = domain_for(&r1cs).unwrap();
        let w = ToxicWaste::sample(&mut rng, &domain);
        let mut pk = setup_from_toxic_waste(&r1cs, &w).unwrap();
        let z = toy_witness(2, 3, 4, 5);
        let public = &z[1..=r1cs.num_public];
        // the libsnark key does not work with the circom prover and vice versa
        assert!(prove(Reduction::Circom, &pk, &r1cs, &z, &mut rng).is_err());
        let p = prove(Reduction::Libsnark, &pk, &r1cs, &z, &mut rng).unwrap();
        assert!(verify(&pk.vk, public, &p).unwrap());
        pk.h_query = circom_h_query(domain.size(), w.tau, w.delta);
        let p = prove(Reduction::Circom, &pk, &r1cs, &z, &mut rng).unwrap();
        assert!(verify(&pk.vk, public, &p).unwrap());
        // a wrong witness gives a proof that does not verify
        let mut bad = z.clone();
        bad[6] += ark_bn254::Fr::from(1u8);
        let p = prove(Reduction::Circom, &pk, &r1cs, &bad, &mut rng).unwrap();
        assert!(!verify(&pk.vk, public, &p).unwrap());
    }
}
