//! Python bindings for the book: the native store (validated rows, flat balances), the
//! layout (tags, order, trees) built from it, and small hashing helpers.

use crate::book::derive::{tag, EpochKey};
use crate::book::layout::{lay_out, Layout, RiskLeaves};
use crate::book::store::{RowError, Store};
use crate::book::tree::{batch_commitment, digest_step, empty_root, BatchTree, Shape};
use crate::field::{fr_vec_from_le, fr_vec_to_le};
use crate::python::{to_big, to_fr};
use num_bigint::BigUint;
use pyo3::create_exception;
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

create_exception!(_native, BookRowError, PyValueError, "A row of the accounts file is invalid: args (row, field, message).");

fn row_error(e: RowError) -> PyErr {
    BookRowError::new_err((e.row, e.field, e.message))
}

fn u128_of(x: &BigUint, bits: u32, what: &str) -> PyResult<u128> {
    if x.bits() > bits as u64 {
        return Err(PyValueError::new_err(format!("{what}: {x} does not fit in {bits} bits")));
    }
    Ok(x.iter_u64_digits().rev().fold(0u128, |acc, d| (acc << 64) | d as u128))
}

/// The account book, natively.
#[pyclass(name = "BookStore", module = "solvent._native")]
pub struct PyBookStore {
    store: Store,
}

#[pymethods]
impl PyBookStore {
    #[new]
    fn new(symbols: Vec<String>, decimals: Vec<u32>, range_bits: u32) -> Self {
        PyBookStore { store: Store::new(symbols, decimals, range_bits) }
    }

    /// Validate and add rows numbered from `first_row`; a bad row raises
    /// `BookRowError(row, field, message)`.
    #[pyo3(signature = (first_row, accounts, assets, balances, debts=None))]
    fn add_rows(&mut self, py: Python<'_>, first_row: u64, accounts: Vec<String>, assets: Vec<String>,
                balances: Vec<String>, debts: Option<Vec<String>>) -> PyResult<()> {
        let store = &mut self.store;
        py.detach(|| store.add_rows(first_row, &accounts, &assets, &balances, debts.as_deref())).map_err(row_error)
    }

    /// Add (or complete) an account programmatically: balances in smallest units.
    #[pyo3(signature = (account_id, equity, debt=None))]
    fn add_account(&mut self, account_id: &str, equity: Vec<BigUint>, debt: Option<Vec<BigUint>>) -> PyResult<usize> {
        Store::check_id(account_id, 0).map_err(|e| PyValueError::new_err(e.message))?;
        let n = self.store.n_assets;
        if equity.len() != n || debt.as_ref().is_some_and(|d| d.len() != n) {
            return Err(PyValueError::new_err(format!("expected {n} balances")));
        }
        let bits = self.store.range_bits;
        let i = self.store.account(account_id);
        for (a, v) in equity.iter().enumerate() {
            self.store.equity[i * n + a] = u128_of(v, bits, "equity")?;
        }
        if let Some(d) = debt {
            for (a, v) in d.iter().enumerate() {
                self.store.debt[i * n + a] = u128_of(v, bits, "debt")?;
            }
        }
        Ok(i)
    }

