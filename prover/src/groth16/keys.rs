//! Proving-key files: a small JSON header naming the circuit (name and IR hash) and how
//! the key was made, the arkworks-serialized key, and a SHA-256 of that body.
//!
//! ```text
//! "SLVPK001" | u32 header length | header JSON | key (uncompressed) | SHA-256(key)
//! ```
//!
//! The body is read without re-checking every point (millions of subgroup checks would
//! dominate loading); its integrity is the trailing hash, and its provenance is the
//! header's setup record. Loading is one bulk read, then the hash on one thread beside a
//! parallel decode of the point vectors on the others: a key is read once per process
//! (`solvent circom prove`) or once per worker (batch proving), never per proof.

use super::prove::Prepared;
use super::qap::Reduction;
use super::ProvingKey;
use crate::error::{Error, Result};
use ark_ec::AffineRepr;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, SerializationError, Validate};
use rayon::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A key file's first eight bytes.
pub const MAGIC: &[u8; 8] = b"SLVPK001";

struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes to `path.tmp` and renames, so a crash never leaves a half-written key.
pub fn write(path: &Path, header: &Value, pk: &ProvingKey) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let result = write_body(&tmp, header, pk)
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| Error::key_file(path, e.to_string())));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_body(tmp: &Path, header: &Value, pk: &ProvingKey) -> Result<()> {
    let io = |e: std::io::Error| Error::key_file(tmp, e.to_string());
    let mut out = BufWriter::new(File::create(tmp).map_err(io)?);
    let header = serde_json::to_vec(header).map_err(|e| Error::key_file(tmp, format!("header: {e}")))?;
    out.write_all(MAGIC).map_err(io)?;
    out.write_all(&(header.len() as u32).to_le_bytes()).map_err(io)?;
    out.write_all(&header).map_err(io)?;
    let mut hw = HashingWriter { inner: out, hasher: Sha256::new() };
    pk.serialize_with_mode(&mut hw, Compress::No)
        .map_err(|e| Error::key_file(tmp, format!("serializing the key: {e}")))?;
    let digest = hw.hasher.finalize();
    let mut out = hw.inner;
    out.write_all(&digest).map_err(io)?;
    out.into_inner().map_err(|e| io(e.into_error()))?.sync_all().map_err(io)
}

/// The header of a key file, and a reader positioned at the key body.
pub fn read_header(path: &Path) -> Result<(Value, BufReader<File>)> {
    let bad = |m: &str| Error::key_file(path, m);
    let file = File::open(path).map_err(|e| bad(&e.to_string()))?;
    let file_len = file.metadata().map_err(|e| bad(&e.to_string()))?.len();
    let mut r = BufReader::new(file);
    let mut head = vec![0u8; file_len.min(12) as usize];
    r.read_exact(&mut head).map_err(|e| bad(&e.to_string()))?;
    let len = header_len(path, &head, file_len)?;
    let mut header = vec![0u8; len];
    r.read_exact(&mut header).map_err(|_| bad("truncated proving-key header"))?;
    Ok((parse_header(path, &header)?, r))
}

/// The header's length from a key file's first twelve bytes (magic, u32 length), checked
/// against the file's size before any memory is reserved for it.
fn header_len(path: &Path, head: &[u8], file_len: u64) -> Result<usize> {
    let bad = |m: &str| Error::key_file(path, m);
    if head.len() < 8 {
        return Err(bad("truncated proving-key file"));
    }
    if &head[..8] != MAGIC {
        return Err(bad("not a solvent proving key (bad magic)"));
    }
    if head.len() < 12 {
        return Err(bad("truncated proving-key file"));
    }
    let len = u32::from_le_bytes(head[8..12].try_into().expect("four bytes")) as u64;
    // a length the file cannot hold is truncation, found before reserving memory for it
    if len > file_len.saturating_sub(12) {
        return Err(bad("truncated proving-key header"));
    }
    Ok(len as usize)
}

fn parse_header(path: &Path, bytes: &[u8]) -> Result<Value> {
    serde_json::from_slice(bytes).map_err(|e| Error::key_file(path, format!("header is not JSON: {e}")))
}

