//! iden3's binary container, shared by `.ptau`, `.r1cs`, `.wtns` and `.zkey` files, and
//! the point / field encodings inside them.
//!
//! ```text
//! magic 4 bytes | u32 version | u32 section count | sections: { u32 id, u64 size, size bytes }
//! ```
//!
//! All integers are little-endian. Inside sections, curve points are stored affine with
//! each base-field coordinate in Montgomery form (`x·R mod q`, R = 2^256, 32 bytes LE;
//! G2 coordinates as `c0, c1`), the point at infinity as all zero bytes. Scalars in
//! `.r1cs` / `.wtns` are plain little-endian integers below r.
//!
//! The file is read by offset, never wholly: a ptau of 2^24 powers is gigabytes and a
//! circuit needs only a prefix of each section. Every section must lie inside the file
//! (a truncated download is reported as such, naming the section).

use crate::error::{io, Error, Result};
use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, BigInteger, PrimeField};
use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Bytes of a G1 point (two coordinates).
pub const G1_BYTES: usize = 64;
/// Bytes of a G2 point (four coordinates).
pub const G2_BYTES: usize = 128;

/// An open iden3 container and its section table.
pub struct BinFile {
    file: File,
    /// The file's path (messages name it).
    pub path: PathBuf,
    /// What the file is, in words (`"snarkjs .zkey"`).
    pub kind: &'static str,
    /// The container's format version.
    pub version: u32,
    /// section id → every `(offset, size)` with that id, in file order.
    sections: BTreeMap<u32, Vec<(u64, u64)>>,
}

impl BinFile {
    /// Opens `path`, checks the magic and version and scans the section table.
    pub fn open(path: &Path, magic: &[u8; 4], kind: &'static str, max_version: u32) -> Result<Self> {
        let file = File::open(path).map_err(io(Error::Interop, path))?;
        let len = file.metadata().map_err(io(Error::Interop, path))?.len();
        let mut bf = BinFile { file, path: path.to_path_buf(), kind, version: 0, sections: BTreeMap::new() };
        if len < 12 {
            return Err(bf.err("truncated file (no header)"));
        }
        let head = bf.read_at(0, 12)?;
        if &head[..4] != magic {
            return Err(bf.err(&format!("not a {kind} file (magic is not \"{}\")", String::from_utf8_lossy(magic))));
        }
        bf.version = u32::from_le_bytes(head[4..8].try_into().unwrap());
        if bf.version == 0 || bf.version > max_version {
            return Err(bf.err(&format!("unsupported {kind} version {}", bf.version)));
        }
        let count = u32::from_le_bytes(head[8..12].try_into().unwrap());
        let mut pos = 12u64;
        for i in 0..count {
            if pos + 12 > len {
                return Err(bf.err(&format!("truncated file: section table entry {i} of {count} is missing")));
            }
            let h = bf.read_at(pos, 12)?;
            let id = u32::from_le_bytes(h[..4].try_into().unwrap());
            let size = u64::from_le_bytes(h[4..12].try_into().unwrap());
            pos += 12;
            if size > len - pos {
                return Err(bf.err(&format!(
                    "truncated file: section {id} declares {size} bytes at offset {pos}, but only {} remain",
                    len - pos
                )));
            }
            bf.sections.entry(id).or_default().push((pos, size));
            pos += size;
        }
        if pos != len {
            return Err(bf.err(&format!("{} trailing bytes after the last section", len - pos)));
        }
        Ok(bf)
    }

    /// `e` with this file's name in front.
    pub fn within(&self, e: Error) -> Error {
        e.context(self.path.display())
    }

    /// An `Interop` error naming this file.
    pub fn err(&self, msg: &str) -> Error {
        Error::Interop(format!("{}: {msg}", self.path.display()))
    }

    /// Whether section `id` is present.
    pub fn has(&self, id: u32) -> bool {
        self.sections.contains_key(&id)
    }

    /// `(offset, size)` of the unique section `id`.
    pub fn section(&self, id: u32, name: &str) -> Result<(u64, u64)> {
        match self.sections.get(&id).map(Vec::as_slice) {
            None | Some([]) => Err(self.err(&format!("missing section {id} ({name})"))),
            Some([one]) => Ok(*one),
            Some(_) => Err(self.err(&format!("section {id} ({name}) appears more than once"))),
        }
    }

