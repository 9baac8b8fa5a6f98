//! Interoperability with the circom / snarkjs tool chain: iden3's binary container and
//! its encodings (`binfile`), circom's `.r1cs` and `.wtns` (`circom`), snarkjs's Groth16
//! `.zkey` (`zkey`), snarkjs's QAP reduction for proving with a zkey's H query
//! (`reduction`), and what `solvent circom` runs on those files (`files`). snarkjs's
//! JSON for proofs and keys is `groth16::snarkjs`.

pub mod binfile;
pub mod circom;
pub mod files;
pub mod reduction;
pub mod zkey;
