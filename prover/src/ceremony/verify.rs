//! `solvent ceremony verify`: the whole transcript from the ptau to the final key.
//!
//! 0. The state is for this circuit (its circuit hash; the header's kind and sizes).
//! 1. The ptau's powers (and Lagrange sections, if used) pass phase1's checks, and the
//!    circuit's initial key is re-derived from them; its hash is S₀.
//! 2. For every record k, in order: `prev_hash` is the hash of the state before it (S₀,
//!    then the previous record's `new_hash`); δ_k is not the identity and
//!    `e(δ_k₁, [1]₂) = e([1]₁, δ_k₂)`; a participant's Schnorr proof of knowledge of
//!    `x_k = δ_k/δ_{k−1}` verifies against δ_{k−1}₁ and binds `prev_hash` and the name;
//!    a beacon's x is recomputed from its value and `δ_k = x·δ_{k−1}` in both groups.
//! 3. The final key: δ equals the last record's; every part that does not depend on δ
//!    (α, β, γ, IC, A, B in both groups, sizes) equals the re-derived initial key; the
//!    L and H queries are the initial ones divided by δ, checked with one random linear
//!    combination and one pairing equation:
//!    `e(Σρ_i·L_i + Σσ_j·H_j, δ₂) = e(Σρ_i·L⁰_i + Σσ_j·H⁰_j, [1]₂)`.
//! 4. The final key's hash equals the last record's `new_hash` (the transcript hash).
//!
//! It cannot check: that any contributor destroyed their x (the key is sound if at least
//! one did); intermediate `new_hash` values beyond their link to the next record (no
//! intermediate keys are kept); the phase-1 transcript inside the ptau (use `snarkjs
//! powersoftau verify` for that); and whether a beacon value was really unpredictable.

use super::phase1::pairing_eq;
use super::phase2::{beacon_scalar, initial_key_from_ptau};
use super::pok::{self, Context};
use super::ptau::Ptau;
use super::transcript::{state_hash, Proof, State};
use super::Circuit;
use crate::error::{Error, Result};
use crate::field::hex;
use crate::groth16::ProvingKey;
use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use rand::RngCore;

/// What a verified transcript shows.
pub struct Report {
    /// S₀, re-derived from the ptau and the circuit.
    pub initial_hash: [u8; 32],
    /// The final key's hash.
    pub transcript_hash: [u8; 32],
    /// Participant contributions.
    pub participants: usize,
    /// Beacon contributions.
    pub beacons: usize,
}

fn rand128<R: RngCore>(rng: &mut R, n: usize) -> Vec<Fr> {
    (0..n).map(|_| Fr::from(rng.next_u64() as u128 | ((rng.next_u64() as u128) << 64))).collect()
}

/// The parts of a key that δ does not touch are identical.
fn same_fixed_parts(a: &ProvingKey, b: &ProvingKey) -> Result<()> {
    let checks = [
        (a.vk.alpha_g1 == b.vk.alpha_g1, "alpha"),
        (a.vk.beta_g2 == b.vk.beta_g2 && a.beta_g1 == b.beta_g1, "beta"),
        (a.vk.gamma_g2 == b.vk.gamma_g2, "gamma"),
        (a.vk.gamma_abc_g1 == b.vk.gamma_abc_g1, "IC (public-input points)"),
        (a.a_query == b.a_query, "A query"),
        (a.b_g1_query == b.b_g1_query && a.b_g2_query == b.b_g2_query, "B query"),
        (a.l_query.len() == b.l_query.len(), "L query length"),
        (a.h_query.len() == b.h_query.len(), "H query length"),
    ];
    match checks.iter().find(|(ok, _)| !ok) {
        Some((_, what)) => {
            Err(Error::Ceremony(format!("the key's {what} differs from what the ptau and the circuit determine")))
        }
        None => Ok(()),
    }
}

/// L and H of `fin` are those of `init` divided by `fin`'s δ.
fn check_scaling<R: RngCore>(init: &ProvingKey, fin: &ProvingKey, rng: &mut R) -> bool {
    let rho = rand128(rng, init.l_query.len() + init.h_query.len());
    let (rl, rh) = rho.split_at(init.l_query.len());
    let comb = |k: &ProvingKey| -> G1Affine {
        (G1Projective::msm_unchecked(&k.l_query, rl) + G1Projective::msm_unchecked(&k.h_query, rh)).into_affine()
    };
    pairing_eq(comb(fin), fin.vk.delta_g2, comb(init), G2Affine::generator())
}

