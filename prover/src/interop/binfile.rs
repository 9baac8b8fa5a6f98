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

use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, BigInteger, PrimeField};
use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

pub const G1_BYTES: usize = 64;
pub const G2_BYTES: usize = 128;

pub struct BinFile {
    file: File,
    pub path: PathBuf,
    pub kind: &'static str,
    pub version: u32,
    /// section id → every `(offset, size)` with that id, in file order.
    sections: BTreeMap<u32, Vec<(u64, u64)>>,
}

impl BinFile {
    /// Opens `path`, checks the magic and version and scans the section table.
    pub fn open(path: &Path, magic: &[u8; 4], kind: &'static str, max_version: u32) -> Result<Self, String> {
        let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let len = file.metadata().map_err(|e| format!("{}: {e}", path.display()))?.len();
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

    pub fn err(&self, msg: &str) -> String {
        format!("{}: {msg}", self.path.display())
    }

    pub fn has(&self, id: u32) -> bool {
        self.sections.contains_key(&id)
    }

    /// `(offset, size)` of the unique section `id`.
    pub fn section(&self, id: u32, name: &str) -> Result<(u64, u64), String> {
        match self.sections.get(&id).map(Vec::as_slice) {
            None | Some([]) => Err(self.err(&format!("missing section {id} ({name})"))),
            Some([one]) => Ok(*one),
            Some(_) => Err(self.err(&format!("section {id} ({name}) appears more than once"))),
        }
    }

    /// Requires section `id` to be exactly `size` bytes.
    pub fn expect_size(&self, id: u32, name: &str, size: u64) -> Result<(), String> {
        let (_, got) = self.section(id, name)?;
        if got != size {
            return Err(self.err(&format!("section {id} ({name}) has {got} bytes, expected {size}")));
        }
        Ok(())
    }

    pub fn read_at(&self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let mut buf = vec![0u8; len];
        self.file
            .read_exact_at(&mut buf, offset)
            .map_err(|e| self.err(&format!("reading {len} bytes at offset {offset}: {e}")))?;
        Ok(buf)
    }

    /// `len` bytes from `offset` within section `id`.
    pub fn read_section(&self, id: u32, name: &str, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let (pos, size) = self.section(id, name)?;
        if offset + len as u64 > size {
            return Err(self.err(&format!(
                "section {id} ({name}) has {size} bytes; {len} bytes at offset {offset} were needed"
            )));
        }
        self.read_at(pos + offset, len)
    }

    pub fn whole_section(&self, id: u32, name: &str) -> Result<Vec<u8>, String> {
        let (_, size) = self.section(id, name)?;
        self.read_section(id, name, 0, size as usize)
    }
}

/// Little-endian cursor over a section's bytes.
pub struct Cursor<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
    what: &'a str,
}

impl<'a> Cursor<'a> {
    pub fn new(buf: &'a [u8], what: &'a str) -> Self {
        Cursor { buf, pos: 0, what }
    }
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.buf.len() - self.pos < n {
            return Err(format!("{}: ends early (needed {n} bytes at offset {})", self.what, self.pos));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    pub fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    pub fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    pub fn done(&self) -> Result<(), String> {
        if self.pos != self.buf.len() {
            return Err(format!("{}: {} unexpected trailing bytes", self.what, self.buf.len() - self.pos));
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

pub fn fq_to_mont(x: &Fq) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&x.0.to_bytes_le());
    out
}

/// A scalar from a plain little-endian integer; `None` if it is not below r.
pub fn fr_from_le(bytes: &[u8]) -> Option<Fr> {
    Fr::from_bigint(BigInt::new(limbs(bytes)))
}

/// The modulus stored in a header (`n8` bytes LE) must be `expected`.
pub fn check_prime(bytes: &[u8], expected: &[u8]) -> bool {
    bytes.len() == 32 && bytes == expected
}

pub fn fq_modulus_le() -> Vec<u8> {
    Fq::MODULUS.to_bytes_le()
}

pub fn fr_modulus_le() -> Vec<u8> {
    Fr::MODULUS.to_bytes_le()
}

/// A G1 point in Montgomery affine form: coordinates below q and on the curve (G1 has
/// cofactor 1, so that is also subgroup membership). All zeros is the identity.
pub fn g1_from_lem(b: &[u8]) -> Result<G1Affine, &'static str> {
    if b[..G1_BYTES].iter().all(|&x| x == 0) {
        return Ok(G1Affine::identity());
    }
    let x = fq_from_mont(&b[..32]).ok_or("G1 coordinate not below q")?;
    let y = fq_from_mont(&b[32..64]).ok_or("G1 coordinate not below q")?;
    let p = G1Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err("G1 point not on the curve");
    }
    Ok(p)
}

/// A G2 point in Montgomery affine form, checked on the curve and in the prime-order
/// subgroup.
pub fn g2_from_lem(b: &[u8]) -> Result<G2Affine, &'static str> {
    if b[..G2_BYTES].iter().all(|&x| x == 0) {
        return Ok(G2Affine::identity());
    }
    let c = |i: usize| fq_from_mont(&b[32 * i..32 * i + 32]).ok_or("G2 coordinate not below q");
    let p = G2Affine::new_unchecked(Fq2::new(c(0)?, c(1)?), Fq2::new(c(2)?, c(3)?));
    if !p.is_on_curve() {
        return Err("G2 point not on the curve");
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err("G2 point not in the prime-order subgroup");
    }
    Ok(p)
}

pub fn g1_to_lem(p: &G1Affine) -> [u8; G1_BYTES] {
    let mut out = [0u8; G1_BYTES];
    if let Some((x, y)) = p.xy() {
        out[..32].copy_from_slice(&fq_to_mont(&x));
        out[32..].copy_from_slice(&fq_to_mont(&y));
    }
    out
}

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
    decode: impl Fn(&[u8]) -> Result<P, &'static str> + Sync,
) -> Result<Vec<P>, String> {
    use rayon::prelude::*;
    bytes
        .par_chunks_exact(size)
        .enumerate()
        .map(|(i, c)| decode(c).map_err(|e| format!("{what}[{i}]: {e}")))
        .collect()
}

/// Writes an iden3 container (used by tests and tools that emit snarkjs files).
pub fn write(path: &Path, magic: &[u8; 4], version: u32, sections: &[(u32, Vec<u8>)]) -> Result<(), String> {
    let mut out = Vec::new();
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    for (id, data) in sections {
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        out.extend_from_slice(data);
    }
    std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))
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
        assert_eq!(g1_from_lem(&bad), Err("G1 point not on the curve"));
        let mut big = g1_to_lem(&p);
        big[..32].copy_from_slice(&[0xff; 32]);
        assert_eq!(g1_from_lem(&big), Err("G1 coordinate not below q"));
        // Montgomery form of 1 is R mod q, not 1.
        assert_eq!(fq_from_mont(&fq_to_mont(&Fq::from(1u8))), Some(Fq::from(1u8)));
        assert_ne!(fq_to_mont(&Fq::from(1u8))[0], 1);
    }
}
