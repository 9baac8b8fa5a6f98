//! Phase-1 material for one domain size n: the powers of τ (and α·τ^i, β·τ^i), their
//! Lagrange-basis forms, and cheap checks that they are what they claim to be.
//!
//! The checks use random linear combinations, so each costs a few multi-scalar
//! multiplications and at most two pairings however long the series: with random ρ_i,
//! `e(Σ ρ_i·P_{i+1}, [1]₂) = e(Σ ρ_i·P_i, [τ]₂)` holds for a series that is not
//! `P_i = c·τ^i` only with probability about 2^-128.
//!
//! Lagrange points are `L_j(τ) = (1/n) Σ_k τ^k ω^{-jk}`: the inverse FFT of the power
//! series, computed here over group elements when a file does not carry them. A file's
//! own Lagrange points are checked against the powers: `Σ_j ρ_j·L_j = Σ_k c_k·[τ^k]`
//! with `c = IFFT(ρ)`, an identity of two MSMs.

use crate::error::{Error, Result};
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::{pairing::Pairing, scalar_mul::BatchMulPreprocessing, AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{One, UniformRand, Zero};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rand::RngCore;

/// Phase-1 powers for a domain of size `n`.
pub struct Powers {
    /// The domain size.
    pub n: usize,
    /// `[τ^i]₁`, i < 2n − 1.
    pub tau_g1: Vec<G1Affine>,
    /// `[τ^i]₂`, i < n.
    pub tau_g2: Vec<G2Affine>,
    /// `[α·τ^i]₁`, i < n.
    pub alpha_g1: Vec<G1Affine>,
    /// `[β·τ^i]₁`, i < n.
    pub beta_g1: Vec<G1Affine>,
    /// `[β]₂`.
    pub beta_g2: G2Affine,
}

/// The same series in the Lagrange basis of the domain: `[L_j(τ)]`, j < n.
pub struct Lagrange {
    /// `[L_j(τ)]₁`.
    pub g1: Vec<G1Affine>,
    /// `[L_j(τ)]₂`.
    pub g2: Vec<G2Affine>,
    /// `[α·L_j(τ)]₁`.
    pub alpha_g1: Vec<G1Affine>,
    /// `[β·L_j(τ)]₁`.
    pub beta_g1: Vec<G1Affine>,
}

/// The radix-2 domain of size `n` (a power of two).
pub fn domain(n: usize) -> Radix2EvaluationDomain<Fr> {
    Radix2EvaluationDomain::new(n).expect("power-of-two domain within BN254's 2-adicity")
}

impl Powers {
    /// The prefix a smaller domain needs.
    pub fn truncate(&self, m: usize) -> Powers {
        Powers {
            n: m,
            tau_g1: self.tau_g1[..2 * m - 1].to_vec(),
            tau_g2: self.tau_g2[..m].to_vec(),
            alpha_g1: self.alpha_g1[..m].to_vec(),
            beta_g1: self.beta_g1[..m].to_vec(),
            beta_g2: self.beta_g2,
        }
    }

    /// Powers of known secrets: INSECURE, for tests and for comparing with a setup from
    /// toxic waste.
    pub fn from_secrets_insecure(n: usize, tau: Fr, alpha: Fr, beta: Fr) -> Powers {
        let mut pows = Vec::with_capacity(2 * n - 1);
        let mut acc = Fr::one();
        for _ in 0..2 * n - 1 {
            pows.push(acc);
            acc *= tau;
        }
        let g1 = BatchMulPreprocessing::new(G1Projective::from(G1Affine::generator()), 4 * n);
        let g2 = BatchMulPreprocessing::new(G2Projective::from(G2Affine::generator()), n);
        let scaled = |c: Fr| pows[..n].iter().map(|p| *p * c).collect::<Vec<_>>();
        Powers {
            n,
            tau_g1: g1.batch_mul(&pows),
            tau_g2: g2.batch_mul(&pows[..n]),
            alpha_g1: g1.batch_mul(&scaled(alpha)),
            beta_g1: g1.batch_mul(&scaled(beta)),
            beta_g2: (G2Affine::generator() * beta).into_affine(),
        }
    }
}

fn random_scalars<R: RngCore>(rng: &mut R, n: usize) -> Vec<Fr> {
    // 128-bit multipliers: enough for 2^-128 soundness, and cheaper MSMs.
    (0..n).map(|_| Fr::from(rng.next_u64() as u128 | ((rng.next_u64() as u128) << 64))).collect()
}

/// `(Σ ρ_i·P_i, Σ ρ_i·P_{i+1})` over i < len − 1.
fn shifted<G: VariableBaseMSM<ScalarField = Fr>>(points: &[G::MulBase], rho: &[Fr]) -> (G, G) {
    let m = points.len() - 1;
    (G::msm_unchecked(&points[..m], &rho[..m]), G::msm_unchecked(&points[1..], &rho[..m]))
}

/// `e(a1, a2) == e(b1, b2)`.
pub fn pairing_eq(a1: G1Affine, a2: G2Affine, b1: G1Affine, b2: G2Affine) -> bool {
    Bn254::multi_pairing([a1, (-b1.into_group()).into_affine()], [a2, b2]).is_zero()
}

/// Structure of the powers: generators first, nonzero secrets, consecutive powers of
/// one τ in both groups, α and β series following the same τ, `[β]₂` matching `[β]₁`.
pub fn check_powers<R: RngCore>(p: &Powers, rng: &mut R) -> Result<()> {
    let (g1, g2) = (G1Affine::generator(), G2Affine::generator());
    if p.tau_g1[0] != g1 || p.tau_g2[0] != g2 {
        return Err(Error::Interop("the first powers are not the standard generators".into()));
    }
    if p.tau_g1[1].is_zero() || p.tau_g2[1].is_zero() {
        return Err(Error::Interop("tau is zero".into()));
    }
    if p.alpha_g1[0].is_zero() || p.beta_g1[0].is_zero() || p.beta_g2.is_zero() {
        return Err(Error::Interop("alpha or beta is zero".into()));
    }
    let tau2 = p.tau_g2[1];
    let rho = random_scalars(rng, p.tau_g1.len());
    let (lo, hi) = shifted::<G1Projective>(&p.tau_g1, &rho);
    if !pairing_eq(hi.into_affine(), g2, lo.into_affine(), tau2) {
        return Err(Error::Interop("tauG1 is not a series of powers of the tau in tauG2".into()));
    }
    let (lo, hi) = shifted::<G2Projective>(&p.tau_g2, &rho);
    if !pairing_eq(g1, hi.into_affine(), p.tau_g1[1], lo.into_affine()) {
        return Err(Error::Interop("tauG2 is not a series of powers of the tau in tauG1".into()));
    }
    for (series, name) in [(&p.alpha_g1, "alphaTauG1"), (&p.beta_g1, "betaTauG1")] {
        let (lo, hi) = shifted::<G1Projective>(series, &rho);
        if !pairing_eq(hi.into_affine(), g2, lo.into_affine(), tau2) {
            return Err(Error::Interop(format!("{name} is not a series in the same tau")));
        }
    }
    if !pairing_eq(p.beta_g1[0], g2, g1, p.beta_g2) {
        return Err(Error::Interop("betaG2 does not match betaTauG1[0]".into()));
    }
    Ok(())
}

fn ifft_points<G: CurveGroup<ScalarField = Fr>>(d: &Radix2EvaluationDomain<Fr>, pts: &[G::Affine]) -> Vec<G::Affine> {
    let mut v: Vec<G> = pts.iter().map(|p| p.into_group()).collect();
    d.ifft_in_place(&mut v);
    G::normalize_batch(&v)
}

/// G2 points whose multiplication by a scalar uses the GLV endomorphism (arkworks'
/// default G2 multiplication does not, and the FFT multiplies by a twiddle factor at
/// every butterfly).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Glv2(G2Projective);

impl std::ops::Add for Glv2 {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Glv2(self.0 + o.0)
    }
}
impl std::ops::Sub for Glv2 {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Glv2(self.0 - o.0)
    }
}
impl std::ops::AddAssign for Glv2 {
    fn add_assign(&mut self, o: Self) {
        self.0 += o.0
    }
}
impl std::ops::SubAssign for Glv2 {
    fn sub_assign(&mut self, o: Self) {
        self.0 -= o.0
    }
}
impl std::ops::MulAssign<Fr> for Glv2 {
    fn mul_assign(&mut self, k: Fr) {
        self.0 = <ark_bn254::g2::Config as GLVConfig>::glv_mul_projective(self.0, k)
    }
}
impl Zero for Glv2 {
    fn zero() -> Self {
        Glv2(G2Projective::zero())
    }
    fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}

