//! The same permutation, computed faster (the Poseidon paper's appendix B).
//!
//! 1. Constants of partial rounds are carried forward: in a partial round only state
//!    element 0 passes the S-box, so the constants of the other elements pass through
//!    linearly and are folded into the next round; each partial round then adds one
//!    scalar, and the leftover vector joins the first full round after them.
//! 2. Every partial round's matrix `X` is factored `X = S · diag(1, X̂)` with `S` sparse
//!    (`[[x₀₀, wᵀ], [x_c, I]]`). `diag(1, X̂)` leaves element 0 alone, so it commutes
//!    with that round's S-box and constant and moves into the previous round's matrix;
//!    partial rounds then cost O(t) multiplications instead of O(t²).
//!
//! `permute` in `mod.rs` stays the reference; tests hold the two together.

use super::{params, Params, FULL_ROUNDS};
use ark_bn254::Fr;
use ark_ff::{Field, Zero};
use std::sync::OnceLock;

/// One width's constants and matrices for the fast schedule.
pub struct Optimized {
    t: usize,
    /// Full rounds before the partial ones: constants and (for the last) a modified matrix.
    first_constants: Vec<Vec<Fr>>,
    first_matrices: Vec<Vec<Vec<Fr>>>,
    partial_constants: Vec<Fr>,
    /// Per partial round: `(x₀₀, w, x_c)` of the sparse matrix.
    sparse: Vec<(Fr, Vec<Fr>, Vec<Fr>)>,
    last_constants: Vec<Vec<Fr>>,
    mds: Vec<Vec<Fr>>,
}

fn mat_vec(m: &[Vec<Fr>], v: &[Fr]) -> Vec<Fr> {
    m.iter().map(|row| row.iter().zip(v).fold(Fr::zero(), |acc, (a, b)| acc + *a * b)).collect()
}

fn mat_mul(a: &[Vec<Fr>], b: &[Vec<Fr>]) -> Vec<Vec<Fr>> {
    let n = a.len();
    (0..n).map(|i| (0..n).map(|j| (0..n).fold(Fr::zero(), |acc, k| acc + a[i][k] * b[k][j])).collect()).collect()
}

/// Solves `A x = y` by Gaussian elimination (A invertible: submatrices of a Cauchy MDS are).
fn solve(mut a: Vec<Vec<Fr>>, mut y: Vec<Fr>) -> Vec<Fr> {
    let n = a.len();
    for col in 0..n {
        let pivot = (col..n).find(|&r| !a[r][col].is_zero()).expect("singular matrix");
        a.swap(col, pivot);
        y.swap(col, pivot);
        let inv = a[col][col].inverse().unwrap();
        for r in 0..n {
            if r != col && !a[r][col].is_zero() {
                let f = a[r][col] * inv;
                let pivot_row = a[col].clone();
                for (x, v) in a[r][col..].iter_mut().zip(&pivot_row[col..]) {
                    *x -= f * v;
                }
                let v = y[col];
                y[r] -= f * v;
            }
        }
    }
    (0..n).map(|i| y[i] * a[i][i].inverse().unwrap()).collect()
}

fn build(p: &Params) -> Optimized {
    let t = p.t;
    let half = FULL_ROUNDS / 2;
    let rp = p.partial_rounds;
    let c = |r: usize| p.constants[r * t..(r + 1) * t].to_vec();

    // 1. carry partial-round constants forward
    let mut carry = vec![Fr::zero(); t];
    let mut partial_constants = Vec::with_capacity(rp);
    for r in half..half + rp {
        let mut g: Vec<Fr> = c(r).iter().zip(&carry).map(|(a, b)| *a + b).collect();
        partial_constants.push(g[0]);
        g[0] = Fr::zero();
        carry = mat_vec(&p.mds, &g);
    }
    let mut last_constants: Vec<Vec<Fr>> = (half + rp..p.rounds()).map(c).collect();
    for (x, d) in last_constants[0].iter_mut().zip(&carry) {
        *x += d;
    }

    // 2. factor partial-round matrices, last round first
    let mut x = p.mds.clone();
    let mut sparse = Vec::with_capacity(rp);
    for _ in 0..rp {
        let hat: Vec<Vec<Fr>> = x[1..].iter().map(|row| row[1..].to_vec()).collect();
        let hat_t: Vec<Vec<Fr>> = (0..t - 1).map(|i| (0..t - 1).map(|j| hat[j][i]).collect()).collect();
        let w = solve(hat_t, x[0][1..].to_vec());
        let col: Vec<Fr> = x[1..].iter().map(|row| row[0]).collect();
        sparse.push((x[0][0], w, col));
        let mut block = vec![vec![Fr::zero(); t]; t];
        block[0][0] = Fr::from(1u64);
        for i in 1..t {
            block[i][1..].copy_from_slice(&hat[i - 1]);
        }
        x = mat_mul(&block, &p.mds);
    }
    sparse.reverse();
    let first_constants: Vec<Vec<Fr>> = (0..half).map(c).collect();
    let mut first_matrices = vec![p.mds.clone(); half];
    first_matrices[half - 1] = x;
    Optimized { t, first_constants, first_matrices, partial_constants, sparse, last_constants, mds: p.mds.clone() }
}

/// The fast schedule of width `t` (2..=17), derived once per process.
pub fn optimized(t: usize) -> &'static Optimized {
    static CACHE: [OnceLock<Optimized>; 16] = [const { OnceLock::new() }; 16];
    CACHE[t - 2].get_or_init(|| build(params(t)))
}

#[inline]
fn sbox(x: &mut Fr) {
    let x2 = x.square();
    *x *= x2.square();
}

fn full_round(state: &mut [Fr], constants: &[Fr], m: &[Vec<Fr>], scratch: &mut [Fr]) {
    for (s, c) in state.iter_mut().zip(constants) {
        *s += c;
        sbox(s);
    }
    for (out, row) in scratch.iter_mut().zip(m) {
        *out = row.iter().zip(state.iter()).fold(Fr::zero(), |acc, (a, b)| acc + *a * b);
    }
    state.copy_from_slice(scratch);
}

impl Optimized {
    /// The permutation, in place.
    pub fn permute(&self, state: &mut [Fr]) {
        assert_eq!(state.len(), self.t);
        let mut scratch = vec![Fr::zero(); self.t];
        for (c, m) in self.first_constants.iter().zip(&self.first_matrices) {
            full_round(state, c, m, &mut scratch);
        }
        for (k, (m00, w, col)) in self.partial_constants.iter().zip(&self.sparse) {
            state[0] += k;
            sbox(&mut state[0]);
            let s0 = state[0];
            let mut acc = *m00 * s0;
            for (wi, si) in w.iter().zip(&state[1..]) {
                acc += *wi * si;
            }
            for (si, ci) in state[1..].iter_mut().zip(col) {
                *si += *ci * s0;
            }
            state[0] = acc;
        }
        for c in &self.last_constants {
            full_round(state, c, &self.mds, &mut scratch);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_std::UniformRand;
    use rand::SeedableRng;

    #[test]
    fn equals_the_reference_permutation_for_every_width() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        for t in 2..=17 {
            for _ in 0..3 {
                let mut a: Vec<Fr> = (0..t).map(|_| Fr::rand(&mut rng)).collect();
                let mut b = a.clone();
                super::super::permute_reference(&mut a);
                optimized(t).permute(&mut b);
                assert_eq!(a, b, "width {t}");
            }
        }
    }
}