    /// Record whether the book has a debt column (a book read without one has no debt).
    fn set_debt(&mut self, present: bool) {
        self.store.with_debt = Some(present);
    }
    #[getter]
    fn has_debt(&self) -> bool {
        self.store.with_debt.unwrap_or(false)
    }
    fn finish(&mut self) {
        self.store.finish();
    }
    fn index_of(&self, account_id: &str) -> Option<usize> {
        self.store.index_of(account_id)
    }
    fn __len__(&self) -> usize {
        self.store.len()
    }
    fn id(&self, i: usize) -> PyResult<String> {
        self.store.ids.get(i).cloned().ok_or_else(|| PyIndexError::new_err(format!("no account {i}")))
    }
    fn ids(&self, start: usize, end: usize) -> Vec<String> {
        self.store.ids[start.min(self.store.len())..end.min(self.store.len())].to_vec()
    }
    fn equity_row(&self, i: usize) -> PyResult<Vec<u128>> {
        let n = self.store.n_assets;
        self.store.equity.get(i * n..(i + 1) * n).map(<[u128]>::to_vec).ok_or_else(|| PyIndexError::new_err(format!("no account {i}")))
    }
    fn debt_row(&self, i: usize) -> PyResult<Vec<u128>> {
        let n = self.store.n_assets;
        self.store.debt.get(i * n..(i + 1) * n).map(<[u128]>::to_vec).ok_or_else(|| PyIndexError::new_err(format!("no account {i}")))
    }
    fn totals(&self) -> (Vec<u128>, Vec<u128>) {
        self.store.totals()
    }
    /// Bits of the largest amount (equity or debt) in the book.
    fn max_bits(&self) -> u32 {
        self.store.max_bits()
    }
    #[getter]
    fn range_bits(&self) -> u32 {
        self.store.range_bits
    }
    /// Narrow the range width once the book is loaded (every amount must fit).
    fn set_range_bits(&mut self, bits: u32) -> PyResult<()> {
        self.store.set_range_bits(bits).map_err(PyValueError::new_err)
    }
}

/// The committed layout of a book: tags, order and every batch's tree.
#[pyclass(name = "Layout", module = "solvent._native", frozen)]
pub struct PyLayout {
    layout: Layout,
}

impl PyLayout {
    fn batch(&self, i: usize) -> PyResult<&BatchTree> {
        self.layout.batches.get(i).ok_or_else(|| PyIndexError::new_err(format!("no batch {i}")))
    }
}

#[pymethods]
impl PyLayout {
    /// Lay out `store` in `n_batches` batches. With risk statements, `positions` (one
    /// 32-byte LE field element per account), `padding_positions`, `extras` (`n_extras`
    /// elements per account) and `covered` (one byte per account: 1 when its collateral
    /// covers its debt, which then nets) join the leaves.
    #[staticmethod]
    #[pyo3(signature = (store, batch_size, n_batches, secret, epoch, positions=None, padding_positions=None, extras=None, n_extras=0, covered=None))]
    #[allow(clippy::too_many_arguments)]
    fn build(py: Python<'_>, store: &PyBookStore, batch_size: usize, n_batches: usize, secret: &[u8], epoch: u64,
             positions: Option<&[u8]>, padding_positions: Option<BigUint>, extras: Option<&[u8]>,
             n_extras: usize, covered: Option<&[u8]>) -> PyResult<Self> {
        let s = &store.store;
        let shape = Shape { range_bits: s.range_bits, n_assets: s.n_assets, batch_size };
        let positions = positions.map(fr_vec_from_le).transpose().map_err(PyValueError::new_err)?;
        let extras = extras.map(fr_vec_from_le).transpose().map_err(PyValueError::new_err)?;
        let padding = padding_positions.as_ref().map(|p| to_fr(p, "padding_positions")).transpose()?;
        let risk = match (&positions, &extras, covered) {
            (Some(p), Some(e), Some(c)) if p.len() == s.len() && e.len() == s.len() * n_extras && c.len() == s.len() => {
                Some(RiskLeaves { positions: p, padding_positions: padding.unwrap_or_default(), extras: e, n_extras, covered: c })
            }
            (None, None, None) => None,
            _ => return Err(PyValueError::new_err("positions, extras and covered must all be given, one per account")),
        };
        let layout = py.detach(|| lay_out(s, &shape, n_batches, secret, epoch, risk)).map_err(PyValueError::new_err)?;
        Ok(PyLayout { layout })
    }

