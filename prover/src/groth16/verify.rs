//! The native verifier (arkworks pairings). Point validity (on curve, in the subgroup)
//! is established when keys and proofs are decoded; this checks the input count, which
//! arkworks' `prepare_inputs` would otherwise silently truncate.

use super::{Curve, Proof, VerifyingKey};
use ark_bn254::Fr;
use ark_groth16::{prepare_verifying_key, Groth16};

pub fn verify(vk: &VerifyingKey, public: &[Fr], proof: &Proof) -> Result<bool, String> {
    if public.len() + 1 != vk.gamma_abc_g1.len() {
        return Err(format!(
            "the verifying key takes {} public inputs, {} were given",
            vk.gamma_abc_g1.len().saturating_sub(1),
            public.len()
        ));
    }
    let pvk = prepare_verifying_key(vk);
    Groth16::<Curve>::verify_proof(&pvk, proof, public).map_err(|e| format!("verifier failed: {e}"))
}
