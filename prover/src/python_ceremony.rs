//! Python bindings for the trusted-setup ceremony and circom / snarkjs interop
//! (stubs in pysrc/solvent/_native.pyi). Registered into `_native` by one call from
//! python.rs. Heavy work releases the GIL; file and transcript problems raise
//! `InteropError` / `CeremonyError` with messages naming the file and the reason.

use crate::ceremony::ptau::Ptau;
use crate::ceremony::transcript::{hex, State};
use crate::ceremony::{ops, verify, Circuit};
use crate::field::fr_to_le;
use crate::groth16::{keys, snarkjs};
use crate::groth16::prove::{prove_profiled, Mode};
use crate::groth16::qap::{QapError, Reduction};
use crate::interop::{circom, zkey};
use num_bigint::BigUint;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use rand::rngs::OsRng;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use crate::groth16::clock::Clock;

create_exception!(_native, InteropError, PyValueError, "A ptau, r1cs, wtns or zkey file is malformed or does not fit.");
create_exception!(_native, CeremonyError, PyValueError, "A ceremony transcript or state does not verify.");

/// `f` without the GIL, on `threads` workers (or rayon's global pool).
fn run<T: Send>(py: Python<'_>, threads: Option<usize>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.detach(|| crate::python::with_threads(threads, f))
}

/// JSON → Python object through the json module (the values are small).
fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    let json = py.import("json")?;
    Ok(json.call_method1("loads", (v.to_string(),))?.unbind())
}

/// A circuit for the ceremony or the circom prover: a solvent IR or a circom `.r1cs`.
#[pyclass(name = "CeremonyCircuit", module = "solvent._native", frozen)]
pub struct PyCeremonyCircuit {
    inner: Arc<Circuit>,
}

#[pymethods]
impl PyCeremonyCircuit {
    #[staticmethod]
    fn from_ir(py: Python<'_>, ir: &[u8]) -> PyResult<Self> {
        let ir = ir.to_vec();
        let c = py.detach(move || Circuit::from_ir(&ir)).map_err(InteropError::new_err)?;
        Ok(PyCeremonyCircuit { inner: Arc::new(c) })
    }
    #[staticmethod]
    fn from_r1cs(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let c = py.detach(move || Circuit::from_r1cs_file(&path)).map_err(InteropError::new_err)?;
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
        crate::ceremony::phase2::domain_size(&self.inner.r1cs)
    }
}

/// A powers-of-tau file of secrets derived from `seed` (so INSECURE: anyone with the seed
/// knows τ, α, β), in snarkjs's layout, with the phase-2 Lagrange sections when `lagrange`:
/// test fixtures only, byte-identical to what `snarkjs powersoftau prepare phase2` makes.
#[pyfunction]
#[pyo3(signature = (path, power, seed, lagrange = true))]
fn ptau_write_insecure_for_tests(py: Python<'_>, path: PathBuf, power: u32, seed: Vec<u8>, lagrange: bool) -> PyResult<()> {
    use ark_ff::UniformRand;
    use rand::SeedableRng;
    use sha2::Digest;
    if !(1..=20).contains(&power) {
        return Err(InteropError::new_err(format!("power {power} outside 1..=20 for a test ptau")));
    }
    py.detach(move || -> Result<(), String> {
        let digest: [u8; 32] = sha2::Sha256::digest(&seed).into();
        let mut rng = rand_chacha::ChaCha20Rng::from_seed(digest);
        let (tau, alpha, beta) = (ark_bn254::Fr::rand(&mut rng), ark_bn254::Fr::rand(&mut rng), ark_bn254::Fr::rand(&mut rng));
        crate::ceremony::ptau::write_insecure_from_secrets_for_tests(&path, power, tau, alpha, beta, lagrange)
    })
    .map_err(InteropError::new_err)
}

/// Header facts of a `.ptau` file (nothing beyond the section table is read).
#[pyfunction]
fn ptau_info(py: Python<'_>, path: PathBuf) -> PyResult<Py<PyAny>> {
    let p = Ptau::open(&path).map_err(InteropError::new_err)?;
    let v = json!({
        "power": p.power,
        "ceremony_power": p.ceremony_power,
        "phase1_contributions": p.num_contributions,
        "lagrange_sections": p.has_lagrange,
        "max_domain": p.max_domain(),
    });
    to_py(py, &v)
}

fn read_state(path: &PathBuf) -> Result<State, String> {
    State::read(path)
}

fn record_summary(state: &State) -> Value {
    let mut r = ops::records_json(state).as_array().and_then(|a| a.last().cloned()).unwrap_or(Value::Null);
    r["state_hash"] = json!(hex(&state.hash()));
    r
}

