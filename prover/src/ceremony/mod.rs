//! The trusted-setup ceremony: powers-of-tau import (snarkjs `.ptau`), the circuit's
//! phase-2 key derivation, multi-party δ contributions with proofs of knowledge and a
//! hash-chained transcript, a public random beacon, and verification of the whole
//! transcript from the ptau to the final key. One file per concern:
//!
//! * `ptau` — the `.ptau` file format;
//! * `phase1` — powers and Lagrange bases for one domain size, and their checks;
//! * `phase2` — the initial key from phase-1 points; δ updates; secrets; the beacon;
//! * `pok` — the contributors' proof of knowledge of their δ multiplier;
//! * `transcript` — the state file, records and hash chain;
//! * `ops` — init / contribute / beacon / finalize;
//! * `verify` — what `solvent ceremony verify` checks.

pub mod ops;
pub mod phase1;
pub mod phase2;
pub mod pok;
pub mod ptau;
pub mod transcript;
pub mod verify;

use crate::interop::circom;
use crate::ir::Ir;
use crate::r1cs::{lower, R1cs};
use std::path::Path;

/// A circuit the ceremony is run for, with its identity.
pub struct Circuit {
    pub name: String,
    /// solvent IR: SHA-256 of the IR; circom: SHA-256 of its header and constraints.
    pub hash: String,
    /// `"solvent-ir"` or `"circom-r1cs"`.
    pub kind: &'static str,
    pub r1cs: R1cs,
}

impl Circuit {
    pub fn from_ir(bytes: &[u8]) -> Result<Circuit, String> {
        let ir = Ir::parse(bytes)?;
        Ok(Circuit { name: ir.name.clone(), hash: ir.hash_hex(), kind: "solvent-ir", r1cs: lower(&ir) })
    }

    pub fn from_r1cs_file(path: &Path) -> Result<Circuit, String> {
        let c = circom::read_r1cs(path)?;
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "circuit".into());
        Ok(Circuit { name, hash: c.hash_hex(), kind: "circom-r1cs", r1cs: c.r1cs })
    }
}
