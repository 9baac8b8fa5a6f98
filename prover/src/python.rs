//! Python bindings: the small set of native entry points behind `solvent._native`
//! (stubs in pysrc/solvent/_native.pyi). Heavy work releases the GIL; errors become
//! Python exceptions whose messages name what failed.

use crate::field::fr_to_le;
use crate::groth16::prove::{prove_profiled, Mode as ProveMode, Prepared, Profile};
use crate::groth16::qap::{QapError, Reduction};
use crate::groth16::{self, keys, snarkjs, Proof, ProvingKey, VerifyingKey};
use crate::ir::Ir;
use crate::r1cs::{first_unsatisfied, lower, R1cs};
use crate::solver::{solve, Mode};
use crate::poseidon as hash;
use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use num_bigint::BigUint;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use rand::rngs::OsRng;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

create_exception!(_native, IrError, PyValueError, "The circuit IR is malformed.");
create_exception!(_native, WitnessError, PyValueError, "The witness solver refused the inputs.");
create_exception!(_native, UnsatisfiedError, PyValueError, "A witness does not satisfy the circuit.");
create_exception!(_native, KeyFileError, PyValueError, "A proving-key file is unreadable, corrupt or for another circuit.");
create_exception!(_native, FormatError, PyValueError, "A proof or verifying key is malformed.");
create_exception!(_native, ProverError, PyRuntimeError, "The prover failed.");

pub(crate) fn to_fr(x: &BigUint, what: &str) -> PyResult<Fr> {
    let bytes = x.to_bytes_le();
    if bytes.len() > 32 || x >= &BigUint::from_bytes_le(&Fr::MODULUS.to_bytes_le()) {
        return Err(PyValueError::new_err(format!("{what}: value is not below the field modulus r")));
    }
    Ok(Fr::from_le_bytes_mod_order(&bytes))
}

fn to_frs(xs: &[BigUint], what: &str) -> PyResult<Vec<Fr>> {
    xs.iter().enumerate().map(|(i, x)| to_fr(x, &format!("{what}[{i}]"))).collect()
}

pub(crate) fn to_big(x: &Fr) -> BigUint {
    BigUint::from_bytes_le(&fr_to_le(x))
}

/// Runs `f` on a pool of `threads` workers, or on rayon's global pool.
pub(crate) fn with_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    match threads {
        None | Some(0) => Ok(f()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| PyRuntimeError::new_err(format!("thread pool: {e}")))?;
            Ok(pool.install(f))
        }
    }
}

struct Compiled {
    ir: Ir,
    r1cs: R1cs,
}

/// A circuit lowered to R1CS: parse + validate the IR, then lower it.
#[pyclass(name = "Circuit", module = "solvent._native", frozen)]
pub struct PyCircuit {
    inner: Arc<Compiled>,
}

#[pymethods]
impl PyCircuit {
    #[new]
    fn new(py: Python<'_>, ir: &[u8]) -> PyResult<Self> {
        let ir = ir.to_vec();
        let compiled = py
            .detach(move || Ir::parse(&ir).map(|ir| Compiled { r1cs: lower(&ir), ir }))
            .map_err(IrError::new_err)?;
        Ok(PyCircuit { inner: Arc::new(compiled) })
    }
    #[getter]
    fn name(&self) -> String {
        self.inner.ir.name.clone()
    }
    #[getter]
    fn hash(&self) -> String {
        self.inner.ir.hash_hex()
    }
    #[getter]
    fn num_constraints(&self) -> usize {
        self.inner.r1cs.num_constraints()
    }
    #[getter]
    fn num_columns(&self) -> usize {
        self.inner.r1cs.num_columns
    }
    #[getter]
    fn num_public(&self) -> usize {
        self.inner.r1cs.num_public
    }
    #[getter]
    fn num_inputs(&self) -> usize {
        self.inner.ir.input_wires().len()
    }
    #[getter]
    fn num_nonzeros(&self) -> usize {
        self.inner.r1cs.nonzeros()
    }
    #[getter]
    fn num_ops(&self) -> usize {
        self.inner.ir.ops.len()
    }
    /// `(op name, label)` of op `index`.
    fn op_info(&self, index: usize) -> PyResult<(String, String)> {
        let (op, _) = self.inner.ir.ops.get(index).ok_or_else(|| PyValueError::new_err("op index out of range"))?;
        Ok((op.name().to_string(), self.inner.ir.label(index).to_string()))
    }