/// `solvent ceremony init`: check the ptau, derive the circuit's initial key (δ = 1) and
/// write the state. Returns the state header.
#[pyfunction]
#[pyo3(signature = (circuit, ptau, out, threads = None))]
fn ceremony_init(py: Python<'_>, circuit: &PyCeremonyCircuit, ptau: PathBuf, out: PathBuf, threads: Option<usize>) -> PyResult<Py<PyAny>> {
    let c = circuit.inner.clone();
    let header = run(py, threads, move || -> Result<Value, String> {
        let p = Ptau::open(&ptau)?;
        let state = ops::init(&c, &p, &mut OsRng)?;
        state.write(&out)?;
        Ok(state.header)
    })?
    .map_err(CeremonyError::new_err)?;
    to_py(py, &header)
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
) -> PyResult<Py<PyAny>> {
    let mut entropy = entropy;
    let v = run(py, threads, move || -> Result<Value, String> {
        let s = read_state(&state)?;
        let next = ops::contribute(&s, &name, &entropy, &mut OsRng);
        zeroize::Zeroize::zeroize(&mut entropy);
        let next = next?;
        next.write(&out)?;
        Ok(record_summary(&next))
    })?
    .map_err(CeremonyError::new_err)?;
    to_py(py, &v)
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
) -> PyResult<Py<PyAny>> {
    let v = run(py, threads, move || -> Result<Value, String> {
        let s = read_state(&state)?;
        let next = ops::beacon(&s, &name, &beacon, iterations_exp)?;
        next.write(&out)?;
        Ok(record_summary(&next))
    })?
    .map_err(CeremonyError::new_err)?;
    to_py(py, &v)
}

/// Header, records, hash and current verifying key of a state file (structure checked,
/// transcript not verified).
#[pyfunction]
fn ceremony_info(py: Python<'_>, state: PathBuf) -> PyResult<Py<PyAny>> {
    let v = py
        .detach(move || -> Result<Value, String> {
            let s = read_state(&state)?;
            let h = s.check_self_consistent()?;
            Ok(json!({
                "header": s.header,
                "contributions": ops::records_json(&s),
                "state_hash": hex(&h),
                "verification_key": snarkjs::vk_to_json(&s.pk.vk),
            }))
        })
        .map_err(CeremonyError::new_err)?;
    to_py(py, &v)
}

/// `solvent ceremony verify`: the whole transcript from the ptau to the state's key
/// (ceremony/verify.rs lists the checks). With `key`, also that a finalized key file is
/// exactly this state's key. Raises `CeremonyError` naming the first failure.
#[pyfunction]
#[pyo3(signature = (state, ptau, circuit, key = None, threads = None))]
fn ceremony_verify(
    py: Python<'_>,
    state: PathBuf,
    ptau: PathBuf,
    circuit: &PyCeremonyCircuit,
    key: Option<PathBuf>,
    threads: Option<usize>,
) -> PyResult<Py<PyAny>> {
    let c = circuit.inner.clone();
    let v = run(py, threads, move || -> Result<Value, String> {
        let s = read_state(&state)?;
        let p = Ptau::open(&ptau)?;
        let report = verify::verify(&s, &c, &p, &mut OsRng)?;
        if let Some(key) = &key {
            let (header, pk) = keys::read(key)?;
            if header["transcript_hash"] != json!(hex(&report.transcript_hash)) {
                return Err(format!("{}: the key's transcript_hash is not this transcript's", key.display()));
            }
            if pk != s.pk {
                return Err(format!("{}: the key differs from the transcript's final key", key.display()));
            }
        }
        Ok(json!({
            "circuit": c.name,
            "circuit_hash": c.hash,
            "initial_hash": hex(&report.initial_hash),
            "transcript_hash": hex(&report.transcript_hash),
            "participants": report.participants,
            "beacons": report.beacons,
            "contributions": ops::records_json(&s),
            "secure": report.participants > 0,
            "verification_key": snarkjs::vk_to_json(&s.pk.vk),
        }))
    })?
    .map_err(CeremonyError::new_err)?;
    to_py(py, &v)
}

/// Write the final key (keys.rs format, header `"setup": setup` with `transcript_hash`).
/// Returns `(header, verification_key.json text)`.
#[pyfunction]
#[pyo3(signature = (state, key, setup = "ceremony".to_string()))]
fn ceremony_finalize(py: Python<'_>, state: PathBuf, key: PathBuf, setup: String) -> PyResult<(Py<PyAny>, String)> {
    let (header, vk) = py
        .detach(move || -> Result<(Value, String), String> {
            let s = read_state(&state)?;
            let mut header = ops::final_key_header(&s)?;
            header["setup"] = json!(setup);
            keys::write(&key, &header, &s.pk)?;
            Ok((header, snarkjs::vk_to_json(&s.pk.vk).to_string()))
        })
        .map_err(CeremonyError::new_err)?;
    Ok((to_py(py, &header)?, vk))
}

