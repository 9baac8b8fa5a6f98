//! Python bindings for the book: bulk tag derivation and tree building.

use crate::book::derive::{tag, EpochKey};
use crate::book::tree::{batch_commitment, build_book, digest_step, empty_root, Account, BatchTree, Shape};
use crate::field::{fr_from_le, fr_to_le, fr_vec_from_le, fr_vec_to_le};
use ark_bn254::Fr;
use ark_ff::Zero;
use num_bigint::BigUint;
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rayon::prelude::*;

fn big(x: &Fr) -> BigUint {
    BigUint::from_bytes_le(&fr_to_le(x))
}

fn fr(x: &BigUint, what: &str) -> PyResult<Fr> {
    let mut b = x.to_bytes_le();
    if b.len() > 32 {
        return Err(PyValueError::new_err(format!("{what}: not below r")));
    }
    b.resize(32, 0);
    fr_from_le(&b).ok_or_else(|| PyValueError::new_err(format!("{what}: not below r")))
}

fn u128s(bytes: &[u8], what: &str) -> PyResult<Vec<u128>> {
    if bytes.len() % 16 != 0 {
        return Err(PyValueError::new_err(format!("{what}: length is not a multiple of 16")));
    }
    Ok(bytes.chunks_exact(16).map(|c| u128::from_le_bytes(c.try_into().unwrap())).collect())
}

/// Salts and tags of `ids` (each 32-byte little-endian, concatenated).
#[pyfunction]
fn account_tags<'py>(py: Python<'py>, secret: &[u8], epoch: u64, ids: Vec<String>) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let key = EpochKey::new(secret, epoch);
    let out: Result<Vec<(Fr, Fr)>, String> = py.detach(|| {
        ids.par_iter()
            .map(|id| {
                let salt = key.salt(id.as_bytes());
                tag(id.as_bytes(), salt).map(|t| (salt, t)).map_err(|e| format!("account id {id:?}: {e}"))
            })
            .collect()
    });
    let out = out.map_err(PyValueError::new_err)?;
    let salts: Vec<Fr> = out.iter().map(|(s, _)| *s).collect();
    let tags: Vec<Fr> = out.iter().map(|(_, t)| *t).collect();
    Ok((PyBytes::new(py, &fr_vec_to_le(&salts)), PyBytes::new(py, &fr_vec_to_le(&tags))))
}

/// Tags of padding leaves `start .. start + count`.
#[pyfunction]
fn padding_tags<'py>(py: Python<'py>, secret: &[u8], epoch: u64, start: u64, count: u64) -> Bound<'py, PyBytes> {
    let key = EpochKey::new(secret, epoch);
    let tags: Vec<Fr> = (start..start + count).map(|i| key.padding_tag(i)).collect();
    PyBytes::new(py, &fr_vec_to_le(&tags))
}

#[pyfunction]
fn account_tag(account_id: &str, salt: BigUint) -> PyResult<BigUint> {
    Ok(big(&tag(account_id.as_bytes(), fr(&salt, "salt")?).map_err(PyValueError::new_err)?))
}

#[pyfunction]
fn book_digest_step(d: BigUint, root: BigUint, commitment: BigUint) -> PyResult<BigUint> {
    Ok(big(&digest_step(fr(&d, "d")?, fr(&root, "root")?, fr(&commitment, "commitment")?)))
}

#[pyfunction]
fn book_empty_root() -> BigUint {
    big(&empty_root())
}

/// Node blinds of the top tree (scope `u32::MAX`), level by level from the bottom.
#[pyfunction]
fn top_node_blinds(secret: &[u8], epoch: u64, arities: Vec<usize>, slots: usize) -> Vec<BigUint> {
    let key = EpochKey::new(secret, epoch);
    let mut out = vec![];
    let mut n = slots;
    for (l, a) in arities.iter().enumerate() {
        n /= a;
        out.extend((0..n).map(|i| big(&key.node_blind(u32::MAX, (l + 1) as u8, i as u32))));
    }
    out
}

/// Every batch tree of a book.
#[pyclass(name = "BookTree", module = "solvent._native", frozen)]
pub struct PyBookTree {
    batches: Vec<BatchTree>,
}

impl PyBookTree {
    fn batch(&self, i: usize) -> PyResult<&BatchTree> {
        self.batches.get(i).ok_or_else(|| PyIndexError::new_err(format!("no batch {i}")))
    }
}

