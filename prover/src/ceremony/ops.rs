//! The ceremony's steps: `init` (ptau + circuit → state with δ = 1), `contribute` (a
//! participant's secret x, then forgotten), `beacon` (a public, recomputable x) and the
//! header of the final proving key.

use super::phase2::{apply, beacon_scalar, domain_size, initial_key_from_ptau, PtauUse, Secret};
use super::pok::{self, Context};
use super::ptau::Ptau;
use super::transcript::{state_hash, Proof, Record, State};
use super::Circuit;
use crate::error::{Error, Result};
use crate::field::hex;
use rand::{CryptoRng, RngCore};
use serde_json::{json, Value};

fn header(c: &Circuit, used: &PtauUse, ptau: &Ptau, initial_hash: &[u8; 32]) -> Value {
    json!({
        "format": 1,
        "kind": "solvent phase-2 state",
        "circuit": c.name,
        "circuit_hash": c.hash,
        "circuit_kind": c.kind,
        "num_constraints": c.r1cs.num_constraints(),
        "num_public": c.r1cs.num_public,
        "num_columns": c.r1cs.num_columns,
        "domain_size": domain_size(&c.r1cs),
        "reduction": "libsnark",
        "gamma": "generator",
        "ptau": {
            "power": used.power,
            "ceremony_power": ptau.ceremony_power,
            "phase1_contributions": used.phase1_contributions,
            "lagrange_sections_used": used.used_lagrange_sections,
        },
        "initial_hash": hex(initial_hash),
    })
}

/// The starting state: the circuit's key from the (checked) ptau, δ = 1, no records.
pub fn init<R: RngCore>(c: &Circuit, ptau: &Ptau, rng: &mut R) -> Result<State> {
    let (pk, used) = initial_key_from_ptau(&c.r1cs, ptau, rng)?;
    let s0 = state_hash(&c.hash, None, &pk);
    Ok(State { header: header(c, &used, ptau, &s0), records: vec![], pk })
}

fn extend(state: &State, mut record: Record, pk: crate::groth16::ProvingKey) -> State {
    record.new_hash = state_hash(state.circuit_hash(), Some(&record), &pk);
    let mut records = state.records.clone();
    records.push(record);
    State { header: state.header.clone(), records, pk }
}

/// A participant's contribution. The secret is drawn from `rng` mixed with `entropy`,
/// used, and wiped before this returns; only δ·x, the rescaled queries and the proof of
/// knowledge leave.
pub fn contribute<R: RngCore + CryptoRng>(state: &State, name: &str, entropy: &[u8], rng: &mut R) -> Result<State> {
    Record::validate_fields(name, None)?;
    let prev = state.check_self_consistent()?;
    let x = Secret::generate(rng, entropy);
    let mut pk = state.pk.clone();
    apply(&mut pk, &x);
    let ctx = Context {
        prev_hash: &prev,
        name,
        delta_old: state.pk.delta_g1,
        delta_new_g1: pk.delta_g1,
        delta_new_g2: pk.vk.delta_g2,
    };
    let proof = pok::prove(&x, &ctx, rng);
    drop(x);
    let record = Record {
        name: name.to_string(),
        prev_hash: prev,
        delta_g1: pk.delta_g1,
        delta_g2: pk.vk.delta_g2,
        proof: Proof::Participant(proof),
        new_hash: [0; 32],
    };
    Ok(extend(state, record, pk))
}

/// A public random beacon (e.g. a future block hash) applied as a last contribution.
pub fn beacon(state: &State, name: &str, value: &[u8], iter_exp: u8) -> Result<State> {
    Record::validate_fields(name, Some(value))?;
    let prev = state.check_self_consistent()?;
    let x = Secret(beacon_scalar(value, iter_exp)?);
    let mut pk = state.pk.clone();
    apply(&mut pk, &x);
    let record = Record {
        name: name.to_string(),
        prev_hash: prev,
        delta_g1: pk.delta_g1,
        delta_g2: pk.vk.delta_g2,
        proof: Proof::Beacon { value: value.to_vec(), iter_exp },
        new_hash: [0; 32],
    };
    Ok(extend(state, record, pk))
}

/// The state's contribution records as JSON (what `ceremony info` and `verify` print).
pub fn records_json(state: &State) -> Value {
    Value::Array(
        state
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut v = json!({
                    "index": i + 1,
                    "name": r.name,
                    "kind": r.kind(),
                    "prev_hash": hex(&r.prev_hash),
                    "hash": hex(&r.new_hash),
                });
                if let Proof::Beacon { value, iter_exp } = &r.proof {
                    v["beacon"] = json!(hex(value));
                    v["beacon_iterations_exp"] = json!(iter_exp);
                }
                v
            })
            .collect(),
    )
}

/// Header of the final key file (keys.rs format). Refuses a transcript without any
/// participant: with δ = 1, or δ from a public beacon alone, anyone could forge proofs.
pub fn final_key_header(state: &State) -> Result<Value> {
    let transcript_hash = state.check_self_consistent()?;
    if !state.records.iter().any(|r| matches!(r.proof, Proof::Participant(_))) {
        return Err(Error::Ceremony(
            "the transcript has no participant contribution: its key would be forgeable".into(),
        ));
    }
    let h = &state.header;
    Ok(json!({
        "format": 1,
        "circuit": h["circuit"],
        "circuit_hash": h["circuit_hash"],
        "circuit_kind": h["circuit_kind"],
        "setup": "ceremony",
        "transcript_hash": hex(&transcript_hash),
        "initial_hash": h["initial_hash"],
        "reduction": "libsnark",
        "num_constraints": h["num_constraints"],
        "num_public": h["num_public"],
        "num_columns": h["num_columns"],
        "ptau": h["ptau"],
        "contributions": records_json(state),
    }))
}
