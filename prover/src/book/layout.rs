//! From the stored book to the committed leaves: secret-derived salts and tags, padding
//! leaves, one global order by order key (`tag mod 2^96`), and the per-batch trees — all
//! in native memory.

use super::derive::{tag, EpochKey};
use super::store::Store;
use super::tree::{build_book, order_key, Account, BatchTree, Shape};
use super::ORDER_BITS;
use crate::error::{Error, Result};
use ark_bn254::Fr;
use ark_ff::Zero;
use rayon::prelude::*;

/// A book laid out: every leaf's tag and account, and every batch's tree.
pub struct Layout {
    /// Tags of every leaf, in leaf order (sorted by order key).
    pub tags: Vec<Fr>,
    /// Salt of every account, in store order.
    pub salts: Vec<Fr>,
    /// Leaf → account index, or -1 for a padding leaf.
    pub order: Vec<i64>,
    /// Account → leaf.
    pub leaf_of: Vec<u32>,
    /// One tree per batch, in leaf order.
    pub batches: Vec<BatchTree>,
}

/// Per-account inputs of the risk statements, in store order (padding leaves use
/// `padding_positions`, zero extras, and count as covered: they owe nothing).
pub struct RiskLeaves<'a> {
    /// Positions commitment per account.
    pub positions: &'a [Fr],
    /// Positions commitment of padding leaves.
    pub padding_positions: Fr,
    /// `n_extras` outcome values per account, summed up the tree.
    pub extras: &'a [Fr],
    /// Outcome values per account.
    pub n_extras: usize,
    /// Per account, 1 when its collateral covers its debt (only then does its debt net).
    pub covered: &'a [u8],
}

impl<'a> RiskLeaves<'a> {
    /// The risk inputs of a book of `n_accounts`: all of `positions`, `extras` and
    /// `covered` (one entry per account, `n_extras` extras each), or none of them.
    pub fn new(
        n_accounts: usize,
        positions: Option<&'a [Fr]>,
        padding_positions: Option<Fr>,
        extras: Option<&'a [Fr]>,
        n_extras: usize,
        covered: Option<&'a [u8]>,
    ) -> Result<Option<Self>> {
        match (positions, extras, covered) {
            (Some(p), Some(e), Some(c))
                if p.len() == n_accounts && e.len() == n_accounts * n_extras && c.len() == n_accounts =>
            {
                let padding_positions = padding_positions.unwrap_or_default();
                Ok(Some(RiskLeaves { positions: p, padding_positions, extras: e, n_extras, covered: c }))
            }
            (None, None, None) => Ok(None),
            _ => Err(Error::Invalid("positions, extras and covered must all be given, one per account".into())),
        }
    }
}

/// What a leaf is, for an error message: the account's id, or a padding leaf.
fn describe(store: &Store, leaf: i64) -> String {
    if leaf >= 0 {
        format!("account {:?}", store.ids[leaf as usize])
    } else {
        "a padding leaf".into()
    }
}

/// Refuses two adjacent leaves (`(tag, account or -1)`, sorted by order key) with one
/// order key, naming both: the circuits prove the keys strictly increasing.
fn refuse_equal_keys(store: &Store, leaves: &[(Fr, i64)]) -> Result<()> {
    match leaves.windows(2).find(|w| order_key(&w[0].0) == order_key(&w[1].0)) {
        Some(w) => Err(Error::Invalid(format!(
            "{} and {} have the same order key (tag mod 2^{ORDER_BITS}); change the institution secret",
            describe(store, w[0].1),
            describe(store, w[1].1)
        ))),
        None => Ok(()),
    }
}

