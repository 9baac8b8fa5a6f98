//! Circuits as the rest of the core uses them: a solvent circuit compiled from its IR
//! (`Compiled`: solve, check, set up and prove, failures named by op and label), and any
//! circuit with the identity keys and ceremonies record (`Circuit`: a solvent IR or a
//! circom `.r1cs`).

use crate::error::{Error, Result, Site};
use crate::groth16::keys::Key;
use crate::groth16::prove::{prove_profiled, Mode, Profile};
use crate::groth16::qap::Reduction;
use crate::groth16::{setup, Proof};
use crate::interop::circom;
use crate::ir::Ir;
use crate::r1cs::{first_unsatisfied, lower, R1cs};
use crate::solver;
use ark_bn254::Fr;
use rand::{CryptoRng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};
use std::path::Path;

/// A solvent circuit: its parsed IR and the R1CS it lowers to.
pub struct Compiled {
    /// The validated IR.
    pub ir: Ir,
    /// Its lowering.
    pub r1cs: R1cs,
}

impl Compiled {
    /// Parses and validates an IR, then lowers it.
    pub fn parse(bytes: &[u8]) -> Result<Compiled> {
        let ir = Ir::parse(bytes)?;
        let r1cs = lower(&ir);
        Ok(Compiled { ir, r1cs })
    }

    /// The op behind R1CS row `row`.
    pub fn row_site(&self, row: usize) -> Site {
        self.ir.site(self.r1cs.row_op[row] as usize)
    }

    /// `Unsatisfied` errors with the op behind their row named; others unchanged.
    pub fn name_row(&self, e: Error) -> Error {
        match e {
            Error::Unsatisfied { row, site: None } => Error::Unsatisfied { row, site: Some(self.row_site(row)) },
            e => e,
        }
    }

    /// The full assignment from the input vector (docs/ir.md).
    pub fn solve(&self, inputs: &[Fr], mode: solver::Mode) -> Result<Vec<Fr>> {
        solver::solve(&self.ir, &self.r1cs, inputs, mode)
    }

    /// The lowest row `z` does not satisfy, with the op behind it.
    pub fn first_unsatisfied(&self, z: &[Fr]) -> Option<(usize, Site)> {
        first_unsatisfied(&self.r1cs, z).map(|row| (row, self.row_site(row)))
    }

    /// `Unsatisfied`, naming the first failing constraint and its op, unless `z`
    /// satisfies every row.
    pub fn check(&self, z: &[Fr]) -> Result<()> {
        match self.first_unsatisfied(z) {
            None => Ok(()),
            Some((row, site)) => Err(Error::Unsatisfied { row, site: Some(site) }),
        }
    }

    /// The header of a key made for this circuit by `setup` (keys.rs).
    pub fn key_header(&self, setup: &str) -> Value {
        json!({
            "format": 1,
            "circuit": self.ir.name,
            "circuit_hash": self.ir.hash_hex(),
            "setup": setup,
            "num_constraints": self.r1cs.num_constraints(),
            "num_public": self.r1cs.num_public,
            "num_columns": self.r1cs.num_columns,
        })
    }

    /// INSECURE single-party setup: the toxic waste is drawn on this machine, from the OS,
    /// or from SHA-256(`seed`) when a seed is given (reproducible keys, for tests only).
    pub fn setup_dev_insecure(&self, seed: Option<&[u8]>) -> Result<Key> {
        let (pk, kind) = match seed {
            Some(s) => {
                use sha2::{Digest, Sha256};
                let mut rng = ChaCha20Rng::from_seed(Sha256::digest(s).into());
                (setup::setup_dev(&self.r1cs, &mut rng)?, "dev-insecure-seeded")
            }
            None => (setup::setup_dev(&self.r1cs, &mut rand::rngs::OsRng)?, "dev-insecure"),
        };
        Ok(Key::new(self.key_header(kind), pk, None))
    }

    /// Proves with `key` (which must be for this circuit) from a solved assignment. With
    /// `check`, an assignment that does not satisfy the circuit is refused, naming the
    /// constraint and op that stop it. The profile starts with the key's preparation
    /// (`prepare_key`: zero after the first proof under the key).
    pub fn prove<R: RngCore + CryptoRng>(
        &self,
        key: &Key,
        mode: Mode,
        z: &[Fr],
        check: bool,
        rng: &mut R,
    ) -> Result<(Proof, Profile)> {
        key.check_circuit(&self.ir.name, &self.ir.hash_hex())?;
        let t = crate::groth16::clock::Clock::now();
        let prepared = (mode == Mode::Fast).then(|| key.prepared());
        let prepare = t.elapsed();
        let (proof, mut profile) =
            prove_profiled(&key.pk, prepared, Reduction::Libsnark, mode, &self.r1cs, z, check, rng)
                .map_err(|e| self.name_row(e))?;
        profile.phases.insert(0, ("prepare_key", prepare.0, prepare.1));
        Ok((proof, profile))
    }
}

/// A circuit a key or a ceremony is made for, with its identity.
pub struct Circuit {
    /// The circuit's name (a circom circuit's is its file name).
    pub name: String,
    /// solvent IR: SHA-256 of the IR; circom: SHA-256 of its header and constraints.
    pub hash: String,
    /// `"solvent-ir"` or `"circom-r1cs"`.
    pub kind: &'static str,
    /// Its R1CS.
    pub r1cs: R1cs,
}

impl Circuit {
    /// A solvent circuit from its IR.
    pub fn from_ir(bytes: &[u8]) -> Result<Circuit> {
        let Compiled { ir, r1cs } = Compiled::parse(bytes)?;
        Ok(Circuit { name: ir.name.clone(), hash: ir.hash_hex(), kind: "solvent-ir", r1cs })
    }

    /// A circom circuit from its `.r1cs` file.
    pub fn from_r1cs_file(path: &Path) -> Result<Circuit> {
        let c = circom::read_r1cs(path)?;
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "circuit".into());
        Ok(Circuit { name, hash: c.hash_hex(), kind: "circom-r1cs", r1cs: c.r1cs })
    }
}
