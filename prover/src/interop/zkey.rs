//! snarkjs Groth16 `.zkey` proving keys (iden3 container, version ≤ 2).
//!
//! Sections: 1 protocol (u32, 1 = Groth16); 2 header `{n8q, q, n8r, r, nVars, nPublic,
//! domainSize, α₁, β₁, β₂, γ₂, δ₁, δ₂}`; 3 IC (nPublic + 1 points); 4 the A and B
//! matrix entries `{u32 count, count × (u32 matrix, u32 row, u32 wire, 32-byte value)}`
//! with each value stored as `v·R² mod r` (R = 2^256); 5 A, 6 B in G1, 7 B in G2 (nVars
//! each); 8 the private columns' `(β·A + α·B + C)/δ`; 9 H (domainSize points, for the
//! circom reduction, see `reduction.rs`); 10 the MPC contributions (not read: check them
//! with `snarkjs zkey verify`).
//!
//! The layout maps one to one onto arkworks' `ProvingKey` (IC → `gamma_abc_g1`, section
//! 8 → `l_query`), except that its `h_query` is for the circom reduction.

use super::binfile::{
    decode_points, fq_modulus_le, fr_from_le, fr_modulus_le, g1_from_lem, g2_from_lem, BinFile, Cursor,
};
use crate::error::{Error, Result};
use crate::groth16::{ProvingKey, VerifyingKey};
use crate::r1cs::R1cs;
use ark_bn254::Fr;
use ark_ec::AffineRepr;
use ark_ff::{Field, One};
use std::path::Path;

/// A snarkjs Groth16 zkey read into arkworks' types.
pub struct Zkey {
    /// The proving key (its H query for the circom reduction).
    pub pk: ProvingKey,
    /// Variables (columns) of the circuit.
    pub num_vars: usize,
    /// Public values.
    pub num_public: usize,
    /// The QAP domain's size.
    pub domain_size: usize,
    /// `(matrix, row, wire, value)` of section 4, sorted by row, matrix, wire.
    pub coefs: Vec<(u32, u32, u32, Fr)>,
}

/// Reads a zkey, checking its curve, sizes and every point.
pub fn read(path: &Path) -> Result<Zkey> {
    let f = BinFile::open(path, b"zkey", "snarkjs .zkey", 2)?;
    let proto = f.whole_section(1, "protocol")?;
    if proto.len() != 4 || u32::from_le_bytes(proto[..4].try_into().unwrap()) != 1 {
        return Err(f.err("not a Groth16 zkey (PLONK and FFLONK keys cannot be used)"));
    }
    let head = f.whole_section(2, "Groth16 header")?;
    let mut c = Cursor::new(&head, "zkey header");
    if c.u32()? != 32
        || c.take(32)? != fq_modulus_le().as_slice()
        || c.u32()? != 32
        || c.take(32)? != fr_modulus_le().as_slice()
    {
        return Err(f.err("the key is not for BN254 (bn128)"));
    }
    let n_vars = c.u32()? as usize;
    let n_public = c.u32()? as usize;
    let domain_size = c.u32()? as usize;
    if n_public + 1 > n_vars || !domain_size.is_power_of_two() {
        return Err(f.err(&format!("inconsistent header: {n_vars} variables, {n_public} public, domain {domain_size}")));
    }
    let g1 = |c: &mut Cursor, what: &str| -> Result<_> {
        g1_from_lem(c.take(64)?).map_err(|e| f.err(&format!("{what}: {e}")))
    };
    let g2 = |c: &mut Cursor, what: &str| -> Result<_> {
        g2_from_lem(c.take(128)?).map_err(|e| f.err(&format!("{what}: {e}")))
    };
    let alpha_g1 = g1(&mut c, "alpha_1")?;
    let beta_g1 = g1(&mut c, "beta_1")?;
    let beta_g2 = g2(&mut c, "beta_2")?;
    let gamma_g2 = g2(&mut c, "gamma_2")?;
    let delta_g1 = g1(&mut c, "delta_1")?;
    let delta_g2 = g2(&mut c, "delta_2")?;
    c.done().map_err(|e| f.within(e))?;
    for (p, what) in [(alpha_g1.is_zero(), "alpha_1"), (beta_g1.is_zero(), "beta_1"), (delta_g1.is_zero(), "delta_1")] {
        if p {
            return Err(f.err(&format!("{what} is the point at infinity")));
        }
    }

    let g1s = |id: u32, name: &str, count: usize| -> Result<Vec<_>> {
        f.expect_size(id, name, (count * 64) as u64)?;
        decode_points(&f.whole_section(id, name)?, 64, name, g1_from_lem).map_err(|e| f.within(e))
    };
    let ic = g1s(3, "IC", n_public + 1)?;
    let a = g1s(5, "A", n_vars)?;
    let b1 = g1s(6, "B1", n_vars)?;
    f.expect_size(7, "B2", (n_vars * 128) as u64)?;
    let b2 = decode_points(&f.whole_section(7, "B2")?, 128, "B2", g2_from_lem).map_err(|e| f.within(e))?;
    let l = g1s(8, "C", n_vars - n_public - 1)?;
    let h = g1s(9, "H", domain_size)?;

    let raw = f.whole_section(4, "coefficients")?;
    let mut c = Cursor::new(&raw, "zkey coefficients");
    let count = c.u32()? as usize;
    if raw.len() != 4 + count * 44 {
        return Err(f.err(&format!("coefficient section has {} bytes for {count} entries", raw.len())));
    }
    // stored value = v·R² mod r
    let r_inv2 = Fr::from(2u64).pow([256]).inverse().unwrap().square();
    let mut coefs = Vec::with_capacity(count);
    for i in 0..count {
        let (m, row, wire) = (c.u32()?, c.u32()?, c.u32()?);
        let v = fr_from_le(c.take(32)?).ok_or_else(|| f.err(&format!("coefficient {i} is not below r")))?;
        if m > 1 || wire as usize >= n_vars || row as usize >= domain_size {
            return Err(f.err(&format!("coefficient {i} out of range (matrix {m}, row {row}, wire {wire})")));
        }
        coefs.push((m, row, wire, v * r_inv2));
    }
    coefs.sort_by_key(|(m, row, wire, _)| (*row, *m, *wire));

    let vk = VerifyingKey { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1: ic };
    let pk = ProvingKey { vk, beta_g1, delta_g1, a_query: a, b_g1_query: b1, b_g2_query: b2, h_query: h, l_query: l };
    Ok(Zkey { pk, num_vars: n_vars, num_public: n_public, domain_size, coefs })
}