    /// Solve the witness from the input vector (docs/ir.md). `strict=False` fills range
    /// checks that cannot hold with wrong bits instead of refusing (adversarial tests).
    #[pyo3(signature = (inputs, strict = true, threads = None))]
    fn solve(&self, py: Python<'_>, inputs: Vec<BigUint>, strict: bool, threads: Option<usize>) -> PyResult<PyWitness> {
        let values = to_frs(&inputs, "inputs")?;
        let c = self.inner.clone();
        let mode = if strict { Mode::Strict } else { Mode::Lenient };
        let z = py
            .detach(move || with_threads(threads, || solve(&c.ir, &c.r1cs, &values, mode)))?
            .map_err(|e| {
                if e.op == usize::MAX {
                    WitnessError::new_err(e.message)
                } else {
                    let (op, _) = &self.inner.ir.ops[e.op];
                    WitnessError::new_err(format!(
                        "{} (op #{} {} '{}')",
                        e.message,
                        e.op,
                        op.name(),
                        self.inner.ir.label(e.op)
                    ))
                }
            })?;
        Ok(PyWitness { circuit: self.inner.clone(), z })
    }

    /// `None` if the witness satisfies every row, else `(row, op index, op name, label)`.
    fn first_unsatisfied(&self, py: Python<'_>, witness: &PyWitness) -> Option<(usize, usize, String, String)> {
        let c = self.inner.clone();
        let z = &witness.z;
        let row = py.detach(|| first_unsatisfied(&c.r1cs, z))?;
        let op = self.inner.r1cs.row_op[row] as usize;
        Some((row, op, self.inner.ir.ops[op].0.name().to_string(), self.inner.ir.label(op).to_string()))
    }

    /// Raise `UnsatisfiedError` naming the first failing constraint.
    fn check(&self, py: Python<'_>, witness: &PyWitness) -> PyResult<()> {
        match self.first_unsatisfied(py, witness) {
            None => Ok(()),
            Some((row, op, name, label)) => Err(UnsatisfiedError::new_err(format!(
                "constraint {row} (op #{op} {name} '{label}') is not satisfied"
            ))),
        }
    }
}

/// A full assignment of a circuit's R1CS columns.
#[pyclass(name = "Witness", module = "solvent._native", frozen)]
pub struct PyWitness {
    circuit: Arc<Compiled>,
    z: Vec<Fr>,
}

#[pymethods]
impl PyWitness {
    /// The public values, in public order.
    fn public_values(&self) -> Vec<BigUint> {
        self.z[1..=self.circuit.r1cs.num_public].iter().map(to_big).collect()
    }
    /// Value of an IR wire.
    fn wire(&self, wire: usize) -> PyResult<BigUint> {
        let col = self.circuit.r1cs.wire_col.get(wire).ok_or_else(|| PyValueError::new_err("wire out of range"))?;
        Ok(to_big(&self.z[*col as usize]))
    }
    /// A copy with IR wire `wire` set to `value`: how tests play a cheating prover.
    fn with_wire(&self, wire: usize, value: BigUint) -> PyResult<PyWitness> {
        let col = *self.circuit.r1cs.wire_col.get(wire).ok_or_else(|| PyValueError::new_err("wire out of range"))?;
        let mut z = self.z.clone();
        z[col as usize] = to_fr(&value, "value")?;
        Ok(PyWitness { circuit: self.circuit.clone(), z })
    }
    fn __len__(&self) -> usize {
        self.z.len()
    }
    /// How many entries of the assignment are `(0, 1, other values below 2^64, full-size)`:
    /// what the MSMs over A, B and L pay for (benches print it).
    fn value_classes(&self) -> (usize, usize, usize, usize) {
        use ark_ff::{One, Zero};
        let mut out = (0, 0, 0, 0);
        for v in &self.z {
            if v.is_zero() {
                out.0 += 1;
            } else if v.is_one() {
                out.1 += 1;
            } else if crate::field::fr_num_bits(v) <= 64 {
                out.2 += 1;
            } else {
                out.3 += 1;
            }
        }
        out
    }
    /// SHA-256 of the full assignment (32-byte LE values): what deterministic proof
    /// randomness is derived from, so two different witnesses never share it.
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, pyo3::types::PyBytes> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for v in &self.z {
            h.update(fr_to_le(v));
        }
        pyo3::types::PyBytes::new(py, &h.finalize())
    }
}

#[pyclass(name = "VerifyingKey", module = "solvent._native", frozen)]
#[derive(Clone)]
pub struct PyVerifyingKey {
    vk: VerifyingKey,
}

