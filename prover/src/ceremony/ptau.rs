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
/// without Lagrange sections, byte for byte what `snarkjs powersoftau new` (+ contributions
/// leaving these powers) and `snarkjs powersoftau prepare phase2` write, except that the
/// phase-1 contribution list (section 7) is empty. The Lagrange points are inverse FFTs
/// over the group elements, as snarkjs computes them.
pub fn write_insecure_for_tests(path: &Path, power: u32, p: &Powers, lagrange: bool) -> Result<()> {
    let sections = if lagrange { Some(lagrange_sections_from_powers(power, p)) } else { None };
    write_sections(path, power, p, sections)
}

/// The same file from the secrets themselves (byte-identical: affine points are unique),
/// much faster: every Lagrange point is a scalar — the inverse FFT of the powers, taken in
/// the field — times a generator, so the phase-2 sections cost fixed-base multiplications
/// instead of inverse FFTs over group elements.
pub fn write_insecure_from_secrets_for_tests(
    path: &Path,
    power: u32,
    tau: ark_bn254::Fr,
    alpha: ark_bn254::Fr,
    beta: ark_bn254::Fr,
    lagrange: bool,
) -> Result<()> {
    let p = Powers::from_secrets_insecure(1 << power, tau, alpha, beta);
    let sections = if lagrange { Some(lagrange_sections_from_secrets(power, tau, alpha, beta)) } else { None };
    write_sections(path, power, &p, sections)
}

/// The largest power a test ptau may have (2^20 points: seconds to write, not minutes).
pub const MAX_TEST_POWER: u32 = 20;

/// [`write_insecure_from_secrets_for_tests`] with τ, α, β drawn from a ChaCha20 stream
/// seeded by SHA-256(`seed`) — so INSECURE: anyone with the seed knows them. Test and
/// bench fixtures only; `power` must be in `1..=MAX_TEST_POWER`.
pub fn write_insecure_from_seed_for_tests(path: &Path, power: u32, seed: &[u8], lagrange: bool) -> Result<()> {
    use ark_ff::UniformRand;
    use rand::SeedableRng;
    use sha2::Digest;
    if !(1..=MAX_TEST_POWER).contains(&power) {
        return Err(Error::Invalid(format!("power {power} outside 1..={MAX_TEST_POWER} for a test ptau")));
    }
    let digest: [u8; 32] = sha2::Sha256::digest(seed).into();
    let mut rng = rand_chacha::ChaCha20Rng::from_seed(digest);
    let (tau, alpha, beta) =
        (ark_bn254::Fr::rand(&mut rng), ark_bn254::Fr::rand(&mut rng), ark_bn254::Fr::rand(&mut rng));
    write_insecure_from_secrets_for_tests(path, power, tau, alpha, beta, lagrange)
}

type Sections12to15 = [Vec<u8>; 4];

fn g1_bytes(v: &[ark_bn254::G1Affine]) -> Vec<u8> {
    v.iter().flat_map(crate::interop::binfile::g1_to_lem).collect()
}

fn g2_bytes(v: &[ark_bn254::G2Affine]) -> Vec<u8> {
    v.iter().flat_map(crate::interop::binfile::g2_to_lem).collect()
}

/// Sections 12–15: every level 2^k, k = 0..=power, of each series in the Lagrange basis,
/// and for section 12 also level power + 1, as `snarkjs powersoftau prepare phase2` makes
/// it: the 2N − 1 powers in G1 with the point at infinity as the 2N-th, in the Lagrange
/// basis of the domain of size 2N (`snarkjs groth16 setup` reads its odd points for the H
/// query of a circuit whose domain is the file's full 2^power).
fn lagrange_sections_from_powers(power: u32, p: &Powers) -> Sections12to15 {
    let [mut s12, mut s13, mut s14, mut s15] = [vec![], vec![], vec![], vec![]];
    for k in 0..=power {
        let l = super::phase1::lagrange_from_powers(&p.truncate(1 << k));
        s12.extend(g1_bytes(&l.g1));
        s13.extend(g2_bytes(&l.g2));
        s14.extend(g1_bytes(&l.alpha_g1));
        s15.extend(g1_bytes(&l.beta_g1));
    }
    let mut top = p.tau_g1.clone();
    top.push(<ark_bn254::G1Affine as ark_ec::AffineRepr>::zero());
    s12.extend(g1_bytes(&super::phase1::lagrange_g1(&top)));
    [s12, s13, s14, s15]
}

