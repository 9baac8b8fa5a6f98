//! Everything secret-derived, from one institution secret and the epoch: customer salts,
//! padding-leaf tags and commitment blinds. Deterministic, so a re-run on the same
//! inputs yields the same book, and per epoch, so two attestations share no blind.
//!
//! `epoch_key = HMAC-SHA256(secret, "solvent.epoch.v1" ‖ epoch as u64 BE)`, then
//! `HMAC-SHA256(epoch_key, label ‖ 0x00 ‖ data)` truncated to 31 bytes (30 for tags).

use super::{TAG, TAG_BITS};
use crate::error::{Error, Result};
use crate::poseidon::{encode_bytes, hash_many};
use ark_bn254::Fr;
use ark_ff::PrimeField;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// The key every secret-derived value of one epoch comes from.
#[derive(Clone)]
pub struct EpochKey([u8; 32]);

impl EpochKey {
    /// `HMAC-SHA256(secret, "solvent.epoch.v1" ‖ epoch)`.
    pub fn new(secret: &[u8], epoch: u64) -> Self {
        EpochKey(hmac(secret, &[b"solvent.epoch.v1", &epoch.to_be_bytes()]))
    }

    fn prf(&self, label: &[u8], data: &[&[u8]], bytes: usize) -> Fr {
        let mut parts: Vec<&[u8]> = vec![label, &[0u8]];
        parts.extend_from_slice(data);
        Fr::from_be_bytes_mod_order(&hmac(&self.0, &parts)[..bytes])
    }

    /// The customer's salt (248 bits): handed to them with their inclusion proof.
    pub fn salt(&self, account_id: &[u8]) -> Fr {
        self.prf(b"salt", &[account_id], 31)
    }

    /// Tag of padding leaf `i` (240 bits, like a real tag).
    pub fn padding_tag(&self, i: u64) -> Fr {
        self.prf(b"pad", &[&i.to_be_bytes()], 30)
    }

    /// Blind of internal node `index` at `level` (1 = just above the leaves) of the
    /// tree `scope` (a batch index, or `u32::MAX` for the top tree).
    pub fn node_blind(&self, scope: u32, level: u8, index: u32) -> Fr {
        self.prf(b"blind", &[&scope.to_be_bytes(), &[level], &index.to_be_bytes()], 31)
    }

    /// Blind of batch `batch`'s commitment.
    pub fn batch_blind(&self, batch: u32) -> Fr {
        self.prf(b"batch", &[&batch.to_be_bytes()], 31)
    }
}

impl EpochKey {
    /// Node blinds of the top tree (scope `u32::MAX`) over `slots` leaves with the given
    /// arities, level by level from the bottom, as the top circuit takes them. Each
    /// arity must be at least 2 and divide the level below.
    pub fn top_node_blinds(&self, arities: &[usize], slots: usize) -> Result<Vec<Fr>> {
        let mut out = vec![];
        let mut n = slots;
        for (l, a) in arities.iter().enumerate() {
            if *a < 2 || !n.is_multiple_of(*a) {
                return Err(Error::Invalid(format!(
                    "top tree: arity {a} at level {} does not divide {n} nodes",
                    l + 1
                )));
            }
            n /= a;
            out.extend((0..n).map(|i| self.node_blind(u32::MAX, (l + 1) as u8, i as u32)));
        }
        Ok(out)
    }
}

/// `low240(hash_many(TAG, [salt, encode_bytes(id)]))`.
pub fn tag(account_id: &[u8], salt: Fr) -> Result<Fr> {
    let mut xs = vec![salt];
    xs.extend(encode_bytes(account_id)?);
    let h = hash_many(TAG, &xs).into_bigint();
    let mut limbs = h.0;
    // keep the low 240 bits: limb 3 holds bits 192..255
    limbs[3] &= (1u64 << (TAG_BITS - 192)) - 1;
    Ok(Fr::from_bigint(ark_ff::BigInt::new(limbs)).expect("below 2^240"))
}