/// Writes a snarkjs Groth16 zkey (sections 1–10, no MPC contributions) for a proving key
/// made for the circom reduction (its `h_query` in the odd-coset Lagrange basis).
pub fn write(path: &Path, r1cs: &R1cs, pk: &ProvingKey) -> Result<()> {
    use super::binfile::{g1_to_lem, g2_to_lem, write};
    use ark_ff::{BigInteger, PrimeField};
    let n = (r1cs.num_constraints() + r1cs.num_instance()).next_power_of_two();
    if pk.h_query.len() != n || pk.a_query.len() != r1cs.num_columns {
        return Err(Error::Interop("the key is not a circom-reduction key for this circuit".into()));
    }
    let g1 = |v: &[ark_bn254::G1Affine]| v.iter().flat_map(g1_to_lem).collect::<Vec<u8>>();
    let g2 = |v: &[ark_bn254::G2Affine]| v.iter().flat_map(g2_to_lem).collect::<Vec<u8>>();
    let mut header = Vec::new();
    header.extend_from_slice(&32u32.to_le_bytes());
    header.extend_from_slice(&fq_modulus_le());
    header.extend_from_slice(&32u32.to_le_bytes());
    header.extend_from_slice(&fr_modulus_le());
    for v in [r1cs.num_columns, r1cs.num_public, n] {
        header.extend_from_slice(&(v as u32).to_le_bytes());
    }
    header.extend(g1(&[pk.vk.alpha_g1, pk.beta_g1]));
    header.extend(g2(&[pk.vk.beta_g2, pk.vk.gamma_g2]));
    header.extend(g1(&[pk.delta_g1]));
    header.extend(g2(&[pk.vk.delta_g2]));
    // A and B entries, then A's input-consistency rows; values stored as v·R² mod r
    let r2 = Fr::from(2u64).pow([256]).square();
    let nc = r1cs.num_constraints();
    let mut coefs: Vec<(u32, u32, u32, Fr)> = Vec::new();
    for (m, mat) in r1cs.m[..2].iter().enumerate() {
        for (row, terms) in mat.iter().enumerate() {
            coefs.extend(terms.iter().map(|(v, col)| (m as u32, row as u32, *col as u32, *v)));
        }
    }
    coefs.extend((0..r1cs.num_instance()).map(|s| (0, (nc + s) as u32, s as u32, Fr::one())));
    let mut sec4 = (coefs.len() as u32).to_le_bytes().to_vec();
    for (m, row, wire, v) in coefs {
        for x in [m, row, wire] {
            sec4.extend_from_slice(&x.to_le_bytes());
        }
        sec4.extend_from_slice(&(v * r2).into_bigint().to_bytes_le());
    }
    let mut sec10 = vec![0u8; 64];
    sec10.extend_from_slice(&0u32.to_le_bytes());
    write(
        path,
        b"zkey",
        1,
        &[
            (1, 1u32.to_le_bytes().to_vec()),
            (2, header),
            (3, g1(&pk.vk.gamma_abc_g1)),
            (4, sec4),
            (5, g1(&pk.a_query)),
            (6, g1(&pk.b_g1_query)),
            (7, g2(&pk.b_g2_query)),
            (8, g1(&pk.l_query)),
            (9, g1(&pk.h_query)),
            (10, sec10),
        ],
    )
}

