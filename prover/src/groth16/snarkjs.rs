//! snarkjs's JSON layouts for proofs and verifying keys (decimal strings, Fq2 as
//! `[c0, c1]`, projective `z` of "1"), so third-party tools read solvent's output and
//! solvent reads theirs. Decoding is strict: canonical decimals below q, points on the
//! curve and in the prime-order subgroup, no point at infinity.

use super::{Proof, VerifyingKey};
use crate::error::{Error, Result};
use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use num_bigint::BigUint;
use serde_json::{json, Value};

fn fq_dec(x: &Fq) -> String {
    x.into_bigint().to_string()
}

fn g1_json(p: &G1Affine) -> Value {
    match p.xy() {
        Some((x, y)) => json!([fq_dec(&x), fq_dec(&y), "1"]),
        None => json!(["0", "1", "0"]),
    }
}

fn g2_json(p: &G2Affine) -> Value {
    match p.xy() {
        Some((x, y)) => json!([[fq_dec(&x.c0), fq_dec(&x.c1)], [fq_dec(&y.c0), fq_dec(&y.c1)], ["1", "0"]]),
        None => json!([["0", "0"], ["1", "0"], ["0", "0"]]),
    }
}

/// snarkjs `proof.json`.
pub fn proof_to_json(p: &Proof) -> Value {
    json!({
        "pi_a": g1_json(&p.a),
        "pi_b": g2_json(&p.b),
        "pi_c": g1_json(&p.c),
        "protocol": "groth16",
        "curve": "bn128",
    })
}

/// snarkjs `verification_key.json`.
pub fn vk_to_json(vk: &VerifyingKey) -> Value {
    json!({
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.gamma_abc_g1.len() - 1,
        "vk_alpha_1": g1_json(&vk.alpha_g1),
        "vk_beta_2": g2_json(&vk.beta_g2),
        "vk_gamma_2": g2_json(&vk.gamma_g2),
        "vk_delta_2": g2_json(&vk.delta_g2),
        "IC": vk.gamma_abc_g1.iter().map(g1_json).collect::<Vec<_>>(),
    })
}

fn decimal(v: &Value, what: &str) -> Result<BigUint> {
    let s = v.as_str().ok_or_else(|| Error::Format(format!("{what}: expected a decimal string")))?;
    let canonical = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if !canonical {
        return Err(Error::Format(format!("{what}: '{s}' is not a canonical decimal")));
    }
    Ok(BigUint::parse_bytes(s.as_bytes(), 10).unwrap())
}

fn fq(v: &Value, what: &str) -> Result<Fq> {
    let n = decimal(v, what)?;
    let bytes = n.to_bytes_le();
    if bytes.len() > 32 || n >= BigUint::from_bytes_le(&Fq::MODULUS.to_bytes_le()) {
        return Err(Error::Format(format!("{what}: coordinate is not below the base-field modulus q")));
    }
    Ok(Fq::from_le_bytes_mod_order(&bytes))
}

fn array<'a>(v: &'a Value, len: usize, what: &str) -> Result<&'a Vec<Value>> {
    match v.as_array() {
        Some(a) if a.len() == len => Ok(a),
        _ => Err(Error::Format(format!("{what}: expected an array of {len}"))),
    }
}

fn g1_from(v: &Value, what: &str) -> Result<G1Affine> {
    let a = array(v, 3, what)?;
    if decimal(&a[2], what)? != BigUint::from(1u8) {
        return Err(Error::Format(format!("{what}: point at infinity or non-normalised (z ≠ 1)")));
    }
    let p = G1Affine::new_unchecked(fq(&a[0], what)?, fq(&a[1], what)?);
    if !p.is_on_curve() {
        return Err(Error::Format(format!("{what}: point not on the curve")));
    }
    Ok(p)
}

fn fq2(v: &Value, what: &str) -> Result<Fq2> {
    let a = array(v, 2, what)?;
    Ok(Fq2::new(fq(&a[0], what)?, fq(&a[1], what)?))
}

fn g2_from(v: &Value, what: &str) -> Result<G2Affine> {
    let a = array(v, 3, what)?;
    let z = fq2(&a[2], what)?;
    if z != Fq2::new(Fq::from(1u8), Fq::from(0u8)) {
        return Err(Error::Format(format!("{what}: point at infinity or non-normalised (z ≠ 1)")));
    }
    let p = G2Affine::new_unchecked(fq2(&a[0], what)?, fq2(&a[1], what)?);
    if !p.is_on_curve() {
        return Err(Error::Format(format!("{what}: point not on the curve")));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(Error::Format(format!("{what}: point not in the G2 subgroup")));
    }
    Ok(p)
}

fn check_tags(v: &Value) -> Result<()> {
    if let Some(p) = v.get("protocol") {
        if p != "groth16" {
            return Err(Error::Format(format!("protocol {p} is not groth16")));
        }
    }
    if let Some(c) = v.get("curve") {
        if c != "bn128" {
            return Err(Error::Format(format!("curve {c} is not bn128")));
        }
    }
    Ok(())
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value> {
    v.get(name).ok_or_else(|| Error::Format(format!("missing field '{name}'")))
}

/// A proof from the text of a snarkjs `proof.json`.
pub fn proof_from_str(text: &str) -> Result<Proof> {
    proof_from_json(&serde_json::from_str(text).map_err(|e| Error::Format(format!("proof JSON: {e}")))?)
}

/// A verifying key from the text of a snarkjs `verification_key.json`.
pub fn vk_from_str(text: &str) -> Result<VerifyingKey> {
    vk_from_json(&serde_json::from_str(text).map_err(|e| Error::Format(format!("verifying key JSON: {e}")))?)
}

/// A proof from snarkjs `proof.json`, every point checked.
pub fn proof_from_json(v: &Value) -> Result<Proof> {
    check_tags(v)?;
    Ok(Proof {
        a: g1_from(field(v, "pi_a")?, "pi_a")?,
        b: g2_from(field(v, "pi_b")?, "pi_b")?,
        c: g1_from(field(v, "pi_c")?, "pi_c")?,
    })
}

/// A verifying key from snarkjs `verification_key.json`, every point checked.
pub fn vk_from_json(v: &Value) -> Result<VerifyingKey> {
    check_tags(v)?;
    let ic_json = field(v, "IC")?.as_array().ok_or_else(|| Error::Format("IC: expected an array".into()))?;
    if ic_json.is_empty() {
        return Err(Error::Format("IC: at least one point is required".into()));
    }
    let ic = ic_json.iter().enumerate().map(|(i, p)| g1_from(p, &format!("IC[{i}]"))).collect::<Result<Vec<_>, _>>()?;
    if let Some(n) = v.get("nPublic") {
        if n.as_u64() != Some(ic.len() as u64 - 1) {
            return Err(Error::Format(format!("nPublic {n} does not match {} IC points", ic.len())));
        }
    }
    Ok(VerifyingKey {
        alpha_g1: g1_from(field(v, "vk_alpha_1")?, "vk_alpha_1")?,
        beta_g2: g2_from(field(v, "vk_beta_2")?, "vk_beta_2")?,
        gamma_g2: g2_from(field(v, "vk_gamma_2")?, "vk_gamma_2")?,
        delta_g2: g2_from(field(v, "vk_delta_2")?, "vk_delta_2")?,
        gamma_abc_g1: ic,
    })
}
