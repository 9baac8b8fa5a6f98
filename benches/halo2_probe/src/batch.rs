//! The batch statement of circuits/liabilities.md ("Batch circuit", "The leaf", "Order
//! keys", the sum tree) for `B` accounts x `A` assets, balance width b = 64, no debt, no
//! collateral statement, as halo2-base constraints.

use halo2_base::{
    gates::{circuit::builder::BaseCircuitBuilder, GateInstructions, RangeInstructions},
    halo2_proofs::halo2curves::{
        bn256::Fr,
        ff::{Field, PrimeField},
    },
    AssignedValue, Context,
    QuantumCell::Constant,
};
use rand::{rngs::StdRng, Rng, SeedableRng};

use crate::poseidon::hash_many;

/// Range width of every balance (liabilities.md: `b`, 64 by default).
pub const BALANCE_BITS: usize = 64;
/// Order keys are below 2^96 (`ORDER_BITS`).
pub const ORDER_BITS: usize = 96;
/// A lane holds a per-asset sum of at most 2^30 leaves: b + 30 bits.
pub const LANE_BITS: usize = BALANCE_BITS + 30;

/// Advice cells by part of the statement, for the cost split the probe prints.
#[derive(Clone, Debug, Default)]
pub struct CellSplit {
    pub balance_ranges: usize,
    pub key_order: usize,
    pub leaf_hashes: usize,
    pub packing: usize,
    pub node_sums: usize,
    pub sum_commitments: usize,
    pub node_hashes: usize,
    pub batch_commitment: usize,
    pub other: usize,
}

/// Runs `f` and adds the advice cells it assigned to `*counter`.
fn count<R>(ctx: &mut Context<Fr>, counter: &mut usize, f: impl FnOnce(&mut Context<Fr>) -> R) -> R {
    let before = ctx.advice.len();
    let r = f(ctx);
    *counter += ctx.advice.len() - before;
    r
}

/// Private inputs of one batch, plus the public `context`.
#[derive(Clone, Debug)]
pub struct BatchWitness {
    pub context: Fr,
    /// Order keys, strictly increasing below 2^96 in an honest batch (field elements so
    /// a test can put anything there).
    pub keys: Vec<Fr>,
    pub tags: Vec<Fr>,
    /// `equity[i][a]`, below 2^64 in an honest batch.
    pub equity: Vec<Vec<Fr>>,
    pub positions: Vec<Fr>,
    /// One blind per node, level by level (bottom level first).
    pub node_blinds: Vec<Vec<Fr>>,
    pub batch_blind: Fr,
}

/// The tree's arities, bottom level first (liabilities.md "The committed book"): levels of
/// 8 while 8 divides what is left, then the largest arity in 2..8 that divides it.
pub fn arities(batch: usize) -> Vec<usize> {
    let mut left = batch;
    let mut levels = Vec::new();
    while left > 1 {
        let a = (2..=8)
            .rev()
            .find(|a| left % a == 0)
            .unwrap_or_else(|| panic!("batch size {batch} has a prime factor above 7"));
        levels.push(a);
        left /= a;
    }
    levels
}

/// A random honest batch: tags below 2^240, keys = tag mod 2^96 in increasing order,
/// balances uniform below 2^64, random blinds. Deterministic in `seed`.
pub fn sample_batch(accounts: usize, assets: usize, seed: u64) -> BatchWitness {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut rows: Vec<(u128, Fr)> = (0..accounts)
        .map(|_| {
            let key: u128 = rng.gen::<u128>() >> 32; // 96 bits
                                                     // tag = high * 2^96 + key with high below 2^144: tag below 2^240.
            let high = Fr::from_u128(rng.gen::<u128>() >> 16) * pow2(32) + Fr::from(rng.gen::<u32>() as u64);
            let tag = high * pow2(ORDER_BITS) + Fr::from_u128(key);
            (key, tag)
        })
        .collect();
    rows.sort_by_key(|(key, _)| *key);
    rows.dedup_by_key(|(key, _)| *key);
    assert_eq!(rows.len(), accounts, "two random 96-bit keys collided; pick another seed");
    let equity = (0..accounts).map(|_| (0..assets).map(|_| Fr::from(rng.gen::<u64>())).collect()).collect();
    let node_blinds =
        level_sizes(accounts).into_iter().map(|n| (0..n).map(|_| Fr::random(&mut rng)).collect()).collect();
    BatchWitness {
        context: Fr::random(&mut rng),
        keys: rows.iter().map(|(key, _)| Fr::from_u128(*key)).collect(),
        tags: rows.iter().map(|(_, tag)| *tag).collect(),
        equity,
        positions: vec![Fr::ZERO; accounts],
        node_blinds,
        batch_blind: Fr::random(&mut rng),
    }
}

/// Number of nodes per level, bottom level first.
fn level_sizes(accounts: usize) -> Vec<usize> {
    let mut n = accounts;
    arities(accounts)
        .into_iter()
        .map(|a| {
            n /= a;
            n
        })
        .collect()
}

/// `pack(values, w)`: `floor(252 / w)` values of `w` bits per element, low slot first.
fn pack(
    ctx: &mut Context<Fr>,
    gate: &impl GateInstructions<Fr>,
    values: &[AssignedValue<Fr>],
    w: usize,
) -> Vec<AssignedValue<Fr>> {
    let per = 252 / w;
    values
        .chunks(per)
        .map(|chunk| {
            let shifts = (0..chunk.len()).map(|j| Constant(pow2(w * j)));
            gate.inner_product(ctx, chunk.iter().copied(), shifts)
        })
        .collect()
}