    /// Requires section `id` to be exactly `size` bytes.
    pub fn expect_size(&self, id: u32, name: &str, size: u64) -> Result<()> {
        let (_, got) = self.section(id, name)?;
        if got != size {
            return Err(self.err(&format!("section {id} ({name}) has {got} bytes, expected {size}")));
        }
        Ok(())
    }

    /// `len` bytes at `offset` of the file.
    pub fn read_at(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        self.file
            .read_exact_at(&mut buf, offset)
            .map_err(|e| self.err(&format!("reading {len} bytes at offset {offset}: {e}")))?;
        Ok(buf)
    }

    /// `len` bytes from `offset` within section `id`.
    pub fn read_section(&self, id: u32, name: &str, offset: u64, len: usize) -> Result<Vec<u8>> {
        let (pos, size) = self.section(id, name)?;
        if offset + len as u64 > size {
            return Err(self
                .err(&format!("section {id} ({name}) has {size} bytes; {len} bytes at offset {offset} were needed")));
        }
        self.read_at(pos + offset, len)
    }

    /// All of the unique section `id`.
    pub fn whole_section(&self, id: u32, name: &str) -> Result<Vec<u8>> {
        let (_, size) = self.section(id, name)?;
        self.read_section(id, name, 0, size as usize)
    }
}

/// Little-endian cursor over a section's bytes.
pub struct Cursor<'a> {
    /// The bytes read.
    pub buf: &'a [u8],
    /// The next byte.
    pub pos: usize,
    what: &'a str,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `buf` (`what` names it in messages).
    pub fn new(buf: &'a [u8], what: &'a str) -> Self {
        Cursor { buf, pos: 0, what }
    }
    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.buf.len() - self.pos < n {
            return Err(Error::Interop(format!("{}: ends early (needed {n} bytes at offset {})", self.what, self.pos)));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    /// The next little-endian u32.
    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    /// The next little-endian u64.
    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    /// Refuses unread bytes.
    pub fn done(&self) -> Result<()> {
        if self.pos != self.buf.len() {
            return Err(Error::Interop(format!(
                "{}: {} unexpected trailing bytes",
                self.what,
                self.buf.len() - self.pos
            )));
        }
        Ok(())
    }
}

fn limbs(bytes: &[u8]) -> [u64; 4] {
    let mut l = [0u64; 4];
    for (i, limb) in l.iter_mut().enumerate() {
        *limb = u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap());
    }
    l
}

/// A base-field element from its Montgomery form; `None` if the integer is not below q.
pub fn fq_from_mont(bytes: &[u8]) -> Option<Fq> {
    let b = BigInt::new(limbs(bytes));
    (b < Fq::MODULUS).then(|| Fq::new_unchecked(b))
}

/// A base-field element's Montgomery form (32 bytes LE).
pub fn fq_to_mont(x: &Fq) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&x.0.to_bytes_le());
    out
}

/// A scalar from a plain little-endian integer; `None` if it is not below r.
pub fn fr_from_le(bytes: &[u8]) -> Option<Fr> {
    Fr::from_bigint(BigInt::new(limbs(bytes)))
}

/// q, 32 bytes LE (as headers store it).
pub fn fq_modulus_le() -> Vec<u8> {
    Fq::MODULUS.to_bytes_le()
}

/// r, 32 bytes LE (as headers store it).
pub fn fr_modulus_le() -> Vec<u8> {
    Fr::MODULUS.to_bytes_le()
}

/// A G1 point in Montgomery affine form: coordinates below q and on the curve (G1 has
/// cofactor 1, so that is also subgroup membership). All zeros is the identity.
pub fn g1_from_lem(b: &[u8]) -> Result<G1Affine> {
    if b[..G1_BYTES].iter().all(|&x| x == 0) {
        return Ok(G1Affine::identity());
    }
    let x = fq_from_mont(&b[..32]).ok_or_else(|| Error::Interop("G1 coordinate not below q".into()))?;
    let y = fq_from_mont(&b[32..64]).ok_or_else(|| Error::Interop("G1 coordinate not below q".into()))?;
    let p = G1Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(Error::Interop("G1 point not on the curve".into()));
    }
    Ok(p)
}

