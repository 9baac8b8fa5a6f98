//! Phase 2: circuit-specific Groth16 keys from phase-1 powers, and the δ updates.
//!
//! The initial key is what `groth16::setup::setup_from_toxic_waste` would make with
//! γ = δ = 1 and the ceremony's τ, α, β, computed from group elements alone (standard
//! generators, libsnark's QAP reduction with one input-consistency row per instance
//! column, the same layout as setup.rs, so the existing prover uses it unchanged):
//!
//! * `a_query[j] = Σ_i A_ij·[L_i]₁` (+ `[L_{m+j}]₁` for instance column j; m constraints),
//!   `b_g1_query`, `b_g2_query` likewise from B with `[L_i]₁`, `[L_i]₂`;
//! * `IC[j]` (instance) and `l_query[j]` (witness) `= Σ_i (A_ij·[βL_i]₁ + B_ij·[αL_i]₁ +
//!   C_ij·[L_i]₁)` (+ `[βL_{m+j}]₁` for instance columns), over γ = 1 and δ = 1;
//! * `h_query[i] = [τ^i·Z(τ)]₁ = [τ^{n+i}]₁ − [τ^i]₁`, i < n − 1.
//!
//! γ = 1 is what snarkjs and BGM17 do: only δ needs a multi-party update. A contribution
//! with secret x multiplies δ by x in both groups and divides every `l_query` and
//! `h_query` point by x; nothing else changes.

use super::phase1::{check_lagrange, check_powers, lagrange_from_powers, Lagrange, Powers};
use super::ptau::Ptau;
use crate::error::{Error, Result};
use crate::groth16::ProvingKey;
use crate::r1cs::R1cs;
use ark_bn254::{g1::Config as G1Config, g2::Config as G2Config};
use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{Field, PrimeField, Zero};
use rand::RngCore;
use rayon::prelude::*;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroize;

/// Domain size of a circuit under libsnark's reduction (constraints + instance rows).
pub fn domain_size(r1cs: &R1cs) -> usize {
    (r1cs.num_constraints() + r1cs.num_instance()).next_power_of_two().max(2)
}

/// Per column, the `(row, coefficient)` entries of one matrix.
fn transpose(m: &[Vec<(Fr, usize)>], cols: usize) -> Vec<Vec<(usize, Fr)>> {
    let mut t = vec![Vec::new(); cols];
    for (row, terms) in m.iter().enumerate() {
        for (c, col) in terms {
            t[*col].push((row, *c));
        }
    }
    t
}

/// One column's terms: `(bases, (row, coefficient) entries)` pairs, plus points added
/// with coefficient one.
type Terms<'a, A> = (Vec<(&'a [A], &'a [(usize, Fr)])>, Vec<A>);

/// Columns with more terms than this are summed by an MSM, the rest term by term.
const MSM_THRESHOLD: usize = 64;

fn term_count<A>(t: &Terms<A>) -> usize {
    t.0.iter().map(|(_, e)| e.len()).sum::<usize>() + t.1.len()
}

fn naive_sum<P: SWCurveConfig<ScalarField = Fr> + GLVConfig>(t: &Terms<Affine<P>>) -> Projective<P> {
    let (one, minus_one) = (Fr::from(1u8), -Fr::from(1u8));
    let mut acc = Projective::<P>::zero();
    for (bases, entries) in &t.0 {
        for (row, c) in entries.iter() {
            let p = bases[*row];
            if *c == one {
                acc += p;
            } else if *c == minus_one {
                acc -= p;
            } else {
                acc += P::glv_mul_projective(p.into_group(), *c);
            }
        }
    }
    for p in &t.1 {
        acc += *p;
    }
    acc
}

fn msm_sum<G: CurveGroup<ScalarField = Fr> + VariableBaseMSM<MulBase = G::Affine>>(t: &Terms<G::Affine>) -> G {
    let mut bases = Vec::with_capacity(term_count(t));
    let mut scalars = Vec::with_capacity(bases.capacity());
    for (b, entries) in &t.0 {
        for (row, c) in entries.iter() {
            bases.push(b[*row]);
            scalars.push(*c);
        }
    }
    bases.extend_from_slice(&t.1);
    scalars.extend(std::iter::repeat_n(Fr::from(1u8), t.1.len()));
    G::msm_unchecked(&bases, &scalars)
}

