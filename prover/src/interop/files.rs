//! What `solvent circom` runs on files: importing a snarkjs zkey as a solvent key file,
//! proving a circom circuit from a `.wtns`, and writing an INSECURE dev zkey for benches.

use super::{circom, zkey};
use crate::circuit::Circuit;
use crate::error::{Error, Result};
use crate::groth16::clock::Clock;
use crate::groth16::keys::{self, Key};
use crate::groth16::prove::{prove_profiled, Mode, Profile};
use crate::groth16::{Proof, VerifyingKey};
use ark_bn254::Fr;
use serde_json::{json, Value};
use std::path::Path;

/// Imports a snarkjs Groth16 zkey made for `circuit` as a solvent key file at `key`
/// (circom reduction). The zkey's constraint entries must be the circuit's. Returns the
/// key's header and verifying key.
pub fn import_zkey(zkey_path: &Path, circuit: &Circuit, key: &Path) -> Result<(Value, VerifyingKey)> {
    let z = zkey::read(zkey_path)?;
    z.check_matches(&circuit.r1cs).map_err(|e| e.context(zkey_path.display()))?;
    let header = json!({
        "format": 1,
        "circuit": circuit.name,
        "circuit_hash": circuit.hash,
        "circuit_kind": circuit.kind,
        "setup": "snarkjs-zkey",
        "reduction": "circom",
        "num_constraints": circuit.r1cs.num_constraints(),
        "num_public": circuit.r1cs.num_public,
        "num_columns": circuit.r1cs.num_columns,
    });
    keys::write(key, &header, &z.pk)?;
    Ok((header, z.pk.vk))
}

/// A circom proof: the proof, its public values (snarkjs's `public.json`: outputs, then
/// public inputs) and the seconds each step took.
pub struct CircomProof {
    /// The proof.
    pub proof: Proof,
    /// `wtns[1..=num_public]`.
    pub public: Vec<Fr>,
    /// Reading the key and the witness, then the prover's phases.
    pub profile: Profile,
}

/// Proves `circuit` from a `.wtns` with a solvent key file (from a ceremony, a ptau or an
/// imported zkey: the header names the QAP reduction). With `check`, the witness is
/// checked against every constraint first; a witness that does not satisfy the circuit
/// is a `.wtns` that does not fit it (`Error::Interop`, naming the file and the row).
pub fn prove_wtns(key: &Path, circuit: &Circuit, wtns: &Path, check: bool) -> Result<CircomProof> {
    let t = Clock::now();
    let key = Key::load(key)?;
    let read_key = t.elapsed();
    key.check_circuit(&circuit.name, &circuit.hash)?;
    let t = Clock::now();
    let z = circom::read_wtns(wtns)?;
    let read_wtns = t.elapsed();
    let mut p = prove_loaded(&key, circuit, &z, wtns, check)?;
    p.profile.phases.splice(0..0, [("read_key", read_key.0, read_key.1), ("read_wtns", read_wtns.0, read_wtns.1)]);
    Ok(p)
}

/// `prove_wtns` from the three files, read at the same time: the key, the `.r1cs` (its
/// constraints and identity) and the witness load on separate threads, so the command's
/// fixed cost is the slowest of the three, not their sum (phase `read_inputs`).
pub fn prove_files(key: &Path, r1cs: &Path, wtns: &Path, check: bool) -> Result<CircomProof> {
    let t = Clock::now();
    let (key, (circuit, z)) =
        rayon::join(|| Key::load(key), || rayon::join(|| Circuit::from_r1cs_file(r1cs), || circom::read_wtns(wtns)));
    let (key, circuit, z) = (key?, circuit?, z?);
    let read = t.elapsed();
    key.check_circuit(&circuit.name, &circuit.hash)?;
    let mut p = prove_loaded(&key, &circuit, &z, wtns, check)?;
    p.profile.phases.insert(0, ("read_inputs", read.0, read.1));
    Ok(p)
}

fn prove_loaded(key: &Key, circuit: &Circuit, z: &[Fr], wtns: &Path, check: bool) -> Result<CircomProof> {
    let reduction = key.reduction()?;
    if z.len() != circuit.r1cs.num_columns {
        return Err(Error::Interop(format!(
            "{}: {} witness values, the circuit has {} wires",
            wtns.display(),
            z.len(),
            circuit.r1cs.num_columns
        )));
    }
    // the witness check runs inside the QAP step, on the row values it evaluates anyway
    let (proof, profile) =
        prove_profiled(&key.pk, None, reduction, Mode::Fast, &circuit.r1cs, z, check, &mut rand::rngs::OsRng).map_err(
            |e| match e {
                e @ Error::Unsatisfied { .. } => Error::Interop(format!("{}: {e}", wtns.display())),
                e => e,
            },
        )?;
    let public = z[1..=circuit.r1cs.num_public].to_vec();
    Ok(CircomProof { proof, public, profile })
}

/// Writes an INSECURE snarkjs zkey for a circom `.r1cs`, its toxic waste drawn from
/// SHA-256(`seed`) (benches: one key for snarkjs, rapidsnark and solvent without a
/// snarkjs setup). Whoever knows the seed can forge proofs.
pub fn write_dev_zkey_insecure(r1cs: &Path, zkey_path: &Path, seed: &[u8]) -> Result<()> {
    use sha2::{Digest, Sha256};
    let c = circom::read_r1cs(r1cs)?;
    zkey::write_insecure_dev(zkey_path, &c.r1cs, Sha256::digest(seed).into())
}
