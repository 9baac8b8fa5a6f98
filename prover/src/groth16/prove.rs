//! The prover: arkworks' Groth16 prover run on the stored matrices and a solved
//! assignment, so the circuit is never re-synthesized. arkworks' MSM already splits
//! scalars by size, so the many bit-valued witness entries cost additions, not
//! scalar multiplications.

use super::{Curve, Proof, ProvingKey};
use crate::r1cs::R1cs;
use ark_bn254::Fr;
use ark_ff::UniformRand;
use ark_groth16::{r1cs_to_qap::LibsnarkReduction, Groth16};
use rand::{CryptoRng, RngCore};

pub fn prove<R: RngCore + CryptoRng>(pk: &ProvingKey, r1cs: &R1cs, z: &[Fr], rng: &mut R) -> Result<Proof, String> {
    if z.len() != r1cs.num_columns {
        return Err(format!("assignment has {} values, the circuit {} columns", z.len(), r1cs.num_columns));
    }
    if pk.a_query.len() != r1cs.num_columns || pk.vk.gamma_abc_g1.len() != r1cs.num_instance() {
        return Err("proving key does not match the circuit's shape".into());
    }
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
    .map_err(|e| format!("prover failed: {e}"))
}
