//! The core's one error type.
//!
//! Every fallible function of the crate returns [`Result`]. A variant says *what kind of
//! thing* failed (the circuit IR, a witness, a proving-key file, an iden3 file, a ceremony
//! transcript, a row of the book, an argument); its message says *which one* and why,
//! naming the file, the row and field, or the op and its label. The Python bindings map
//! each variant to one Python exception class in one place, so the same failure always
//! surfaces as the same exception whichever entry point met it.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a solvent circuit something failed: an IR op, by index, name and label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// Index of the op in the IR.
    pub op: usize,
    /// The op's name (`MUL`, `BITS`, `POSEIDON`, …).
    pub name: &'static str,
    /// The label the circuit DSL gave the op.
    pub label: String,
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "op #{} {} '{}'", self.op, self.name, self.label)
    }
}

/// Why a native operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The circuit IR is malformed: truncated, bad magic, an index out of range, an
    /// unknown op, or a broken structural rule (docs/ir.md).
    Ir(String),
    /// The witness solver refused the inputs: their number, or an op that cannot be
    /// solved honestly (a value a range check cannot hold, a division by zero).
    Witness {
        /// The op that refused, when one did (not for a wrong input count).
        site: Option<Site>,
        /// What was wrong.
        reason: String,
    },
    /// An assignment does not satisfy a constraint.
    Unsatisfied {
        /// The lowest failing R1CS row.
        row: usize,
        /// The op that produced the row (solvent circuits; `None` for circom's).
        site: Option<Site>,
    },
    /// A proving-key file cannot be read or written, is corrupt, or is for another circuit.
    KeyFile {
        /// The key file, when the key came from one.
        path: Option<PathBuf>,
        /// What was wrong.
        reason: String,
    },
    /// A proof or verifying key in snarkjs JSON is malformed (not canonical, off the
    /// curve, outside the subgroup, a missing field).
    Format(String),
    /// A circom / snarkjs file (`.ptau`, `.r1cs`, `.wtns`, `.zkey`) is unreadable,
    /// malformed, or does not fit the circuit it is used with.
    Interop(String),
    /// A ceremony state file or transcript is unreadable or does not verify, or a
    /// ceremony step was refused.
    Ceremony(String),
    /// A row of the accounts file is invalid; the caller names the file.
    BookRow {
        /// Row number, as the caller numbered the rows it passed.
        row: u64,
        /// The column at fault, if one is.
        field: Option<&'static str>,
        /// What was wrong.
        message: String,
    },
    /// A value passed in is outside what the function accepts (a field element not
    /// below r, a count out of range, lengths that do not match).
    Invalid(String),
    /// An index (account, leaf, batch) names nothing.
    Index(String),
    /// The prover or setup failed for a reason other than the witness.
    Prover(String),
}

/// `std::result::Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Ir(m) | Error::Format(m) | Error::Interop(m) | Error::Ceremony(m) => f.write_str(m),
            Error::Invalid(m) | Error::Index(m) | Error::Prover(m) => f.write_str(m),
            Error::Witness { site: Some(s), reason } => write!(f, "{reason} ({s})"),
            Error::Witness { site: None, reason } => f.write_str(reason),
            Error::Unsatisfied { row, site: Some(s) } => write!(f, "constraint {row} ({s}) is not satisfied"),
            Error::Unsatisfied { row, site: None } => write!(f, "the witness does not satisfy constraint {row}"),
            Error::KeyFile { path: Some(p), reason } => write!(f, "{}: {reason}", p.display()),
            Error::KeyFile { path: None, reason } => f.write_str(reason),
            Error::BookRow { row, field: Some(field), message } => write!(f, "row {row}, {field}: {message}"),
            Error::BookRow { row, field: None, message } => write!(f, "row {row}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// A key-file failure of the file at `path`.
    pub fn key_file(path: &Path, reason: impl Into<String>) -> Error {
        Error::KeyFile { path: Some(path.to_path_buf()), reason: reason.into() }
    }

    /// The same error with `context: ` in front of its message (a file name, an account
    /// id), keeping its kind. Structured variants keep their fields.
    pub fn context(self, context: impl fmt::Display) -> Error {
        let pre = |m: String| format!("{context}: {m}");
        match self {
            Error::Ir(m) => Error::Ir(pre(m)),
            Error::Format(m) => Error::Format(pre(m)),
            Error::Interop(m) => Error::Interop(pre(m)),
            Error::Ceremony(m) => Error::Ceremony(pre(m)),
            Error::Invalid(m) => Error::Invalid(pre(m)),
            Error::Index(m) => Error::Index(pre(m)),
            Error::Prover(m) => Error::Prover(pre(m)),
            Error::Witness { site, reason } => Error::Witness { site, reason: pre(reason) },
            Error::KeyFile { path, reason } => Error::KeyFile { path, reason: pre(reason) },
            Error::BookRow { row, field, message } => Error::BookRow { row, field, message: pre(message) },
            e @ Error::Unsatisfied { .. } => e,
        }
    }
}

/// An I/O failure on `path`, as the message of an error of kind `kind`: what file-format
/// readers and writers put behind `map_err`.
pub fn io(kind: fn(String) -> Error, path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| kind(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_failed() {
        let site = Site { op: 3, name: "BITS", label: "range".into() };
        let e = Error::Witness { site: Some(site.clone()), reason: "value does not fit in 64 bits".into() };
        assert_eq!(e.to_string(), "value does not fit in 64 bits (op #3 BITS 'range')");
        let e = Error::Unsatisfied { row: 7, site: Some(site) };
        assert_eq!(e.to_string(), "constraint 7 (op #3 BITS 'range') is not satisfied");
        assert_eq!(Error::Unsatisfied { row: 7, site: None }.to_string(), "the witness does not satisfy constraint 7");
        let e = Error::key_file(Path::new("k.pk"), "checksum mismatch");
        assert_eq!(e.to_string(), "k.pk: checksum mismatch");
        let e = Error::BookRow { row: 4, field: Some("asset"), message: "unknown asset 'X'".into() };
        assert_eq!(e.to_string(), "row 4, asset: unknown asset 'X'");
    }

    #[test]
    fn context_keeps_the_kind() {
        assert_eq!(Error::Interop("truncated".into()).context("a.zkey"), Error::Interop("a.zkey: truncated".into()));
        let e = Error::key_file(Path::new("k.pk"), "bad").context("loading");
        assert_eq!(e.to_string(), "k.pk: loading: bad");
        let e = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        assert_eq!(io(Error::Ceremony, Path::new("s.ph2"))(e), Error::Ceremony("s.ph2: gone".into()));
    }
}
