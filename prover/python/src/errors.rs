//! The one place where the core's errors become Python exceptions.
//!
//! Every class derives from `NativeError` (itself an `Exception`) and from the builtin
//! class Python callers caught before the hierarchy existed (`ValueError` for bad input
//! and files, `IndexError` for an index, `RuntimeError` for the prover), so `except
//! NativeError` catches everything the native module raises on purpose while older
//! `except ValueError` clauses keep working. The classes are made with `type()` at
//! first use because PyO3's `create_exception!` takes a single base.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use solvent_prover::Error;

/// The exception classes, in the order of `CLASSES`.
#[derive(Clone, Copy)]
enum Class {
    Ir,
    Witness,
    Unsatisfied,
    KeyFile,
    Format,
    Interop,
    Ceremony,
    BookRow,
    Argument,
    Index,
    Prover,
}

/// `(name, builtin base, docstring)` of each class, indexed by `Class`.
const CLASSES: [(&str, &str, &str); 11] = [
    ("IrError", "ValueError", "The circuit IR is malformed."),
    ("WitnessError", "ValueError", "The witness solver refused the inputs (the message names the op and its label)."),
    (
        "UnsatisfiedError",
        "ValueError",
        "A witness does not satisfy the circuit (the message names the constraint and op).",
    ),
    ("KeyFileError", "ValueError", "A proving-key file is unreadable, corrupt, or for another circuit or transcript."),
    ("FormatError", "ValueError", "A proof or verifying key (snarkjs JSON) is malformed."),
    ("InteropError", "ValueError", "A ptau, r1cs, wtns or zkey file is unreadable, malformed or does not fit."),
    ("CeremonyError", "ValueError", "A ceremony state or transcript is unreadable or does not verify."),
    ("BookRowError", "ValueError", "A row of the accounts file is invalid: args (row, field, message)."),
    ("ArgumentError", "ValueError", "A value passed to the native module is outside what it accepts."),
    ("IndexOutOfRange", "IndexError", "An account, leaf or batch index names nothing."),
    ("ProverError", "RuntimeError", "The prover or setup failed for a reason other than the witness."),
];

/// `NativeError`, then one class per `CLASSES` entry.
struct Classes {
    native: Py<PyType>,
    each: Vec<Py<PyType>>,
}

static TYPES: PyOnceLock<Classes> = PyOnceLock::new();

fn make_class<'py>(py: Python<'py>, name: &str, bases: Bound<'py, PyTuple>, doc: &str) -> PyResult<Py<PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "solvent._native")?;
    namespace.set_item("__doc__", doc)?;
    let class = py.import("builtins")?.getattr("type")?.call1((name, bases, namespace))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    TYPES.get_or_try_init(py, || {
        let builtins = py.import("builtins")?;
        let exception = builtins.getattr("Exception")?;
        let doc = "Base of every exception the native module raises on purpose.";
        let native = make_class(py, "NativeError", PyTuple::new(py, [exception])?, doc)?;
        let each = CLASSES
            .iter()
            .map(|(name, base, doc)| {
                let bases = PyTuple::new(py, [native.bind(py).clone().into_any(), builtins.getattr(*base)?])?;
                make_class(py, name, bases, doc)
            })
            .collect::<PyResult<_>>()?;
        Ok(Classes { native, each })
    })
}

fn class_of(e: &Error) -> Class {
    match e {
        Error::Ir(_) => Class::Ir,
        Error::Witness { .. } => Class::Witness,
        Error::Unsatisfied { .. } => Class::Unsatisfied,
        Error::KeyFile { .. } => Class::KeyFile,
        Error::Format(_) => Class::Format,
        Error::Interop(_) => Class::Interop,
        Error::Ceremony(_) => Class::Ceremony,
        Error::BookRow { .. } => Class::BookRow,
        Error::Invalid(_) => Class::Argument,
        Error::Index(_) => Class::Index,
        Error::Prover(_) => Class::Prover,
    }
}

/// The Python exception for a core error: its class, and the message (a book row's
/// error carries `(row, field, message)` for the caller to name the file).
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    let class = match classes(py) {
        Ok(c) => c.each[class_of(&e) as usize].bind(py).clone(),
        Err(failed) => return failed,
    };
    match e {
        Error::BookRow { row, field, message } => PyErr::from_type(class, (row, field, message)),
        e => PyErr::from_type(class, e.to_string()),
    }
}

/// Adds `NativeError` and every class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let c = classes(m.py())?;
    m.add("NativeError", c.native.bind(m.py()))?;
    for ((name, _, _), class) in CLASSES.iter().zip(&c.each) {
        m.add(*name, class.bind(m.py()))?;
    }
    Ok(())
}

/// What a binding can fail with: a core error (converted by `to_py`) or a Python error
/// met on the way (a conversion, an import).
pub enum Fail {
    /// From the core.
    Core(Error),
    /// From Python.
    Py(PyErr),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail::Core(e)
    }
}

impl From<PyErr> for Fail {
    fn from(e: PyErr) -> Self {
        Fail::Py(e)
    }
}

impl From<Fail> for PyErr {
    fn from(f: Fail) -> PyErr {
        match f {
            Fail::Py(e) => e,
            Fail::Core(e) => Python::attach(|py| to_py(py, e)),
        }
    }
}

/// The bindings' result: `?` takes core and Python errors alike.
pub type Result<T> = std::result::Result<T, Fail>;
