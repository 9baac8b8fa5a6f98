//! circom's `.r1cs` constraint files and `.wtns` witness files (iden3 containers).
//!
//! `.r1cs` (version 1): section 1 header `{u32 n8, prime, u32 nWires, u32 nPubOut,
//! u32 nPubIn, u32 nPrvIn, u64 nLabels, u32 nConstraints}`; section 2 the constraints,
//! each three linear combinations `{u32 nTerms, nTerms × (u32 wire, n8-byte LE coeff)}`;
//! section 3 maps wires to labels (not needed here); sections 4/5 (custom gates) are
//! PLONK-only and refused.
//!
//! Wire order: 0 is the constant one, then the public outputs, the public inputs, the
//! private inputs and the internal signals. That is already solvent's column layout
//! (one, public…, private…) with `num_public = nPubOut + nPubIn`, so wire `i` is column
//! `i` and a `.wtns` vector is the full assignment as it stands; snarkjs's
//! `public.json` is `wtns[1..=num_public]`, outputs first.

use super::binfile::{fr_from_le, fr_modulus_le, BinFile, Cursor};
use crate::error::Result;
use crate::r1cs::{R1cs, Row};
use ark_bn254::Fr;
use ark_ff::One;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::Path;

/// A circom circuit read from its `.r1cs`.
pub struct CircomR1cs {
    /// Its constraints, wire i as column i.
    pub r1cs: R1cs,
    /// Public outputs.
    pub num_outputs: usize,
    /// Public inputs.
    pub num_pub_inputs: usize,
    /// Private inputs.
    pub num_prv_inputs: usize,
    /// SHA-256 over the header and constraint sections: the circuit's identity in key
    /// files (the label map, which does not change the statement, is left out).
    pub hash: [u8; 32],
}

impl CircomR1cs {
    /// The identity, as hex.
    pub fn hash_hex(&self) -> String {
        crate::field::hex(&self.hash)
    }
}

/// Reads and checks a `.r1cs` (version 1, BN254, no custom gates).
pub fn read_r1cs(path: &Path) -> Result<CircomR1cs> {
    let f = BinFile::open(path, b"r1cs", "circom .r1cs", 1)?;
    if f.has(4) || f.has(5) {
        return Err(f.err("the circuit uses custom gates (PLONK only); Groth16 cannot prove it"));
    }
    let header = f.whole_section(1, "header")?;
    let mut c = Cursor::new(&header, "r1cs header");
    let n8 = c.u32()? as usize;
    if n8 != 32 || c.take(32)? != fr_modulus_le().as_slice() {
        return Err(f.err("the circuit is not over the BN254 scalar field (compile with circom --prime bn128)"));
    }
    let n_wires = c.u32()? as usize;
    let n_out = c.u32()? as usize;
    let n_pub = c.u32()? as usize;
    let n_prv = c.u32()? as usize;
    let _n_labels = c.u64()?;
    let n_constraints = c.u32()? as usize;
    c.done().map_err(|e| f.within(e))?;
    if n_wires == 0 || 1 + n_out + n_pub + n_prv > n_wires {
        return Err(f.err(&format!("inconsistent header: {n_wires} wires but {n_out}+{n_pub}+{n_prv} inputs/outputs")));
    }

    let body = f.whole_section(2, "constraints")?;
    // the circuit's identity hashed on one thread while the constraints are decoded on the others
    let (hash, m) = rayon::join(
        || {
            let mut h = Sha256::new();
            h.update(b"solvent.circom-r1cs.v1");
            h.update((header.len() as u64).to_le_bytes());
            h.update(&header);
            h.update(&body);
            h.finalize().into()
        },
        || decode_constraints(&f, &body, n_constraints, n_wires),
    );
    let m = m?;
    let num_public = n_out + n_pub;
    let r1cs = R1cs {
        num_public,
        num_columns: n_wires,
        aux_offset: n_wires,
        m,
        row_op: (0..n_constraints as u32).collect(),
        wire_col: (0..n_wires as u32).collect(),
    };
    Ok(CircomR1cs { r1cs, num_outputs: n_out, num_pub_inputs: n_pub, num_prv_inputs: n_prv, hash })
}