#[pymethods]
impl PyVerifyingKey {
    /// snarkjs `verification_key.json` text.
    fn to_json(&self) -> String {
        snarkjs::vk_to_json(&self.vk).to_string()
    }
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| FormatError::new_err(e.to_string()))?;
        Ok(PyVerifyingKey { vk: snarkjs::vk_from_json(&v).map_err(FormatError::new_err)? })
    }
    #[getter]
    fn num_public(&self) -> usize {
        self.vk.gamma_abc_g1.len() - 1
    }
}

#[pyclass(name = "Proof", module = "solvent._native", frozen)]
#[derive(Clone)]
pub struct PyProof {
    proof: Proof,
    /// Seconds per prover phase, when proven with `profile=True`.
    profile: Option<Vec<(String, f64)>>,
}

/// A profile as `(phase, wall seconds)` and `(cpu_<phase>, CPU seconds)` pairs, plus the
/// FFT count and domain size.
pub(crate) fn profile_pairs(p: &Profile, extra: &[(&str, (f64, f64))]) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for (k, wall, cpu) in extra.iter().map(|(k, (w, c))| (*k, *w, *c)).chain(p.phases.iter().copied()) {
        out.push((k.to_string(), wall));
        out.push((format!("cpu_{k}"), cpu));
    }
    out.push(("ffts".into(), p.ffts as f64));
    out.push(("domain_size".into(), p.domain_size as f64));
    out
}

#[pymethods]
impl PyProof {
    /// `{phase: seconds}` (plus `ffts` and `domain_size`) if proven with `profile=True`.
    #[getter]
    fn profile(&self) -> Option<std::collections::BTreeMap<String, f64>> {
        self.profile.as_ref().map(|p| p.iter().cloned().collect())
    }
    /// snarkjs `proof.json` text.
    fn to_json(&self) -> String {
        snarkjs::proof_to_json(&self.proof).to_string()
    }
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| FormatError::new_err(e.to_string()))?;
        Ok(PyProof { proof: snarkjs::proof_from_json(&v).map_err(FormatError::new_err)?, profile: None })
    }
}

#[pyclass(name = "ProvingKey", module = "solvent._native", frozen)]
pub struct PyProvingKey {
    pk: Arc<ProvingKey>,
    header: serde_json::Value,
    /// The MSM bases in the prover's form, converted on first use and kept with the key
    /// (batch proving uses one key for every batch).
    prepared: OnceLock<Arc<Prepared>>,
}

impl PyProvingKey {
    fn new(pk: ProvingKey, header: serde_json::Value) -> Self {
        PyProvingKey { pk: Arc::new(pk), header, prepared: OnceLock::new() }
    }
    fn prepared(&self) -> Arc<Prepared> {
        self.prepared.get_or_init(|| Arc::new(Prepared::new(&self.pk))).clone()
    }
}

fn header_for(c: &Compiled, setup: &str) -> serde_json::Value {
    serde_json::json!({
        "format": 1,
        "circuit": c.ir.name,
        "circuit_hash": c.ir.hash_hex(),
        "setup": setup,
        "num_constraints": c.r1cs.num_constraints(),
        "num_public": c.r1cs.num_public,
        "num_columns": c.r1cs.num_columns,
    })
}

