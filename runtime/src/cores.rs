//! How many threads can run at once, for the code that splits its work
//! across the cores (the JIT's evaluation and compilation, a snapshot's
//! read and load).

use std::sync::OnceLock;

/// The number of cores, asked once: `available_parallelism` reads cgroup
/// files on Linux, which costs more than evaluating a small law.
pub(crate) fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
