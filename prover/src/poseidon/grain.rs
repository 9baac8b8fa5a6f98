//! Poseidon parameter generation with the Grain LFSR of the Poseidon paper.
//!
//! solvent derives circomlib's constants from their definition instead of shipping a
//! table, so that anyone can check where every constant comes from; the pure-Python
//! verifier does the same independently, and both are tested against circomlib's
//! known-answer vectors.

use ark_bn254::Fr;
use ark_ff::{BigInt, Field, PrimeField};

/// Bits of the BN254 scalar field modulus, as the generator's `n` parameter.
const FIELD_BITS: u32 = 254;
/// Full rounds, for every width.
pub const FULL_ROUNDS: usize = 8;
/// circomlib's partial-round counts for widths t = 2..=17.
pub const PARTIAL_ROUNDS: [usize; 16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

/// circomlib's partial rounds for width `t` (2..=17).
pub fn partial_rounds(t: usize) -> usize {
    assert!((2..=17).contains(&t), "Poseidon width {t} outside 2..=17");
    PARTIAL_ROUNDS[t - 2]
}

/// The self-shrinking Grain LFSR (80-bit state).
struct Grain {
    bits: [bool; 80],
    pos: usize,
}

impl Grain {
    fn new(t: usize, full_rounds: usize, partial_rounds: usize) -> Self {
        let mut init = Vec::with_capacity(80);
        let mut push = |value: u64, width: u32| {
            for i in (0..width).rev() {
                init.push((value >> i) & 1 == 1);
            }
        };
        push(1, 2); // field: prime field
        push(0, 4); // S-box: x^alpha
        push(FIELD_BITS as u64, 12);
        push(t as u64, 12);
        push(full_rounds as u64, 10);
        push(partial_rounds as u64, 10);
        push((1u64 << 30) - 1, 30);
        let mut g = Grain { bits: init.try_into().unwrap(), pos: 0 };
        for _ in 0..160 {
            g.step();
        }
        g
    }

    /// One LFSR step; the state is a ring buffer starting at `pos`.
    fn step(&mut self) -> bool {
        let b = |k: usize| self.bits[(self.pos + k) % 80];
        let new = b(62) ^ b(51) ^ b(38) ^ b(23) ^ b(13) ^ b(0);
        self.bits[self.pos] = new;
        self.pos = (self.pos + 1) % 80;
        new
    }

    /// Self-shrinking output: bits come in pairs, the second is kept when the first is 1.
    fn next_bit(&mut self) -> bool {
        loop {
            let first = self.step();
            let second = self.step();
            if first {
                return second;
            }
        }
    }

    /// `FIELD_BITS` output bits, most significant first, as an integer.
    fn next_integer(&mut self) -> BigInt<4> {
        let mut limbs = [0u64; 4];
        for i in (0..FIELD_BITS as usize).rev() {
            if self.next_bit() {
                limbs[i / 64] |= 1 << (i % 64);
            }
        }
        BigInt::new(limbs)
    }

    /// Uniform field element by rejection (used for round constants).
    fn next_field_rejecting(&mut self) -> Fr {
        loop {
            if let Some(x) = Fr::from_bigint(self.next_integer()) {
                return x;
            }
        }
    }

    /// Field element reduced modulo r (the reference script's `F(bits)` for the MDS).
    fn next_field_reduced(&mut self) -> Fr {
        let x = self.next_integer();
        let mut bytes = [0u8; 32];
        for (i, limb) in x.0.iter().enumerate() {
            bytes[8 * i..8 * i + 8].copy_from_slice(&limb.to_le_bytes());
        }
        Fr::from_le_bytes_mod_order(&bytes)
    }
}

/// Round constants (`(R_F + R_P)·t`, round-major) and the `t×t` MDS matrix.
pub fn generate(t: usize) -> (Vec<Fr>, Vec<Vec<Fr>>) {
    let rp = partial_rounds(t);
    let mut g = Grain::new(t, FULL_ROUNDS, rp);
    let constants: Vec<Fr> = (0..(FULL_ROUNDS + rp) * t).map(|_| g.next_field_rejecting()).collect();
    loop {
        let xs: Vec<Fr> = (0..2 * t).map(|_| g.next_field_reduced()).collect();
        let mut distinct = xs.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() != 2 * t {
            continue;
        }
        let (x, y) = xs.split_at(t);
        let mds: Option<Vec<Vec<Fr>>> = x.iter().map(|xi| y.iter().map(|yj| (*xi + yj).inverse()).collect()).collect();
        if let Some(mds) = mds {
            return (constants, mds);
        }
    }
}
