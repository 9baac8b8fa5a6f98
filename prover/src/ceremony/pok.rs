//! Proof that a contributor knows the x with `δ_new = x·δ_old` in G1: a Schnorr proof
//! made non-interactive by Fiat–Shamir, the challenge binding the state the contribution
//! was made on (its hash), the contributor's name and both δs.
//!
//! ```text
//! k random, R = k·δ_old₁, c = H(prev_hash, name, δ_old₁, δ_new₁, δ_new₂, R), s = k + c·x
//! accept iff s·δ_old₁ = R + c·δ_new₁
//! ```
//!
//! Knowing x is what stops a last contributor from choosing δ_new as a function of the
//! earlier δs (cancelling them); binding prev_hash stops a proof from being replayed in
//! another transcript. That δ₂ carries the same x is checked separately by a pairing.

use super::phase2::Secret;
use ark_bn254::{Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::PrimeField;
use ark_serialize::CanonicalSerialize;
use rand::RngCore;
use sha2::{Digest, Sha512};
use zeroize::Zeroize;

/// A Schnorr proof of knowledge of a contribution's secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pok {
    /// The commitment `R = k·δ_old₁`.
    pub r: G1Affine,
    /// The response `s = k + c·x`.
    pub s: Fr,
}

/// What the challenge binds.
pub struct Context<'a> {
    /// Hash of the state the contribution was made on.
    pub prev_hash: &'a [u8; 32],
    /// The contributor's name.
    pub name: &'a str,
    /// δ₁ before the contribution.
    pub delta_old: G1Affine,
    /// δ₁ after it.
    pub delta_new_g1: G1Affine,
    /// δ₂ after it.
    pub delta_new_g2: G2Affine,
}

fn challenge(ctx: &Context, r: &G1Affine) -> Fr {
    let mut h = Sha512::new();
    h.update(b"solvent/phase2/pok/v1");
    h.update(ctx.prev_hash);
    h.update((ctx.name.len() as u32).to_le_bytes());
    h.update(ctx.name.as_bytes());
    let mut buf = Vec::new();
    for p in [&ctx.delta_old, &ctx.delta_new_g1, r] {
        p.serialize_uncompressed(&mut buf).unwrap();
    }
    ctx.delta_new_g2.serialize_uncompressed(&mut buf).unwrap();
    h.update(&buf);
    Fr::from_le_bytes_mod_order(&h.finalize())
}

/// Proves knowledge of `x` with `ctx.delta_new_g1 = x·ctx.delta_old`.
pub fn prove<R: RngCore>(x: &Secret, ctx: &Context, rng: &mut R) -> Pok {
    // nonce from fresh randomness hedged with the secret (a weak RNG alone cannot leak x)
    let mut seed = [0u8; 64];
    rng.fill_bytes(&mut seed);
    let mut xb = Vec::new();
    x.0.serialize_uncompressed(&mut xb).unwrap();
    let mut h = Sha512::new();
    h.update(b"solvent/phase2/nonce/v1");
    h.update(seed);
    h.update(&xb);
    h.update(ctx.prev_hash);
    let mut wide = h.finalize();
    let mut k = Fr::from_le_bytes_mod_order(&wide);
    seed.zeroize();
    xb.zeroize();
    wide.as_mut_slice().zeroize();
    let r = (ctx.delta_old * k).into_affine();
    let s = k + challenge(ctx, &r) * x.0;
    k.zeroize();
    Pok { r, s }
}

/// Checks a proof against its context.
pub fn verify(pok: &Pok, ctx: &Context) -> bool {
    if ctx.delta_new_g1.is_zero() || pok.r.is_zero() {
        return false;
    }
    let c = challenge(ctx, &pok.r);
    ctx.delta_old * pok.s == pok.r.into_group() + ctx.delta_new_g1 * c
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;

    #[test]
    fn schnorr_accepts_the_secret_and_binds_the_context() {
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(7);
        let old = (G1Affine::generator() * Fr::rand(&mut rng)).into_affine();
        let x = Secret(Fr::rand(&mut rng));
        let new1 = (old * x.0).into_affine();
        let new2 = (G2Affine::generator() * x.0).into_affine();
        let prev = [7u8; 32];
        let ctx = Context { prev_hash: &prev, name: "alice", delta_old: old, delta_new_g1: new1, delta_new_g2: new2 };
        let pok = prove(&x, &ctx, &mut rng);
        assert!(verify(&pok, &ctx));
        let other = [8u8; 32];
        assert!(!verify(&pok, &Context { prev_hash: &other, ..ctx }));
        let ctx = Context { prev_hash: &prev, name: "mallory", delta_old: old, delta_new_g1: new1, delta_new_g2: new2 };
        assert!(!verify(&pok, &ctx));
        let mut bad = pok.clone();
        bad.s += Fr::from(1u8);
        assert!(!verify(&bad, &Context { name: "alice", ..ctx }));
    }
}
