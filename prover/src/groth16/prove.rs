//! The Groth16 prover, run on the stored matrices and a solved assignment (the circuit is
//! never re-synthesized), in timed phases: the QAP step (`qap.rs`: evaluating the rows,
//! the FFTs), then one MSM per query (`msm.rs`: A, B in G1, B in G2, L, H).
//!
//! The proof is arkworks' `create_proof_with_reduction_and_matrices` to the bit: the same
//! `r, s` drawn in the same order, the same A, B, C, so deterministic proofs (a seeded
//! rng) are unchanged and tests compare the two provers point for point. What differs is
//! the cost: six FFTs instead of seven, halo2curves' MSMs over bases converted once per
//! key (`Prepared`), zero scalars skipped and unit scalars added, not multiplied.

use super::clock::Clock;
use super::msm::{ark_msm, Bases, OnG1, OnG2};
use super::qap::{self, Reduction};
use super::{Curve, Proof, ProvingKey};
use crate::error::{Error, Result};
use crate::r1cs::R1cs;
use ark_bn254::{Fr, G1Projective, G2Projective};
use ark_ec::CurveGroup;
use ark_ff::{UniformRand, Zero};
use ark_poly::EvaluationDomain;
use rand::{CryptoRng, RngCore};

/// A proving key's MSM bases in the form the prover uses, made once per loaded key.
pub struct Prepared {
    a: Bases<OnG1>,
    b_g1: Bases<OnG1>,
    b_g2: Bases<OnG2>,
    l: Bases<OnG1>,
    h: Bases<OnG1>,
    /// `(wall, CPU)` seconds the conversion took.
    pub prepare: (f64, f64),
}

impl Prepared {
    /// Converts a key's A, B (both groups), L and H bases.
    pub fn new(pk: &ProvingKey) -> Self {
        let t = Clock::now();
        let a = Bases::new(pk.a_query.get(1..).unwrap_or_default());
        let b_g1 = Bases::new(pk.b_g1_query.get(1..).unwrap_or_default());
        let b_g2 = Bases::new(pk.b_g2_query.get(1..).unwrap_or_default());
        let l = Bases::new(&pk.l_query);
        let h = Bases::new(&pk.h_query);
        Prepared { a, b_g1, b_g2, l, h, prepare: t.elapsed() }
    }
    /// Bytes held by the converted bases (on top of the arkworks key).
    pub fn heap_bytes(&self) -> usize {
        self.a.heap_bytes()
            + self.b_g1.heap_bytes()
            + self.b_g2.heap_bytes()
            + self.l.heap_bytes()
            + self.h.heap_bytes()
    }
    /// Points at infinity per query (A, B1, B2, L, H), dropped from the MSMs.
    pub fn identities(&self) -> [usize; 5] {
        [self.a.identities(), self.b_g1.identities(), self.b_g2.identities(), self.l.identities(), self.h.identities()]
    }
}

/// How a proof is computed: `Fast` is the prover; `Arkworks` runs ark-groth16's QAP step
/// (seven FFTs) and ark-ec's MSMs, for before/after figures and equality tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The prover.
    Fast,
    /// arkworks' QAP step and MSMs (the same proof, slower).
    Arkworks,
}

/// `(phase, wall seconds, CPU seconds)` of one proof, in order.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// `(name, wall, CPU)` of each phase.
    pub phases: Vec<(&'static str, f64, f64)>,
    /// FFTs and iFFTs run.
    pub ffts: u32,
    /// The QAP domain's size.
    pub domain_size: usize,
}

impl Profile {
    /// `(phase, wall seconds)` and `(cpu_<phase>, CPU seconds)` per phase, then the FFT
    /// count and the domain size: the flat form benches and the Python side read.
    pub fn pairs(&self) -> Vec<(String, f64)> {
        let mut out = Vec::with_capacity(2 * self.phases.len() + 2);
        for (name, wall, cpu) in &self.phases {
            out.push((name.to_string(), *wall));
            out.push((format!("cpu_{name}"), *cpu));
        }
        out.push(("ffts".into(), self.ffts as f64));
        out.push(("domain_size".into(), self.domain_size as f64));
        out
    }

    fn push(&mut self, name: &'static str, (wall, cpu): (f64, f64)) {
        self.phases.push((name, wall, cpu));
    }
    fn mark(&mut self, name: &'static str, since: Clock) -> Clock {
        self.push(name, since.elapsed());
        Clock::now()
    }
}

