//! The phase-2 state file and its hash chain.
//!
//! A state is the whole proving key at one point of the ceremony plus the record of every
//! contribution so far:
//!
//! ```text
//! "SLVPH2S1" | u32 len | header JSON | u32 count | count × (u32 len | record) |
//! proving key (arkworks, uncompressed) | SHA-256 of all the preceding bytes
//! ```
//!
//! A record is `u8 kind | u16 len | name | prev_hash[32] | δ₁ (G1) | δ₂ (G2) | proof |
//! new_hash[32]`, where the proof is `R (G1) | s (Fr)` for a participant (kind 1,
//! pok.rs) and `u16 len | beacon value | u8 iterations exponent` for a beacon (kind 2).
//!
//! Hashes chain the states (SHA-256, domain-separated):
//!
//! ```text
//! S₀ = H("solvent/phase2/state/v1" | circuit hash | 0³² | 0³² | key₀)
//! S_k = H("solvent/phase2/state/v1" | circuit hash | prev_hash_k | H(record_k without new_hash) | key_k)
//! ```
//!
//! Record k states `prev_hash = S_{k−1}` (the state it was made on) and `new_hash = S_k`
//! (the state it produced). S₀ depends only on the circuit and the phase-1 powers, so a
//! verifier recomputes it from the ptau; the last `new_hash` is recomputed from the final
//! key; intermediate ones are the contributors' published commitments, checked by the
//! next record's `prev_hash` (and by a contributor holding that intermediate file).

use super::pok::Pok;
use crate::error::{io, Error, Result};
use crate::groth16::ProvingKey;
use ark_bn254::{Fr, G1Affine, G2Affine};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::Path;

/// A state file's first eight bytes.
pub const MAGIC: &[u8; 8] = b"SLVPH2S1";
const MAX_NAME: usize = 256;
const MAX_BEACON: usize = 1024;

/// How a record shows its δ multiplier is sound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proof {
    /// A participant's proof of knowledge of their secret.
    Participant(Pok),
    /// A public random beacon, recomputable by anyone.
    Beacon {
        /// The beacon value (e.g. a block hash fixed in advance).
        value: Vec<u8>,
        /// The value is hashed 2^`iter_exp` times.
        iter_exp: u8,
    },
}

/// One contribution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The contributor's name (a beacon's label).
    pub name: String,
    /// Hash of the state it was made on.
    pub prev_hash: [u8; 32],
    /// δ₁ after it.
    pub delta_g1: G1Affine,
    /// δ₂ after it.
    pub delta_g2: G2Affine,
    /// Its proof.
    pub proof: Proof,
    /// Hash of the state it produced.
    pub new_hash: [u8; 32],
}

fn put_str(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u16).to_le_bytes());
    out.extend_from_slice(s);
}

