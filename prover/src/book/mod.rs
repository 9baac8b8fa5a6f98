//! The committed account book, natively and in bulk: secret-derived salts, tags and
//! blinds (`derive`), the leaf order by order key (`layout`), and the per-batch sum
//! trees (`tree`). The formulas are those of
//! `solvent.verifier.book`, implemented here independently.

pub mod derive;
pub mod layout;
pub mod store;
pub mod tree;

/// Bits of an account tag (tags are below 2^240): a leaf binds one customer through it.
pub const TAG_BITS: u32 = 240;
/// Bits of a leaf's order key, `tag mod 2^96`: leaves are sorted by it and the circuits
/// prove it strictly increasing (circuits/liabilities.md, "Order keys").
pub const ORDER_BITS: u32 = 96;
/// log2 of the most leaves a book may have: sums are `range_bits + 30` bits wide.
pub const MAX_LEAVES_LOG2: u32 = 30;
/// log2 of the largest batch.
pub const MAX_BATCH_LOG2: u32 = 12;
/// Children of a node at most: 8 children and the sum commitment fill one permutation.
pub const MAX_ARITY: usize = 8;
/// Bits of packed values per field element (below r, so packing is injective).
pub const PACK_BITS: u32 = 252;

/// Domain label of account tags.
pub const TAG: &str = "solvent.tag.v1";
/// Domain label of leaf hashes.
pub const LEAF: &str = "solvent.leaf.v2";
/// Domain label of sum commitments.
pub const SUM: &str = "solvent.sum.v1";
/// Domain label of internal node hashes.
pub const NODE: &str = "solvent.node.v1";
/// Domain label of batch commitments.
pub const BATCH: &str = "solvent.batch.v1";
/// Domain label of the book digest chain.
pub const DIGEST: &str = "solvent.digest.v1";
/// Domain label of the empty root.
pub const EMPTY: &str = "solvent.empty.v1";