fn check_shape(pk: &ProvingKey, r1cs: &R1cs, z: &[Fr], reduction: Reduction, n: usize) -> Result<()> {
    if z.len() != r1cs.num_columns {
        return Err(Error::Invalid(format!(
            "assignment has {} values, the circuit {} columns",
            z.len(),
            r1cs.num_columns
        )));
    }
    let ok = pk.a_query.len() == r1cs.num_columns
        && pk.b_g1_query.len() == r1cs.num_columns
        && pk.b_g2_query.len() == r1cs.num_columns
        && pk.vk.gamma_abc_g1.len() == r1cs.num_instance()
        && pk.l_query.len() == r1cs.num_columns - r1cs.num_instance()
        && pk.h_query.len() == reduction.h_len(n);
    if !ok {
        return Err(Error::KeyFile {
            path: None,
            reason: format!("proving key does not match the circuit's shape ({} reduction)", reduction.name()),
        });
    }
    Ok(())
}

/// Proves with a key made for `reduction`. `prepared` must be `Prepared::new(pk)` (made
/// here if `None`); it is ignored in `Mode::Arkworks`. With `check`, a witness that does
/// not satisfy the circuit is refused (`Error::Unsatisfied`, the lowest failing row)
/// before any FFT or MSM.
#[allow(clippy::too_many_arguments)]
pub fn prove_profiled<R: RngCore + CryptoRng>(
    pk: &ProvingKey,
    prepared: Option<&Prepared>,
    reduction: Reduction,
    mode: Mode,
    r1cs: &R1cs,
    z: &[Fr],
    check: bool,
    rng: &mut R,
) -> Result<(Proof, Profile)> {
    let domain = qap::domain(r1cs)?;
    check_shape(pk, r1cs, z, reduction, domain.size())?;
    let start = Clock::now();
    let mut profile = Profile { domain_size: domain.size(), ..Profile::default() };
    let r = Fr::rand(rng);
    let s = Fr::rand(rng);
    let mut t = Clock::now();

    let h = match mode {
        Mode::Fast => {
            let (h, times) = qap::h_scalars(r1cs, z, reduction, check)?;
            profile.push("qap_evaluate", times.evaluate);
            profile.push("fft", times.fft);
            profile.ffts = times.ffts;
            t = Clock::now();
            h
        }
        Mode::Arkworks => {
            if check {
                if let Some(row) = crate::r1cs::first_unsatisfied(r1cs, z) {
                    return Err(Error::Unsatisfied { row, site: None });
                }
                t = profile.mark("check", t);
            }
            use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
            use ark_poly::GeneralEvaluationDomain;
            let f = match reduction {
                Reduction::Libsnark => LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>,
                Reduction::Circom => {
                    crate::interop::reduction::CircomReduction::witness_map_from_matrices::<
                        Fr,
                        GeneralEvaluationDomain<Fr>,
                    >
                }
            };
            let h =
                f(&r1cs.m, r1cs.num_instance(), r1cs.num_constraints(), z).map_err(|e| Error::Prover(e.to_string()))?;
            profile.ffts = if reduction == Reduction::Libsnark { 7 } else { 6 };
            t = profile.mark("qap", t);
            h
        }
    };

    let own;
    let prep = match (mode, prepared) {
        (Mode::Fast, Some(p)) => Some(p),
        (Mode::Fast, None) => {
            own = Prepared::new(pk);
            t = profile.mark("prepare_key", t);
            Some(&own)
        }
        (Mode::Arkworks, _) => None,
    };
    let ni = r1cs.num_instance();
    // the assignment without the constant one (A and B queries) and the private part (L)
    let (inputs_aux, aux) = (&z[1..], &z[ni..]);
    let (h_acc, l_acc, a_acc, b1_acc, b2_acc): (G1Projective, G1Projective, G1Projective, G1Projective, G2Projective);
    match prep {
        Some(p) => {
            h_acc = p.h.msm(&h);
            t = profile.mark("msm_h", t);
            l_acc = p.l.msm(aux);
            t = profile.mark("msm_l", t);
            a_acc = p.a.msm(inputs_aux);
            t = profile.mark("msm_a", t);
            b1_acc = if r.is_zero() { G1Projective::zero() } else { p.b_g1.msm(inputs_aux) };
            t = profile.mark("msm_b_g1", t);
            b2_acc = p.b_g2.msm(inputs_aux);
            t = profile.mark("msm_b_g2", t);
        }
        None => {
            h_acc = ark_msm(&pk.h_query, &h);
            t = profile.mark("msm_h", t);
            l_acc = ark_msm(&pk.l_query, aux);
            t = profile.mark("msm_l", t);
            a_acc = ark_msm(&pk.a_query[1..], inputs_aux);
            t = profile.mark("msm_a", t);
            b1_acc = if r.is_zero() { G1Projective::zero() } else { ark_msm(&pk.b_g1_query[1..], inputs_aux) };
            t = profile.mark("msm_b_g1", t);
            b2_acc = ark_msm(&pk.b_g2_query[1..], inputs_aux);
            t = profile.mark("msm_b_g2", t);
        }
    }
    drop(h);

    // A = α + Σ a_i·[A_i] + r·δ;  B = β + Σ b_i·[B_i] + s·δ;  C = s·A + r·B₁ − r·s·δ + L + H
    let g_a = pk.delta_g1 * r + pk.a_query[0] + a_acc + pk.vk.alpha_g1;
    let g1_b =
        if r.is_zero() { G1Projective::zero() } else { pk.delta_g1 * s + pk.b_g1_query[0] + b1_acc + pk.beta_g1 };
    let g2_b = pk.vk.delta_g2 * s + pk.b_g2_query[0] + b2_acc + pk.vk.beta_g2;
    let g_c = g_a * s + g1_b * r - pk.delta_g1 * (r * s) + l_acc + h_acc;
    let proof = Proof { a: g_a.into_affine(), b: g2_b.into_affine(), c: g_c.into_affine() };
    profile.mark("finish", t);
    profile.push("prove_total", start.elapsed());
    Ok((proof, profile))
}

