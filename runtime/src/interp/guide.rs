//! Explaining a subject that generated code already failed: only the
//! requirements it found failing are checked again, with what they read.

use polity_compiler::ir::{LawStmt, LocalId};
#[cfg(feature = "jit")]
use {
    polity_compiler::ir::{Expr, ExprKind, LawDef},
    std::borrow::Cow,
};

/// What generated code already decided for a failing subject, so that
/// explaining it checks again only what the explanation shows: `failed`
/// holds a byte per deciding (not advisory) requirement, in source order
/// ([`LawDef::requirements`]), non-zero for each that failed. A requirement
/// that held is skipped, and so is a `let` that no guard, failed
/// requirement, advice or needed `let` reads. Generated code evaluated the
/// whole body without a fault (or it would not have failed the subject),
/// so what is skipped could neither fault nor change the verdict; a failed
/// requirement is still checked, and the verdict is compared with the
/// JIT's as before.
#[derive(Debug)]
pub(crate) struct Guide<'g> {
    failed: &'g [u8],
    /// The next deciding requirement's index in `failed`.
    next: usize,
    /// Per frame slot: whether a `let` bound there is read
    /// ([`Guide::reads_for`]).
    reads: &'g [bool],
}

impl<'g> Guide<'g> {
    #[cfg(feature = "jit")]
    /// The guide for a subject that failed the requirements marked in
    /// `failed`, with `reads` from [`Guide::reads_for`] of the same bytes.
    pub(crate) fn new(failed: &'g [u8], reads: &'g [bool]) -> Guide<'g> {
        Guide {
            failed,
            next: 0,
            reads,
        }
    }

    #[cfg(feature = "jit")]
    /// Per frame slot of `def`: whether a `let` bound there is read when
    /// the requirements marked in `failed` are checked again. It is the
    /// same for every subject that failed the same requirements, so it is
    /// worked out once for each.
    pub(crate) fn reads_for(def: &LawDef, failed: &[u8]) -> Vec<bool> {
        let mut reads = vec![false; def.frame_size as usize];
        let mut lets = Vec::new();
        // The guided run's own count of requirements says which are checked.
        let mut run = Guide::new(failed, &[]);
        read_by(&def.body, &mut run, &mut reads, &mut lets);
        // A `let` is read if anything read after it, or a `let` read after
        // it, reads it: its value's locals, latest first.
        for (local, value) in lets.into_iter().rev() {
            if reads.get(local.0 as usize).copied().unwrap_or(true) {
                mark_locals(value, &mut reads);
            }
        }
        reads
    }

    /// Whether the `let` bound at `local` is to be evaluated.
    pub(super) fn reads(&self, local: LocalId) -> bool {
        self.reads.get(local.0 as usize).copied().unwrap_or(true)
    }

    /// Whether the next deciding requirement failed (a missing byte is
    /// taken as failed: checked, not skipped).
    pub(super) fn next_failed(&mut self) -> bool {
        let failed = self.failed.get(self.next).is_none_or(|b| *b != 0);
        self.next += 1;
        failed
    }

    /// Steps over the deciding requirements of a guard that did not hold.
    pub(super) fn skip(&mut self, body: &[LawStmt]) {
        self.next += deciding_in(body);
    }
}

#[cfg(feature = "jit")]
/// What the `let`s of a law read for each pattern of failed requirements
/// ([`Guide::reads_for`]), worked out once per pattern: a law has few (past
/// [`LetsRead::KNOWN`] patterns, each new one is worked out every time).
#[derive(Debug, Default)]
pub(crate) struct LetsRead {
    known: Vec<(Vec<u8>, Vec<bool>)>,
}

#[cfg(feature = "jit")]
impl LetsRead {
    const KNOWN: usize = 32;

    /// What `def`'s `let`s read for a subject that failed `failed`.
    pub(crate) fn of(&mut self, def: &LawDef, failed: &[u8]) -> Cow<'_, [bool]> {
        let at = match self.known.iter().position(|(k, _)| k == failed) {
            Some(at) => at,
            None if self.known.len() < Self::KNOWN => {
                self.known
                    .push((failed.to_vec(), Guide::reads_for(def, failed)));
                self.known.len() - 1
            }
            None => return Cow::Owned(Guide::reads_for(def, failed)),
        };
        self.known
            .get(at)
            .map_or(Cow::Owned(Vec::new()), |(_, r)| Cow::Borrowed(r))
    }
}

/// The deciding requirements in `stmts`, at any depth.
fn deciding_in(stmts: &[LawStmt]) -> usize {
    stmts
        .iter()
        .map(|s| match s {
            LawStmt::Let { .. } => 0,
            LawStmt::Require(r) => usize::from(!r.advisory),
            LawStmt::When(g) => deciding_in(&g.body),
        })
        .sum()
}

#[cfg(feature = "jit")]
/// Marks in `reads` the locals that what a guided run evaluates in
/// `stmts` reads (guards, failed requirements with their exceptions,
/// advice), and lists the `let`s in order.
fn read_by<'d>(
    stmts: &'d [LawStmt],
    run: &mut Guide<'_>,
    reads: &mut [bool],
    lets: &mut Vec<(LocalId, &'d Expr)>,
) {
    for stmt in stmts {
        match stmt {
            LawStmt::Let { local, value, .. } => lets.push((*local, value)),
            LawStmt::Require(r) => {
                if r.advisory || run.next_failed() {
                    mark_locals(&r.cond, reads);
                    for x in &r.exceptions {
                        mark_locals(&x.cond, reads);
                    }
                }
            }
            LawStmt::When(g) => {
                mark_locals(&g.cond, reads);
                read_by(&g.body, run, reads, lets);
            }
        }
    }
}

#[cfg(feature = "jit")]
/// Marks every local `e` reads (without recursion: an expression can be
/// deep).
fn mark_locals(e: &Expr, reads: &mut [bool]) {
    let mut todo = vec![e];
    while let Some(e) = todo.pop() {
        if let ExprKind::Local(slot) = &e.kind {
            if let Some(r) = reads.get_mut(slot.0 as usize) {
                *r = true;
            }
        }
        e.for_each_child(&mut |c| todo.push(c));
    }
}