/// A G2 point in Montgomery affine form, checked on the curve and in the prime-order
/// subgroup.
pub fn g2_from_lem(b: &[u8]) -> Result<G2Affine> {
    if b[..G2_BYTES].iter().all(|&x| x == 0) {
        return Ok(G2Affine::identity());
    }
    let c = |i: usize| {
        fq_from_mont(&b[32 * i..32 * i + 32]).ok_or_else(|| Error::Interop("G2 coordinate not below q".into()))
    };
    let p = G2Affine::new_unchecked(Fq2::new(c(0)?, c(1)?), Fq2::new(c(2)?, c(3)?));
    if !p.is_on_curve() {
        return Err(Error::Interop("G2 point not on the curve".into()));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(Error::Interop("G2 point not in the prime-order subgroup".into()));
    }
    Ok(p)
}

/// A G1 point in Montgomery affine form (the identity as zeros).
pub fn g1_to_lem(p: &G1Affine) -> [u8; G1_BYTES] {
    let mut out = [0u8; G1_BYTES];
    if let Some((x, y)) = p.xy() {
        out[..32].copy_from_slice(&fq_to_mont(&x));
        out[32..].copy_from_slice(&fq_to_mont(&y));
    }
    out
}

/// A G2 point in Montgomery affine form (the identity as zeros).
pub fn g2_to_lem(p: &G2Affine) -> [u8; G2_BYTES] {
    let mut out = [0u8; G2_BYTES];
    if let Some((x, y)) = p.xy() {
        for (i, c) in [x.c0, x.c1, y.c0, y.c1].iter().enumerate() {
            out[32 * i..32 * i + 32].copy_from_slice(&fq_to_mont(c));
        }
    }
    out
}

/// Decodes `count` consecutive points (in parallel), naming the first bad one.
pub fn decode_points<P: Send>(
    bytes: &[u8],
    size: usize,
    what: &str,
    decode: impl Fn(&[u8]) -> Result<P> + Sync,
) -> Result<Vec<P>> {
    use rayon::prelude::*;
    bytes
        .par_chunks_exact(size)
        .enumerate()
        .map(|(i, c)| decode(c).map_err(|e| e.context(format!("{what}[{i}]"))))
        .collect()
}

/// Writes an iden3 container (used by tests and tools that emit snarkjs files).
pub fn write(path: &Path, magic: &[u8; 4], version: u32, sections: &[(u32, Vec<u8>)]) -> Result<()> {
    let mut out = Vec::new();
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    for (id, data) in sections {
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        out.extend_from_slice(data);
    }
    std::fs::write(path, out).map_err(io(Error::Interop, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::CurveGroup;
    use ark_ff::UniformRand;

    #[test]
    fn lem_round_trip_and_rejections() {
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(7);
        let p = (G1Affine::generator() * Fr::rand(&mut rng)).into_affine();
        let q = (G2Affine::generator() * Fr::rand(&mut rng)).into_affine();
        assert_eq!(g1_from_lem(&g1_to_lem(&p)).unwrap(), p);
        assert_eq!(g2_from_lem(&g2_to_lem(&q)).unwrap(), q);
        assert!(g1_from_lem(&[0u8; 64]).unwrap().is_zero());
        let mut bad = g1_to_lem(&p);
        bad[40] ^= 1;
        assert_eq!(g1_from_lem(&bad), Err(Error::Interop("G1 point not on the curve".into())));
        let mut big = g1_to_lem(&p);
        big[..32].copy_from_slice(&[0xff; 32]);
        assert_eq!(g1_from_lem(&big), Err(Error::Interop("G1 coordinate not below q".into())));
        // Montgomery form of 1 is R mod q, not 1.
        assert_eq!(fq_from_mont(&fq_to_mont(&Fq::from(1u8))), Some(Fq::from(1u8)));
        assert_ne!(fq_to_mont(&Fq::from(1u8))[0], 1);
    }
}