    #[getter]
    fn num_batches(&self) -> usize {
        self.layout.batches.len()
    }
    #[getter]
    fn num_leaves(&self) -> usize {
        self.layout.tags.len()
    }
    #[getter]
    fn num_accounts(&self) -> usize {
        self.layout.salts.len()
    }
    fn tag(&self, k: usize) -> PyResult<BigUint> {
        self.layout.tags.get(k).map(to_big).ok_or_else(|| PyIndexError::new_err(format!("no leaf {k}")))
    }
    fn order(&self, k: usize) -> PyResult<i64> {
        self.layout.order.get(k).copied().ok_or_else(|| PyIndexError::new_err(format!("no leaf {k}")))
    }
    fn leaf_of(&self, i: usize) -> PyResult<u32> {
        self.layout.leaf_of.get(i).copied().ok_or_else(|| PyIndexError::new_err(format!("no account {i}")))
    }
    fn salt(&self, i: usize) -> PyResult<BigUint> {
        self.layout.salts.get(i).map(to_big).ok_or_else(|| PyIndexError::new_err(format!("no account {i}")))
    }
    /// Leaf → account (or -1) for leaves `start .. end`.
    fn orders(&self, start: usize, end: usize) -> Vec<i64> {
        self.layout.order[start..end.min(self.layout.order.len())].to_vec()
    }
    fn root(&self, batch: usize) -> PyResult<BigUint> {
        Ok(to_big(&self.batch(batch)?.root()))
    }
    fn lanes(&self, batch: usize) -> PyResult<Vec<BigUint>> {
        Ok(self.batch(batch)?.lanes.iter().map(to_big).collect())
    }
    fn boundary_tags(&self, batch: usize) -> PyResult<(BigUint, BigUint)> {
        let b = self.batch(batch)?;
        Ok((to_big(&b.first_tag), to_big(&b.last_tag)))
    }
    fn batch_blind(&self, batch: usize) -> PyResult<BigUint> {
        Ok(to_big(&self.batch(batch)?.batch_blind))
    }
    /// Node blinds, level by level from the bottom, as the batch circuit takes them.
    fn node_blinds(&self, batch: usize) -> PyResult<Vec<BigUint>> {
        Ok(self.batch(batch)?.blinds.iter().flatten().map(to_big).collect())
    }
    fn commitment(&self, batch: usize, context: BigUint) -> PyResult<BigUint> {
        Ok(to_big(&batch_commitment(to_fr(&context, "context")?, self.batch(batch)?)))
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

#[pyfunction]
fn account_tag(account_id: &str, salt: BigUint) -> PyResult<BigUint> {
    Ok(to_big(&tag(account_id.as_bytes(), to_fr(&salt, "salt")?).map_err(PyValueError::new_err)?))
}

#[pyfunction]
fn book_digest_step(d: BigUint, root: BigUint, commitment: BigUint) -> PyResult<BigUint> {
    Ok(to_big(&digest_step(to_fr(&d, "d")?, to_fr(&root, "root")?, to_fr(&commitment, "commitment")?)))
}

#[pyfunction]
fn book_empty_root() -> BigUint {
    to_big(&empty_root())
}

/// Node blinds of the top tree (scope `u32::MAX`), level by level from the bottom.
#[pyfunction]
fn top_node_blinds(secret: &[u8], epoch: u64, arities: Vec<usize>, slots: usize) -> Vec<BigUint> {
    let key = EpochKey::new(secret, epoch);
    let mut out = vec![];
    let mut n = slots;
    for (l, a) in arities.iter().enumerate() {
        n /= a;
        out.extend((0..n).map(|i| to_big(&key.node_blind(u32::MAX, (l + 1) as u8, i as u32))));
    }
    out
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBookStore>()?;
    m.add_class::<PyLayout>()?;
    m.add_function(wrap_pyfunction!(account_tag, m)?)?;
    m.add_function(wrap_pyfunction!(book_digest_step, m)?)?;
    m.add_function(wrap_pyfunction!(book_empty_root, m)?)?;
    m.add_function(wrap_pyfunction!(top_node_blinds, m)?)?;
    m.add("BookRowError", m.py().get_type::<BookRowError>())?;
    Ok(())
}