/// The randomness of one proof: ChaCha20 from `seed` when one is given (deterministic
/// proofs: the seed must be secret and unique per witness, e.g. a keyed PRF of the
/// witness digest), else seeded from the OS.
pub fn proof_rng(seed: Option<[u8; 32]>) -> rand_chacha::ChaCha20Rng {
    use rand::SeedableRng;
    match seed {
        Some(s) => rand_chacha::ChaCha20Rng::from_seed(s),
        None => rand_chacha::ChaCha20Rng::from_rng(rand::rngs::OsRng).expect("the OS random source"),
    }
}

/// Proves with a key made for `reduction` (bases converted for this proof only; callers
/// proving many times under one key keep a `Prepared`).
pub fn prove_with<R: RngCore + CryptoRng>(
    pk: &ProvingKey,
    reduction: Reduction,
    r1cs: &R1cs,
    z: &[Fr],
    rng: &mut R,
) -> Result<Proof> {
    prove_profiled(pk, None, reduction, Mode::Fast, r1cs, z, false, rng).map(|(p, _)| p)
}

/// Proves with a key from solvent's setup or ceremony (libsnark reduction).
pub fn prove<R: RngCore + CryptoRng>(pk: &ProvingKey, r1cs: &R1cs, z: &[Fr], rng: &mut R) -> Result<Proof> {
    prove_with(pk, Reduction::Libsnark, r1cs, z, rng)
}

/// arkworks' own prover on the same inputs: the reference the tests hold `prove` to.
pub fn prove_arkworks<R: RngCore + CryptoRng>(pk: &ProvingKey, r1cs: &R1cs, z: &[Fr], rng: &mut R) -> Result<Proof> {
    use ark_groth16::{r1cs_to_qap::LibsnarkReduction, Groth16};
    let r = Fr::rand(rng);
    let s = Fr::rand(rng);
    Groth16::<Curve, LibsnarkReduction>::create_proof_with_reduction_and_matrices(
        pk,
        r,
        s,
        &r1cs.m,
        r1cs.num_instance(),
        r1cs.num_constraints(),
        z,
    )
    .map_err(|e| Error::Prover(format!("prover failed: {e}")))
}

