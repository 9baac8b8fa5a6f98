//! An INSECURE development KZG setup (its tau is derived from a seed), built faster than
//! halo2-axiom's `ParamsKZG::setup`, which does one variable-base scalar multiplication
//! per point twice over (about 2^(k+1) of them: minutes at k = 20 on this machine).
//!
//! Here every point is `x·G` for a known scalar `x` (`tau^i` for the monomial basis,
//! `L_i(tau)` for the Lagrange basis), so a fixed-base comb does it: a table of
//! `d·2^(8j)·G` (32 windows x 256 digits) makes each point 32 mixed additions.
//! A real backend uses a public ceremony's powers of tau instead (universal: one file
//! serves every circuit of up to 2^k rows).

use halo2_base::halo2_proofs::{
    arithmetic::parallelize,
    halo2curves::{
        bn256::{Bn256, Fr, G1Affine, G2Affine, G1},
        ff::{BatchInvert, Field, PrimeField},
        group::{prime::PrimeCurveAffine, Curve, Group},
    },
    poly::kzg::commitment::ParamsKZG,
};
use rand::{rngs::StdRng, SeedableRng};

const WINDOW_BITS: usize = 8;
const WINDOWS: usize = 256 / WINDOW_BITS;

/// `table[j][d] = d · 2^(8j) · G`.
fn comb_table() -> Vec<Vec<G1Affine>> {
    let mut base = G1::generator();
    (0..WINDOWS)
        .map(|_| {
            let mut row = vec![G1::identity(); 1 << WINDOW_BITS];
            for d in 1..row.len() {
                row[d] = row[d - 1] + base;
            }
            base = row[row.len() - 1] + base; // 2^8 · base
            let mut affine = vec![G1Affine::identity(); row.len()];
            G1::batch_normalize(&row, &mut affine);
            affine
        })
        .collect()
}

/// `[x·G for x in scalars]`, in parallel.
fn fixed_base_mul(table: &[Vec<G1Affine>], scalars: &[Fr]) -> Vec<G1Affine> {
    let mut out = vec![G1Affine::identity(); scalars.len()];
    parallelize(&mut out, |chunk, start| {
        let projective: Vec<G1> = scalars[start..start + chunk.len()]
            .iter()
            .map(|x| {
                let repr = x.to_repr();
                repr.as_ref().iter().zip(table).fold(G1::identity(), |acc, (byte, row)| acc + row[*byte as usize])
            })
            .collect();
        G1::batch_normalize(&projective, chunk);
    });
    out
}

/// The setup for 2^k rows with `tau` drawn from `seed`.
pub fn insecure_dev_setup(k: u32, seed: u64) -> ParamsKZG<Bn256> {
    let n = 1usize << k;
    let tau = Fr::random(StdRng::seed_from_u64(seed));
    let mut powers = vec![Fr::ONE; n];
    for i in 1..n {
        powers[i] = powers[i - 1] * tau;
    }
    // L_i(tau) = (tau^n - 1)/n · w^i / (tau - w^i), w the 2^k-th root of unity.
    let mut omega = Fr::ROOT_OF_UNITY;
    for _ in k..Fr::S {
        omega = omega.square();
    }
    let scale = (powers[n - 1] * tau - Fr::ONE) * Fr::from(n as u64).invert().unwrap();
    let mut omegas = vec![Fr::ONE; n];
    for i in 1..n {
        omegas[i] = omegas[i - 1] * omega;
    }
    let mut denominators: Vec<Fr> = omegas.iter().map(|w| tau - w).collect();
    denominators.iter_mut().batch_invert();
    let lagrange: Vec<Fr> = omegas.iter().zip(&denominators).map(|(w, d)| scale * w * d).collect();

    let table = comb_table();
    let g = fixed_base_mul(&table, &powers);
    let g_lagrange = fixed_base_mul(&table, &lagrange);
    let g2 = G2Affine::generator();
    let s_g2 = (g2 * tau).to_affine();
    ParamsKZG::<Bn256>::setup(1, StdRng::seed_from_u64(seed)).from_parts(k, g, Some(g_lagrange), g2, s_g2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_base::halo2_proofs::poly::commitment::Params;

    /// Same tau, same points as halo2-axiom's own setup (which draws tau as the first
    /// random field element of the same seeded rng).
    #[test]
    fn matches_halo2_setup() {
        let ours = insecure_dev_setup(6, 5);
        let theirs = ParamsKZG::<Bn256>::setup(6, StdRng::seed_from_u64(5));
        let mut a = vec![];
        let mut b = vec![];
        ours.write(&mut a).unwrap();
        theirs.write(&mut b).unwrap();
        assert_eq!(a, b);
    }
}