fn pow2(bits: usize) -> Fr {
    Fr::from(2).pow_vartime([bits as u64])
}

/// One node or leaf on its way up: its hash and its packed sums (lanes).
struct Subtree {
    hash: AssignedValue<Fr>,
    lanes: Vec<AssignedValue<Fr>>,
}

/// Lays out the whole batch statement; returns the public values
/// `[context, batch_root, batch_commitment]` in instance order.
pub fn synthesize(builder: &mut BaseCircuitBuilder<Fr>, w: &BatchWitness) -> (Vec<AssignedValue<Fr>>, CellSplit) {
    let mut split = CellSplit::default();
    let accounts = w.keys.len();
    let assets = w.equity[0].len();
    let range = builder.range_chip();
    let gate = range.gate();
    let ctx = builder.main(0);

    let context = ctx.load_witness(w.context);
    let keys: Vec<_> = w.keys.iter().map(|k| ctx.load_witness(*k)).collect();

    // 2. Order keys strictly increasing, below 2^96.
    count(ctx, &mut split.key_order, |ctx| {
        range.range_check(ctx, keys[0], ORDER_BITS);
        range.range_check(ctx, keys[accounts - 1], ORDER_BITS);
        for pair in keys.windows(2) {
            let step = gate.sub(ctx, pair[1], pair[0]);
            let gap = gate.sub(ctx, step, Constant(Fr::ONE));
            range.range_check(ctx, gap, ORDER_BITS);
        }
    });

    // 1. + 3. Balances in range, leaves.
    let per_element = 252 / BALANCE_BITS;
    let last_count = assets - per_element * ((assets - 1) / per_element);
    let key_folds = last_count * BALANCE_BITS + ORDER_BITS <= 252;
    let mut level: Vec<Subtree> = (0..accounts)
        .map(|i| {
            let equity: Vec<_> = w.equity[i].iter().map(|v| ctx.load_witness(*v)).collect();
            count(ctx, &mut split.balance_ranges, |ctx| {
                for v in &equity {
                    range.range_check(ctx, *v, BALANCE_BITS);
                }
            });
            let tag = ctx.load_witness(w.tags[i]);
            let positions = ctx.load_witness(w.positions[i]);
            let mut packed = count(ctx, &mut split.packing, |ctx| pack(ctx, gate, &equity, BALANCE_BITS));
            let mut inputs = Vec::with_capacity(packed.len() + 3);
            if key_folds {
                let last = packed.last_mut().expect("at least one asset");
                *last = count(ctx, &mut split.packing, |ctx| {
                    gate.mul_add(ctx, keys[i], Constant(pow2(last_count * BALANCE_BITS)), *last)
                });
            } else {
                inputs.push(keys[i]);
            }
            inputs.push(tag);
            inputs.extend(packed);
            inputs.push(positions);
            let hash = count(ctx, &mut split.leaf_hashes, |ctx| hash_many(ctx, gate, "solvent.leaf.v2", &inputs));
            let lanes = count(ctx, &mut split.packing, |ctx| pack(ctx, gate, &equity, LANE_BITS));
            Subtree { hash, lanes }
        })
        .collect();

    // The lanes are pack(equity ‖ debt, b + 30); without debt every debt is the constant
    // 0, so the lanes holding only debt are constant zeros (summed for free) that the sum
    // commitment still hashes, as solvent's circuit does.
    let per_lane = 252 / LANE_BITS;
    let zero_lanes = (2 * assets).div_ceil(per_lane) - assets.div_ceil(per_lane);
    let zero = ctx.load_zero();

    // 4. Sum tree: lanes are sums of the children's lanes, C hides them, node hashes both.
    for (arity, blinds) in arities(accounts).into_iter().zip(&w.node_blinds) {
        level = level
            .chunks(arity)
            .zip(blinds)
            .map(|(children, blind)| {
                let lanes: Vec<_> = count(ctx, &mut split.node_sums, |ctx| {
                    (0..children[0].lanes.len()).map(|j| gate.sum(ctx, children.iter().map(|c| c.lanes[j]))).collect()
                });
                let blind = ctx.load_witness(*blind);
                let mut c_inputs = lanes.clone();
                c_inputs.extend(std::iter::repeat(zero).take(zero_lanes));
                c_inputs.push(blind);
                let commitment =
                    count(ctx, &mut split.sum_commitments, |ctx| hash_many(ctx, gate, "solvent.sum.v1", &c_inputs));
                let mut node_inputs: Vec<_> = children.iter().map(|c| c.hash).collect();
                node_inputs.push(commitment);
                let hash =
                    count(ctx, &mut split.node_hashes, |ctx| hash_many(ctx, gate, "solvent.node.v1", &node_inputs));
                Subtree { hash, lanes }
            })
            .collect();
    }
    let root = level.pop().expect("one root");
    assert!(level.is_empty());

    // 5. Batch commitment over the context, root sums, boundary keys and a blind.
    let batch_blind = ctx.load_witness(w.batch_blind);
    let mut b_inputs = vec![context];
    b_inputs.extend(root.lanes.iter().copied());
    b_inputs.extend(std::iter::repeat(zero).take(zero_lanes));
    b_inputs.extend([keys[0], keys[accounts - 1], batch_blind]);
    let commitment = count(ctx, &mut split.batch_commitment, |ctx| hash_many(ctx, gate, "solvent.batch.v1", &b_inputs));
    let counted = split.balance_ranges
        + split.key_order
        + split.leaf_hashes
        + split.packing
        + split.node_sums
        + split.sum_commitments
        + split.node_hashes
        + split.batch_commitment;
    split.other = ctx.advice.len() - counted;
    (vec![context, root.hash, commitment], split)
}