/// Tests, and the batch-shaped test circuit other modules' tests share.
#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::groth16::setup::setup_dev;
    use crate::groth16::verify::verify;

    fn seeded(seed: u64) -> rand_chacha::ChaCha20Rng {
        <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(seed)
    }

    #[test]
    fn equals_arkworks_prover_point_for_point() {
        use crate::interop::circom::tests::{toy, toy_witness};
        let r1cs = toy();
        let pk = setup_dev(&r1cs, &mut seeded(1)).unwrap();
        let z = toy_witness(2, 3, 4, 5);
        let fast = prove(&pk, &r1cs, &z, &mut seeded(9)).unwrap();
        let reference = prove_arkworks(&pk, &r1cs, &z, &mut seeded(9)).unwrap();
        assert_eq!(fast, reference);
        assert!(verify(&pk.vk, &z[1..=r1cs.num_public], &fast).unwrap());
        let (slow, profile) =
            prove_profiled(&pk, None, Reduction::Libsnark, Mode::Arkworks, &r1cs, &z, true, &mut seeded(9)).unwrap();
        assert_eq!(slow, reference);
        assert_eq!(profile.ffts, 7);
    }

    /// A circuit large enough for halo2curves' bucket method (> e^10 terms per MSM) and
    /// shaped like a batch: `k` 64-bit values range-checked bit by bit (0/1 witness
    /// entries), multiplied into a running product (full-size entries) that is public.
    pub fn bits_and_products(k: usize, seed: u64) -> (R1cs, Vec<Fr>) {
        use ark_ff::{BigInteger, One, PrimeField};
        use rand::Rng;
        let mut rng = seeded(seed);
        let one = Fr::one();
        // columns: 0 one, 1 the product (public), then per value: x, 64 bits, product so far
        let per = 66;
        let col = |v: usize, j: usize| 2 + v * per + j;
        let mut m: [Vec<Vec<(Fr, usize)>>; 3] = [vec![], vec![], vec![]];
        let mut z = vec![Fr::zero(); 2 + k * per];
        z[0] = one;
        let mut acc = one;
        for v in 0..k {
            let x = Fr::from(rng.gen::<u64>());
            z[col(v, 0)] = x;
            let bits = x.into_bigint();
            let mut sum = vec![];
            let mut pow = one;
            for j in 0..64 {
                let c = col(v, 1 + j);
                z[c] = Fr::from(bits.get_bit(j) as u64);
                m[0].push(vec![(one, c)]);
                m[1].push(vec![(one, 0), (-one, c)]);
                m[2].push(vec![]);
                sum.push((pow, c));
                pow = pow + pow;
            }
            m[0].push(sum);
            m[1].push(vec![(one, 0)]);
            m[2].push(vec![(one, col(v, 0))]);
            let prev = if v == 0 { 0 } else { col(v - 1, 65) };
            acc *= x;
            z[col(v, 65)] = acc;
            m[0].push(vec![(one, prev)]);
            m[1].push(vec![(one, col(v, 0))]);
            m[2].push(vec![(one, col(v, 65))]);
        }
        m[0].push(vec![(one, col(k - 1, 65))]);
        m[1].push(vec![(one, 0)]);
        m[2].push(vec![(one, 1)]);
        z[1] = acc;
        let rows = m[0].len();
        let n = z.len();
        (
            R1cs {
                num_public: 1,
                num_columns: n,
                aux_offset: n,
                m,
                row_op: vec![0; rows],
                wire_col: (0..n as u32).collect(),
            },
            z,
        )
    }

    #[test]
    fn large_circuit_equals_arkworks_and_verifies() {
        let (r1cs, z) = bits_and_products(350, 5);
        assert_eq!(crate::r1cs::first_unsatisfied(&r1cs, &z), None);
        assert!(r1cs.num_constraints() > 20_000, "{}", r1cs.num_constraints());
        let pk = setup_dev(&r1cs, &mut seeded(2)).unwrap();
        let prepared = Prepared::new(&pk);
        assert!(prepared.identities()[0] > 0, "some columns never occur in A");
        let (fast, profile) =
            prove_profiled(&pk, Some(&prepared), Reduction::Libsnark, Mode::Fast, &r1cs, &z, true, &mut seeded(3))
                .unwrap();
        let reference = prove_arkworks(&pk, &r1cs, &z, &mut seeded(3)).unwrap();
        assert_eq!(fast, reference);
        assert_eq!(profile.ffts, 6);
        let names: Vec<_> = profile.phases.iter().map(|p| p.0).collect();
        for n in ["fft", "msm_h", "msm_l", "msm_a", "msm_b_g1", "msm_b_g2", "prove_total"] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
        assert!(verify(&pk.vk, &z[1..=r1cs.num_public], &fast).unwrap());
        // a wrong witness value gives a proof that does not verify
        let mut bad = z.clone();
        let last = bad.len() - 1;
        bad[last] += Fr::from(1u8);
        let refused =
            prove_profiled(&pk, Some(&prepared), Reduction::Libsnark, Mode::Fast, &r1cs, &bad, true, &mut seeded(4));
        assert_eq!(
            refused.unwrap_err(),
            Error::Unsatisfied { row: crate::r1cs::first_unsatisfied(&r1cs, &bad).unwrap(), site: None }
        );
        let p =
            prove_profiled(&pk, Some(&prepared), Reduction::Libsnark, Mode::Fast, &r1cs, &bad, false, &mut seeded(4))
                .unwrap()
                .0;
        assert!(!verify(&pk.vk, &z[1..=r1cs.num_public], &p).unwrap());
    }

    #[test]
    fn refuses_a_key_of_another_shape() {
        use crate::interop::circom::tests::{toy, toy_witness};
        let r1cs = toy();
        let mut pk = setup_dev(&r1cs, &mut seeded(1)).unwrap();
        pk.h_query.pop();
        let e = prove(&pk, &r1cs, &toy_witness(1, 2, 3, 4), &mut seeded(1)).unwrap_err();
        assert!(matches!(&e, Error::KeyFile { reason, .. } if reason.contains("shape")), "{e}");
    }
}