/// The constraint section: each row's three linear combinations. The rows' extents are
/// found in one pass over the term counts; the terms (a range check on the wire, a
/// Montgomery conversion per coefficient) are then decoded row by row in parallel, and
/// the lowest failing row is the one reported.
fn decode_constraints(f: &BinFile, body: &[u8], n_constraints: usize, n_wires: usize) -> Result<[Vec<Row>; 3]> {
    const TERM: usize = 4 + 32;
    let mut c = Cursor::new(body, "r1cs constraints");
    let mut starts = Vec::with_capacity(n_constraints);
    for _ in 0..n_constraints {
        starts.push(c.pos);
        for _ in 0..3 {
            let n = c.u32().map_err(|e| f.within(e))? as usize;
            c.take(n.saturating_mul(TERM)).map_err(|e| f.within(e))?;
        }
    }
    c.done().map_err(|e| f.within(e))?;
    let row = |(i, &start): (usize, &usize)| -> Result<[Row; 3]> {
        let mut c = Cursor::new(&body[start..], "r1cs constraints");
        let mut lc = || -> Result<Row> {
            let n = c.u32()? as usize;
            (0..n)
                .map(|_| {
                    let wire = c.u32()? as usize;
                    let coeff = fr_from_le(c.take(32)?)
                        .ok_or_else(|| f.err(&format!("constraint {i}: coefficient not below r")))?;
                    if wire >= n_wires {
                        return Err(f.err(&format!("constraint {i}: wire {wire} out of range ({n_wires} wires)")));
                    }
                    Ok((coeff, wire))
                })
                .collect()
        };
        Ok([lc()?, lc()?, lc()?])
    };
    let rows: Vec<Result<[Row; 3]>> = starts.par_iter().enumerate().map(row).collect();
    let mut m: [Vec<Row>; 3] = std::array::from_fn(|_| Vec::with_capacity(n_constraints));
    for r in rows {
        let [a, b, cc] = r?;
        m[0].push(a);
        m[1].push(b);
        m[2].push(cc);
    }
    Ok(m)
}

/// The witness vector of a `.wtns` file (version ≤ 2), every value below r, the first
/// equal to one.
pub fn read_wtns(path: &Path) -> Result<Vec<Fr>> {
    let f = BinFile::open(path, b"wtns", "circom .wtns witness", 2)?;
    let header = f.whole_section(1, "header")?;
    let mut c = Cursor::new(&header, "wtns header");
    let n8 = c.u32()? as usize;
    if n8 != 32 || c.take(32)? != fr_modulus_le().as_slice() {
        return Err(f.err("the witness is not over the BN254 scalar field"));
    }
    let n = c.u32()? as usize;
    c.done().map_err(|e| f.within(e))?;
    f.expect_size(2, "witness", (n * 32) as u64)?;
    let body = f.whole_section(2, "witness")?;
    let z = body
        .chunks_exact(32)
        .enumerate()
        .map(|(i, b)| fr_from_le(b).ok_or_else(|| f.err(&format!("witness value {i} is not below r"))))
        .collect::<Result<Vec<_>, _>>()?;
    if z.first() != Some(&Fr::one()) {
        return Err(f.err("witness value 0 (the constant one) is not 1"));
    }
    Ok(z)
}

