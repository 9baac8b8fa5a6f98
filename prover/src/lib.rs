//! solvent's native proving core.
//!
//! One module per concern, in the manner of ark-groth16: the circuit IR and its R1CS
//! lowering, the witness solver, Groth16 setup / prove / verify and their file formats,
//! Poseidon, and the Python bindings that expose a small set of entry points.

pub mod field;
pub mod poseidon;
pub mod ir;
pub mod r1cs;
pub mod solver;
pub mod groth16;
pub mod interop;
pub mod ceremony;
pub mod python;
pub mod book;
pub mod python_book;
pub mod python_ceremony;