impl Record {
    /// `"participant"` or `"beacon"`.
    pub fn kind(&self) -> &'static str {
        match self.proof {
            Proof::Participant(_) => "participant",
            Proof::Beacon { .. } => "beacon",
        }
    }

    /// Everything but `new_hash`.
    pub fn core_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.push(match self.proof {
            Proof::Participant(_) => 1,
            Proof::Beacon { .. } => 2,
        });
        put_str(&mut out, self.name.as_bytes());
        out.extend_from_slice(&self.prev_hash);
        self.delta_g1.serialize_uncompressed(&mut out).unwrap();
        self.delta_g2.serialize_uncompressed(&mut out).unwrap();
        match &self.proof {
            Proof::Participant(p) => {
                p.r.serialize_uncompressed(&mut out).unwrap();
                p.s.serialize_uncompressed(&mut out).unwrap();
            }
            Proof::Beacon { value, iter_exp } => {
                put_str(&mut out, value);
                out.push(*iter_exp);
            }
        }
        out
    }

    /// The record's encoding in a state file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.core_bytes();
        out.extend_from_slice(&self.new_hash);
        out
    }

    /// Decodes a record, checking every point and scalar.
    pub fn from_bytes(b: &[u8]) -> Result<Record> {
        let mut r: &[u8] = b;
        let take = |r: &mut &[u8], n: usize| -> Result<Vec<u8>> {
            if r.len() < n {
                return Err(Error::Ceremony("record ends early".into()));
            }
            let (a, rest) = r.split_at(n);
            *r = rest;
            Ok(a.to_vec())
        };
        let get_str = |r: &mut &[u8], max: usize| -> Result<Vec<u8>> {
            let len = u16::from_le_bytes(take(r, 2)?.try_into().unwrap()) as usize;
            if len > max {
                return Err(Error::Ceremony(format!("record field of {len} bytes exceeds {max}")));
            }
            take(r, len)
        };
        let de =
            |e: ark_serialize::SerializationError| Error::Ceremony(format!("record: invalid point or scalar: {e}"));
        let kind = take(&mut r, 1)?[0];
        let name = String::from_utf8(get_str(&mut r, MAX_NAME)?)
            .map_err(|_| Error::Ceremony("record name is not UTF-8".into()))?;
        let prev_hash: [u8; 32] = take(&mut r, 32)?.try_into().unwrap();
        let delta_g1 = G1Affine::deserialize_with_mode(&mut r, Compress::No, Validate::Yes).map_err(de)?;
        let delta_g2 = G2Affine::deserialize_with_mode(&mut r, Compress::No, Validate::Yes).map_err(de)?;
        let proof = match kind {
            1 => Proof::Participant(Pok {
                r: G1Affine::deserialize_with_mode(&mut r, Compress::No, Validate::Yes).map_err(de)?,
                s: Fr::deserialize_with_mode(&mut r, Compress::No, Validate::Yes).map_err(de)?,
            }),
            2 => Proof::Beacon { value: get_str(&mut r, MAX_BEACON)?, iter_exp: take(&mut r, 1)?[0] },
            k => return Err(Error::Ceremony(format!("unknown record kind {k}"))),
        };
        let new_hash: [u8; 32] = take(&mut r, 32)?.try_into().unwrap();
        if !r.is_empty() {
            return Err(Error::Ceremony("trailing bytes in a record".into()));
        }
        Ok(Record { name, prev_hash, delta_g1, delta_g2, proof, new_hash })
    }

    /// A name is at most 256 bytes of printable text; a beacon value 1..=1024 bytes.
    pub fn validate_fields(name: &str, beacon: Option<&[u8]>) -> Result<()> {
        if name.len() > MAX_NAME || name.chars().any(|c| c.is_control()) {
            return Err(Error::Ceremony(format!("a contributor name is at most {MAX_NAME} bytes of printable text")));
        }
        if beacon.is_some_and(|b| b.is_empty() || b.len() > MAX_BEACON) {
            return Err(Error::Ceremony(format!("a beacon value is 1..={MAX_BEACON} bytes")));
        }
        Ok(())
    }
}

/// `S_k` (or `S₀` when `record` is `None`).
pub fn state_hash(circuit_hash: &str, record: Option<&Record>, pk: &ProvingKey) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"solvent/phase2/state/v1");
    h.update((circuit_hash.len() as u32).to_le_bytes());
    h.update(circuit_hash.as_bytes());
    match record {
        None => h.update([0u8; 64]),
        Some(r) => {
            h.update(r.prev_hash);
            h.update(Sha256::digest(r.core_bytes()));
        }
    }
    pk.serialize_uncompressed(&mut h).expect("hashing the key");
    h.finalize().into()
}

/// A phase-2 state: the key at one point of the ceremony and the records that led there.
pub struct State {
    /// The circuit and ptau facts (informational, except the circuit hash).
    pub header: Value,
    /// Every contribution so far.
    pub records: Vec<Record>,
    /// The current key.
    pub pk: ProvingKey,
}

impl State {
    /// The circuit identity the header names.
    pub fn circuit_hash(&self) -> &str {
        self.header["circuit_hash"].as_str().unwrap_or_default()
    }

    /// The hash of this state, recomputed (not read from any record).
    pub fn hash(&self) -> [u8; 32] {
        state_hash(self.circuit_hash(), self.records.last(), &self.pk)
    }

