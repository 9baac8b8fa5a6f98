//! The prover's multi-scalar multiplications, with arkworks types at the boundary.
//!
//! The arithmetic is halo2curves' `msm_best` (BN254 with its x86-64 assembly: Booth-encoded
//! windows, buckets accumulated in affine coordinates with batched inversions), which on
//! this project's machines runs a 2^21 G1 MSM about 1.5× and a G2 MSM about 1.6× faster
//! than ark-ec 0.6 (`benches/bench_prover.py msm` measures it). Both libraries keep BN254
//! field elements in Montgomery form with R = 2^256 over four little-endian limbs, so a
//! point or scalar crosses between them by copying its limbs, with no arithmetic; the
//! `limbs_are_shared` test holds that to canonical encodings.
//!
//! A proving key's bases are converted once (`Bases::new`, when a key is prepared, not per
//! proof) and the identity points dropped: columns that never occur in A or B have the
//! point at infinity in those queries, and halo2curves' batched affine addition requires
//! finite bases. Per proof, scalars that are zero are skipped and scalars that are one
//! (the many booleans of range checks) are summed in parallel as plain additions, so only
//! the remaining scalars enter the bucket method.

use ark_bn254::{Fq, Fq2, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInt, One, PrimeField, Zero};
use halo2curves::bn256 as h2;
use halo2curves::group::{prime::PrimeCurveAffine, Curve, Group};
use halo2curves::CurveAffine;
use rayon::prelude::*;

#[inline]
fn fq_to_h2(x: &Fq) -> h2::Fq {
    h2::Fq(x.0 .0)
}

#[inline]
fn fq_from_h2(x: &h2::Fq) -> Fq {
    Fq::new_unchecked(BigInt(x.0))
}

/// A scalar in halo2curves' form (the same Montgomery limbs).
#[inline]
pub fn fr_to_h2(x: &Fr) -> h2::Fr {
    h2::Fr(x.0 .0)
}

/// A curve as both libraries see it.
pub trait Pair: Send + Sync {
    /// The curve's arkworks affine type.
    type Ark: AffineRepr<ScalarField = Fr> + Send + Sync;
    /// The curve's halo2curves affine type.
    type H2: CurveAffine<ScalarExt = h2::Fr> + Send + Sync;
    /// An arkworks point in halo2curves' form.
    fn to_h2(p: &Self::Ark) -> Self::H2;
    /// A halo2curves point in arkworks' form.
    fn from_h2(p: &<Self::H2 as CurveAffine>::CurveExt) -> <Self::Ark as AffineRepr>::Group;
}

/// G1 as both libraries see it.
pub struct OnG1;
/// G2 as both libraries see it.
pub struct OnG2;

impl Pair for OnG1 {
    type Ark = G1Affine;
    type H2 = h2::G1Affine;
    fn to_h2(p: &G1Affine) -> h2::G1Affine {
        match p.xy() {
            Some((x, y)) => h2::G1Affine { x: fq_to_h2(&x), y: fq_to_h2(&y) },
            None => h2::G1Affine::identity(),
        }
    }
    fn from_h2(p: &h2::G1) -> G1Projective {
        let a = p.to_affine();
        if bool::from(a.is_identity()) {
            return G1Projective::zero();
        }
        G1Affine::new_unchecked(fq_from_h2(&a.x), fq_from_h2(&a.y)).into()
    }
}

impl Pair for OnG2 {
    type Ark = G2Affine;
    type H2 = h2::G2Affine;
    fn to_h2(p: &G2Affine) -> h2::G2Affine {
        match p.xy() {
            Some((x, y)) => h2::G2Affine {
                x: h2::Fq2::new(fq_to_h2(&x.c0), fq_to_h2(&x.c1)),
                y: h2::Fq2::new(fq_to_h2(&y.c0), fq_to_h2(&y.c1)),
            },
            None => h2::G2Affine::identity(),
        }
    }
    fn from_h2(p: &h2::G2) -> G2Projective {
        let a = p.to_affine();
        if bool::from(a.is_identity()) {
            return G2Projective::zero();
        }
        let f2 = |v: &h2::Fq2| Fq2::new(fq_from_h2(v.c0()), fq_from_h2(v.c1()));
        G2Affine::new_unchecked(f2(&a.x), f2(&a.y)).into()
    }
}

/// One chunk of an MSM's terms: the sum of the points with scalar one, and the other
/// nonzero scalars with their points.
type Chunk<P> = (<<P as Pair>::H2 as CurveAffine>::CurveExt, Vec<h2::Fr>, Vec<<P as Pair>::H2>);

/// One query's bases in halo2curves' form: the finite points and their positions.
pub struct Bases<P: Pair> {
    points: Vec<P::H2>,
    index: Vec<u32>,
    len: usize,
}

