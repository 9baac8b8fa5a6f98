//! Scalar-field helpers: canonical byte encodings and integer views of `Fr`.
//!
//! Every value crossing the Python boundary is a 32-byte little-endian canonical
//! encoding; decoding rejects values ≥ r instead of reducing them, so a caller can
//! never smuggle an aliased value into a witness.

use crate::error::{Error, Result};
use ark_ff::{BigInteger, PrimeField};
use num_bigint::BigUint;

/// The BN254 scalar field, every circuit's field.
pub use ark_bn254::Fr;

/// Bytes of a canonical scalar encoding.
pub const FR_BYTES: usize = 32;

/// Decode a canonical little-endian encoding; `None` if the value is ≥ r.
pub fn fr_from_le(bytes: &[u8]) -> Option<Fr> {
    if bytes.len() != FR_BYTES {
        return None;
    }
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        *limb = u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap());
    }
    Fr::from_bigint(ark_ff::BigInt::new(limbs))
}

/// The canonical little-endian encoding.
pub fn fr_to_le(x: &Fr) -> [u8; FR_BYTES] {
    let mut out = [0u8; FR_BYTES];
    out.copy_from_slice(&x.into_bigint().to_bytes_le());
    out
}

/// Decode a packed array of 32-byte values, naming the first bad index.
pub fn fr_vec_from_le(bytes: &[u8]) -> Result<Vec<Fr>> {
    if !bytes.len().is_multiple_of(FR_BYTES) {
        return Err(Error::Invalid(format!("field-element buffer of {} bytes is not a multiple of 32", bytes.len())));
    }
    bytes
        .chunks_exact(FR_BYTES)
        .enumerate()
        .map(|(i, c)| {
            fr_from_le(c).ok_or_else(|| Error::Invalid(format!("value #{i} is not below the field modulus r")))
        })
        .collect()
}

/// Packed 32-byte little-endian encodings, in order.
pub fn fr_vec_to_le(values: &[Fr]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * FR_BYTES);
    for v in values {
        out.extend_from_slice(&fr_to_le(v));
    }
    out
}

/// Number of significant bits of the canonical representative.
pub fn fr_num_bits(x: &Fr) -> u32 {
    x.into_bigint().num_bits()
}

/// The canonical representative as an integer.
pub fn fr_to_biguint(x: &Fr) -> BigUint {
    BigUint::from_bytes_le(&fr_to_le(x))
}

/// An integer below r as a scalar; `Error::Invalid` naming `what` otherwise (values are
/// refused, never reduced, as in `fr_from_le`).
pub fn fr_from_biguint(x: &BigUint, what: &str) -> Result<Fr> {
    let bytes = x.to_bytes_le();
    let mut buf = [0u8; FR_BYTES];
    if bytes.len() <= FR_BYTES {
        buf[..bytes.len()].copy_from_slice(&bytes);
        if let Some(v) = fr_from_le(&buf) {
            return Ok(v);
        }
    }
    Err(Error::Invalid(format!("{what}: value is not below the field modulus r")))
}

/// How many of `values` are `(0, 1, other values below 2^64, full-size)`: what the
/// prover's MSMs pay for (zeros are skipped, ones added, the rest multiplied).
pub fn value_classes(values: &[Fr]) -> (usize, usize, usize, usize) {
    use ark_ff::{One, Zero};
    let mut out = (0, 0, 0, 0);
    for v in values {
        if v.is_zero() {
            out.0 += 1;
        } else if v.is_one() {
            out.1 += 1;
        } else if fr_num_bits(v) <= 64 {
            out.2 += 1;
        } else {
            out.3 += 1;
        }
    }
    out
}

/// SHA-256 of the values' canonical encodings, in order (what deterministic proof
/// randomness is derived from, so two different assignments never share it).
pub fn digest(values: &[Fr]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for v in values {
        h.update(fr_to_le(v));
    }
    h.finalize().into()
}

/// Lower-case hex of `bytes` (hashes in headers and messages).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{One, Zero};

    #[test]
    fn round_trip_and_reject_modulus() {
        for v in [Fr::zero(), Fr::one(), -Fr::one(), Fr::from(123456789u64)] {
            assert_eq!(fr_from_le(&fr_to_le(&v)), Some(v));
        }
        let r = Fr::MODULUS.to_bytes_le();
        assert!(fr_from_le(&r).is_none());
        assert!(fr_from_le(&[0xff; 32]).is_none());
        assert!(fr_from_le(&[0u8; 31]).is_none());
    }
}
