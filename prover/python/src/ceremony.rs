//! The trusted-setup ceremony and circom / snarkjs interop: `CeremonyCircuit`, the
//! `ceremony_*` steps, `ptau_info`, and the `circom_*` functions. Heavy work releases the
//! GIL; results come back as Python objects (JSON summaries) or snarkjs JSON text.

use crate::circuit::PyVerifyingKey;
use crate::convert::{detached, json_to_py, to_bigs};
use crate::errors::Result;
use num_bigint::BigUint;
use pyo3::prelude::*;
use solvent_prover::ceremony::ptau::{self, Ptau};
use solvent_prover::ceremony::{files, phase2, Circuit};
use solvent_prover::groth16::snarkjs;
use solvent_prover::interop::{circom, files as circom_files};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A circuit for the ceremony or the circom prover: a solvent IR or a circom `.r1cs`.
#[pyclass(name = "CeremonyCircuit", module = "solvent._native", frozen)]
pub struct PyCeremonyCircuit {
    inner: Arc<Circuit>,
}

#[pymethods]
impl PyCeremonyCircuit {
    #[staticmethod]
    fn from_ir(py: Python<'_>, ir: &[u8]) -> Result<Self> {
        let ir = ir.to_vec();
        let c = py.detach(move || Circuit::from_ir(&ir))?;
        Ok(PyCeremonyCircuit { inner: Arc::new(c) })
    }
    #[staticmethod]
    fn from_r1cs(py: Python<'_>, path: PathBuf) -> Result<Self> {
        let c = py.detach(move || Circuit::from_r1cs_file(&path))?;
        Ok(PyCeremonyCircuit { inner: Arc::new(c) })
    }
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }
    #[getter]
    fn hash(&self) -> String {
        self.inner.hash.clone()
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind
    }
    #[getter]
    fn num_constraints(&self) -> usize {
        self.inner.r1cs.num_constraints()
    }
    #[getter]
    fn num_public(&self) -> usize {
        self.inner.r1cs.num_public
    }
    #[getter]
    fn num_columns(&self) -> usize {
        self.inner.r1cs.num_columns
    }
    /// Domain size (a power of two) the ptau must cover.
    #[getter]
    fn domain_size(&self) -> usize {
        phase2::domain_size(&self.inner.r1cs)
    }
}

/// Header facts of a `.ptau` file (nothing beyond the section table is read).
#[pyfunction]
fn ptau_info(py: Python<'_>, path: PathBuf) -> Result<Py<PyAny>> {
    json_to_py(py, &Ptau::open(&path)?.info())
}

/// A powers-of-tau file of secrets derived from `seed` (so INSECURE: anyone with the seed
/// knows τ, α, β), in snarkjs's layout, with the phase-2 Lagrange sections when `lagrange`:
/// test fixtures only, byte-identical to what `snarkjs powersoftau prepare phase2` makes.
#[pyfunction]
#[pyo3(signature = (path, power, seed, lagrange = true))]
fn ptau_write_insecure_for_tests(
    py: Python<'_>,
    path: PathBuf,
    power: u32,
    seed: Vec<u8>,
    lagrange: bool,
) -> Result<()> {
    Ok(py.detach(move || ptau::write_insecure_from_seed_for_tests(&path, power, &seed, lagrange))?)
}

/// `solvent ceremony init`: check the ptau, derive the circuit's initial key (δ = 1) and
/// write the state. Returns the state header.
#[pyfunction]
#[pyo3(signature = (circuit, ptau, out, threads = None))]
fn ceremony_init(
    py: Python<'_>,
    circuit: &PyCeremonyCircuit,
    ptau: PathBuf,
    out: PathBuf,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let c = circuit.inner.clone();
    let header = detached(py, threads, move || files::init(&c, &ptau, &out))??;
    json_to_py(py, &header)
}

/// `solvent ceremony contribute`: a fresh secret (OS randomness mixed with `entropy`),
/// applied and wiped. Returns the new record (publish its `prev_hash` and `hash`).
#[pyfunction]
#[pyo3(signature = (state, out, name, entropy = b"".to_vec(), threads = None))]
fn ceremony_contribute(
    py: Python<'_>,
    state: PathBuf,
    out: PathBuf,
    name: String,
    entropy: Vec<u8>,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let mut entropy = entropy;
    let record = detached(py, threads, || files::contribute(&state, &out, &name, &entropy))?;
    zeroize::Zeroize::zeroize(&mut entropy);
    json_to_py(py, &record?)
}

/// Apply a public random beacon as a contribution (anyone can recompute it).
#[pyfunction]
#[pyo3(signature = (state, out, beacon, iterations_exp = 10, name = "beacon".to_string(), threads = None))]
fn ceremony_beacon(
    py: Python<'_>,
    state: PathBuf,
    out: PathBuf,
    beacon: Vec<u8>,
    iterations_exp: u8,
    name: String,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let record = detached(py, threads, move || files::beacon(&state, &out, &beacon, iterations_exp, &name))??;
    json_to_py(py, &record)
}

/// Header, records, hash and current verifying key of a state file (structure checked,
/// transcript not verified).
#[pyfunction]
fn ceremony_info(py: Python<'_>, state: PathBuf) -> Result<Py<PyAny>> {
    let v = py.detach(move || files::info(&state))?;
    json_to_py(py, &v)
}