/// [`lagrange_sections_from_powers`] for known secrets, by scalar inverse FFTs.
fn lagrange_sections_from_secrets(
    power: u32,
    tau: ark_bn254::Fr,
    alpha: ark_bn254::Fr,
    beta: ark_bn254::Fr,
) -> Sections12to15 {
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::{scalar_mul::BatchMulPreprocessing, AffineRepr};
    use ark_ff::{One, Zero};
    use ark_poly::EvaluationDomain;
    let n = 1usize << power;
    let pows: Vec<Fr> = std::iter::successors(Some(Fr::one()), |x| Some(*x * tau)).take(2 * n - 1).collect();
    let g1 = BatchMulPreprocessing::new(G1Projective::from(G1Affine::generator()), 2 * n);
    let g2 = BatchMulPreprocessing::new(G2Projective::from(G2Affine::generator()), n);
    let times = |v: &[Fr], c: Fr| v.iter().map(|x| *x * c).collect::<Vec<_>>();
    let [mut s12, mut s13, mut s14, mut s15] = [vec![], vec![], vec![], vec![]];
    for k in 0..=power {
        let m = 1usize << k;
        let l = super::phase1::domain(m).ifft(&pows[..m]);
        s12.extend(g1_bytes(&g1.batch_mul(&l)));
        s13.extend(g2_bytes(&g2.batch_mul(&l)));
        s14.extend(g1_bytes(&g1.batch_mul(&times(&l, alpha))));
        s15.extend(g1_bytes(&g1.batch_mul(&times(&l, beta))));
    }
    let mut top = pows;
    top.push(Fr::zero());
    s12.extend(g1_bytes(&g1.batch_mul(&super::phase1::domain(2 * n).ifft(&top))));
    [s12, s13, s14, s15]
}

fn write_sections(path: &Path, power: u32, p: &Powers, lagrange: Option<Sections12to15>) -> Result<()> {
    let n = 1usize << power;
    assert_eq!(p.n, n, "powers must be for the full size");
    let mut header = Vec::new();
    header.extend_from_slice(&32u32.to_le_bytes());
    header.extend_from_slice(&fq_modulus_le());
    header.extend_from_slice(&power.to_le_bytes());
    header.extend_from_slice(&power.to_le_bytes());
    let mut sections = vec![
        (1, header),
        (2, g1_bytes(&p.tau_g1)),
        (3, g2_bytes(&p.tau_g2)),
        (4, g1_bytes(&p.alpha_g1)),
        (5, g1_bytes(&p.beta_g1)),
        (6, g2_bytes(&[p.beta_g2])),
        (7, 0u32.to_le_bytes().to_vec()),
    ];
    if let Some([s12, s13, s14, s15]) = lagrange {
        sections.extend([(12, s12), (13, s13), (14, s14), (15, s15)]);
    }
    crate::interop::binfile::write(path, b"ptau", 1, &sections)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use rand::SeedableRng;

    #[test]
    fn both_test_writers_give_the_same_bytes() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        let (tau, alpha, beta) =
            (ark_bn254::Fr::rand(&mut rng), ark_bn254::Fr::rand(&mut rng), ark_bn254::Fr::rand(&mut rng));
        let d = std::env::temp_dir().join(format!("solvent-ptau-writers-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let (a, b) = (d.join("a.ptau"), d.join("b.ptau"));
        write_insecure_for_tests(&a, 5, &Powers::from_secrets_insecure(32, tau, alpha, beta), true).unwrap();
        write_insecure_from_secrets_for_tests(&b, 5, tau, alpha, beta, true).unwrap();
        assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
        let p = Ptau::open(&b).unwrap();
        assert!(p.has_lagrange && p.power == 5);
        std::fs::remove_dir_all(&d).ok();
    }
}
