//! `solvent._native`: the Python bindings of the proving core (`solvent-prover`).
//!
//! Bindings only convert values (Python ints ↔ field elements, paths, JSON), release
//! the GIL around the core's work and raise the core's errors as Python exceptions
//! (`errors`, the one place that maps them). Stubs: pysrc/solvent/_native.pyi.

#![forbid(unsafe_code)]

mod book;
mod ceremony;
mod circuit;
mod convert;
mod errors;
mod hashing;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    circuit::register(m)?;
    hashing::register(m)?;
    book::register(m)?;
    ceremony::register(m)?;
    Ok(())
}