#[pymethods]
impl PyProvingKey {
    /// INSECURE single-party setup (toxic waste drawn on this machine). `seed` makes it
    /// reproducible, which is only for tests.
    #[staticmethod]
    #[pyo3(signature = (circuit, seed = None, threads = None))]
    fn setup_dev_insecure(py: Python<'_>, circuit: &PyCircuit, seed: Option<&[u8]>, threads: Option<usize>) -> PyResult<Self> {
        let c = circuit.inner.clone();
        let seed: Option<[u8; 32]> = seed.map(|s| {
            use sha2::{Digest, Sha256};
            Sha256::digest(s).into()
        });
        let pk = py
            .detach(move || {
                with_threads(threads, || match seed {
                    Some(s) => groth16::setup::setup_dev(&c.r1cs, &mut ChaCha20Rng::from_seed(s)),
                    None => groth16::setup::setup_dev(&c.r1cs, &mut OsRng),
                })
            })?
            .map_err(ProverError::new_err)?;
        let kind = if seed.is_some() { "dev-insecure-seeded" } else { "dev-insecure" };
        Ok(PyProvingKey::new(pk, header_for(&circuit.inner, kind)))
    }

    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let pk = self.pk.clone();
        let header = self.header.clone();
        py.detach(move || keys::write(&path, &header, &pk)).map_err(KeyFileError::new_err)
    }

    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let (header, pk) = py.detach(move || keys::read(&path)).map_err(KeyFileError::new_err)?;
        Ok(PyProvingKey::new(pk, header))
    }

    /// Header of a key file without loading the key.
    #[staticmethod]
    fn read_header(path: PathBuf) -> PyResult<String> {
        Ok(keys::read_header(&path).map_err(KeyFileError::new_err)?.0.to_string())
    }

    /// The header (JSON text): circuit name and hash, setup kind, sizes.
    #[getter]
    fn header(&self) -> String {
        self.header.to_string()
    }
    #[getter]
    fn circuit_hash(&self) -> String {
        self.header["circuit_hash"].as_str().unwrap_or_default().to_string()
    }
    fn verifying_key(&self) -> PyVerifyingKey {
        PyVerifyingKey { vk: self.pk.vk.clone() }
    }

    /// Convert the key's MSM bases into the prover's form now (otherwise the first proof
    /// does it). Returns the seconds it took, 0.0 if already done.
    #[pyo3(signature = (threads = None))]
    fn prepare(&self, py: Python<'_>, threads: Option<usize>) -> PyResult<f64> {
        if self.prepared.get().is_some() {
            return Ok(0.0);
        }
        let t = Instant::now();
        py.detach(|| with_threads(threads, || self.prepared()))?;
        Ok(t.elapsed().as_secs_f64())
    }

    /// Bytes held by the prepared bases (0 before `prepare` or the first proof).
    #[getter]
    fn prepared_bytes(&self) -> usize {
        self.prepared.get().map_or(0, |p| p.heap_bytes())
    }
}

/// Prove with `pk` from a solved witness. By default the witness is checked first, so a
/// cheating witness fails with the constraint that stops it instead of a bad proof.
/// `seed` (32 bytes) makes the proof's randomness deterministic: it must be secret and
/// unique per witness (the caller derives it with a keyed PRF of the witness digest).
/// `profile=True` records seconds per phase in the proof's `profile`; `reference=True`
/// runs arkworks' QAP step and MSMs instead (the same proof, for benches).
#[pyfunction]
#[pyo3(signature = (pk, circuit, witness, check = true, threads = None, seed = None, profile = false, reference = false))]
#[allow(clippy::too_many_arguments)]
fn prove(
    py: Python<'_>,
    pk: &PyProvingKey,
    circuit: &PyCircuit,
    witness: &PyWitness,
    check: bool,
    threads: Option<usize>,
    seed: Option<[u8; 32]>,
    profile: bool,
    reference: bool,
) -> PyResult<PyProof> {
    if pk.circuit_hash() != circuit.hash() {
        return Err(KeyFileError::new_err(format!(
            "the proving key is for circuit {} ({}), not {} ({})",
            pk.header["circuit"],
            pk.circuit_hash(),
            circuit.name(),
            circuit.hash()
        )));
    }
    if !Arc::ptr_eq(&witness.circuit, &circuit.inner) && witness.circuit.ir.hash != circuit.inner.ir.hash {
        return Err(PyValueError::new_err("the witness belongs to another circuit"));
    }
    let mode = if reference { ProveMode::Arkworks } else { ProveMode::Fast };
    let c = circuit.inner.clone();
    let z = &witness.z;
    let (proof, prof, prepare_s) = py
        .detach(move || {
            with_threads(threads, || {
                let t = groth16::clock::Clock::now();
                let prepared = if reference { None } else { Some(pk.prepared()) };
                let prepare_s = t.elapsed();
                let (pkr, prep) = (&pk.pk, prepared.as_deref());
                let out = match seed {
                    Some(s) => prove_profiled(pkr, prep, Reduction::Libsnark, mode, &c.r1cs, z, check, &mut ChaCha20Rng::from_seed(s)),
                    None => prove_profiled(pkr, prep, Reduction::Libsnark, mode, &c.r1cs, z, check, &mut OsRng),
                };
                out.map(|(p, prof)| (p, prof, prepare_s))
            })
        })?
        .map_err(|e| match e {
            // the same message as `Circuit.check`
            QapError::Unsatisfied(row) => {
                let op = circuit.inner.r1cs.row_op[row] as usize;
                UnsatisfiedError::new_err(format!(
                    "constraint {row} (op #{op} {} '{}') is not satisfied",
                    circuit.inner.ir.ops[op].0.name(),
                    circuit.inner.ir.label(op)
                ))
            }
            QapError::Failed(m) => ProverError::new_err(m),
        })?;
    let profile = profile.then(|| profile_pairs(&prof, &[("prepare_key", prepare_s)]));
    Ok(PyProof { proof, profile })
}

