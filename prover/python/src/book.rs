//! The book: the native store (validated rows, flat balances), the layout (tags, order,
//! trees) built from it, and small hashing helpers of the book's formulas.

use crate::convert::{to_big, to_bigs, to_fr, to_u128};
use crate::errors::Result;
use num_bigint::BigUint;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use solvent_prover::book::derive::{tag, EpochKey};
use solvent_prover::book::layout::{lay_out, Layout, RiskLeaves};
use solvent_prover::book::store::Store;
use solvent_prover::book::tree::{batch_commitment, digest_step, empty_root, BatchTree, Shape};
use solvent_prover::field::{fr_vec_from_le, fr_vec_to_le};
use solvent_prover::Error;

/// `items[i]`, or `IndexOutOfRange` naming `what`.
fn nth<'a, T>(items: &'a [T], i: usize, what: &str) -> Result<&'a T> {
    Ok(items.get(i).ok_or_else(|| Error::Index(format!("no {what} {i}")))?)
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
    fn add_rows(
        &mut self,
        py: Python<'_>,
        first_row: u64,
        accounts: Vec<String>,
        assets: Vec<String>,
        balances: Vec<String>,
        debts: Option<Vec<String>>,
    ) -> Result<()> {
        let store = &mut self.store;
        Ok(py.detach(|| store.add_rows(first_row, &accounts, &assets, &balances, debts.as_deref()))?)
    }

    /// Add (or complete) an account programmatically: balances in smallest units.
    #[pyo3(signature = (account_id, equity, debt=None))]
    fn add_account(&mut self, account_id: &str, equity: Vec<BigUint>, debt: Option<Vec<BigUint>>) -> Result<usize> {
        let equity = equity.iter().map(|v| to_u128(v, "equity")).collect::<Result<Vec<_>>>()?;
        let debt = debt.map(|d| d.iter().map(|v| to_u128(v, "debt")).collect::<Result<Vec<_>>>()).transpose()?;
        Ok(self.store.set_account(account_id, &equity, debt.as_deref())?)
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
    fn id(&self, i: usize) -> Result<String> {
        Ok(nth(&self.store.ids, i, "account")?.clone())
    }
    fn ids(&self, start: usize, end: usize) -> Vec<String> {
        let n = self.store.len();
        self.store.ids[start.min(n)..end.min(n).max(start.min(n))].to_vec()
    }
    fn equity_row(&self, i: usize) -> Result<Vec<u128>> {
        nth(&self.store.ids, i, "account")?;
        let n = self.store.n_assets;
        Ok(self.store.equity[i * n..(i + 1) * n].to_vec())
    }
    fn debt_row(&self, i: usize) -> Result<Vec<u128>> {
        nth(&self.store.ids, i, "account")?;
        let n = self.store.n_assets;
        Ok(self.store.debt[i * n..(i + 1) * n].to_vec())
    }
    fn totals(&self) -> (Vec<u128>, Vec<u128>) {
        self.store.totals()
    }
    /// Bits of the largest amount (equity or debt) in the book.
    fn max_bits(&self) -> u32 {
        self.store.max_bits()
    }
    /// The first `(account index, asset index, is_debt)` whose amount is at or above
    /// `2^widths[asset]`, or None when every amount fits its asset's width.
    fn first_too_wide(&self, widths: Vec<u32>) -> Result<Option<(usize, usize, bool)>> {
        Ok(self.store.first_too_wide(&widths)?)
    }
    #[getter]
    fn range_bits(&self) -> u32 {
        self.store.range_bits
    }
    /// Narrow the range width once the book is loaded (every amount must fit).
    fn set_range_bits(&mut self, bits: u32) -> Result<()> {
        Ok(self.store.set_range_bits(bits)?)
    }
}

/// The committed layout of a book: tags, order (by order key) and every batch's tree.
#[pyclass(name = "Layout", module = "solvent._native", frozen)]
pub struct PyLayout {
    layout: Layout,
}

impl PyLayout {
    fn batch(&self, i: usize) -> Result<&BatchTree> {
        nth(&self.layout.batches, i, "batch")
    }
}