/// Writes a `.r1cs` (tests use it to build circuits without the circom compiler).
pub fn write_r1cs(path: &Path, r1cs: &R1cs, n_out: usize, n_pub: usize, n_prv: usize) -> Result<()> {
    use ark_ff::{BigInteger, PrimeField};
    let mut header = Vec::new();
    header.extend_from_slice(&32u32.to_le_bytes());
    header.extend_from_slice(&fr_modulus_le());
    for v in [r1cs.num_columns, n_out, n_pub, n_prv] {
        header.extend_from_slice(&(v as u32).to_le_bytes());
    }
    header.extend_from_slice(&(r1cs.num_columns as u64).to_le_bytes());
    header.extend_from_slice(&(r1cs.num_constraints() as u32).to_le_bytes());
    let mut body = Vec::new();
    for row in 0..r1cs.num_constraints() {
        for m in &r1cs.m {
            body.extend_from_slice(&(m[row].len() as u32).to_le_bytes());
            for (coeff, col) in &m[row] {
                body.extend_from_slice(&(*col as u32).to_le_bytes());
                body.extend_from_slice(&coeff.into_bigint().to_bytes_le());
            }
        }
    }
    let labels: Vec<u8> = (0..r1cs.num_columns as u64).flat_map(|i| i.to_le_bytes()).collect();
    super::binfile::write(path, b"r1cs", 1, &[(1, header), (2, body), (3, labels)])
}

/// Writes a `.wtns` (version 2).
pub fn write_wtns(path: &Path, z: &[Fr]) -> Result<()> {
    use ark_ff::{BigInteger, PrimeField};
    let mut header = Vec::new();
    header.extend_from_slice(&32u32.to_le_bytes());
    header.extend_from_slice(&fr_modulus_le());
    header.extend_from_slice(&(z.len() as u32).to_le_bytes());
    let body: Vec<u8> = z.iter().flat_map(|v| v.into_bigint().to_bytes_le()).collect();
    super::binfile::write(path, b"wtns", 2, &[(1, header), (2, body)])
}

/// Tests, and the toy circuit other modules' tests share.
#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::r1cs::first_unsatisfied;

    /// out = x·y·z + k (public: out, k; private: x, y, z), with a helper wire t = x·y.
    /// Wires: 0 one, 1 out, 2 k, 3 x, 4 y, 5 z, 6 t.
    pub fn toy() -> R1cs {
        let one = Fr::one();
        let m = [
            vec![vec![(one, 3)], vec![(one, 6)]],
            vec![vec![(one, 4)], vec![(one, 5)]],
            vec![vec![(one, 6)], vec![(one, 1), (-one, 2)]],
        ];
        R1cs { num_public: 2, num_columns: 7, aux_offset: 7, m, row_op: vec![0, 1], wire_col: (0..7).collect() }
    }

    /// A satisfying assignment of `toy`.
    pub fn toy_witness(x: u64, y: u64, z: u64, k: u64) -> Vec<Fr> {
        let f = Fr::from;
        vec![Fr::one(), f(x * y * z + k), f(k), f(x), f(y), f(z), f(x * y)]
    }

    #[test]
    fn r1cs_and_wtns_round_trip() {
        let dir = std::env::temp_dir().join(format!("solvent-circom-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (rp, wp) = (dir.join("t.r1cs"), dir.join("t.wtns"));
        write_r1cs(&rp, &toy(), 1, 1, 3).unwrap();
        let c = read_r1cs(&rp).unwrap();
        assert_eq!((c.r1cs.num_public, c.r1cs.num_columns, c.r1cs.num_constraints()), (2, 7, 2));
        assert_eq!(c.r1cs.m, toy().m);
        write_wtns(&wp, &toy_witness(2, 3, 4, 5)).unwrap();
        let z = read_wtns(&wp).unwrap();
        assert_eq!(first_unsatisfied(&c.r1cs, &z), None);
        // truncation is reported, naming the file
        let bytes = std::fs::read(&rp).unwrap();
        std::fs::write(&rp, &bytes[..bytes.len() - 10]).unwrap();
        let e = read_r1cs(&rp).err().unwrap();
        assert!(matches!(&e, crate::Error::Interop(m) if m.contains("truncated") && m.contains("t.r1cs")), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
