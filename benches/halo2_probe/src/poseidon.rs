//! solvent's `hash_many` (docs/hashing.md) as a halo2-base gadget.
//!
//! halo2-base's own `PoseidonHasher` is a sponge: its capacity starts at 2^64, it pads
//! with a 1, and an input that fills the rate costs a second permutation. solvent's
//! hash is circomlib's `PoseidonEx`: state `[domain, in_0, .., in_{n-1}]`, width
//! `t = n + 1`, one permutation, output `state[0]`. So this module drives the
//! permutation itself, using only the round constants and (sparse) MDS matrices that
//! halo2-base's `OptimizedPoseidonSpec` publishes (Grain LFSR, x^5, R_F = 8 and
//! circomlib's R_P for the width). Whether those constants are circomlib's is not
//! assumed: `circomlib_vectors_match` checks the two vectors of docs/hashing.md.

use std::sync::OnceLock;

use halo2_base::{
    gates::{GateChip, GateInstructions},
    halo2_proofs::halo2curves::{bn256::Fr, ff::Field},
    poseidon::hasher::spec::OptimizedPoseidonSpec,
    AssignedValue, Context,
    QuantumCell::Constant,
};

/// circomlib's partial-round counts, indexed by width `t - 2` (t = 2..=17).
pub const CIRCOMLIB_PARTIAL_ROUNDS: [usize; 16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

/// `domain(label, n) = int(label bytes, big-endian) * 2^16 + n` (docs/hashing.md).
pub fn domain(label: &str, n: usize) -> Fr {
    assert!(!label.is_empty() && label.len() <= 29 && label.bytes().all(|c| (0x20..0x7f).contains(&c)));
    assert!(n < 1 << 16);
    let acc = label.bytes().fold(Fr::ZERO, |acc, byte| acc * Fr::from(256) + Fr::from(byte as u64));
    acc * Fr::from(1 << 16) + Fr::from(n as u64)
}

/// One circomlib permutation of width `T` (`RATE = T - 1` inputs), returns `state[0]`.
///
/// Mirrors the optimized schedule of the Poseidon paper (supplementary B): the first
/// round constants are added with the inputs, each S-box adds the *next* (pre-multiplied
/// by MDS^-1) constants, and the partial rounds use sparse matrices.
fn permute<const T: usize, const RATE: usize>(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    spec: &OptimizedPoseidonSpec<Fr, T, RATE>,
    init: Fr,
    inputs: &[AssignedValue<Fr>],
) -> AssignedValue<Fr> {
    assert_eq!(inputs.len(), RATE, "circomlib's PoseidonEx has width n + 1");
    let constants = spec.constants();
    let start = constants.start();
    let mds = spec.mds_matrices().mds().as_ref();
    let pre_sparse = spec.mds_matrices().pre_sparse_mds().as_ref();
    let half = spec.r_f() / 2;

    // First round constants: the capacity is a constant, the inputs are witnesses.
    let mut state: [AssignedValue<Fr>; T] = core::array::from_fn(|i| {
        if i == 0 {
            ctx.load_constant(init + start[0][0])
        } else {
            gate.add(ctx, inputs[i - 1], Constant(start[0][i]))
        }
    });
    for round_constants in start.iter().skip(1).take(half - 1) {
        sbox_full(ctx, gate, &mut state, round_constants);
        state = apply_mds(ctx, gate, &state, mds);
    }
    sbox_full(ctx, gate, &mut state, start.last().expect("start constants"));
    state = apply_mds(ctx, gate, &state, pre_sparse);

    for (constant, sparse) in constants.partial().iter().zip(spec.mds_matrices().sparse_matrices()) {
        state[0] = pow5_plus(ctx, gate, state[0], *constant);
        let s0 = state[0];
        let first = gate.inner_product(ctx, state.iter().copied(), sparse.row().iter().map(|c| Constant(*c)));
        for (cell, coeff) in state.iter_mut().skip(1).zip(sparse.col_hat().iter()) {
            *cell = gate.mul_add(ctx, s0, Constant(*coeff), *cell);
        }
        state[0] = first;
    }

    for round_constants in constants.end() {
        sbox_full(ctx, gate, &mut state, round_constants);
        state = apply_mds(ctx, gate, &state, mds);
    }
    sbox_full(ctx, gate, &mut state, &[Fr::ZERO; T]);
    // Only state[0] is the output: the last MDS needs only its first row.
    gate.inner_product(ctx, state.iter().copied(), mds[0].iter().map(|c| Constant(*c)))
}

/// `x^5 + c` in three gate rows.
fn pow5_plus(ctx: &mut Context<Fr>, gate: &GateChip<Fr>, x: AssignedValue<Fr>, c: Fr) -> AssignedValue<Fr> {
    let x2 = gate.mul(ctx, x, x);
    let x4 = gate.mul(ctx, x2, x2);
    gate.mul_add(ctx, x, x4, Constant(c))
}

fn sbox_full<const T: usize>(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    state: &mut [AssignedValue<Fr>; T],
    c: &[Fr; T],
) {
    for (x, c) in state.iter_mut().zip(c) {
        *x = pow5_plus(ctx, gate, *x, *c);
    }
}

fn apply_mds<const T: usize>(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    state: &[AssignedValue<Fr>; T],
    m: &[[Fr; T]; T],
) -> [AssignedValue<Fr>; T] {
    core::array::from_fn(|i| gate.inner_product(ctx, state.iter().copied(), m[i].iter().map(|c| Constant(*c))))
}

/// circomlib `PoseidonEx(n, 1)` with `init` in the capacity: one permutation of width n + 1.
pub fn poseidon(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    init: Fr,
    inputs: &[AssignedValue<Fr>],
) -> AssignedValue<Fr> {
    // One spec per width, built on first use (the sparse matrices take a moment).
    macro_rules! widths {
        ($($t:literal),*) => {
            match inputs.len() + 1 {
                $($t => {
                    static SPEC: OnceLock<OptimizedPoseidonSpec<Fr, $t, { $t - 1 }>> = OnceLock::new();
                    let spec = SPEC.get_or_init(|| {
                        OptimizedPoseidonSpec::new::<8, { CIRCOMLIB_PARTIAL_ROUNDS[$t - 2] }, 0>()
                    });
                    permute::<$t, { $t - 1 }>(ctx, gate, spec, init, inputs)
                })*
                t => panic!("Poseidon width {t} outside 2..=17"),
            }
        };
    }
    widths!(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)
}

/// `hash_many(label, xs)` of docs/hashing.md (only the single-permutation case, n <= 16:
/// every hash of the batch statement at 8 assets is one).
pub fn hash_many(
    ctx: &mut Context<Fr>,
    gate: &GateChip<Fr>,
    label: &str,
    xs: &[AssignedValue<Fr>],
) -> AssignedValue<Fr> {
    assert!(!xs.is_empty() && xs.len() <= 16, "hash_many over more than 16 elements is not needed here");
    poseidon(ctx, gate, domain(label, xs.len()), xs)
}

/// Whether this gadget reproduces circomlib's `Poseidon(2)` vectors of docs/hashing.md.
pub fn circomlib_vectors_match() -> bool {
    use halo2_base::{gates::circuit::builder::BaseCircuitBuilder, halo2_proofs::halo2curves::ff::PrimeField};
    let vectors = [
        ([1u64, 2], "7853200120776062878684798364095072458815029376092732009249414926327459813530"),
        ([3u64, 4], "14763215145315200506921711489642608356394854266165572616578112107564877678998"),
    ];
    let mut builder = BaseCircuitBuilder::<Fr>::new(false);
    let ctx = builder.main(0);
    let gate = GateChip::<Fr>::default();
    vectors.iter().all(|(inputs, expected)| {
        let xs: Vec<_> = inputs.iter().map(|x| ctx.load_witness(Fr::from(*x))).collect();
        *poseidon(ctx, &gate, Fr::ZERO, &xs).value() == Fr::from_str_vartime(expected).expect("decimal")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn circomlib_vectors_match() {
        assert!(super::circomlib_vectors_match());
    }
}
