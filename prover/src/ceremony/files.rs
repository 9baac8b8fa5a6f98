//! The ceremony's steps on files, as `solvent ceremony` runs them: each reads what it
//! needs, applies one `ops` step or the verifier, writes its output, and returns a JSON
//! summary (records, hashes, the verifying key) for the caller to print.
//!
//! Failures keep the kind of the file they concern: a `.ptau` is an interop file
//! (`Error::Interop`), a state or transcript is the ceremony's (`Error::Ceremony`), a
//! proving key is a key file (`Error::KeyFile`).

use super::ptau::Ptau;
use super::transcript::State;
use super::{ops, verify, Circuit};
use crate::error::{Error, Result};
use crate::field::hex;
use crate::groth16::{keys, snarkjs};
use rand::rngs::OsRng;
use serde_json::{json, Value};
use std::path::Path;

/// The last record of `state`, with the state's own hash.
fn record_summary(state: &State) -> Value {
    let mut r = ops::records_json(state).as_array().and_then(|a| a.last().cloned()).unwrap_or(Value::Null);
    r["state_hash"] = json!(hex(&state.hash()));
    r
}

/// `ceremony init`: checks the ptau, derives the circuit's initial key (δ = 1) and writes
/// the state to `out`. Returns the state's header.
pub fn init(circuit: &Circuit, ptau: &Path, out: &Path) -> Result<Value> {
    let p = Ptau::open(ptau)?;
    let state = ops::init(circuit, &p, &mut OsRng)?;
    state.write(out)?;
    Ok(state.header)
}

/// `ceremony contribute`: a fresh secret (OS randomness mixed with `entropy`), applied
/// and wiped. Returns the new record (its `prev_hash` and `hash` are to be published).
pub fn contribute(state: &Path, out: &Path, name: &str, entropy: &[u8]) -> Result<Value> {
    let s = State::read(state)?;
    let next = ops::contribute(&s, name, entropy, &mut OsRng)?;
    next.write(out)?;
    Ok(record_summary(&next))
}

/// Applies a public random beacon as a contribution (anyone can recompute it).
pub fn beacon(state: &Path, out: &Path, beacon: &[u8], iterations_exp: u8, name: &str) -> Result<Value> {
    let s = State::read(state)?;
    let next = ops::beacon(&s, name, beacon, iterations_exp)?;
    next.write(out)?;
    Ok(record_summary(&next))
}

/// Header, records, hash and current verifying key of a state file (its structure and
/// self-consistency checked; the transcript is not verified).
pub fn info(state: &Path) -> Result<Value> {
    let s = State::read(state)?;
    let h = s.check_self_consistent()?;
    Ok(json!({
        "header": s.header,
        "contributions": ops::records_json(&s),
        "state_hash": hex(&h),
        "verification_key": snarkjs::vk_to_json(&s.pk.vk),
    }))
}

/// `ceremony verify`: the whole transcript from the ptau to the state's key (`verify.rs`
/// lists the checks). With `key`, also that a finalized key file is exactly this
/// state's key. The summary carries the verified verifying key (snarkjs JSON).
pub fn verify_files(state: &Path, ptau: &Path, circuit: &Circuit, key: Option<&Path>) -> Result<Value> {
    let s = State::read(state)?;
    let p = Ptau::open(ptau)?;
    let report = verify::verify(&s, circuit, &p, &mut OsRng)?;
    if let Some(key) = key {
        let (header, pk) = keys::read(key)?;
        if header["transcript_hash"] != json!(hex(&report.transcript_hash)) {
            return Err(Error::key_file(key, "the key's transcript_hash is not this transcript's"));
        }
        if pk != s.pk {
            return Err(Error::key_file(key, "the key differs from the transcript's final key"));
        }
    }
    Ok(json!({
        "circuit": circuit.name,
        "circuit_hash": circuit.hash,
        "initial_hash": hex(&report.initial_hash),
        "transcript_hash": hex(&report.transcript_hash),
        "participants": report.participants,
        "beacons": report.beacons,
        "contributions": ops::records_json(&s),
        "secure": report.participants > 0,
        "verification_key": snarkjs::vk_to_json(&s.pk.vk),
    }))
}

/// Writes the final key file (keys.rs format; header `"setup": setup` with the
/// `transcript_hash`). Returns the header and the verifying key.
pub fn finalize(state: &Path, key: &Path, setup: &str) -> Result<(Value, crate::groth16::VerifyingKey)> {
    let s = State::read(state)?;
    let mut header = ops::final_key_header(&s)?;
    header["setup"] = json!(setup);
    keys::write(key, &header, &s.pk)?;
    Ok((header, s.pk.vk))
}
