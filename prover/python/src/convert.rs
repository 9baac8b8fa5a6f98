//! Values across the boundary: Python ints ↔ field elements and u128 amounts, JSON →
//! Python objects, and running core work without the GIL on a bounded pool.

use crate::errors::Result;
use num_bigint::BigUint;
use pyo3::prelude::*;
use solvent_prover::field::{fr_from_biguint, fr_to_biguint, Fr};
use solvent_prover::{pool, Error};

/// A Python int (below r) as a scalar.
pub fn to_fr(x: &BigUint, what: &str) -> Result<Fr> {
    Ok(fr_from_biguint(x, what)?)
}

/// Python ints as scalars, naming the first bad index.
pub fn to_frs(xs: &[BigUint], what: &str) -> Result<Vec<Fr>> {
    let frs: std::result::Result<Vec<Fr>, Error> =
        xs.iter().enumerate().map(|(i, x)| fr_from_biguint(x, &format!("{what}[{i}]"))).collect();
    Ok(frs?)
}

/// A scalar as a Python int.
pub fn to_big(x: &Fr) -> BigUint {
    fr_to_biguint(x)
}

/// Scalars as Python ints.
pub fn to_bigs(xs: &[Fr]) -> Vec<BigUint> {
    xs.iter().map(fr_to_biguint).collect()
}

/// A Python int of at most 128 bits as a u128 (the core checks the range width).
pub fn to_u128(x: &BigUint, what: &str) -> Result<u128> {
    if x.bits() > 128 {
        return Err(Error::Invalid(format!("{what}: {x} does not fit in 128 bits")).into());
    }
    Ok(x.iter_u64_digits().rev().fold(0u128, |acc, d| (acc << 64) | d as u128))
}

/// A JSON value as a Python object, through the json module (the values are small).
pub fn json_to_py(py: Python<'_>, v: &serde_json::Value) -> Result<Py<PyAny>> {
    Ok(py.import("json")?.call_method1("loads", (v.to_string(),))?.unbind())
}

/// `f` without the GIL, on `threads` workers (or rayon's global pool).
pub fn detached<T: Send>(py: Python<'_>, threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T> {
    Ok(py.detach(|| pool::with_threads(threads, f))?)
}