    /// Writes the state to `path.tmp` and renames it into place.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut body = Vec::new();
        body.extend_from_slice(MAGIC);
        let header = serde_json::to_vec(&self.header).map_err(|e| Error::Ceremony(format!("header: {e}")))?;
        body.extend_from_slice(&(header.len() as u32).to_le_bytes());
        body.extend_from_slice(&header);
        body.extend_from_slice(&(self.records.len() as u32).to_le_bytes());
        for r in &self.records {
            let b = r.to_bytes();
            body.extend_from_slice(&(b.len() as u32).to_le_bytes());
            body.extend_from_slice(&b);
        }
        self.pk.serialize_uncompressed(&mut body).map_err(|e| Error::Ceremony(format!("serializing the key: {e}")))?;
        let digest = Sha256::digest(&body);
        body.extend_from_slice(&digest);
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp).map_err(io(Error::Ceremony, &tmp))?;
        f.write_all(&body).and_then(|_| f.sync_all()).map_err(io(Error::Ceremony, &tmp))?;
        std::fs::rename(&tmp, path).map_err(io(Error::Ceremony, path))
    }

    /// Reads and fully validates a state: checksum, structure, every point on the curve
    /// and in its subgroup (a contributor must never scale points an attacker chose off
    /// the curve: that would leak their secret modulo small orders).
    pub fn read(path: &Path) -> Result<State> {
        let bad = |m: &str| Error::Ceremony(format!("{}: {m}", path.display()));
        let mut bytes = Vec::new();
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(|e| bad(&e.to_string()))?;
        if bytes.len() < 8 + 4 + 32 || &bytes[..8] != MAGIC {
            return Err(bad(if bytes.starts_with(MAGIC) {
                "truncated phase-2 state file"
            } else {
                "not a solvent phase-2 state file (bad magic)"
            }));
        }
        let (body, digest) = bytes.split_at(bytes.len() - 32);
        if Sha256::digest(body)[..] != digest[..] {
            return Err(bad("checksum mismatch: the file is truncated or corrupt"));
        }
        let mut r: &[u8] = &body[8..];
        let mut take = |n: usize| -> Result<&[u8]> {
            if r.len() < n {
                return Err(bad("truncated phase-2 state file"));
            }
            let (a, rest) = r.split_at(n);
            r = rest;
            Ok(a)
        };
        let hlen = u32::from_le_bytes(take(4)?.try_into().unwrap()) as usize;
        let header: Value =
            serde_json::from_slice(take(hlen)?).map_err(|e| bad(&format!("header is not JSON: {e}")))?;
        let count = u32::from_le_bytes(take(4)?.try_into().unwrap()) as usize;
        let mut records = Vec::with_capacity(count.min(1 << 16));
        for i in 0..count {
            let len = u32::from_le_bytes(take(4)?.try_into().unwrap()) as usize;
            records.push(Record::from_bytes(take(len)?).map_err(|e| bad(&format!("contribution #{}: {e}", i + 1)))?);
        }
        let mut rest = r;
        let pk = ProvingKey::deserialize_with_mode(&mut rest, Compress::No, Validate::Yes)
            .map_err(|e| bad(&format!("invalid proving key in the state: {e}")))?;
        if !rest.is_empty() {
            return Err(bad("trailing bytes after the key"));
        }
        if header.get("circuit_hash").and_then(Value::as_str).is_none() {
            return Err(bad("header has no circuit_hash"));
        }
        Ok(State { header, records, pk })
    }

    /// The last record's `new_hash` must be this state's own hash: a state whose key was
    /// changed after its last contribution is refused before anyone builds on it.
    pub fn check_self_consistent(&self) -> Result<[u8; 32]> {
        let h = self.hash();
        if let Some(last) = self.records.last() {
            if last.new_hash != h {
                return Err(Error::Ceremony(format!(
                    "the key in this state does not match the hash published by its last contribution (#{} '{}'): the file was altered",
                    self.records.len(),
                    last.name
                )));
            }
        }
        Ok(h)
    }
}
