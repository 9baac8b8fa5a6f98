//! Per-batch sum trees, built in parallel: leaf hashes, then for every internal node
//! its packed sums ("lanes"), a hiding sum commitment and its hash. What the batch
//! circuit proves and what customers' inclusion paths are cut from.

use super::derive::EpochKey;
use super::{BATCH, DIGEST, EMPTY, LEAF, MAX_ARITY, MAX_BATCH_LOG2, NODE, ORDER_BITS, PACK_BITS, SUM, TAG_BITS};
use crate::error::{Error, Result};
use crate::field::fr_num_bits;
use crate::poseidon::hash_many;
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, PrimeField, Zero};
use rayon::prelude::*;

/// What every batch of a book has in common.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Bits every balance fits.
    pub range_bits: u32,
    /// Assets per account.
    pub n_assets: usize,
    /// Leaves per batch (2..=2^12, no prime factor above 7: [`arities`]).
    pub batch_size: usize,
    /// Whether leaves carry debt; without it a leaf has no debt inputs and every debt is 0.
    pub with_debt: bool,
}

impl Shape {
    /// Refuses a shape the circuits cannot take.
    pub fn validate(&self) -> Result<()> {
        if !(1..=128).contains(&self.range_bits) {
            return Err(Error::Invalid(format!("range bits {} outside 1..=128", self.range_bits)));
        }
        if self.n_assets == 0 {
            return Err(Error::Invalid("a book needs at least one asset".into()));
        }
        let b = self.batch_size;
        if !(2..=1 << MAX_BATCH_LOG2).contains(&b) {
            return Err(Error::Invalid(format!("batch size {b} outside 2..=2^{MAX_BATCH_LOG2}")));
        }
        arities(b).map(|_| ())
    }
    /// Bits of one packed sum: room for 2^30 leaves of `range_bits` each.
    pub fn sum_width(&self) -> u32 {
        self.range_bits + super::MAX_LEAVES_LOG2
    }
}

/// Children per node, bottom level first (`solvent.formulas.book.arities`): levels of 8
/// while 8 divides what is left, then levels of the largest arity in 2..=8 that divides
/// it. A power of two has 8s and at most one level of 2 or 4 on top; 1536 has
/// `[8, 8, 8, 3]`. Refuses fewer than 2 leaves and a count with a prime factor above 7.
pub fn arities(n_leaves: usize) -> Result<Vec<usize>> {
    if n_leaves < 2 {
        return Err(Error::Invalid(format!("{n_leaves} leaves: a tree needs at least 2")));
    }
    let (mut out, mut n) = (vec![], n_leaves);
    while n.is_multiple_of(MAX_ARITY) {
        out.push(MAX_ARITY);
        n /= MAX_ARITY;
    }
    while n > 1 {
        let Some(a) = (2..=MAX_ARITY).rev().find(|a| n.is_multiple_of(*a)) else {
            // the factor named is searched for in a bounded range: a size may come from a file
            let which = match (11..=n.min(1 << 16)).find(|p| n.is_multiple_of(*p)) {
                Some(p) => format!("the factor {p}"),
                None => "a prime factor above 7".to_string(),
            };
            return Err(Error::Invalid(format!(
                "{n_leaves} leaves: a tree takes sizes whose prime factors are 2, 3, 5 and 7 only \
                 (nodes of 2 to {MAX_ARITY} children), and {n_leaves} has {which}"
            )));
        };
        out.push(a);
        n /= a;
    }
    Ok(out)
}

/// 2^k for k < 256, computed once.
fn pow2(k: u32) -> Fr {
    static POW2: std::sync::OnceLock<Vec<Fr>> = std::sync::OnceLock::new();
    POW2.get_or_init(|| {
        let mut v = Vec::with_capacity(256);
        let mut x = Fr::from(1u64);
        for _ in 0..256 {
            v.push(x);
            x.double_in_place();
        }
        v
    })[k as usize]
}

/// Values of `width` bits, as many per element as fit below 2^252.
pub fn pack(values: &[u128], width: u32) -> Vec<Fr> {
    let per = (PACK_BITS / width) as usize;
    values
        .chunks(per)
        .map(|chunk| {
            chunk.iter().enumerate().fold(Fr::zero(), |acc, (k, v)| acc + Fr::from(*v) * pow2(k as u32 * width))
        })
        .collect()
}

/// `tag mod 2^96`: the leaf's order key (the low limbs of the canonical tag).
pub fn order_key(tag: &Fr) -> u128 {
    const _: () = assert!(ORDER_BITS < 128);
    let limbs = tag.into_bigint().0;
    ((limbs[0] as u128) | ((limbs[1] as u128) << 64)) & ((1u128 << ORDER_BITS) - 1)
}