/// Native Groth16 verification; the public-input count must match the key.
#[pyfunction]
fn verify(py: Python<'_>, vk: &PyVerifyingKey, public: Vec<BigUint>, proof: &PyProof) -> PyResult<bool> {
    let public = to_frs(&public, "public")?;
    let (vk, proof) = (vk.vk.clone(), proof.proof.clone());
    py.detach(move || groth16::verify::verify(&vk, &public, &proof)).map_err(PyValueError::new_err)
}

/// Bench helper: median seconds of 2^log-term G1 and G2 MSMs, ark-ec vs the prover's.
#[pyfunction]
#[pyo3(signature = (log, runs = 3))]
fn bench_msm(py: Python<'_>, log: u32, runs: usize) -> PyResult<std::collections::BTreeMap<String, f64>> {
    if !(4..=22).contains(&log) {
        return Err(PyValueError::new_err("log must be in 4..=22"));
    }
    let (a, b, c, d) = py.detach(|| groth16::msm::compare(log, runs));
    Ok([("g1_ark", a), ("g1_halo2", b), ("g2_ark", c), ("g2_halo2", d)].into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Bench helper: median CPU seconds of the H scalars (QAP step) for a random `2^log`-row
/// R1CS, arkworks' seven FFTs vs the prover's six.
#[pyfunction]
#[pyo3(signature = (log, runs = 3))]
fn bench_qap(py: Python<'_>, log: u32, runs: usize) -> PyResult<(f64, f64)> {
    if !(6..=22).contains(&log) {
        return Err(PyValueError::new_err("log must be in 6..=22"));
    }
    Ok(py.detach(|| groth16::qap::compare(log, runs)))
}

#[pyfunction]
#[pyo3(signature = (inputs, init = BigUint::ZERO))]
fn poseidon(inputs: Vec<BigUint>, init: BigUint) -> PyResult<BigUint> {
    if !(1..=hash::MAX_INPUTS).contains(&inputs.len()) {
        return Err(PyValueError::new_err(format!("poseidon takes 1..=16 inputs, got {}", inputs.len())));
    }
    Ok(to_big(&hash::poseidon(&to_frs(&inputs, "inputs")?, to_fr(&init, "init")?)))
}

#[pyfunction]
fn hash_many(label: &str, xs: Vec<BigUint>) -> PyResult<BigUint> {
    check_label(label, xs.len())?;
    if xs.is_empty() {
        return Err(PyValueError::new_err("hash_many of no elements"));
    }
    Ok(to_big(&hash::hash_many(label, &to_frs(&xs, "xs")?)))
}

fn check_label(label: &str, n: usize) -> PyResult<()> {
    if !hash::is_valid_label(label) || n >= 1 << 16 {
        return Err(PyValueError::new_err(
            "domain label must be 1..=29 printable ASCII characters and the length below 2^16",
        ));
    }
    Ok(())
}

#[pyfunction]
fn domain(label: &str, n: usize) -> PyResult<BigUint> {
    check_label(label, n)?;
    Ok(to_big(&hash::domain(label, n)))
}

#[pyfunction]
fn encode_bytes(data: &[u8]) -> PyResult<Vec<BigUint>> {
    Ok(hash::encode_bytes(data).map_err(PyValueError::new_err)?.iter().map(to_big).collect())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCircuit>()?;
    m.add_class::<PyWitness>()?;
    m.add_class::<PyProvingKey>()?;
    m.add_class::<PyVerifyingKey>()?;
    m.add_class::<PyProof>()?;
    m.add_function(wrap_pyfunction!(prove, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(bench_msm, m)?)?;
    m.add_function(wrap_pyfunction!(bench_qap, m)?)?;
    m.add_function(wrap_pyfunction!(poseidon, m)?)?;
    m.add_function(wrap_pyfunction!(hash_many, m)?)?;
    m.add_function(wrap_pyfunction!(domain, m)?)?;
    m.add_function(wrap_pyfunction!(encode_bytes, m)?)?;
    crate::python_book::register(m)?;
    crate::python_ceremony::register(m)?;
    let py = m.py();
    for (name, ty) in [
        ("IrError", py.get_type::<IrError>()),
        ("WitnessError", py.get_type::<WitnessError>()),
        ("UnsatisfiedError", py.get_type::<UnsatisfiedError>()),
        ("KeyFileError", py.get_type::<KeyFileError>()),
        ("FormatError", py.get_type::<FormatError>()),
        ("ProverError", py.get_type::<ProverError>()),
    ] {
        m.add(name, ty)?;
    }
    Ok(())
}