impl<P: Pair> Bases<P> {
    /// Converts a query's finite points.
    pub fn new(query: &[P::Ark]) -> Self {
        // positions first (one cheap pass), then the points converted in parallel straight
        // into a vector of their final length: a parallel filter would collect into a
        // list of chunks and copy every point twice more
        let index: Vec<u32> = (0..query.len() as u32).filter(|&i| !query[i as usize].is_zero()).collect();
        let points = index.par_iter().map(|&i| P::to_h2(&query[i as usize])).collect();
        Bases { points, index, len: query.len() }
    }
    /// Points at infinity dropped from the query.
    pub fn identities(&self) -> usize {
        self.len - self.points.len()
    }
    /// Points in the query, identities included.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether the query has no point.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.points.len() * (std::mem::size_of::<P::H2>() + 4)
    }

    /// `Σ scalars[i]·query[i]` over `i < min(len, scalars.len())`.
    pub fn msm(&self, scalars: &[Fr]) -> <P::Ark as AffineRepr>::Group {
        let limit = self.len.min(scalars.len());
        let end = self.index.partition_point(|&i| (i as usize) < limit);
        let one = Fr::one();
        let chunk = end.div_ceil(rayon::current_num_threads() * 4).max(1 << 12);
        let parts: Vec<Chunk<P>> = (0..end)
            .into_par_iter()
            .step_by(chunk)
            .map(|start| {
                let stop = (start + chunk).min(end);
                let mut ones = <P::H2 as CurveAffine>::CurveExt::identity();
                let mut sc = Vec::with_capacity(stop - start);
                let mut pts = Vec::with_capacity(stop - start);
                for k in start..stop {
                    let s = &scalars[self.index[k] as usize];
                    if s.is_zero() {
                        continue;
                    }
                    if *s == one {
                        ones += self.points[k];
                    } else {
                        sc.push(fr_to_h2(s));
                        pts.push(self.points[k]);
                    }
                }
                (ones, sc, pts)
            })
            .collect();
        let mut ones = <P::H2 as CurveAffine>::CurveExt::identity();
        let total: usize = parts.iter().map(|p| p.1.len()).sum();
        let mut sc = Vec::with_capacity(total);
        let mut pts = Vec::with_capacity(total);
        for (o, s, p) in parts {
            ones += o;
            sc.extend(s);
            pts.extend(p);
        }
        let rest = if sc.is_empty() {
            <P::H2 as CurveAffine>::CurveExt::identity()
        } else {
            halo2curves::msm::msm_best(&sc, &pts)
        };
        P::from_h2(&(ones + rest))
    }
}

/// arkworks' MSM over the same truncation rule (the reference and the "before" figure).
pub fn ark_msm<A>(query: &[A], scalars: &[Fr]) -> A::Group
where
    A: AffineRepr<ScalarField = Fr>,
    A::Group: VariableBaseMSM<MulBase = A>,
{
    let n = query.len().min(scalars.len());
    let bigints: Vec<_> = scalars[..n].par_iter().map(|s| s.into_bigint()).collect();
    A::Group::msm_bigint(&query[..n], &bigints)
}

