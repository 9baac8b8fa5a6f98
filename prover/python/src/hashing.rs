//! Poseidon and domain-separated hashing: `poseidon`, `hash_many`, `domain`, `encode_bytes`.

use crate::convert::{to_big, to_bigs, to_fr, to_frs};
use crate::errors::Result;
use num_bigint::BigUint;
use pyo3::prelude::*;
use solvent_prover::poseidon as hash;

#[pyfunction]
#[pyo3(signature = (inputs, init = BigUint::ZERO))]
fn poseidon(inputs: Vec<BigUint>, init: BigUint) -> Result<BigUint> {
    Ok(to_big(&hash::try_poseidon(&to_frs(&inputs, "inputs")?, to_fr(&init, "init")?)?))
}

#[pyfunction]
fn hash_many(label: &str, xs: Vec<BigUint>) -> Result<BigUint> {
    Ok(to_big(&hash::try_hash_many(label, &to_frs(&xs, "xs")?)?))
}

#[pyfunction]
fn domain(label: &str, n: usize) -> Result<BigUint> {
    Ok(to_big(&hash::try_domain(label, n)?))
}

#[pyfunction]
fn encode_bytes(data: &[u8]) -> Result<Vec<BigUint>> {
    Ok(to_bigs(&hash::encode_bytes(data)?))
}

/// Adds this module's functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for f in [
        wrap_pyfunction!(poseidon, m)?,
        wrap_pyfunction!(hash_many, m)?,
        wrap_pyfunction!(domain, m)?,
        wrap_pyfunction!(encode_bytes, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
