//! The committed account book, natively and in bulk: secret-derived salts, tags and
//! blinds (`derive`), and the per-batch sum trees (`tree`). The formulas are those of
//! `solvent.verifier.book`, implemented here independently.

pub mod derive;
pub mod layout;
pub mod store;
pub mod tree;

pub const TAG_BITS: u32 = 240;
pub const MAX_LEAVES_LOG2: u32 = 30;
pub const MAX_BATCH_LOG2: u32 = 12;
pub const PACK_BITS: u32 = 252;

pub const TAG: &str = "solvent.tag.v1";
pub const LEAF: &str = "solvent.leaf.v1";
pub const SUM: &str = "solvent.sum.v1";
pub const NODE: &str = "solvent.node.v1";
pub const BATCH: &str = "solvent.batch.v1";
pub const DIGEST: &str = "solvent.digest.v1";
pub const EMPTY: &str = "solvent.empty.v1";