/// Reads a key file whole: header, body, and the checksum that vouches for the body.
///
/// One bulk read, then the checksum on one thread while the body is decoded on the
/// others (its point vectors in parallel: `decode_body`); the bytes and the errors are
/// those of arkworks' uncompressed encoding read in order.
pub fn read(path: &Path) -> Result<(Value, ProvingKey)> {
    let bad = |m: &str| Error::key_file(path, m);
    let bytes = std::fs::read(path).map_err(|e| bad(&e.to_string()))?;
    let len = header_len(path, &bytes, bytes.len() as u64)?;
    let header = parse_header(path, &bytes[12..12 + len])?;
    let body = &bytes[12 + len..];
    // the checksum is the last 32 bytes when the body decodes to exactly the rest; hashed
    // beside the decoding, and used only if it is
    let claimed = body.len().saturating_sub(32);
    let (digest, decoded) = rayon::join(|| Sha256::digest(&body[..claimed]), || decode_body(body));
    let (pk, used) = decoded.map_err(|e| bad(&format!("corrupt or truncated key body: {e}")))?;
    match (body.len() - used).cmp(&32) {
        std::cmp::Ordering::Less => Err(bad("truncated proving-key file (no checksum)")),
        std::cmp::Ordering::Greater => Err(bad("trailing bytes after the checksum")),
        std::cmp::Ordering::Equal if body[used..] != digest[..] => {
            Err(bad("checksum mismatch: the key body is corrupt"))
        }
        std::cmp::Ordering::Equal => Ok((header, pk)),
    }
}

/// A key body in arkworks' uncompressed encoding (unchecked, as `read` vouches for it by
/// its checksum), and the bytes it took. The fixed part is decoded by arkworks; each
/// point vector (`u64` length, then fixed-size points) is split into its points and
/// decoded in parallel.
fn decode_body(body: &[u8]) -> std::result::Result<(ProvingKey, usize), SerializationError> {
    let mut r = body;
    let vk = CanonicalDeserialize::deserialize_with_mode(&mut r, Compress::No, Validate::No)?;
    let beta_g1 = CanonicalDeserialize::deserialize_with_mode(&mut r, Compress::No, Validate::No)?;
    let delta_g1 = CanonicalDeserialize::deserialize_with_mode(&mut r, Compress::No, Validate::No)?;
    let a_query = decode_points(&mut r)?;
    let b_g1_query = decode_points(&mut r)?;
    let b_g2_query = decode_points(&mut r)?;
    let h_query = decode_points(&mut r)?;
    let l_query = decode_points(&mut r)?;
    let pk = ProvingKey { vk, beta_g1, delta_g1, a_query, b_g1_query, b_g2_query, h_query, l_query };
    Ok((pk, body.len() - r.len()))
}

/// One `Vec` of points as arkworks encodes it, decoded in parallel; `r` is advanced past it.
fn decode_points<A>(r: &mut &[u8]) -> std::result::Result<Vec<A>, SerializationError>
where
    A: AffineRepr + CanonicalDeserialize + Send,
{
    let n = u64::deserialize_with_mode(&mut *r, Compress::No, Validate::No)?;
    let size = A::zero().uncompressed_size();
    let bytes = usize::try_from(n).ok().and_then(|n| n.checked_mul(size)).filter(|&b| b <= r.len());
    let Some(bytes) = bytes else {
        return Err(SerializationError::IoError(std::io::ErrorKind::UnexpectedEof.into()));
    };
    let (points, rest) = r.split_at(bytes);
    *r = rest;
    // decoded in place into a vector of the final length (a collect into `Result` would
    // gather chunks in a list and copy them once more)
    let mut out = vec![A::zero(); points.len() / size];
    out.par_iter_mut().zip(points.par_chunks_exact(size)).try_for_each(
        |(o, p)| -> std::result::Result<(), SerializationError> {
            *o = A::deserialize_with_mode(p, Compress::No, Validate::No)?;
            Ok(())
        },
    )?;
    Ok(out)
}

/// Refuses a key whose header names another circuit than `name` with identity `hash`:
/// the one check every proof under a loaded key makes.
pub fn check_circuit(header: &Value, path: Option<&Path>, name: &str, hash: &str) -> Result<()> {
    let key_hash = header["circuit_hash"].as_str().unwrap_or_default();
    if key_hash == hash {
        return Ok(());
    }
    let key_name = header["circuit"].as_str().unwrap_or("?");
    Err(Error::KeyFile {
        path: path.map(Path::to_path_buf),
        reason: format!("the proving key is for circuit {key_name} ({key_hash}), not {name} ({hash})"),
    })
}