/// One account's values: `equity[A]`, `debt[A]`, and its positions commitment.
pub struct Account<'a> {
    /// The account's tag (its order key is `order_key(tag)`).
    pub tag: Fr,
    /// Equity per asset.
    pub equity: &'a [u128],
    /// Debt per asset.
    pub debt: &'a [u128],
    /// The account's positions commitment (zero without risk statements).
    pub positions: Fr,
    /// Collateral/margin outcome values summed up the tree (empty without those statements).
    pub extras: &'a [Fr],
    /// With the collateral statement: whether the account's collateral covers its debt.
    /// Its debt then nets against liabilities (a third packed value per asset, `debt`
    /// when covered, 0 otherwise); `None` without the statement (no netted values).
    pub covered: Option<bool>,
}

/// Where the order key sits in the last packed equity element (`count · range_bits`), or
/// `None` when `count · range_bits + 96 > 252` and the key is a leaf input of its own.
pub fn key_shift(n_assets: usize, range_bits: u32) -> Option<u32> {
    let per = (PACK_BITS / range_bits) as usize;
    let shift = (n_assets - per * ((n_assets - 1) / per)) as u32 * range_bits;
    (shift + ORDER_BITS <= PACK_BITS).then_some(shift)
}

/// `hash_many(LEAF, [key?, tag, packed equity (the key in its last element when it
/// fits), packed debt (with debt only), positions])`.
pub fn leaf_hash(shape: &Shape, a: &Account) -> Fr {
    let key = Fr::from(order_key(&a.tag));
    let mut eq = pack(a.equity, shape.range_bits);
    let mut xs = Vec::with_capacity(eq.len() + 6);
    match key_shift(a.equity.len(), shape.range_bits) {
        Some(shift) => {
            *eq.last_mut().expect("at least one asset") += key * pow2(shift);
            xs.push(a.tag);
        }
        None => xs.extend([key, a.tag]),
    }
    xs.extend(eq);
    if shape.with_debt {
        xs.extend(pack(a.debt, shape.range_bits));
    }
    xs.push(a.positions);
    hash_many(LEAF, &xs)
}

fn leaf_lanes(shape: &Shape, a: &Account) -> Vec<Fr> {
    let mut values: Vec<u128> = a.equity.iter().chain(a.debt).copied().collect();
    if let Some(covered) = a.covered {
        values.extend(a.debt.iter().map(|d| if covered { *d } else { 0 }));
    }
    let mut lanes = pack(&values, shape.sum_width());
    lanes.extend_from_slice(a.extras);
    lanes
}

/// One batch's tree: what the batch circuit proves and inclusion paths are cut from.
pub struct BatchTree {
    /// `levels[0]`: leaf hashes; the last level holds the root alone.
    pub levels: Vec<Vec<Fr>>,
    /// `commitments[l][i]`: sum commitment of node `i` of `levels[l + 1]`.
    pub commitments: Vec<Vec<Fr>>,
    /// Blinds of those commitments, same shape.
    pub blinds: Vec<Vec<Fr>>,
    /// The root's packed sums.
    pub lanes: Vec<Fr>,
    /// Order key of the batch's first leaf.
    pub first_key: Fr,
    /// Order key of the batch's last leaf.
    pub last_key: Fr,
    /// Blind of the batch commitment.
    pub batch_blind: Fr,
}

impl BatchTree {
    /// The root hash.
    pub fn root(&self) -> Fr {
        self.levels.last().unwrap()[0]
    }
}

/// Builds one batch's tree from its accounts (already in order-key order; as many as the
/// batch size `build_book` validated).
pub fn build_batch(shape: &Shape, key: &EpochKey, batch: u32, accounts: &[Account]) -> BatchTree {
    let mut hashes: Vec<Fr> = accounts.iter().map(|a| leaf_hash(shape, a)).collect();
    let mut lanes: Vec<Vec<Fr>> = accounts.iter().map(|a| leaf_lanes(shape, a)).collect();
    let mut levels = vec![hashes.clone()];
    let (mut commitments, mut blinds) = (vec![], vec![]);
    let shape_of_tree = arities(accounts.len()).expect("batch size validated (Shape::validate)");
    for (l, arity) in shape_of_tree.into_iter().enumerate() {
        let level = (l + 1) as u8;
        let n = hashes.len() / arity;
        let mut next_h = Vec::with_capacity(n);
        let mut next_lanes = Vec::with_capacity(n);
        let (mut cs, mut bs) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            let kids = i * arity..(i + 1) * arity;
            let sums: Vec<Fr> = (0..lanes[0].len()).map(|j| lanes[kids.clone()].iter().map(|x| x[j]).sum()).collect();
            let blind = key.node_blind(batch, level, i as u32);
            let mut xs = sums.clone();
            xs.push(blind);
            let c = hash_many(SUM, &xs);
            let mut ys = hashes[kids].to_vec();
            ys.push(c);
            next_h.push(hash_many(NODE, &ys));
            next_lanes.push(sums);
            cs.push(c);
            bs.push(blind);
        }
        hashes = next_h;
        lanes = next_lanes;
        levels.push(hashes.clone());
        commitments.push(cs);
        blinds.push(bs);
    }
    BatchTree {
        levels,
        commitments,
        blinds,
        lanes: lanes.swap_remove(0),
        first_key: Fr::from(order_key(&accounts[0].tag)),
        last_key: Fr::from(order_key(&accounts[accounts.len() - 1].tag)),
        batch_blind: key.batch_blind(batch),
    }
}