/// `Σ coeff·base[row]` for every column. Small columns are summed in parallel term by
/// term; large ones by MSMs run one after another. (ark-ec's MSM builds a thread pool of
/// its own per call: calling it from inside a parallel iterator nests pools until a
/// worker's stack overflows.)
fn column_sums<'a, P, F>(cols: usize, terms: F) -> Vec<Affine<P>>
where
    P: SWCurveConfig<ScalarField = Fr> + GLVConfig,
    F: Fn(usize) -> Terms<'a, Affine<P>> + Sync,
{
    type G<P> = Projective<P>;
    let mut out: Vec<G<P>> = (0..cols)
        .into_par_iter()
        .map(|j| {
            let t = terms(j);
            if term_count(&t) > MSM_THRESHOLD {
                G::<P>::zero()
            } else {
                naive_sum(&t)
            }
        })
        .collect();
    for (j, o) in out.iter_mut().enumerate() {
        let t = terms(j);
        if term_count(&t) > MSM_THRESHOLD {
            *o = msm_sum::<G<P>>(&t);
        }
    }
    G::<P>::normalize_batch(&out)
}

/// The phase-2 starting key (δ = 1) for `r1cs` from checked phase-1 material.
pub fn initial_key(r1cs: &R1cs, p: &Powers, l: &Lagrange) -> Result<ProvingKey> {
    let n = p.n;
    let (m, ni, cols) = (r1cs.num_constraints(), r1cs.num_instance(), r1cs.num_columns);
    if m + ni > n {
        return Err(Error::Interop(format!("{m} constraints + {ni} instance rows do not fit a domain of {n}")));
    }
    let [ta, tb, tc] = [0, 1, 2].map(|k| transpose(&r1cs.m[k], cols));
    let input_row = |j: usize, series: &[G1Affine]| if j < ni { vec![series[m + j]] } else { vec![] };
    let a = column_sums::<G1Config, _>(cols, |j| (vec![(&l.g1[..], &ta[j][..])], input_row(j, &l.g1)));
    let b1 = column_sums::<G1Config, _>(cols, |j| (vec![(&l.g1[..], &tb[j][..])], vec![]));
    let b2 = column_sums::<G2Config, _>(cols, |j| (vec![(&l.g2[..], &tb[j][..])], vec![]));
    let abc = column_sums::<G1Config, _>(cols, |j| {
        (
            vec![(&l.beta_g1[..], &ta[j][..]), (&l.alpha_g1[..], &tb[j][..]), (&l.g1[..], &tc[j][..])],
            input_row(j, &l.beta_g1),
        )
    });
    let h: Vec<G1Projective> = (0..n - 1).into_par_iter().map(|i| p.tau_g1[n + i].into_group() - p.tau_g1[i]).collect();
    let vk = ark_groth16::VerifyingKey {
        alpha_g1: p.alpha_g1[0],
        beta_g2: p.beta_g2,
        gamma_g2: G2Affine::generator(),
        delta_g2: G2Affine::generator(),
        gamma_abc_g1: abc[..ni].to_vec(),
    };
    Ok(ProvingKey {
        vk,
        beta_g1: p.beta_g1[0],
        delta_g1: G1Affine::generator(),
        a_query: a,
        b_g1_query: b1,
        b_g2_query: b2,
        h_query: G1Projective::normalize_batch(&h),
        l_query: abc[ni..].to_vec(),
    })
}

/// What was read from the ptau, for the state header.
pub struct PtauUse {
    /// The file's power (it covers domains up to 2^power).
    pub power: u32,
    /// Whether the file's Lagrange sections were used (else computed here).
    pub used_lagrange_sections: bool,
    /// Phase-1 contributions the file records.
    pub phase1_contributions: u32,
}

/// Reads, checks and turns a ptau into the circuit's initial key.
pub fn initial_key_from_ptau<R: RngCore>(r1cs: &R1cs, ptau: &Ptau, rng: &mut R) -> Result<(ProvingKey, PtauUse)> {
    if r1cs.num_constraints() == 0 {
        return Err(Error::Interop("the circuit has no constraints".into()));
    }
    let n = domain_size(r1cs);
    let powers = ptau.powers(n)?;
    check_powers(&powers, rng).map_err(|e| Error::Interop(format!("{}: {e}", ptau.path().display())))?;
    let (lagrange, used) = match ptau.lagrange(n)? {
        Some(l) => {
            check_lagrange(&powers, &l, rng).map_err(|e| Error::Interop(format!("{}: {e}", ptau.path().display())))?;
            (l, true)
        }
        None => (lagrange_from_powers(&powers), false),
    };
    let pk = initial_key(r1cs, &powers, &lagrange)?;
    Ok((pk, PtauUse { power: ptau.power, used_lagrange_sections: used, phase1_contributions: ptau.num_contributions }))
}

/// A contribution's secret; wiped when dropped.
pub struct Secret(pub Fr);

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl Secret {
    /// Fresh x ≠ 0 from the OS, mixed with optional caller entropy (hashed, never stored).
    pub fn generate<R: RngCore>(rng: &mut R, entropy: &[u8]) -> Secret {
        loop {
            let mut buf = [0u8; 64];
            rng.fill_bytes(&mut buf);
            let mut h = Sha512::new();
            h.update(b"solvent/phase2/secret/v1");
            h.update(buf);
            h.update(entropy);
            let mut wide = h.finalize();
            buf.zeroize();
            let x = Fr::from_le_bytes_mod_order(&wide);
            wide.as_mut_slice().zeroize();
            if !x.is_zero() {
                return Secret(x);
            }
        }
    }
}