#[pymethods]
impl PyLayout {
    /// Lay out `store` in `n_batches` batches. With risk statements, `positions` (one
    /// 32-byte LE field element per account), `padding_positions`, `extras` (`n_extras`
    /// elements per account) and `covered` (one byte per account: 1 when its collateral
    /// covers its debt, which then nets) join the leaves. `with_debt`: the circuits' shape
    /// (leaves without debt have no debt inputs).
    #[staticmethod]
    #[pyo3(signature = (store, batch_size, n_batches, secret, epoch, with_debt, positions=None, padding_positions=None, extras=None, n_extras=0, covered=None))]
    #[allow(clippy::too_many_arguments)]
    fn build(
        py: Python<'_>,
        store: &PyBookStore,
        batch_size: usize,
        n_batches: usize,
        secret: &[u8],
        epoch: u64,
        with_debt: bool,
        positions: Option<&[u8]>,
        padding_positions: Option<BigUint>,
        extras: Option<&[u8]>,
        n_extras: usize,
        covered: Option<&[u8]>,
    ) -> Result<Self> {
        let s = &store.store;
        let shape = Shape { range_bits: s.range_bits, n_assets: s.n_assets, batch_size, with_debt };
        let positions = positions.map(fr_vec_from_le).transpose()?;
        let extras = extras.map(fr_vec_from_le).transpose()?;
        let padding = padding_positions.as_ref().map(|p| to_fr(p, "padding_positions")).transpose()?;
        let risk = RiskLeaves::new(s.len(), positions.as_deref(), padding, extras.as_deref(), n_extras, covered)?;
        let layout = py.detach(|| lay_out(s, &shape, n_batches, secret, epoch, risk))?;
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
    fn tag(&self, k: usize) -> Result<BigUint> {
        Ok(to_big(nth(&self.layout.tags, k, "leaf")?))
    }
    fn order(&self, k: usize) -> Result<i64> {
        Ok(*nth(&self.layout.order, k, "leaf")?)
    }
    fn leaf_of(&self, i: usize) -> Result<u32> {
        Ok(*nth(&self.layout.leaf_of, i, "account")?)
    }
    fn salt(&self, i: usize) -> Result<BigUint> {
        Ok(to_big(nth(&self.layout.salts, i, "account")?))
    }
    /// Leaf → account (or -1) for leaves `start .. end`.
    fn orders(&self, start: usize, end: usize) -> Vec<i64> {
        let n = self.layout.order.len();
        self.layout.order[start.min(n)..end.min(n).max(start.min(n))].to_vec()
    }
    fn root(&self, batch: usize) -> Result<BigUint> {
        Ok(to_big(&self.batch(batch)?.root()))
    }
    fn lanes(&self, batch: usize) -> Result<Vec<BigUint>> {
        Ok(to_bigs(&self.batch(batch)?.lanes))
    }
    /// Order keys of the batch's first and last leaves.
    fn boundary_keys(&self, batch: usize) -> Result<(BigUint, BigUint)> {
        let b = self.batch(batch)?;
        Ok((to_big(&b.first_key), to_big(&b.last_key)))
    }
    fn batch_blind(&self, batch: usize) -> Result<BigUint> {
        Ok(to_big(&self.batch(batch)?.batch_blind))
    }
    /// Node blinds, level by level from the bottom, as the batch circuit takes them.
    fn node_blinds(&self, batch: usize) -> Result<Vec<BigUint>> {
        Ok(self.batch(batch)?.blinds.iter().flatten().map(to_big).collect())
    }
    fn commitment(&self, batch: usize, context: BigUint) -> Result<BigUint> {
        Ok(to_big(&batch_commitment(to_fr(&context, "context")?, self.batch(batch)?)))
    }
    /// Node hashes per level (level 0 = leaves), each level 32-byte LE concatenated.
    fn level_hashes<'py>(&self, py: Python<'py>, batch: usize) -> Result<Vec<Bound<'py, PyBytes>>> {
        Ok(self.batch(batch)?.levels.iter().map(|l| PyBytes::new(py, &fr_vec_to_le(l))).collect())
    }
    /// Sum commitments per internal level (level 1 first).
    fn level_commitments<'py>(&self, py: Python<'py>, batch: usize) -> Result<Vec<Bound<'py, PyBytes>>> {
        Ok(self.batch(batch)?.commitments.iter().map(|l| PyBytes::new(py, &fr_vec_to_le(l))).collect())
    }
}

#[pyfunction]
fn account_tag(account_id: &str, salt: BigUint) -> Result<BigUint> {
    Ok(to_big(&tag(account_id.as_bytes(), to_fr(&salt, "salt")?)?))
}

#[pyfunction]
fn book_digest_step(d: BigUint, root: BigUint, commitment: BigUint) -> Result<BigUint> {
    Ok(to_big(&digest_step(to_fr(&d, "d")?, to_fr(&root, "root")?, to_fr(&commitment, "commitment")?)))
}

#[pyfunction]
fn book_empty_root() -> BigUint {
    to_big(&empty_root())
}

/// Node blinds of the top tree (scope `u32::MAX`), level by level from the bottom.
#[pyfunction]
fn top_node_blinds(secret: &[u8], epoch: u64, arities: Vec<usize>, slots: usize) -> Result<Vec<BigUint>> {
    Ok(to_bigs(&EpochKey::new(secret, epoch).top_node_blinds(&arities, slots)?))
}

/// Adds this module's classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBookStore>()?;
    m.add_class::<PyLayout>()?;
    for f in [
        wrap_pyfunction!(account_tag, m)?,
        wrap_pyfunction!(book_digest_step, m)?,
        wrap_pyfunction!(book_empty_root, m)?,
        wrap_pyfunction!(top_node_blinds, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
