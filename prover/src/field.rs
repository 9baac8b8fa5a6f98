//! Scalar-field helpers: canonical byte encodings and integer views of `Fr`.
//!
//! Every value crossing the Python boundary is a 32-byte little-endian canonical
//! encoding; decoding rejects values ≥ r instead of reducing them, so a caller can
//! never smuggle an aliased value into a witness.

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};

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

pub fn fr_to_le(x: &Fr) -> [u8; FR_BYTES] {
    let mut out = [0u8; FR_BYTES];
    out.copy_from_slice(&x.into_bigint().to_bytes_le());
    out
}

/// Decode a packed array of 32-byte values, naming the first bad index.
pub fn fr_vec_from_le(bytes: &[u8]) -> Result<Vec<Fr>, String> {
    if bytes.len() % FR_BYTES != 0 {
        return Err(format!(
            "field-element buffer of {} bytes is not a multiple of 32",
            bytes.len()
        ));
    }
    bytes
        .chunks_exact(FR_BYTES)
        .enumerate()
        .map(|(i, c)| fr_from_le(c).ok_or_else(|| format!("value #{i} is not below the field modulus r")))
        .collect()
}

pub fn fr_vec_to_le(values: &[Fr]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * FR_BYTES);
    for v in values {
        out.extend_from_slice(&fr_to_le(v));
    }
    out
}

/// Decimal string of the canonical representative (snarkjs JSON uses decimals).
pub fn fr_to_decimal(x: &Fr) -> String {
    x.into_bigint().to_string()
}

/// Number of significant bits of the canonical representative.
pub fn fr_num_bits(x: &Fr) -> u32 {
    x.into_bigint().num_bits()
}

/// Bit `i` (LSB = 0) of the canonical representative.
pub fn fr_bit(x: &Fr, i: usize) -> bool {
    x.into_bigint().get_bit(i)
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

    #[test]
    fn decimal() {
        assert_eq!(fr_to_decimal(&Fr::from(42u64)), "42");
        assert_eq!(
            fr_to_decimal(&-Fr::one()),
            "21888242871839275222246405745257275088548364400416034343698204186575808495616"
        );
    }
}