fn ifft_g2(d: &Radix2EvaluationDomain<Fr>, pts: &[G2Affine]) -> Vec<G2Affine> {
    let mut v: Vec<Glv2> = pts.iter().map(|p| Glv2(p.into_group())).collect();
    d.ifft_in_place(&mut v);
    G2Projective::normalize_batch(&v.into_iter().map(|g| g.0).collect::<Vec<_>>())
}

/// The inverse FFT of G1 points over the domain of their number (a power of two): the
/// Lagrange evaluations snarkjs writes for one level of a phase-2 section.
pub fn lagrange_g1(points: &[G1Affine]) -> Vec<G1Affine> {
    ifft_points::<G1Projective>(&domain(points.len()), points)
}

/// The Lagrange basis by inverse FFTs over group elements.
pub fn lagrange_from_powers(p: &Powers) -> Lagrange {
    let d = domain(p.n);
    Lagrange {
        g1: ifft_points::<G1Projective>(&d, &p.tau_g1[..p.n]),
        g2: ifft_g2(&d, &p.tau_g2),
        alpha_g1: ifft_points::<G1Projective>(&d, &p.alpha_g1),
        beta_g1: ifft_points::<G1Projective>(&d, &p.beta_g1),
    }
}

/// A file's Lagrange points against the (already checked) powers.
pub fn check_lagrange<R: RngCore>(p: &Powers, l: &Lagrange, rng: &mut R) -> Result<()> {
    let n = p.n;
    if [l.g1.len(), l.g2.len(), l.alpha_g1.len(), l.beta_g1.len()] != [n; 4] {
        return Err(Error::Interop("Lagrange series of the wrong length".into()));
    }
    let d = domain(n);
    let rho: Vec<Fr> = (0..n).map(|_| Fr::rand(rng)).collect();
    let c = d.ifft(&rho);
    let ok1 = |lag: &[G1Affine], pow: &[G1Affine]| {
        G1Projective::msm_unchecked(lag, &rho) == G1Projective::msm_unchecked(&pow[..n], &c)
    };
    if !ok1(&l.g1, &p.tau_g1) {
        return Err(Error::Interop("the Lagrange tauG1 section does not match the powers of tau".into()));
    }
    if G2Projective::msm_unchecked(&l.g2, &rho) != G2Projective::msm_unchecked(&p.tau_g2, &c) {
        return Err(Error::Interop("the Lagrange tauG2 section does not match the powers of tau".into()));
    }
    if !ok1(&l.alpha_g1, &p.alpha_g1) {
        return Err(Error::Interop("the Lagrange alphaTauG1 section does not match alphaTauG1".into()));
    }
    if !ok1(&l.beta_g1, &p.beta_g1) {
        return Err(Error::Interop("the Lagrange betaTauG1 section does not match betaTauG1".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::Field;

    #[test]
    fn checks_accept_honest_powers_and_reject_a_broken_one() {
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(7);
        let (tau, alpha, beta) = (Fr::rand(&mut rng), Fr::rand(&mut rng), Fr::rand(&mut rng));
        let p = Powers::from_secrets_insecure(16, tau, alpha, beta);
        check_powers(&p, &mut rng).unwrap();
        let l = lagrange_from_powers(&p);
        check_lagrange(&p, &l, &mut rng).unwrap();
        // L_j(τ) directly
        let d = domain(16);
        let direct = d.evaluate_all_lagrange_coefficients(tau);
        assert_eq!(l.g1[5], (G1Affine::generator() * direct[5]).into_affine());
        assert_eq!(l.g2[3], (G2Affine::generator() * direct[3]).into_affine());
        assert_eq!(l.alpha_g1[7], (G1Affine::generator() * (direct[7] * alpha)).into_affine());

        let mut bad = Powers::from_secrets_insecure(16, tau, alpha, beta);
        bad.tau_g1[20] = (bad.tau_g1[20] * Fr::from(2u8)).into_affine();
        assert!(check_powers(&bad, &mut rng).unwrap_err().to_string().contains("tauG1"));
        let mut bad = Powers::from_secrets_insecure(16, tau, alpha, beta);
        bad.beta_g1[3] = bad.alpha_g1[3];
        assert!(check_powers(&bad, &mut rng).unwrap_err().to_string().contains("betaTauG1"));
        let mut bad_l = lagrange_from_powers(&p);
        bad_l.g2.swap(1, 2);
        assert!(check_lagrange(&p, &bad_l, &mut rng).unwrap_err().to_string().contains("tauG2"));
        assert_eq!(d.group_gen.pow([16]), Fr::one());
    }
}
