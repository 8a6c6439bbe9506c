//! Work cut into chunks and spread over the cores: a worker per core takes
//! the next chunk whenever it finishes one, each with a state of its own
//! (an evaluation context) kept from chunk to chunk.

use crate::cores::threads;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// Runs `work` over `items` in chunks of `chunk`, across the cores: one
/// worker per core, each with its own state from `init` (an evaluation
/// context, whose memoised constants it keeps from chunk to chunk), takes
/// the next chunk whenever it finishes one, so a core that is busy with
/// something else takes fewer chunks and never holds the others back. The
/// results are in the chunks' order; a worker that panicked leaves its
/// chunks out (the caller sees fewer results than chunks).
pub(super) fn across_cores<T: Sync, S, R: Send>(
    items: &[T],
    chunk: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &[T]) -> R + Sync,
) -> Vec<R> {
    let chunks: Vec<&[T]> = items.chunks(chunk.max(1)).collect();
    let workers = threads().min(chunks.len());
    if workers <= 1 {
        let mut state = init();
        return chunks.iter().map(|c| work(&mut state, c)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut parts: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut state = init();
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(c) = chunks.get(i) else {
                            break;
                        };
                        done.push((i, work(&mut state, c)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    parts.sort_by_key(|(i, _)| *i);
    parts.into_iter().map(|(_, r)| r).collect()
}

/// As [`across_cores`], but each chunk's result is handed to `each`, on the
/// calling thread, in the chunks' order as soon as it and every chunk
/// before it are done, so the caller can write results out while the
/// workers go on. A chunk is started only within [`AHEAD`] chunks per
/// worker of the first one not yet handed on: a worker far ahead of a slow
/// chunk waits for it, so what is held (the chunks waiting their turn) is
/// bounded by the window, not by the number of chunks. A chunk whose
/// worker panicked is given to `lost`, on the calling thread, for its
/// result instead.
pub(super) fn across_cores_each<T: Sync, S, R: Send>(
    items: &[T],
    chunk: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &[T]) -> R + Sync,
    lost: impl Fn(&[T]) -> R,
    mut each: impl FnMut(R),
) {
    let chunks: Vec<&[T]> = items.chunks(chunk.max(1)).collect();
    let workers = threads().min(chunks.len());
    if workers <= 1 {
        let mut state = init();
        for c in &chunks {
            each(work(&mut state, c));
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let window = Window::new(workers * AHEAD);
    std::thread::scope(|s| {
        // Bounded: a worker ahead of the writer waits rather than piling up
        // results. (Made in the scope, so that a panic of `each` drops the
        // receiver and a worker blocked on sending gives up.)
        let (send, receive) = std::sync::mpsc::sync_channel::<(usize, R)>(workers * 2);
        let mut handles = Vec::with_capacity(workers);
        for _ in 0..workers {
            let send = send.clone();
            let (next, chunks, init, work, window) = (&next, &chunks, &init, &work, &window);
            handles.push(s.spawn(move || {
                let _opens = OpensOnPanic(window);
                let mut state = init();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(c) = chunks.get(i) else {
                        break;
                    };
                    window.wait_for(i);
                    if send.send((i, work(&mut state, c))).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(send);
        let _opens = OpensOnPanic(&window);
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        // Ends when every worker has ended (finished or panicked).
        for (i, r) in receive.iter() {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&due) {
                each(r);
                due += 1;
                window.moved_to(due);
            }
        }
        // Joined here, so that a worker's panic is answered below rather
        // than raised again by the scope.
        for h in handles {
            let _ = h.join();
        }
        // What a panicked worker left: its chunk redone by `lost`, and
        // the chunks after it that were waiting.
        while let Some(c) = chunks.get(due) {
            each(waiting.remove(&due).unwrap_or_else(|| lost(c)));
            due += 1;
        }
    });
}

/// How many chunks per worker may be started past the first one not yet
/// handed on: room for the cores to keep busy while a chunk or two takes
/// longer than the rest (a heavy subject, a core the host lent elsewhere
/// for a moment), with what waits its turn bounded.
const AHEAD: usize = 4;

/// Which chunks may be started: those before the first one not yet handed
/// on (`due`) plus `width`; all of them once the window is opened (a
/// thread panicked, and the chunk everyone waits for may never come),
/// which puts `due` at its end.
struct Window {
    due: Mutex<usize>,
    moved: Condvar,
    width: usize,
}

impl Window {
    fn new(width: usize) -> Window {
        Window {
            due: Mutex::new(0),
            moved: Condvar::new(),
            width: width.max(1),
        }
    }

    /// Waits until chunk `i` may be started.
    fn wait_for(&self, i: usize) {
        let mut due = self.due.lock().unwrap_or_else(PoisonError::into_inner);
        while i >= due.saturating_add(self.width) {
            due = self.moved.wait(due).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Every chunk before `due` has been handed on (an opened window stays
    /// open: `due` only grows).
    fn moved_to(&self, due: usize) {
        let mut at = self.due.lock().unwrap_or_else(PoisonError::into_inner);
        *at = (*at).max(due);
        self.moved.notify_all();
    }

    /// Lets every chunk start.
    fn open(&self) {
        self.moved_to(usize::MAX);
    }
}

/// Opens the window if its thread unwinds: the others then never wait for
/// a chunk it will not hand on.
struct OpensOnPanic<'a>(&'a Window);

impl Drop for OpensOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.open();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::time::Duration;

    /// With a first chunk far slower than the rest, the others are not all
    /// done ahead of it: no more than the window's chunks are ever started
    /// and not yet handed on, and every result comes in order.
    #[test]
    fn chunks_wait_within_the_window_and_come_in_order() {
        let items: Vec<usize> = (0..200).collect();
        let started = AtomicUsize::new(0);
        let mut handed = 0;
        let mut most_ahead = 0;
        let mut seen = Vec::new();
        across_cores_each(
            &items,
            1,
            || (),
            |(), c| {
                started.fetch_add(1, Ordering::SeqCst);
                if c.first() == Some(&0) {
                    std::thread::sleep(Duration::from_millis(200));
                }
                c.to_vec()
            },
            |c| c.to_vec(),
            |r| {
                most_ahead = most_ahead.max(started.load(Ordering::SeqCst) - handed);
                handed += 1;
                seen.extend(r);
            },
        );
        assert_eq!(seen, items);
        let workers = threads().min(items.len());
        if workers > 1 {
            assert!(most_ahead <= workers * AHEAD, "{most_ahead} chunks ahead");
        }
    }

    /// A worker that panics on a chunk neither hangs the others (waiting on
    /// the window for the chunk it will not hand on) nor loses a result:
    /// its chunk is redone by `lost`.
    #[test]
    fn a_panicking_worker_leaves_its_chunk_to_lost() {
        let items: Vec<usize> = (0..100).collect();
        let mut seen = Vec::new();
        let redone = std::cell::RefCell::new(Vec::new());
        across_cores_each(
            &items,
            1,
            || (),
            |(), c| {
                assert!(c.first() != Some(&3), "a worker's bug");
                c.to_vec()
            },
            |c| {
                redone.borrow_mut().extend_from_slice(c);
                c.to_vec()
            },
            |r| seen.extend(r),
        );
        assert_eq!(seen, items);
        assert!(redone.borrow().contains(&3));
    }
}
