//! The native verifier (arkworks pairings). Point validity (on curve, in the subgroup)
//! is established when keys and proofs are decoded; this checks the input count, which
//! arkworks' `prepare_inputs` would otherwise silently truncate.

use super::{Curve, Proof, VerifyingKey};
use crate::error::{Error, Result};
use ark_bn254::Fr;
use ark_groth16::{prepare_verifying_key, Groth16};

/// Groth16 verification of `proof` for `public` (the inputs after the constant one);
/// a wrong number of inputs is an error, not a rejection.
pub fn verify(vk: &VerifyingKey, public: &[Fr], proof: &Proof) -> Result<bool> {
    if public.len() + 1 != vk.gamma_abc_g1.len() {
        return Err(Error::Invalid(format!(
            "the verifying key takes {} public inputs, {} were given",
            vk.gamma_abc_g1.len().saturating_sub(1),
            public.len()
        )));
    }
    let pvk = prepare_verifying_key(vk);
    Groth16::<Curve>::verify_proof(&pvk, proof, public).map_err(|e| Error::Prover(format!("verifier failed: {e}")))
}
