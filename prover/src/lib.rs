//! solvent's native proving core, with no Python in it.
//!
//! One module per concern, in the manner of ark-groth16: the circuit IR (`ir`) and its
//! R1CS lowering (`r1cs`), the witness solver (`solver`), a compiled circuit with its
//! identity (`circuit`), Groth16 setup / prove / verify and their file formats
//! (`groth16`), Poseidon (`poseidon`), the committed account book (`book`), circom /
//! snarkjs interoperability (`interop`) and the phase-2 trusted-setup ceremony
//! (`ceremony`). Every fallible function returns [`error::Result`]. The Python module
//! `solvent._native` is a separate crate (`prover/python`) that only converts values and
//! releases the GIL.

#![deny(missing_docs)]
// The one exception is `groth16::clock::cpu_seconds` (a `getrusage` call), allowed there.
#![deny(unsafe_code)]

pub mod book;
pub mod ceremony;
pub mod circuit;
pub mod error;
pub mod field;
pub mod groth16;
pub mod interop;
pub mod ir;
pub mod ir_writer;
pub mod pool;
pub mod poseidon;
pub mod r1cs;
pub mod solver;

pub use error::{Error, Result, Site};