/// A proving key as solvent holds it: the key, its header, where it was read from, and
/// (made on first use, then kept: batch proving uses one key for every batch) its MSM
/// bases in the prover's form.
pub struct Key {
    /// The header: circuit name and hash, setup kind, sizes (and the QAP reduction,
    /// for keys that are not libsnark's).
    pub header: Value,
    /// The key.
    pub pk: ProvingKey,
    /// The file the key was read from, if it was (errors name it).
    pub path: Option<PathBuf>,
    prepared: OnceLock<Prepared>,
}

impl Key {
    /// A key with its header (and file, if any).
    pub fn new(header: Value, pk: ProvingKey, path: Option<PathBuf>) -> Key {
        Key { header, pk, path, prepared: OnceLock::new() }
    }

    /// Reads and checks a key file.
    pub fn load(path: &Path) -> Result<Key> {
        let (header, pk) = read(path)?;
        Ok(Key::new(header, pk, Some(path.to_path_buf())))
    }

    /// Writes the key file.
    pub fn save(&self, path: &Path) -> Result<()> {
        write(path, &self.header, &self.pk)
    }

    /// The circuit identity the header names.
    pub fn circuit_hash(&self) -> &str {
        self.header["circuit_hash"].as_str().unwrap_or_default()
    }

    /// `check_circuit` for this key.
    pub fn check_circuit(&self, name: &str, hash: &str) -> Result<()> {
        check_circuit(&self.header, self.path.as_deref(), name, hash)
    }

    /// The QAP reduction the key was made for (`libsnark` when the header names none).
    pub fn reduction(&self) -> Result<Reduction> {
        Reduction::parse(self.header["reduction"].as_str().unwrap_or("libsnark"))
            .map_err(|e| Error::KeyFile { path: self.path.clone(), reason: e.to_string() })
    }

    /// The bases in the prover's form, converted now if this is the first use.
    pub fn prepared(&self) -> &Prepared {
        self.prepared.get_or_init(|| Prepared::new(&self.pk))
    }

    /// Whether the bases are already converted.
    pub fn is_prepared(&self) -> bool {
        self.prepared.get().is_some()
    }

    /// Bytes held by the converted bases (0 before the first use).
    pub fn prepared_bytes(&self) -> usize {
        self.prepared.get().map_or(0, Prepared::heap_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop::circom::tests::toy;

    #[test]
    fn key_files_round_trip_and_every_failure_is_a_key_file_error() {
        let dir = std::env::temp_dir().join(format!("solvent-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("toy.pk");
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(5);
        let pk = crate::groth16::setup::setup_dev(&toy(), &mut rng).unwrap();
        let header = serde_json::json!({"circuit": "toy", "circuit_hash": "ab"});
        write(&path, &header, &pk).unwrap();
        let key = Key::load(&path).unwrap();
        assert!(key.pk == pk && key.header == header);
        key.check_circuit("toy", "ab").unwrap();
        let e = key.check_circuit("toy2", "cd").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}: the proving key is for circuit toy (ab), not toy2 (cd)", path.display())
        );
        let good = std::fs::read(&path).unwrap();
        let is_key_error = |bytes: &[u8], needle: &str| {
            std::fs::write(&path, bytes).unwrap();
            match read(&path) {
                Err(Error::KeyFile { path: Some(p), reason }) => {
                    assert!(p == path && reason.contains(needle), "{reason}")
                }
                other => panic!("expected a key-file error with '{needle}', got {:?}", other.map(|_| ())),
            }
        };
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 1;
        is_key_error(&flipped, "checksum mismatch");
        is_key_error(&good[..good.len() - 1], "no checksum");
        is_key_error(&[&good[..], b"x"].concat(), "trailing bytes");
        is_key_error(&good[..good.len() / 2], "corrupt or truncated key body");
        is_key_error(b"SLVPK002", "bad magic");
        is_key_error(b"SLVPK0", "truncated proving-key file");
        // a header length of 4 GiB in a file of a few bytes: truncation, no allocation
        is_key_error(&[&MAGIC[..], &u32::MAX.to_le_bytes()[..], b"{}"].concat(), "truncated proving-key header");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(read(&path), Err(Error::KeyFile { .. })), "a missing file is a key-file error too");
    }
}