/// Median CPU seconds (core-seconds, all threads) of a G1 and a G2 MSM of `2^log` random
/// full-size scalars with ark-ec and with `Bases::msm`, alternating in one process:
/// `(g1 ark, g1 halo2, g2 ark, g2 halo2)`.
/// (The bases are consecutive multiples of a random point: cheap to make, and as good as
/// random ones for timing.)
/// `log` must be in 4..=22.
pub fn compare(log: u32, runs: usize) -> crate::error::Result<(f64, f64, f64, f64)> {
    if !(4..=22).contains(&log) {
        return Err(crate::error::Error::Invalid(format!("log {log} is not in 4..=22")));
    }
    use super::clock::Clock;
    use ark_ff::UniformRand;
    fn chain<A: AffineRepr<ScalarField = Fr>>(n: usize, rng: &mut impl rand::Rng) -> Vec<A> {
        let step = A::generator() * Fr::rand(rng);
        let mut acc = step;
        let pts: Vec<A::Group> = (0..n)
            .map(|_| {
                acc += step;
                acc
            })
            .collect();
        A::Group::normalize_batch(&pts)
    }
    let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(1);
    let n = 1usize << log;
    let scalars: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    let g1: Vec<G1Affine> = chain(n, &mut rng);
    let g2: Vec<G2Affine> = chain(n, &mut rng);
    let (b1, b2) = (Bases::<OnG1>::new(&g1), Bases::<OnG2>::new(&g2));
    let mut t = [vec![], vec![], vec![], vec![]];
    for _ in 0..runs.max(1) {
        let s = Clock::now();
        let x = ark_msm(&g1, &scalars);
        t[0].push(s.elapsed().1);
        let s = Clock::now();
        assert_eq!(b1.msm(&scalars), x);
        t[1].push(s.elapsed().1);
        let s = Clock::now();
        let y = ark_msm(&g2, &scalars);
        t[2].push(s.elapsed().1);
        let s = Clock::now();
        assert_eq!(b2.msm(&scalars), y);
        t[3].push(s.elapsed().1);
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    Ok((med(&mut t[0]), med(&mut t[1]), med(&mut t[2]), med(&mut t[3])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{BigInteger, UniformRand};
    use halo2curves::ff::PrimeField as _;
    use rand::Rng;

    fn rng() -> rand_chacha::ChaCha20Rng {
        <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(11)
    }

    #[test]
    fn limbs_are_shared() {
        let mut r = rng();
        for _ in 0..20 {
            let s = Fr::rand(&mut r);
            assert_eq!(fr_to_h2(&s).to_repr().as_ref(), &s.into_bigint().to_bytes_le()[..]);
            let x = Fq::rand(&mut r);
            assert_eq!(fq_to_h2(&x).to_repr().as_ref(), &x.into_bigint().to_bytes_le()[..]);
            assert_eq!(fq_from_h2(&fq_to_h2(&x)), x);
        }
        let g = (G1Affine::generator() * Fr::rand(&mut r)).into_affine();
        assert!(bool::from(OnG1::to_h2(&g).is_on_curve()));
        let g2 = (G2Affine::generator() * Fr::rand(&mut r)).into_affine();
        assert!(bool::from(OnG2::to_h2(&g2).is_on_curve()));
        assert_eq!(OnG1::from_h2(&OnG1::to_h2(&g).to_curve()).into_affine(), g);
        assert_eq!(OnG2::from_h2(&OnG2::to_h2(&g2).to_curve()).into_affine(), g2);
    }

    /// Scalars shaped like a witness: zeros, ones, small values, −1, full-size values.
    fn witness_like(n: usize, r: &mut impl Rng) -> Vec<Fr> {
        (0..n)
            .map(|_| match r.gen_range(0..10) {
                0..=3 => Fr::zero(),
                4 | 5 => Fr::one(),
                6 => Fr::from(r.gen::<u64>()),
                7 => -Fr::one(),
                _ => Fr::rand(r),
            })
            .collect()
    }

    fn points<A: AffineRepr<ScalarField = Fr>>(n: usize, r: &mut impl Rng, identities: bool) -> Vec<A> {
        let g = A::generator();
        let pts: Vec<A::Group> =
            (0..n).map(|i| if identities && i % 7 == 3 { A::Group::zero() } else { g * Fr::rand(r) }).collect();
        A::Group::normalize_batch(&pts)
    }

    #[test]
    fn g1_msm_equals_arkworks_on_random_and_boolean_heavy_scalars() {
        let mut r = rng();
        // below and above halo2curves' switch to its bucket method (c ≥ 10)
        for n in [1, 5, 100, 30_000] {
            let q: Vec<G1Affine> = points(n, &mut r, true);
            let b = Bases::<OnG1>::new(&q);
            assert_eq!(b.identities(), (0..n).filter(|i| i % 7 == 3).count());
            let random: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut r)).collect();
            let bits: Vec<Fr> = (0..n).map(|_| Fr::from(r.gen::<bool>() as u64)).collect();
            for s in [random, bits, witness_like(n, &mut r), vec![Fr::zero(); n]] {
                assert_eq!(b.msm(&s), ark_msm(&q, &s), "n = {n}");
            }
            // fewer scalars than bases: the query is truncated, as arkworks does
            let s = witness_like(n / 2, &mut r);
            assert_eq!(b.msm(&s), ark_msm(&q, &s));
        }
    }

    #[test]
    fn g2_msm_equals_arkworks() {
        let mut r = rng();
        for n in [3, 20_000] {
            let q: Vec<G2Affine> = points(n, &mut r, true);
            let b = Bases::<OnG2>::new(&q);
            let s = witness_like(n, &mut r);
            assert_eq!(b.msm(&s), ark_msm(&q, &s));
        }
    }

    #[test]
    fn repeated_bases_and_cancelling_scalars() {
        // the same point many times, and P·s + P·(−s): bucket edge cases (doubling, P − P)
        let mut r = rng();
        let p = (G1Affine::generator() * Fr::rand(&mut r)).into_affine();
        let q = vec![p; 20_000];
        let b = Bases::<OnG1>::new(&q);
        let s: Vec<Fr> =
            (0..20_000).map(|i| if i % 2 == 0 { Fr::from(i as u64 + 3) } else { -Fr::from(i as u64 + 2) }).collect();
        assert_eq!(b.msm(&s), ark_msm(&q, &s));
    }
}
