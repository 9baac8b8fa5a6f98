//! Circuits, witnesses, keys and proofs: `Circuit`, `Witness`, `ProvingKey`,
//! `VerifyingKey`, `Proof`, `prove`, `verify` and the prover benches.

use crate::convert::{detached, to_big, to_bigs, to_fr, to_frs};
use crate::errors::Result;
use num_bigint::BigUint;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use solvent_prover::circuit::Compiled;
use solvent_prover::field::{digest, value_classes, Fr};
use solvent_prover::groth16::keys::{self, Key};
use solvent_prover::groth16::prove::{proof_rng, Mode as ProveMode};
use solvent_prover::groth16::{self, snarkjs, Proof, VerifyingKey};
use solvent_prover::solver::Mode;
use solvent_prover::Error;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// A circuit IR parsed, validated and lowered to R1CS.
#[pyclass(name = "Circuit", module = "solvent._native", frozen)]
pub struct PyCircuit {
    inner: Arc<Compiled>,
}

#[pymethods]
impl PyCircuit {
    #[new]
    fn new(py: Python<'_>, ir: &[u8]) -> Result<Self> {
        let ir = ir.to_vec();
        let compiled = py.detach(move || Compiled::parse(&ir))?;
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
    fn op_info(&self, index: usize) -> Result<(String, String)> {
        if index >= self.inner.ir.ops.len() {
            return Err(Error::Invalid(format!("op index {index} out of range")).into());
        }
        let site = self.inner.ir.site(index);
        Ok((site.name.to_string(), site.label))
    }

    /// Solve the witness from the input vector (docs/ir.md). `strict=False` fills range
    /// checks that cannot hold with wrong bits instead of refusing (adversarial tests).
    #[pyo3(signature = (inputs, strict = true, threads = None))]
    fn solve(&self, py: Python<'_>, inputs: Vec<BigUint>, strict: bool, threads: Option<usize>) -> Result<PyWitness> {
        let values = to_frs(&inputs, "inputs")?;
        let c = self.inner.clone();
        let mode = if strict { Mode::Strict } else { Mode::Lenient };
        let z = detached(py, threads, move || c.solve(&values, mode))??;
        Ok(PyWitness { circuit: self.inner.clone(), z })
    }

    /// `None` if the witness satisfies every row, else `(row, op index, op name, label)`.
    fn first_unsatisfied(&self, py: Python<'_>, witness: &PyWitness) -> Option<(usize, usize, String, String)> {
        let (c, z) = (&self.inner, &witness.z);
        let (row, site) = py.detach(|| c.first_unsatisfied(z))?;
        Some((row, site.op, site.name.to_string(), site.label))
    }

    /// Raise `UnsatisfiedError` naming the first failing constraint.
    fn check(&self, py: Python<'_>, witness: &PyWitness) -> Result<()> {
        let (c, z) = (&self.inner, &witness.z);
        Ok(py.detach(|| c.check(z))?)
    }
}

/// A full assignment of a circuit's R1CS columns.
#[pyclass(name = "Witness", module = "solvent._native", frozen)]
pub struct PyWitness {
    circuit: Arc<Compiled>,
    z: Vec<Fr>,
}

impl PyWitness {
    fn column(&self, wire: usize) -> Result<usize> {
        let col =
            self.circuit.r1cs.wire_col.get(wire).ok_or_else(|| Error::Invalid(format!("wire {wire} out of range")))?;
        Ok(*col as usize)
    }
}

#[pymethods]
impl PyWitness {
    /// The public values, in public order.
    fn public_values(&self) -> Vec<BigUint> {
        to_bigs(&self.z[1..=self.circuit.r1cs.num_public])
    }
    /// Value of an IR wire.
    fn wire(&self, wire: usize) -> Result<BigUint> {
        Ok(to_big(&self.z[self.column(wire)?]))
    }
    /// A copy with IR wire `wire` set to `value`: how tests play a cheating prover.
    fn with_wire(&self, wire: usize, value: BigUint) -> Result<PyWitness> {
        let mut z = self.z.clone();
        z[self.column(wire)?] = to_fr(&value, "value")?;
        Ok(PyWitness { circuit: self.circuit.clone(), z })
    }
    fn __len__(&self) -> usize {
        self.z.len()
    }
    /// How many entries of the assignment are `(0, 1, other values below 2^64, full-size)`:
    /// what the MSMs over A, B and L pay for (benches print it).
    fn value_classes(&self) -> (usize, usize, usize, usize) {
        value_classes(&self.z)
    }
    /// SHA-256 of the full assignment (32-byte LE values): what deterministic proof
    /// randomness is derived from, so two different witnesses never share it.
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &digest(&self.z))
    }
}

#[pyclass(name = "VerifyingKey", module = "solvent._native", frozen)]
#[derive(Clone)]
pub struct PyVerifyingKey {
    vk: VerifyingKey,
}

impl PyVerifyingKey {
    /// The snarkjs `verification_key.json` text of `vk`.
    pub fn json_text(vk: &VerifyingKey) -> String {
        snarkjs::vk_to_json(vk).to_string()
    }
}