/// Derives salts and tags, pads to `n_batches` full batches, sorts every leaf by order
/// key and builds each batch's tree (`risk`: the risk statements' per-account inputs).
/// Two leaves with one order key are refused (about `N²/2^97` for `N` honest leaves): the
/// circuits prove the keys strictly increasing.
pub fn lay_out(
    store: &Store,
    shape: &Shape,
    n_batches: usize,
    secret: &[u8],
    epoch: u64,
    risk: Option<RiskLeaves>,
) -> Result<Layout> {
    shape.validate()?;
    let n = store.len();
    let n_leaves = n_batches * shape.batch_size;
    if n_leaves < n {
        return Err(Error::Invalid(format!("{n} accounts do not fit {n_batches} batches of {}", shape.batch_size)));
    }
    let ek = EpochKey::new(secret, epoch);
    let derived: Result<Vec<(Fr, Fr)>> = store
        .ids
        .par_iter()
        .map(|id| {
            let salt = ek.salt(id.as_bytes());
            tag(id.as_bytes(), salt).map(|t| (salt, t)).map_err(|e| Error::Invalid(format!("account id {id:?}: {e}")))
        })
        .collect();
    let derived = derived?;
    let salts: Vec<Fr> = derived.iter().map(|(s, _)| *s).collect();
    let mut leaves: Vec<(Fr, i64)> = derived.iter().enumerate().map(|(i, (_, t))| (*t, i as i64)).collect();
    drop(derived);
    leaves.extend((0..(n_leaves - n) as u64).map(|i| (ek.padding_tag(i), -1)));
    leaves.par_sort_unstable_by_key(|(t, _)| order_key(t));
    refuse_equal_keys(store, &leaves)?;
    let tags: Vec<Fr> = leaves.iter().map(|(t, _)| *t).collect();
    let order: Vec<i64> = leaves.iter().map(|(_, i)| *i).collect();
    drop(leaves);
    let mut leaf_of = vec![0u32; n];
    for (k, i) in order.iter().enumerate() {
        if *i >= 0 {
            leaf_of[*i as usize] = k as u32;
        }
    }
    let a = store.n_assets;
    let zeros = vec![0u128; a];
    let no_extras: Vec<Fr> = vec![Fr::zero(); risk.as_ref().map_or(0, |r| r.n_extras)];
    let accounts: Vec<Account> = order
        .iter()
        .zip(&tags)
        .map(|(i, t)| {
            if *i >= 0 {
                let i = *i as usize;
                Account {
                    tag: *t,
                    equity: &store.equity[i * a..(i + 1) * a],
                    debt: &store.debt[i * a..(i + 1) * a],
                    positions: risk.as_ref().map_or(Fr::zero(), |r| r.positions[i]),
                    extras: risk.as_ref().map_or(&[][..], |r| &r.extras[i * r.n_extras..(i + 1) * r.n_extras]),
                    covered: risk.as_ref().map(|r| r.covered[i] != 0),
                }
            } else {
                Account {
                    tag: *t,
                    equity: &zeros,
                    debt: &zeros,
                    positions: risk.as_ref().map_or(Fr::zero(), |r| r.padding_positions),
                    extras: &no_extras,
                    covered: risk.as_ref().map(|_| true),
                }
            }
        })
        .collect();
    let batches = build_book(shape, &ek, &accounts)?;
    Ok(Layout { tags, salts, order, leaf_of, batches })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::PrimeField;

    fn store(ids: &[&str]) -> Store {
        let mut s = Store::new(vec!["BTC".into()], vec![8], 64);
        for id in ids {
            s.set_account(id, &[1], None).unwrap();
        }
        s.finish();
        s
    }

    #[test]
    fn leaves_are_sorted_by_order_key_not_by_tag() {
        let s = store(&["alice", "bob", "carol", "dave", "erin"]);
        let shape = Shape { range_bits: 64, n_assets: 1, batch_size: 4, with_debt: false };
        let lay = lay_out(&s, &shape, 2, b"test secret", 1, None).unwrap();
        let keys: Vec<u128> = lay.tags.iter().map(order_key).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "strictly increasing keys");
        for (b, tree) in lay.batches.iter().enumerate() {
            assert_eq!(tree.first_key, Fr::from(keys[4 * b]));
            assert_eq!(tree.last_key, Fr::from(keys[4 * b + 3]));
        }
    }

    #[test]
    fn equal_order_keys_with_different_tags_are_refused() {
        let s = store(&["alice", "bob"]);
        let t = Fr::from(12345u64);
        let same_key = t + Fr::from_be_bytes_mod_order(&[1u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // + 2^96
        assert_eq!(order_key(&t), order_key(&same_key));
        let err = refuse_equal_keys(&s, &[(t, 0), (same_key, 1)]).unwrap_err().to_string();
        assert!(err.contains("account \"alice\" and account \"bob\" have the same order key"), "{err}");
        let err = refuse_equal_keys(&s, &[(t, 1), (same_key, -1)]).unwrap_err().to_string();
        assert!(err.contains("account \"bob\" and a padding leaf"), "{err}");
        assert!(refuse_equal_keys(&s, &[(t, 0), (t + Fr::from(1u64), 1)]).is_ok());
    }
}
