//! Wall and CPU time of a prover phase. CPU time (user + system, all threads of the
//! process, from `getrusage`) is what a phase costs in core-seconds, and it is far less
//! disturbed than wall time when other work shares the machine's cores.

use std::time::Instant;

/// CPU seconds this process has used so far, over all its threads.
pub fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
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
    pub fn now() -> Self {
        Clock { wall: Instant::now(), cpu: cpu_seconds() }
    }
    pub fn elapsed(&self) -> (f64, f64) {
        (self.wall.elapsed().as_secs_f64(), cpu_seconds() - self.cpu)
    }
}
