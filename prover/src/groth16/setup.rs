//! Circuit-specific Groth16 parameters from the R1CS matrices.
//!
//! `setup_from_toxic_waste` is the arithmetic of the Groth16 generator; the only setup
//! this module offers on its own, `setup_dev`, draws the toxic waste on this machine and
//! is therefore INSECURE: whoever runs it could forge proofs. It exists for development
//! and tests; a production key comes from a ceremony (`solvent ceremony`).
//!
//! The standard generators of G1 and G2 are used (arkworks' generator picks random
//! ones), so that keys made here and keys derived from a powers-of-tau file agree in
//! form and a verifier can treat both alike.

use super::ProvingKey;
use crate::error::{Error, Result};
use crate::r1cs::R1cs;
use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{scalar_mul::BatchMulPreprocessing, AffineRepr, CurveGroup};
use ark_ff::{Field, UniformRand, Zero};
use ark_poly::{EvaluationDomain, GeneralEvaluationDomain};
use rand::{CryptoRng, RngCore};
use rayon::prelude::*;

/// The secrets of a Groth16 setup: whoever knows them can forge proofs.
pub struct ToxicWaste {
    /// The QAP evaluation point.
    pub tau: Fr,
    /// α.
    pub alpha: Fr,
    /// β.
    pub beta: Fr,
    /// γ (divides the public-input points).
    pub gamma: Fr,
    /// δ (divides the private ones and H).
    pub delta: Fr,
}

impl ToxicWaste {
    /// Draws every secret from `rng` (τ outside the domain, the others nonzero).
    pub fn sample<R: RngCore + CryptoRng>(rng: &mut R, domain: &GeneralEvaluationDomain<Fr>) -> Self {
        let nonzero = |rng: &mut R| loop {
            let x = Fr::rand(rng);
            if !x.is_zero() {
                return x;
            }
        };
        ToxicWaste {
            tau: domain.sample_element_outside_domain(rng),
            alpha: nonzero(rng),
            beta: nonzero(rng),
            gamma: nonzero(rng),
            delta: nonzero(rng),
        }
    }
}

/// The QAP domain of a circuit (constraints plus instance rows).
pub fn domain_for(r1cs: &R1cs) -> Result<GeneralEvaluationDomain<Fr>> {
    GeneralEvaluationDomain::<Fr>::new(r1cs.num_constraints() + r1cs.num_instance())
        .ok_or_else(|| Error::Prover("circuit too large for the BN254 FFT domain (2^28)".to_string()))
}

/// QAP polynomials of every column evaluated at tau (libsnark's reduction: one extra
/// row per instance column, with A = that column).
pub fn qap_at(r1cs: &R1cs, domain: &GeneralEvaluationDomain<Fr>, tau: Fr) -> (Vec<Fr>, Vec<Fr>, Vec<Fr>) {
    let lagrange = domain.evaluate_all_lagrange_coefficients(tau);
    let n = r1cs.num_constraints();
    let mut a = vec![Fr::zero(); r1cs.num_columns];
    let mut b = vec![Fr::zero(); r1cs.num_columns];
    let mut c = vec![Fr::zero(); r1cs.num_columns];
    a[..r1cs.num_instance()].copy_from_slice(&lagrange[n..n + r1cs.num_instance()]);
    for (i, l) in lagrange.iter().enumerate().take(n) {
        for (out, m) in [&mut a, &mut b, &mut c].into_iter().zip(&r1cs.m) {
            for (coeff, col) in &m[i] {
                out[*col] += *l * coeff;
            }
        }
    }
    (a, b, c)
}

/// The proving key the secrets `w` give for `r1cs` (libsnark's reduction).
pub fn setup_from_toxic_waste(r1cs: &R1cs, w: &ToxicWaste) -> Result<ProvingKey> {
    let domain = domain_for(r1cs)?;
    let (a, b, c) = qap_at(r1cs, &domain, w.tau);
    let zt = domain.evaluate_vanishing_polynomial(w.tau);
    let gamma_inv = w.gamma.inverse().ok_or_else(|| Error::Prover("gamma is zero".into()))?;
    let delta_inv = w.delta.inverse().ok_or_else(|| Error::Prover("delta is zero".into()))?;
    let ni = r1cs.num_instance();
    let combine = |i: usize, inv: Fr| (w.beta * a[i] + w.alpha * b[i] + c[i]) * inv;
    let gamma_abc: Vec<Fr> = (0..ni).into_par_iter().map(|i| combine(i, gamma_inv)).collect();
    let l: Vec<Fr> = (ni..r1cs.num_columns).into_par_iter().map(|i| combine(i, delta_inv)).collect();
    // h_i = tau^i · Z(tau) / delta for i < domain size − 1
    let h_len = domain.size() - 1;
    let mut h = Vec::with_capacity(h_len);
    let mut acc = zt * delta_inv;
    for _ in 0..h_len {
        h.push(acc);
        acc *= w.tau;
    }

    let g1 = G1Projective::from(G1Affine::generator());
    let g2 = G2Projective::from(G2Affine::generator());
    let g1_table = BatchMulPreprocessing::new(g1, a.len() + b.len() + h.len() + l.len() + ni);
    let g2_table = BatchMulPreprocessing::new(g2, b.len());
    let vk = ark_groth16::VerifyingKey {
        alpha_g1: (g1 * w.alpha).into_affine(),
        beta_g2: (g2 * w.beta).into_affine(),
        gamma_g2: (g2 * w.gamma).into_affine(),
        delta_g2: (g2 * w.delta).into_affine(),
        gamma_abc_g1: g1_table.batch_mul(&gamma_abc),
    };
    Ok(ProvingKey {
        vk,
        beta_g1: (g1 * w.beta).into_affine(),
        delta_g1: (g1 * w.delta).into_affine(),
        a_query: g1_table.batch_mul(&a),
        b_g1_query: g1_table.batch_mul(&b),
        b_g2_query: g2_table.batch_mul(&b),
        h_query: g1_table.batch_mul(&h),
        l_query: g1_table.batch_mul(&l),
    })
}

/// INSECURE single-party setup: the toxic waste exists, however briefly, on this machine.
pub fn setup_dev<R: RngCore + CryptoRng>(r1cs: &R1cs, rng: &mut R) -> Result<ProvingKey> {
    let domain = domain_for(r1cs)?;
    let waste = ToxicWaste::sample(rng, &domain);
    setup_from_toxic_waste(r1cs, &waste)
}
