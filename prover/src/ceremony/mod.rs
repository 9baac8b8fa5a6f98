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
//! * `verify` — what `solvent ceremony verify` checks;
//! * `files` — the steps on files, as `solvent ceremony` runs them.

pub mod files;
pub mod ops;
pub mod phase1;
pub mod phase2;
pub mod pok;
pub mod ptau;
pub mod transcript;
pub mod verify;

pub use crate::circuit::Circuit;