/// The scalar of a public random beacon: SHA-256 iterated 2^`iter_exp` times over the
/// beacon value, then widened to a field element. Anyone can recompute it.
pub fn beacon_scalar(beacon: &[u8], iter_exp: u8) -> Result<Fr> {
    if iter_exp > 40 {
        return Err(Error::Interop("beacon iterations exponent must be at most 40".into()));
    }
    let mut h: [u8; 32] = Sha256::digest(beacon).into();
    for _ in 0..(1u64 << iter_exp) {
        h = Sha256::digest(h).into();
    }
    let mut w = Sha512::new();
    w.update(b"solvent/phase2/beacon/v1");
    w.update(h);
    let x = Fr::from_le_bytes_mod_order(&w.finalize());
    if x.is_zero() {
        return Err(Error::Interop("beacon gives a zero scalar".into()));
    }
    Ok(x)
}

fn scale_all(points: &[G1Affine], s: Fr) -> Vec<G1Affine> {
    let v: Vec<G1Projective> = points.par_iter().map(|p| *p * s).collect();
    G1Projective::normalize_batch(&v)
}

/// δ ← δ·x: the δ points times x, the L and H queries divided by x.
pub fn apply(pk: &mut ProvingKey, x: &Secret) {
    let mut inv = x.0.inverse().expect("secret is nonzero");
    pk.delta_g1 = (pk.delta_g1 * x.0).into_affine();
    pk.vk.delta_g2 = (pk.vk.delta_g2 * x.0).into_affine();
    pk.l_query = scale_all(&pk.l_query, inv);
    pk.h_query = scale_all(&pk.h_query, inv);
    inv.zeroize();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groth16::setup::{setup_from_toxic_waste, ToxicWaste};
    use crate::interop::circom::tests::toy;
    use ark_ff::{One, UniformRand};

    #[test]
    fn initial_key_equals_the_toxic_waste_setup_with_gamma_delta_one() {
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(7);
        let r1cs = toy();
        let n = domain_size(&r1cs);
        let (tau, alpha, beta) = (Fr::rand(&mut rng), Fr::rand(&mut rng), Fr::rand(&mut rng));
        let p = Powers::from_secrets_insecure(n, tau, alpha, beta);
        let pk = initial_key(&r1cs, &p, &lagrange_from_powers(&p)).unwrap();
        let mut w = ToxicWaste { tau, alpha, beta, gamma: Fr::one(), delta: Fr::one() };
        let expected = setup_from_toxic_waste(&r1cs, &w).unwrap();
        assert!(pk == expected, "derived key differs from the toxic-waste setup");
        // and a contribution x gives δ = x
        let x = Secret(Fr::rand(&mut rng));
        let mut pk = pk;
        apply(&mut pk, &x);
        w.delta = x.0;
        assert!(pk == setup_from_toxic_waste(&r1cs, &w).unwrap());
    }

    /// Dense random coefficients: columns summed term by term, and column 0 (in every
    /// row) by MSM.
    #[test]
    fn random_dense_circuit_matches_the_toxic_waste_setup() {
        use rand::Rng;
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(9);
        let (rows, cols) = (1500, 1200);
        let mut m: [Vec<Vec<(Fr, usize)>>; 3] = [vec![], vec![], vec![]];
        for mat in m.iter_mut() {
            for _ in 0..rows {
                let mut row = vec![(Fr::rand(&mut rng), 0)];
                for _ in 0..3 {
                    row.push((Fr::rand(&mut rng), rng.gen_range(1..cols)));
                }
                mat.push(row);
            }
        }
        let r1cs =
            R1cs { num_public: 3, num_columns: cols, aux_offset: cols, m, row_op: vec![0; rows], wire_col: vec![] };
        let n = domain_size(&r1cs);
        let (tau, alpha, beta) = (Fr::rand(&mut rng), Fr::rand(&mut rng), Fr::rand(&mut rng));
        let p = Powers::from_secrets_insecure(n, tau, alpha, beta);
        let pk = initial_key(&r1cs, &p, &lagrange_from_powers(&p)).unwrap();
        let w = ToxicWaste { tau, alpha, beta, gamma: Fr::one(), delta: Fr::one() };
        assert!(pk == setup_from_toxic_waste(&r1cs, &w).unwrap());
    }

    #[test]
    fn beacon_is_deterministic() {
        assert_eq!(beacon_scalar(b"abc", 3).unwrap(), beacon_scalar(b"abc", 3).unwrap());
        assert_ne!(beacon_scalar(b"abc", 3).unwrap(), beacon_scalar(b"abc", 4).unwrap());
    }
}