/// Import a snarkjs Groth16 zkey for a circom circuit as a solvent key file (circom
/// reduction). The zkey's constraint entries must be the circuit's. Returns
/// `(header, verification_key.json text)`.
#[pyfunction]
#[pyo3(signature = (zkey_path, circuit, key))]
fn circom_import_zkey(py: Python<'_>, zkey_path: PathBuf, circuit: &PyCeremonyCircuit, key: PathBuf) -> PyResult<(Py<PyAny>, String)> {
    let c = circuit.inner.clone();
    let (header, vk) = py
        .detach(move || -> Result<(Value, String), String> {
            let z = zkey::read(&zkey_path)?;
            z.check_matches(&c.r1cs).map_err(|e| format!("{}: {e}", zkey_path.display()))?;
            let header = json!({
                "format": 1,
                "circuit": c.name,
                "circuit_hash": c.hash,
                "circuit_kind": c.kind,
                "setup": "snarkjs-zkey",
                "reduction": "circom",
                "num_constraints": c.r1cs.num_constraints(),
                "num_public": c.r1cs.num_public,
                "num_columns": c.r1cs.num_columns,
            });
            keys::write(&key, &header, &z.pk)?;
            Ok((header, snarkjs::vk_to_json(&z.pk.vk).to_string()))
        })
        .map_err(InteropError::new_err)?;
    Ok((to_py(py, &header)?, vk))
}

fn to_big(x: &ark_bn254::Fr) -> BigUint {
    BigUint::from_bytes_le(&fr_to_le(x))
}

/// The values of a `.wtns` file.
#[pyfunction]
fn read_wtns(py: Python<'_>, path: PathBuf) -> PyResult<Vec<BigUint>> {
    let z = py.detach(move || circom::read_wtns(&path)).map_err(InteropError::new_err)?;
    Ok(z.iter().map(to_big).collect())
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
) -> PyResult<(String, Vec<BigUint>, BTreeMap<String, f64>)> {
    let c = circuit.inner.clone();
    let (proof, public, profile) = run(py, threads, move || -> Result<_, PyErr> {
        let t = Clock::now();
        let (header, pk) = keys::read(&key).map_err(InteropError::new_err)?;
        let read_key_s = t.elapsed();
        if header["circuit_hash"] != json!(c.hash) {
            return Err(InteropError::new_err(format!(
                "{}: the key is for circuit {} ({}), not {} ({})",
                key.display(),
                header["circuit"],
                header["circuit_hash"],
                c.name,
                c.hash
            )));
        }
        let red = Reduction::parse(header["reduction"].as_str().unwrap_or("libsnark")).map_err(InteropError::new_err)?;
        let t = Clock::now();
        let z = circom::read_wtns(&wtns).map_err(InteropError::new_err)?;
        let read_wtns_s = t.elapsed();
        if z.len() != c.r1cs.num_columns {
            return Err(InteropError::new_err(format!(
                "{}: {} witness values, the circuit has {} wires",
                wtns.display(),
                z.len(),
                c.r1cs.num_columns
            )));
        }
        // the witness check runs inside the QAP step, on the row values it evaluates anyway
        let (proof, prof) = prove_profiled(&pk, None, red, Mode::Fast, &c.r1cs, &z, check, &mut OsRng).map_err(|e| match e {
            QapError::Unsatisfied(_) => InteropError::new_err(format!("{}: {e}", wtns.display())),
            QapError::Failed(m) => PyRuntimeError::new_err(m),
        })?;
        let public = z[1..=c.r1cs.num_public].iter().map(to_big).collect();
        let extra = [("read_key", read_key_s), ("read_wtns", read_wtns_s)];
        let profile: BTreeMap<String, f64> = crate::python::profile_pairs(&prof, &extra).into_iter().collect();
        Ok((snarkjs::proof_to_json(&proof).to_string(), public, profile))
    })??;
    Ok((proof, public, profile))
}

/// Write an INSECURE snarkjs zkey for a circom `.r1cs` from toxic waste drawn from `seed`
/// (benches: one key for snarkjs, rapidsnark and solvent without a snarkjs setup).
#[pyfunction]
fn circom_dev_zkey_insecure(py: Python<'_>, r1cs: PathBuf, zkey_path: PathBuf, seed: &[u8]) -> PyResult<()> {
    use sha2::{Digest, Sha256};
    let seed: [u8; 32] = Sha256::digest(seed).into();
    py.detach(move || {
        let c = circom::read_r1cs(&r1cs)?;
        zkey::write_insecure_dev(&zkey_path, &c.r1cs, seed)
    })
    .map_err(InteropError::new_err)
}

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
        wrap_pyfunction!(circom_dev_zkey_insecure, m)?,
    ] {
        m.add_function(f)?;
    }
    let py = m.py();
    m.add("InteropError", py.get_type::<InteropError>())?;
    m.add("CeremonyError", py.get_type::<CeremonyError>())?;
    Ok(())
}