#[pymethods]
impl PyBookTree {
    /// Build from leaves in tag order: `tags` and `positions` 32-byte LE field elements,
    /// `equity` / `debt` 16-byte LE integers, row-major `[leaf][asset]` (`debt=None`: zeros).
    #[staticmethod]
    #[pyo3(signature = (secret, epoch, range_bits, n_assets, batch_size, tags, equity, debt=None, positions=None, extras=None, n_extras=0))]
    #[allow(clippy::too_many_arguments)]
    fn build(
        py: Python<'_>,
        secret: &[u8],
        epoch: u64,
        range_bits: u32,
        n_assets: usize,
        batch_size: usize,
        tags: &[u8],
        equity: &[u8],
        debt: Option<&[u8]>,
        positions: Option<&[u8]>,
        extras: Option<&[u8]>,
        n_extras: usize,
    ) -> PyResult<Self> {
        let shape = Shape { range_bits, n_assets, batch_size };
        let tags = fr_vec_from_le(tags).map_err(|e| PyValueError::new_err(format!("tags: {e}")))?;
        let n = tags.len();
        let equity = u128s(equity, "equity")?;
        let debt = match debt {
            Some(d) => u128s(d, "debt")?,
            None => vec![0u128; n * n_assets],
        };
        let positions = match positions {
            Some(p) => fr_vec_from_le(p).map_err(|e| PyValueError::new_err(format!("positions: {e}")))?,
            None => vec![Fr::zero(); n],
        };
        let extras = match extras {
            Some(e) => fr_vec_from_le(e).map_err(|e| PyValueError::new_err(format!("extras: {e}")))?,
            None => vec![],
        };
        if extras.len() != n * n_extras {
            return Err(PyValueError::new_err("extras must hold n_extras values per leaf"));
        }
        if equity.len() != n * n_assets || debt.len() != n * n_assets || positions.len() != n {
            return Err(PyValueError::new_err("tags, equity, debt and positions disagree on the number of leaves"));
        }
        let key = EpochKey::new(secret, epoch);
        let batches = py
            .detach(|| {
                let accounts: Vec<Account> = (0..n)
                    .map(|i| Account {
                        tag: tags[i],
                        equity: &equity[i * n_assets..(i + 1) * n_assets],
                        debt: &debt[i * n_assets..(i + 1) * n_assets],
                        positions: positions[i],
                        extras: &extras[i * n_extras..(i + 1) * n_extras],
                    })
                    .collect();
                build_book(&shape, &key, &accounts)
            })
            .map_err(PyValueError::new_err)?;
        Ok(PyBookTree { batches })
    }

    #[getter]
    fn num_batches(&self) -> usize {
        self.batches.len()
    }
    fn root(&self, batch: usize) -> PyResult<BigUint> {
        Ok(big(&self.batch(batch)?.root()))
    }
    fn lanes(&self, batch: usize) -> PyResult<Vec<BigUint>> {
        Ok(self.batch(batch)?.lanes.iter().map(big).collect())
    }
    fn boundary_tags(&self, batch: usize) -> PyResult<(BigUint, BigUint)> {
        let b = self.batch(batch)?;
        Ok((big(&b.first_tag), big(&b.last_tag)))
    }
    fn batch_blind(&self, batch: usize) -> PyResult<BigUint> {
        Ok(big(&self.batch(batch)?.batch_blind))
    }
    /// Node blinds, level by level from the bottom, as the batch circuit takes them.
    fn node_blinds(&self, batch: usize) -> PyResult<Vec<BigUint>> {
        Ok(self.batch(batch)?.blinds.iter().flatten().map(big).collect())
    }
    fn commitment(&self, batch: usize, context: BigUint) -> PyResult<BigUint> {
        Ok(big(&batch_commitment(fr(&context, "context")?, self.batch(batch)?)))
    }
    /// Node hashes per level (level 0 = leaves), each level 32-byte LE concatenated.
    fn level_hashes<'py>(&self, py: Python<'py>, batch: usize) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        Ok(self.batch(batch)?.levels.iter().map(|l| PyBytes::new(py, &fr_vec_to_le(l))).collect())
    }
    /// Sum commitments per internal level (level 1 first).
    fn level_commitments<'py>(&self, py: Python<'py>, batch: usize) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        Ok(self.batch(batch)?.commitments.iter().map(|l| PyBytes::new(py, &fr_vec_to_le(l))).collect())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBookTree>()?;
    m.add_function(wrap_pyfunction!(account_tags, m)?)?;
    m.add_function(wrap_pyfunction!(padding_tags, m)?)?;
    m.add_function(wrap_pyfunction!(account_tag, m)?)?;
    m.add_function(wrap_pyfunction!(book_digest_step, m)?)?;
    m.add_function(wrap_pyfunction!(book_empty_root, m)?)?;
    m.add_function(wrap_pyfunction!(top_node_blinds, m)?)?;
    Ok(())
}