/// An INSECURE zkey for benches and tests: toxic waste drawn here from `seed` (whoever
/// knows the seed can forge proofs), so snarkjs, rapidsnark and solvent can be timed on
/// one key without a multi-minute snarkjs setup. Never a production key.
pub fn write_insecure_dev(path: &Path, r1cs: &R1cs, seed: [u8; 32]) -> Result<()> {
    use crate::groth16::setup::{domain_for, setup_from_toxic_waste, ToxicWaste};
    use ark_poly::EvaluationDomain;
    let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::from_seed(seed);
    let domain = domain_for(r1cs)?;
    let w = ToxicWaste::sample(&mut rng, &domain);
    let mut pk = setup_from_toxic_waste(r1cs, &w)?;
    pk.h_query = super::reduction::circom_h_query(domain.size(), w.tau, w.delta);
    write(path, r1cs, &pk)
}

impl Zkey {
    /// Checks that the key was made for this circuit: same sizes, same domain, and its A
    /// and B entries are exactly the circuit's (plus the input-consistency rows).
    pub fn check_matches(&self, r1cs: &R1cs) -> Result<()> {
        if self.num_vars != r1cs.num_columns || self.num_public != r1cs.num_public {
            return Err(Error::Interop(format!(
                "the zkey is for {} variables / {} public, the circuit has {} / {}",
                self.num_vars, self.num_public, r1cs.num_columns, r1cs.num_public
            )));
        }
        let n = (r1cs.num_constraints() + r1cs.num_instance()).next_power_of_two();
        if self.domain_size != n {
            return Err(Error::Interop(format!("the zkey's domain is {}, the circuit needs {n}", self.domain_size)));
        }
        let nc = r1cs.num_constraints();
        let mut expected: Vec<(u32, u32, u32, Fr)> = Vec::with_capacity(self.coefs.len());
        for (m, mat) in r1cs.m[..2].iter().enumerate() {
            for (row, terms) in mat.iter().enumerate() {
                expected.extend(terms.iter().map(|(v, col)| (m as u32, row as u32, *col as u32, *v)));
            }
        }
        expected.extend((0..r1cs.num_instance()).map(|s| (0, (nc + s) as u32, s as u32, Fr::one())));
        expected.sort_by_key(|(m, row, wire, _)| (*row, *m, *wire));
        if expected != self.coefs {
            let at = expected
                .iter()
                .zip(&self.coefs)
                .position(|(a, b)| a != b)
                .unwrap_or(expected.len().min(self.coefs.len()));
            return Err(Error::Interop(format!(
                "the zkey's constraint coefficients differ from the circuit's (first difference at entry {at}): it was made for another circuit"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop::circom::tests::{toy, toy_witness};

    #[test]
    fn a_written_dev_zkey_reads_back_matches_and_proves() {
        let dir = std::env::temp_dir().join(format!("solvent-zkey-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("toy.zkey");
        let r1cs = toy();
        write_insecure_dev(&path, &r1cs, [3u8; 32]).unwrap();
        let z = read(&path).unwrap();
        z.check_matches(&r1cs).unwrap();
        let w = toy_witness(2, 3, 4, 5);
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(1);
        let p = crate::groth16::prove::prove_with(&z.pk, crate::groth16::qap::Reduction::Circom, &r1cs, &w, &mut rng)
            .unwrap();
        assert!(crate::groth16::verify::verify(&z.pk.vk, &w[1..=r1cs.num_public], &p).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
