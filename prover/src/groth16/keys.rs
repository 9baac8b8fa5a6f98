//! Proving-key files: a small JSON header naming the circuit (name and IR hash) and how
//! the key was made, the arkworks-serialized key, and a SHA-256 of that body.
//!
//! ```text
//! "SLVPK001" | u32 header length | header JSON | key (uncompressed) | SHA-256(key)
//! ```
//!
//! The body is read without re-checking every point (millions of subgroup checks would
//! dominate loading); its integrity is the trailing hash, and its provenance is the
//! header's setup record.

use super::ProvingKey;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

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

struct HashingReader<R: Read> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Writes to `path.tmp` and renames, so a crash never leaves a half-written key.
pub fn write(path: &Path, header: &Value, pk: &ProvingKey) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    let result = (|| -> Result<(), String> {
        let io = |e: std::io::Error| format!("{}: {e}", tmp.display());
        let mut out = BufWriter::new(File::create(&tmp).map_err(io)?);
        let header = serde_json::to_vec(header).map_err(|e| e.to_string())?;
        out.write_all(MAGIC).map_err(io)?;
        out.write_all(&(header.len() as u32).to_le_bytes()).map_err(io)?;
        out.write_all(&header).map_err(io)?;
        let mut hw = HashingWriter { inner: out, hasher: Sha256::new() };
        pk.serialize_with_mode(&mut hw, Compress::No).map_err(|e| format!("serializing the key: {e}"))?;
        let digest = hw.hasher.finalize();
        let mut out = hw.inner;
        out.write_all(&digest).map_err(io)?;
        out.into_inner().map_err(|e| e.to_string())?.sync_all().map_err(io)?;
        std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

pub fn read_header(path: &Path) -> Result<(Value, BufReader<File>), String> {
    let bad = |m: &str| format!("{}: {m}", path.display());
    let mut r = BufReader::new(File::open(path).map_err(|e| bad(&e.to_string()))?);
    let mut magic = [0u8; 8];
    r.read_exact(&mut magic).map_err(|_| bad("truncated proving-key file"))?;
    if &magic != MAGIC {
        return Err(bad("not a solvent proving key (bad magic)"));
    }
    let mut len = [0u8; 4];
    r.read_exact(&mut len).map_err(|_| bad("truncated proving-key file"))?;
    let mut header = vec![0u8; u32::from_le_bytes(len) as usize];
    r.read_exact(&mut header).map_err(|_| bad("truncated proving-key header"))?;
    let header: Value = serde_json::from_slice(&header).map_err(|e| bad(&format!("header is not JSON: {e}")))?;
    Ok((header, r))
}

pub fn read(path: &Path) -> Result<(Value, ProvingKey), String> {
    let bad = |m: &str| format!("{}: {m}", path.display());
    let (header, r) = read_header(path)?;
    let mut hr = HashingReader { inner: r, hasher: Sha256::new() };
    let pk = ProvingKey::deserialize_with_mode(&mut hr, Compress::No, Validate::No)
        .map_err(|e| bad(&format!("corrupt or truncated key body: {e}")))?;
    let digest = hr.hasher.finalize();
    let mut r = hr.inner;
    let mut stored = [0u8; 32];
    r.read_exact(&mut stored).map_err(|_| bad("truncated proving-key file (no checksum)"))?;
    if stored[..] != digest[..] {
        return Err(bad("checksum mismatch: the key body is corrupt"));
    }
    let mut rest = [0u8; 1];
    if r.read(&mut rest).map_err(|e| bad(&e.to_string()))? != 0 {
        return Err(bad("trailing bytes after the checksum"));
    }
    Ok((header, pk))
}