/// Checks the book's invariants (tags below 2^240, order keys strictly increasing,
/// values in range) and builds every batch in parallel.
pub fn build_book(shape: &Shape, key: &EpochKey, accounts: &[Account]) -> Result<Vec<BatchTree>> {
    shape.validate()?;
    if accounts.is_empty() || !accounts.len().is_multiple_of(shape.batch_size) {
        return Err(Error::Invalid(format!(
            "{} leaves is not a positive multiple of the batch size {}",
            accounts.len(),
            shape.batch_size
        )));
    }
    if (accounts.len() as u64) > 1u64 << super::MAX_LEAVES_LOG2 {
        return Err(Error::Invalid("more than 2^32 leaves".into()));
    }
    let limit = if shape.range_bits == 128 { u128::MAX } else { (1u128 << shape.range_bits) - 1 };
    for (i, a) in accounts.iter().enumerate() {
        if a.equity.len() != shape.n_assets || a.debt.len() != shape.n_assets {
            return Err(Error::Invalid(format!("leaf {i}: expected {} assets", shape.n_assets)));
        }
        if !shape.with_debt && a.debt.iter().any(|d| *d != 0) {
            return Err(Error::Invalid(format!("leaf {i}: debt in a book laid out without debt")));
        }
        if let Some(v) = a.equity.iter().chain(a.debt).find(|v| **v > limit) {
            return Err(Error::Invalid(format!("leaf {i}: value {v} does not fit in {} bits", shape.range_bits)));
        }
        if fr_num_bits(&a.tag) > TAG_BITS {
            return Err(Error::Invalid(format!("leaf {i}: tag is not below 2^240")));
        }
        if i > 0 && order_key(&accounts[i - 1].tag) >= order_key(&a.tag) {
            return Err(Error::Invalid(format!("leaf {i}: order keys are not strictly increasing")));
        }
    }
    Ok(accounts
        .par_chunks(shape.batch_size)
        .enumerate()
        .map(|(b, chunk)| build_batch(shape, key, b as u32, chunk))
        .collect())
}

/// `hash_many(BATCH, [context, root sums…, first key, last key, batch blind])`.
pub fn batch_commitment(context: Fr, tree: &BatchTree) -> Fr {
    let mut xs = vec![context];
    xs.extend_from_slice(&tree.lanes);
    xs.extend_from_slice(&[tree.first_key, tree.last_key, tree.batch_blind]);
    hash_many(BATCH, &xs)
}

/// One step of the book digest: `hash_many(DIGEST, [d, root, commitment])`.
pub fn digest_step(d: Fr, root: Fr, commitment: Fr) -> Fr {
    hash_many(DIGEST, &[d, root, commitment])
}