#[pymethods]
impl PyVerifyingKey {
    /// snarkjs `verification_key.json` text.
    fn to_json(&self) -> String {
        Self::json_text(&self.vk)
    }
    #[staticmethod]
    fn from_json(text: &str) -> Result<Self> {
        Ok(PyVerifyingKey { vk: snarkjs::vk_from_str(text)? })
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

#[pymethods]
impl PyProof {
    /// `{phase: seconds}` (plus `ffts` and `domain_size`) if proven with `profile=True`.
    #[getter]
    fn profile(&self) -> Option<BTreeMap<String, f64>> {
        self.profile.as_ref().map(|p| p.iter().cloned().collect())
    }
    /// snarkjs `proof.json` text.
    fn to_json(&self) -> String {
        snarkjs::proof_to_json(&self.proof).to_string()
    }
    #[staticmethod]
    fn from_json(text: &str) -> Result<Self> {
        Ok(PyProof { proof: snarkjs::proof_from_str(text)?, profile: None })
    }
}

/// A proving key with its header; its MSM bases are converted on first use and kept
/// (batch proving uses one key for every batch).
#[pyclass(name = "ProvingKey", module = "solvent._native", frozen)]
pub struct PyProvingKey {
    key: Arc<Key>,
}

#[pymethods]
impl PyProvingKey {
    /// INSECURE single-party setup (toxic waste drawn on this machine). `seed` makes it
    /// reproducible, which is only for tests.
    #[staticmethod]
    #[pyo3(signature = (circuit, seed = None, threads = None))]
    fn setup_dev_insecure(
        py: Python<'_>,
        circuit: &PyCircuit,
        seed: Option<&[u8]>,
        threads: Option<usize>,
    ) -> Result<Self> {
        let c = circuit.inner.clone();
        let seed = seed.map(<[u8]>::to_vec);
        let key = detached(py, threads, move || c.setup_dev_insecure(seed.as_deref()))??;
        Ok(PyProvingKey { key: Arc::new(key) })
    }

    fn save(&self, py: Python<'_>, path: PathBuf) -> Result<()> {
        let key = self.key.clone();
        Ok(py.detach(move || key.save(&path))?)
    }

    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> Result<Self> {
        let key = py.detach(move || Key::load(&path))?;
        Ok(PyProvingKey { key: Arc::new(key) })
    }

    /// Header of a key file without loading the key.
    #[staticmethod]
    fn read_header(path: PathBuf) -> Result<String> {
        Ok(keys::read_header(&path)?.0.to_string())
    }

    /// The header (JSON text): circuit name and hash, setup kind, sizes.
    #[getter]
    fn header(&self) -> String {
        self.key.header.to_string()
    }
    #[getter]
    fn circuit_hash(&self) -> String {
        self.key.circuit_hash().to_string()
    }
    fn verifying_key(&self) -> PyVerifyingKey {
        PyVerifyingKey { vk: self.key.pk.vk.clone() }
    }

    /// Convert the key's MSM bases into the prover's form now (otherwise the first proof
    /// does it). Returns the seconds it took, 0.0 if already done.
    #[pyo3(signature = (threads = None))]
    fn prepare(&self, py: Python<'_>, threads: Option<usize>) -> Result<f64> {
        if self.key.is_prepared() {
            return Ok(0.0);
        }
        let t = Instant::now();
        detached(py, threads, || {
            self.key.prepared();
        })?;
        Ok(t.elapsed().as_secs_f64())
    }

    /// Bytes held by the prepared bases (0 before `prepare` or the first proof).
    #[getter]
    fn prepared_bytes(&self) -> usize {
        self.key.prepared_bytes()
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
) -> Result<PyProof> {
    if !Arc::ptr_eq(&witness.circuit, &circuit.inner) && witness.circuit.ir.hash != circuit.inner.ir.hash {
        return Err(Error::Invalid("the witness belongs to another circuit".into()).into());
    }
    let mode = if reference { ProveMode::Arkworks } else { ProveMode::Fast };
    let (c, key, z) = (&circuit.inner, &pk.key, &witness.z);
    let (proof, prof) = detached(py, threads, move || c.prove(key, mode, z, check, &mut proof_rng(seed)))??;
    Ok(PyProof { proof, profile: profile.then(|| prof.pairs()) })
}

/// Native Groth16 verification; the public-input count must match the key.
#[pyfunction]
fn verify(py: Python<'_>, vk: &PyVerifyingKey, public: Vec<BigUint>, proof: &PyProof) -> Result<bool> {
    let public = to_frs(&public, "public")?;
    let (vk, proof) = (&vk.vk, &proof.proof);
    Ok(py.detach(move || groth16::verify::verify(vk, &public, proof))?)
}

/// Bench helper: median seconds of 2^log-term G1 and G2 MSMs, ark-ec vs the prover's.
#[pyfunction]
#[pyo3(signature = (log, runs = 3))]
fn bench_msm(py: Python<'_>, log: u32, runs: usize) -> Result<BTreeMap<String, f64>> {
    let (a, b, c, d) = py.detach(|| groth16::msm::compare(log, runs))?;
    Ok([("g1_ark", a), ("g1_halo2", b), ("g2_ark", c), ("g2_halo2", d)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect())
}

/// Bench helper: median CPU seconds of the H scalars (QAP step) for a random `2^log`-row
/// R1CS, arkworks' seven FFTs vs the prover's six.
#[pyfunction]
#[pyo3(signature = (log, runs = 3))]
fn bench_qap(py: Python<'_>, log: u32, runs: usize) -> Result<(f64, f64)> {
    Ok(py.detach(|| groth16::qap::compare(log, runs))?)
}

/// Adds this module's classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCircuit>()?;
    m.add_class::<PyWitness>()?;
    m.add_class::<PyProvingKey>()?;
    m.add_class::<PyVerifyingKey>()?;
    m.add_class::<PyProof>()?;
    for f in [
        wrap_pyfunction!(prove, m)?,
        wrap_pyfunction!(verify, m)?,
        wrap_pyfunction!(bench_msm, m)?,
        wrap_pyfunction!(bench_qap, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