/// Runs the checks listed above; `Error::Ceremony` names the first that fails.
pub fn verify<R: RngCore>(state: &State, c: &Circuit, ptau: &Ptau, rng: &mut R) -> Result<Report> {
    if state.circuit_hash() != c.hash {
        return Err(Error::Ceremony(format!(
            "the transcript is for circuit {} ({}), not {} ({})",
            state.header["circuit"],
            state.circuit_hash(),
            c.name,
            c.hash
        )));
    }
    // the header is informational (only the circuit hash is hashed), but must not lie
    // (a circom circuit's name is its file name: not checked)
    let h = &state.header;
    let facts = [
        (h["circuit_kind"] == c.kind, "circuit kind"),
        (h["num_constraints"] == c.r1cs.num_constraints(), "constraint count"),
        (h["num_public"] == c.r1cs.num_public, "public input count"),
        (h["num_columns"] == c.r1cs.num_columns, "column count"),
    ];
    if let Some((_, what)) = facts.iter().find(|(ok, _)| !ok) {
        return Err(Error::Ceremony(format!("the state header's {what} does not match the circuit")));
    }
    let (init, _) = initial_key_from_ptau(&c.r1cs, ptau, rng)?;
    let s0 = state_hash(&c.hash, None, &init);
    let (g1, g2) = (G1Affine::generator(), G2Affine::generator());
    let (mut prev_hash, mut d1, mut d2) = (s0, g1, g2);
    let (mut participants, mut beacons) = (0, 0);
    for (i, r) in state.records.iter().enumerate() {
        let who = format!("contribution #{} ('{}')", i + 1, r.name);
        if r.prev_hash != prev_hash {
            return Err(Error::Ceremony(format!(
                "{who}: hash chain broken: it was made on state {}, but the transcript before it ends at {}",
                hex(&r.prev_hash),
                hex(&prev_hash)
            )));
        }
        if r.delta_g1.is_zero() || r.delta_g2.is_zero() || !pairing_eq(r.delta_g1, g2, g1, r.delta_g2) {
            return Err(Error::Ceremony(format!("{who}: its delta in G1 and G2 do not match")));
        }
        match &r.proof {
            Proof::Participant(p) => {
                let ctx = Context {
                    prev_hash: &r.prev_hash,
                    name: &r.name,
                    delta_old: d1,
                    delta_new_g1: r.delta_g1,
                    delta_new_g2: r.delta_g2,
                };
                if !pok::verify(p, &ctx) {
                    return Err(Error::Ceremony(format!("{who}: proof of knowledge of the secret does not verify")));
                }
                participants += 1;
            }
            Proof::Beacon { value, iter_exp } => {
                let x = beacon_scalar(value, *iter_exp).map_err(|e| Error::Ceremony(format!("{who}: {e}")))?;
                if (d1 * x).into_affine() != r.delta_g1 || (d2 * x).into_affine() != r.delta_g2 {
                    return Err(Error::Ceremony(format!(
                        "{who}: delta is not the previous delta times the beacon's scalar"
                    )));
                }
                beacons += 1;
            }
        }
        (prev_hash, d1, d2) = (r.new_hash, r.delta_g1, r.delta_g2);
    }
    let fin = &state.pk;
    if fin.delta_g1 != d1 || fin.vk.delta_g2 != d2 {
        return Err(Error::Ceremony("the key's delta is not the last contribution's".into()));
    }
    same_fixed_parts(&init, fin)?;
    if !check_scaling(&init, fin, rng) {
        return Err(Error::Ceremony("the key's L or H query is not the initial one divided by delta".into()));
    }
    let transcript_hash = state.hash();
    if transcript_hash != prev_hash {
        return Err(Error::Ceremony(format!(
            "the final key's hash {} is not the hash {} published by the last contribution",
            hex(&transcript_hash),
            hex(&prev_hash)
        )));
    }
    Ok(Report { initial_hash: s0, transcript_hash, participants, beacons })
}
