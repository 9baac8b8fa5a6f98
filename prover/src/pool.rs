//! Thread pools: how a caller bounds the parallelism of one call.

use crate::error::{Error, Result};

/// Runs `f` on a pool of `threads` workers, or on rayon's global pool when `threads` is
/// `None` or `Some(0)`.
pub fn with_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T> {
    match threads {
        None | Some(0) => Ok(f()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::Prover(format!("thread pool of {n} workers: {e}")))?;
            Ok(pool.install(f))
        }
    }
}
