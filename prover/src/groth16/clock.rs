//! Wall and CPU time of a prover phase. CPU time (user + system, all threads of the
//! process, from `getrusage`) is what a phase costs in core-seconds, and it is far less
//! disturbed than wall time when other work shares the machine's cores.

use std::time::Instant;

/// CPU seconds this process has used so far, over all its threads.
///
/// The crate's only `unsafe`: the standard library has no process CPU clock, and this
/// one libc call is cheaper to audit than a dependency that would wrap it.
#[allow(unsafe_code)]
pub fn cpu_seconds() -> f64 {
    // SAFETY: `rusage` is a plain C struct of integers, for which all-zero bytes are a
    // valid value.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `getrusage` writes only into the struct it is given, which is live and
    // exclusively borrowed for the call; RUSAGE_SELF is a valid `who`.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return 0.0;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// A start mark: `elapsed()` is `(wall seconds, CPU seconds)` since.
#[derive(Clone, Copy)]
pub struct Clock {
    wall: Instant,
    cpu: f64,
}

impl Clock {
    /// Marks now.
    pub fn now() -> Self {
        Clock { wall: Instant::now(), cpu: cpu_seconds() }
    }
    /// `(wall seconds, CPU seconds)` since the mark.
    pub fn elapsed(&self) -> (f64, f64) {
        (self.wall.elapsed().as_secs_f64(), cpu_seconds() - self.cpu)
    }
}
