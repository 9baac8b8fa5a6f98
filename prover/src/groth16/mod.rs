//! Groth16 over BN254, one file per concern as in ark-groth16: the setup (`setup`), the
//! prover (`prove`), the verifier (`verify`), key files (`keys`) and snarkjs JSON
//! (`snarkjs`). The prover's QAP step (`qap`) and MSMs (`msm`) are solvent's own, timed
//! per phase; the QAP reduction is libsnark's, as arkworks' prover uses it.

pub mod clock;
pub mod keys;
pub mod msm;
pub mod prove;
pub mod qap;
pub mod setup;
pub mod snarkjs;
pub mod verify;

/// The pairing-friendly curve of every proof: BN254 (`bn128` in snarkjs and Ethereum).
pub type Curve = ark_bn254::Bn254;
/// A Groth16 proving key (its verifying key included).
pub type ProvingKey = ark_groth16::ProvingKey<Curve>;
/// A Groth16 verifying key.
pub type VerifyingKey = ark_groth16::VerifyingKey<Curve>;
/// A Groth16 proof `(A, B, C)`.
pub type Proof = ark_groth16::Proof<Curve>;