/// `solvent ceremony verify`: the whole transcript from the ptau to the state's key
/// (ceremony/verify.rs lists the checks). With `key`, also that a finalized key file is
/// exactly this state's key. Raises the error of the first failure: `CeremonyError` for
/// the transcript, `InteropError` for the ptau, `KeyFileError` for the key.
#[pyfunction]
#[pyo3(signature = (state, ptau, circuit, key = None, threads = None))]
fn ceremony_verify(
    py: Python<'_>,
    state: PathBuf,
    ptau: PathBuf,
    circuit: &PyCeremonyCircuit,
    key: Option<PathBuf>,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let c = circuit.inner.clone();
    let report = detached(py, threads, move || files::verify_files(&state, &ptau, &c, key.as_deref()))??;
    json_to_py(py, &report)
}

/// Write the final key (keys.rs format, header `"setup": setup` with `transcript_hash`).
/// Returns `(header, verification_key.json text)`.
#[pyfunction]
#[pyo3(signature = (state, key, setup = "ceremony".to_string()))]
fn ceremony_finalize(py: Python<'_>, state: PathBuf, key: PathBuf, setup: String) -> Result<(Py<PyAny>, String)> {
    let (header, vk) = py.detach(move || files::finalize(&state, &key, &setup))?;
    Ok((json_to_py(py, &header)?, PyVerifyingKey::json_text(&vk)))
}

/// Import a snarkjs Groth16 zkey for a circom circuit as a solvent key file (circom
/// reduction). The zkey's constraint entries must be the circuit's. Returns
/// `(header, verification_key.json text)`.
#[pyfunction]
#[pyo3(signature = (zkey_path, circuit, key))]
fn circom_import_zkey(
    py: Python<'_>,
    zkey_path: PathBuf,
    circuit: &PyCeremonyCircuit,
    key: PathBuf,
) -> Result<(Py<PyAny>, String)> {
    let c = circuit.inner.clone();
    let (header, vk) = py.detach(move || circom_files::import_zkey(&zkey_path, &c, &key))?;
    Ok((json_to_py(py, &header)?, PyVerifyingKey::json_text(&vk)))
}

/// The values of a `.wtns` file.
#[pyfunction]
fn read_wtns(py: Python<'_>, path: PathBuf) -> Result<Vec<BigUint>> {
    let z = py.detach(move || circom::read_wtns(&path))?;
    Ok(to_bigs(&z))
}

/// Prove a circom circuit from a `.wtns` with a solvent key file (from a ceremony, a
/// ptau or an imported zkey; the key's header names its QAP reduction). The witness is
/// checked against every constraint first unless `check=False`. Returns
/// `(proof.json text, public values, {phase: seconds})`: reading the key and the witness,
/// the check, then the prover's phases (groth16/prove.rs).
#[pyfunction]
#[pyo3(signature = (key, circuit, wtns, check = true, threads = None))]
fn circom_prove(
    py: Python<'_>,
    key: PathBuf,
    circuit: &PyCeremonyCircuit,
    wtns: PathBuf,
    check: bool,
    threads: Option<usize>,
) -> Result<(String, Vec<BigUint>, BTreeMap<String, f64>)> {
    let c = circuit.inner.clone();
    let p = detached(py, threads, move || circom_files::prove_wtns(&key, &c, &wtns, check))??;
    Ok((snarkjs::proof_to_json(&p.proof).to_string(), to_bigs(&p.public), p.profile.pairs().into_iter().collect()))
}

/// `circom_prove` from the files alone: the key, the `.r1cs` and the `.wtns` are read at
/// the same time (phase `read_inputs`), so a command that proves once pays the slowest
/// of the three reads, not their sum. The key must name the `.r1cs`'s circuit hash.
#[pyfunction]
#[pyo3(signature = (key, r1cs, wtns, check = true, threads = None))]
fn circom_prove_files(
    py: Python<'_>,
    key: PathBuf,
    r1cs: PathBuf,
    wtns: PathBuf,
    check: bool,
    threads: Option<usize>,
) -> Result<(String, Vec<BigUint>, BTreeMap<String, f64>)> {
    let p = detached(py, threads, move || circom_files::prove_files(&key, &r1cs, &wtns, check))??;
    Ok((snarkjs::proof_to_json(&p.proof).to_string(), to_bigs(&p.public), p.profile.pairs().into_iter().collect()))
}

/// Write an INSECURE snarkjs zkey for a circom `.r1cs` from toxic waste drawn from `seed`
/// (benches: one key for snarkjs, rapidsnark and solvent without a snarkjs setup).
#[pyfunction]
fn circom_dev_zkey_insecure(py: Python<'_>, r1cs: PathBuf, zkey_path: PathBuf, seed: Vec<u8>) -> Result<()> {
    Ok(py.detach(move || circom_files::write_dev_zkey_insecure(&r1cs, &zkey_path, &seed))?)
}

/// Adds this module's classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCeremonyCircuit>()?;
    for f in [
        wrap_pyfunction!(ptau_info, m)?,
        wrap_pyfunction!(ptau_write_insecure_for_tests, m)?,
        wrap_pyfunction!(ceremony_init, m)?,
        wrap_pyfunction!(ceremony_contribute, m)?,
        wrap_pyfunction!(ceremony_beacon, m)?,
        wrap_pyfunction!(ceremony_info, m)?,
        wrap_pyfunction!(ceremony_verify, m)?,
        wrap_pyfunction!(ceremony_finalize, m)?,
        wrap_pyfunction!(circom_import_zkey, m)?,
        wrap_pyfunction!(read_wtns, m)?,
        wrap_pyfunction!(circom_prove, m)?,
        wrap_pyfunction!(circom_prove_files, m)?,
        wrap_pyfunction!(circom_dev_zkey_insecure, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