/// The root of a book with no batch: `hash_many(EMPTY, [0])`.
pub fn empty_root() -> Fr {
    hash_many(EMPTY, &[Fr::zero()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// `(7·2^200 + 2^96 + 42)`: a tag whose order key is 42.
    fn kat_tag() -> Fr {
        Fr::from(7u64) * pow2(200) + pow2(96) + Fr::from(42u64)
    }

    #[test]
    fn order_key_is_the_tags_low_96_bits() {
        assert_eq!(order_key(&kat_tag()), 42);
        assert_eq!(order_key(&(pow2(96) - Fr::from(1u64))), (1u128 << 96) - 1);
        assert_eq!(order_key(&pow2(96)), 0);
        assert_eq!(order_key(&(pow2(240) - Fr::from(1u64))), (1u128 << 96) - 1);
    }

    /// The leaf vectors pinned in tests/web/test_formulas.py (`LEAF_KATS`), which the Python
    /// formulas and the page's JavaScript must also give: the three implementations agree.
    /// The first two carry the order key in the last equity element, the last two as an input.
    /// `(range bits, with debt, equity, debt, leaf)`.
    type LeafKat<'a> = (u32, bool, &'a [u128], &'a [u128], &'a str);

    #[test]
    fn leaf_known_answers() {
        let kats: [LeafKat; 4] = [
            (
                64,
                true,
                &[1, 2],
                &[3, 0],
                "19614656829896906235583263255712807617108625874008113146379290698804059174071",
            ),
            (
                64,
                false,
                &[1, 2],
                &[0, 0],
                "18226127451070439807792656337085323956142781971321363155509400084513371571329",
            ),
            (
                64,
                true,
                &[1, 2, 3],
                &[4, 0, 6],
                "13636266552955391019500471476799017656016773849567113250844891462762110147779",
            ),
            (
                96,
                false,
                &[1, 2],
                &[0, 0],
                "13305672098832761113920219091002680708395490722018575916714919247145364073602",
            ),
        ];
        for (range_bits, with_debt, equity, debt, want) in kats {
            let shape = Shape { range_bits, n_assets: equity.len(), batch_size: 2, with_debt };
            let a = Account { tag: kat_tag(), equity, debt, positions: Fr::from(5u64), extras: &[], covered: None };
            assert_eq!(leaf_hash(&shape, &a), Fr::from_str(want).unwrap(), "{range_bits} bits, debt {with_debt}");
        }
        assert_eq!(
            [key_shift(2, 64), key_shift(8, 64), key_shift(3, 64), key_shift(2, 96), key_shift(1, 128)],
            [Some(128), Some(128), None, None, Some(128)]
        );
    }

    #[test]
    fn debt_in_a_book_without_debt_is_refused() {
        let shape = Shape { range_bits: 64, n_assets: 1, batch_size: 2, with_debt: false };
        let key = EpochKey::new(b"test secret", 1);
        let t = kat_tag();
        let accounts = [
            Account { tag: t, equity: &[1], debt: &[0], positions: Fr::zero(), extras: &[], covered: None },
            Account {
                tag: t + Fr::from(1u64),
                equity: &[1],
                debt: &[2],
                positions: Fr::zero(),
                extras: &[],
                covered: None,
            },
        ];
        let err = build_book(&shape, &key, &accounts).err().unwrap().to_string();
        assert!(err.contains("leaf 1: debt in a book laid out without debt"), "{err}");
    }

    #[test]
    fn equal_or_descending_order_keys_are_refused() {
        let shape = Shape { range_bits: 64, n_assets: 1, batch_size: 2, with_debt: false };
        let key = EpochKey::new(b"test secret", 1);
        let account =
            |tag: Fr| Account { tag, equity: &[0], debt: &[0], positions: Fr::zero(), extras: &[], covered: None };
        let t = kat_tag();
        // a larger tag with the same key, then a larger tag with a smaller key
        for next in [t + pow2(100), t + pow2(100) - Fr::from(1u64)] {
            assert!(next > t);
            let err = build_book(&shape, &key, &[account(t), account(next)]).err().unwrap().to_string();
            assert!(err.contains("leaf 1: order keys are not strictly increasing"), "{err}");
        }
        let books = build_book(&shape, &key, &[account(t), account(t + Fr::from(1u64))]).unwrap();
        assert_eq!((books[0].first_key, books[0].last_key), (Fr::from(42u64), Fr::from(43u64)));
    }

    #[test]
    fn powers_of_two_keep_their_tree() {
        for k in 1..=30 {
            let mut want = vec![8; k / 3];
            if k % 3 != 0 {
                want.push(1 << (k % 3));
            }
            assert_eq!(arities(1 << k).unwrap(), want, "2^{k}");
        }
    }

    #[test]
    fn other_sizes_end_in_levels_of_at_most_eight() {
        assert_eq!(arities(1536).unwrap(), [8, 8, 8, 3]);
        assert_eq!(arities(1792).unwrap(), [8, 8, 7, 4]);
        assert_eq!(arities(1280).unwrap(), [8, 8, 5, 4]);
        assert_eq!(arities(96).unwrap(), [8, 6, 2]);
        assert_eq!(arities(72).unwrap(), [8, 3, 3]);
        assert_eq!(arities(6).unwrap(), [6]);
        for n in 2..=4096usize {
            if let Ok(a) = arities(n) {
                assert_eq!(a.iter().product::<usize>(), n);
                assert!(a.iter().all(|x| (2..=8).contains(x)));
            }
        }
    }

    #[test]
    fn sizes_with_a_prime_factor_above_seven_are_refused() {
        for n in [0usize, 1, 11, 22, 4097, 13 * 64] {
            assert!(arities(n).is_err(), "{n}");
        }
        let msg = arities(22).unwrap_err().to_string();
        assert!(msg.contains("factor 11"), "{msg}");
    }
}
