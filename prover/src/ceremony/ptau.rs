//! Powers-of-tau files in snarkjs's `.ptau` layout (the Perpetual Powers of Tau and
//! `snarkjs powersoftau` write it), BN254 only.
//!
//! Sections (iden3 container, magic `ptau`, version 1), with N = 2^power:
//!
//! | id | content | points |
//! |----|---------|--------|
//! | 1  | header `{u32 n8 = 32, q, u32 power, u32 ceremonyPower}` | |
//! | 2  | `[τ^i]₁`, i < 2N − 1 | G1 |
//! | 3  | `[τ^i]₂`, i < N | G2 |
//! | 4  | `[α·τ^i]₁`, i < N | G1 |
//! | 5  | `[β·τ^i]₁`, i < N | G1 |
//! | 6  | `[β]₂` | G2 |
//! | 7  | the phase-1 contributions (`u32` count first; not verified here) | |
//! | 12–15 | optional, from `snarkjs powersoftau prepare phase2`: the same four series in the Lagrange basis, for every domain size 2^p, p = 0..=power (section 12 also p = power + 1), concatenated by increasing p | |
//!
//! Only what a circuit of domain size n needs is read: `2n − 1` powers in G1, n in G2
//! and n of α and β, and (when present) the n Lagrange points of each series, which
//! for size 2^k start at point `2^k − 1` of their section.

use super::phase1::{Lagrange, Powers};
use crate::error::{Error, Result};
use crate::interop::binfile::{
    decode_points, fq_modulus_le, g1_from_lem, g2_from_lem, BinFile, Cursor, G1_BYTES, G2_BYTES,
};
use std::path::Path;

/// An open `.ptau` file, its header read and its section sizes checked.
pub struct Ptau {
    bin: BinFile,
    /// The file's power: domains up to 2^power.
    pub power: u32,
    /// The power the phase-1 ceremony was run for.
    pub ceremony_power: u32,
    /// Phase-1 contributions the file records.
    pub num_contributions: u32,
    /// Whether sections 12–15 (the Lagrange bases) are present.
    pub has_lagrange: bool,
}

impl Ptau {
    /// Opens `path`, checking the header and that every section has its size.
    pub fn open(path: &Path) -> Result<Self> {
        let bin = BinFile::open(path, b"ptau", "powers-of-tau (.ptau)", 1)?;
        let head = bin.whole_section(1, "header")?;
        let mut c = Cursor::new(&head, "ptau header");
        let n8 = c.u32()?;
        if n8 != 32 || c.take(32)? != fq_modulus_le().as_slice() {
            return Err(bin.err("not a BN254 (bn128) powers-of-tau file"));
        }
        let power = c.u32()?;
        let ceremony_power = c.u32()?;
        c.done().map_err(|e| bin.within(e))?;
        if power == 0 || power > 28 {
            return Err(bin.err(&format!("power {power} out of range 1..=28")));
        }
        let n = 1u64 << power;
        let g1 = G1_BYTES as u64;
        let g2 = G2_BYTES as u64;
        bin.expect_size(2, "tauG1", (2 * n - 1) * g1)?;
        bin.expect_size(3, "tauG2", n * g2)?;
        bin.expect_size(4, "alphaTauG1", n * g1)?;
        bin.expect_size(5, "betaTauG1", n * g1)?;
        bin.expect_size(6, "betaG2", g2)?;
        let contrib = bin.read_section(7, "contributions", 0, 4)?;
        let num_contributions = u32::from_le_bytes(contrib[..4].try_into().unwrap());
        let lagrange_ids = [12, 13, 14, 15];
        let present = lagrange_ids.iter().filter(|id| bin.has(**id)).count();
        if present != 0 && present != 4 {
            return Err(bin.err("only some of the Lagrange sections (12–15) are present"));
        }
        let has_lagrange = present == 4;
        if has_lagrange {
            // 2^0 + … + 2^power points, and section 12 also 2^(power+1) more.
            let sum = 2 * n - 1;
            bin.expect_size(12, "lagrange tauG1", (sum + 2 * n) * g1)?;
            bin.expect_size(13, "lagrange tauG2", sum * g2)?;
            bin.expect_size(14, "lagrange alphaTauG1", sum * g1)?;
            bin.expect_size(15, "lagrange betaTauG1", sum * g1)?;
        }
        Ok(Ptau { bin, power, ceremony_power, num_contributions, has_lagrange })
    }

    /// The largest circuit domain the file supports.
    pub fn max_domain(&self) -> usize {
        1 << self.power
    }

    /// Header facts (nothing beyond the section table is read), as `ptau_info` prints them.
    pub fn info(&self) -> serde_json::Value {
        serde_json::json!({
            "power": self.power,
            "ceremony_power": self.ceremony_power,
            "phase1_contributions": self.num_contributions,
            "lagrange_sections": self.has_lagrange,
            "max_domain": self.max_domain(),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.bin.path
    }

    fn g1s(&self, id: u32, name: &str, first: usize, count: usize) -> Result<Vec<ark_bn254::G1Affine>> {
        let raw = self.bin.read_section(id, name, (first * G1_BYTES) as u64, count * G1_BYTES)?;
        decode_points(&raw, G1_BYTES, name, g1_from_lem).map_err(|e| self.bin.within(e))
    }

    fn g2s(&self, id: u32, name: &str, first: usize, count: usize) -> Result<Vec<ark_bn254::G2Affine>> {
        let raw = self.bin.read_section(id, name, (first * G2_BYTES) as u64, count * G2_BYTES)?;
        decode_points(&raw, G2_BYTES, name, g2_from_lem).map_err(|e| self.bin.within(e))
    }

    fn check_size(&self, n: usize) -> Result<()> {
        if !n.is_power_of_two() || n < 2 {
            return Err(Error::Interop(format!("domain size {n} is not a power of two ≥ 2")));
        }
        if n > self.max_domain() {
            return Err(self.bin.err(&format!(
                "the circuit needs a domain of 2^{} points, the file has powers for 2^{} (use a larger ptau)",
                n.trailing_zeros(),
                self.power
            )));
        }
        Ok(())
    }

    /// The powers a domain of size `n` needs (points decoded and validated: coordinates
    /// below q, on the curve, G2 in the subgroup).
    pub fn powers(&self, n: usize) -> Result<Powers> {
        self.check_size(n)?;
        Ok(Powers {
            n,
            tau_g1: self.g1s(2, "tauG1", 0, 2 * n - 1)?,
            tau_g2: self.g2s(3, "tauG2", 0, n)?,
            alpha_g1: self.g1s(4, "alphaTauG1", 0, n)?,
            beta_g1: self.g1s(5, "betaTauG1", 0, n)?,
            beta_g2: self.g2s(6, "betaG2", 0, 1)?[0],
        })
    }

    /// The Lagrange-basis points for domain size `n`, if the file has them.
    pub fn lagrange(&self, n: usize) -> Result<Option<Lagrange>> {
        self.check_size(n)?;
        if !self.has_lagrange {
            return Ok(None);
        }
        let first = n - 1;
        Ok(Some(Lagrange {
            g1: self.g1s(12, "lagrange tauG1", first, n)?,
            g2: self.g2s(13, "lagrange tauG2", first, n)?,
            alpha_g1: self.g1s(14, "lagrange alphaTauG1", first, n)?,
            beta_g1: self.g1s(15, "lagrange betaTauG1", first, n)?,
        }))
    }
}

/// Writes a ptau for tests: the powers of a *known* (so insecure) τ, α, β, with or
/// without Lagrange sections, in snarkjs's layout.
pub fn write_insecure_for_tests(path: &Path, power: u32, p: &Powers, lagrange: bool) -> Result<()> {
    use crate::interop::binfile::{g1_to_lem, g2_to_lem, write};
    let n = 1usize << power;
    assert_eq!(p.n, n, "powers must be for the full size");
    let mut header = Vec::new();
    header.extend_from_slice(&32u32.to_le_bytes());
    header.extend_from_slice(&fq_modulus_le());
    header.extend_from_slice(&power.to_le_bytes());
    header.extend_from_slice(&power.to_le_bytes());
    let g1 = |v: &[ark_bn254::G1Affine]| v.iter().flat_map(g1_to_lem).collect::<Vec<u8>>();
    let g2 = |v: &[ark_bn254::G2Affine]| v.iter().flat_map(g2_to_lem).collect::<Vec<u8>>();
    let mut sections = vec![
        (1, header),
        (2, g1(&p.tau_g1)),
        (3, g2(&p.tau_g2)),
        (4, g1(&p.alpha_g1)),
        (5, g1(&p.beta_g1)),
        (6, g2(&[p.beta_g2])),
        (7, 0u32.to_le_bytes().to_vec()),
    ];
    if lagrange {
        let (mut s12, mut s13, mut s14, mut s15) = (vec![], vec![], vec![], vec![]);
        for k in 0..=power {
            let sub = p.truncate(1 << k);
            let l = super::phase1::lagrange_from_powers(&sub);
            s12.extend(g1(&l.g1));
            s13.extend(g2(&l.g2));
            s14.extend(g1(&l.alpha_g1));
            s15.extend(g1(&l.beta_g1));
        }
        // p = power + 1 for section 12 (snarkjs pads the missing top power with zero);
        // solvent never reads it, so zeros of the right length keep the layout.
        s12.extend(std::iter::repeat_n(0u8, 2 * n * G1_BYTES));
        sections.extend([(12, s12), (13, s13), (14, s14), (15, s15)]);
    }
    write(path, b"ptau", 1, &sections)
}
