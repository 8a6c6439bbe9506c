//! Decisions alone: what generated code decides for each subject of a law,
//! through its bulk entry, on one thread or across cores, without
//! explanations (for benchmarks, differential tests and the passing
//! subjects of an evaluation).

use super::fault::Fault;
use super::{abi, across_cores, code, threads, translate, JitProgram};
use crate::interp::Limits;
use crate::layout::Layout;
use polity_compiler::ir::{LawId, Program};

/// Subjects per thread below which [`JitProgram::decide`] runs on one
/// thread: a bulk entry decides a simple law in a few nanoseconds per
/// subject, so starting and joining a thread costs more than it saves below
/// tens of thousands (measured: `may_vote` over 10,000 members took 45 µs
/// on one thread, 154 µs on two).
const DECIDE_PARALLEL_MIN: usize = 32_768;

/// Subjects per chunk a core takes at a time when deciding across cores
/// (`across_cores`): small enough that a core slowed by other work takes
/// fewer, large enough that taking one costs nothing next to deciding it.
const DECIDE_CHUNK: usize = 8_192;

/// What generated code decided for one subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Every requirement holds.
    Pass,
    /// Some requirement failed.
    Fail,
    /// Every requirement holds, and the law has notes for the subject (a
    /// `when` precondition that did not hold, or advice not followed).
    Noted,
    /// A fault.
    Error(Fault),
    /// Generated code bailed out: the interpreter decides this subject.
    Interpret,
}

/// What generated code decided for each subject of a law, in order
/// ([`JitProgram::decide`]): one byte per subject, as the bulk entry wrote
/// it, and the faults of the few subjects that faulted or bailed out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decisions {
    bytes: Vec<u8>,
    /// `(subject index, fault)`, by index; `None`: generated code bailed out.
    faults: Vec<(usize, Option<Fault>)>,
}

impl Decisions {
    /// How many subjects were decided.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there were no subjects.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The decision for subject `i`.
    pub fn get(&self, i: usize) -> Option<Decision> {
        let b = *self.bytes.get(i)?;
        Some(match b {
            translate::BULK_PASS => Decision::Pass,
            translate::BULK_FAIL => Decision::Fail,
            translate::BULK_NOTED => Decision::Noted,
            _ => {
                let at = self.faults.binary_search_by_key(&i, |(at, _)| *at);
                let fault = at
                    .ok()
                    .and_then(|k| self.faults.get(k))
                    .and_then(|(_, f)| *f);
                Self::fault(fault)
            }
        })
    }

    /// How many subjects passed (a count over the bytes, without decoding
    /// every decision as [`Decisions::iter`] does).
    pub fn passed(&self) -> usize {
        self.bytes
            .iter()
            .filter(|b| matches!(**b, translate::BULK_PASS | translate::BULK_NOTED))
            .count()
    }

    /// Every subject's decision, in order.
    pub fn iter(&self) -> impl Iterator<Item = Decision> + '_ {
        let mut faults = self.faults.iter().peekable();
        self.bytes.iter().enumerate().map(move |(i, b)| match *b {
            translate::BULK_PASS => Decision::Pass,
            translate::BULK_FAIL => Decision::Fail,
            translate::BULK_NOTED => Decision::Noted,
            _ => Self::fault(faults.next_if(|(at, _)| *at == i).and_then(|(_, f)| *f)),
        })
    }

    fn fault(fault: Option<Fault>) -> Decision {
        fault.map_or(Decision::Interpret, Decision::Error)
    }
}

impl JitProgram {
    /// What the generated code alone decides for each subject of `law`, in
    /// order, without explanations (for benchmarks and differential tests);
    /// `None` when the law runs in the interpreter. With `parallel`, large
    /// collections are split across cores.
    pub fn decide(
        &self,
        program: &Program,
        layout: &Layout,
        law: LawId,
        limits: Limits,
        parallel: bool,
    ) -> Option<Decisions> {
        let per_thread = if parallel {
            DECIDE_PARALLEL_MIN
        } else {
            usize::MAX
        };
        self.decide_split(program, layout, law, limits, per_thread)
    }

    /// As [`JitProgram::decide`] on one thread, into `out`, whose buffers
    /// are reused (a caller deciding again and again allocates nothing for
    /// the decisions); false, with `out` empty, when the law runs in the
    /// interpreter.
    pub fn decide_into(
        &self,
        program: &Program,
        layout: &Layout,
        law: LawId,
        limits: Limits,
        out: &mut Decisions,
    ) -> bool {
        out.bytes.clear();
        out.faults.clear();
        let Some((bulk, body, coll)) = self.bulk_law(layout, law, &limits) else {
            return false;
        };
        let mut ctx = abi::JitCtx::new(program, &self.types, layout, limits, self.memo_slots);
        let Some(words) = self.subjects(coll, &mut ctx) else {
            return false;
        };
        let _subjects = ctx.set_aside_temp();
        let done = self.bulk_into(bulk, body, &mut ctx, words, out).is_some();
        if !done {
            out.bytes.clear();
            out.faults.clear();
        }
        done
    }

    /// The bulk entry, the law's own entry and the subjects' collection
    /// of `law`, when generated code decides it under `limits`.
    fn bulk_law(
        &self,
        layout: &Layout,
        law: LawId,
        limits: &Limits,
    ) -> Option<(usize, usize, Option<usize>)> {
        let (body, coll) = self.laws.get(law.0 as usize).copied().flatten()?;
        let bulk = self.bulks.get(law.0 as usize).copied().flatten()?;
        if self.max_depth > limits.max_call_depth || layout.ambiguous {
            return None;
        }
        Some((bulk, body, coll))
    }

    /// The subjects' words: those of the collection `coll` evaluated in
    /// `ctx`, or the one subject of a law without a collection.
    fn subjects<'w>(&self, coll: Option<usize>, ctx: &mut abi::JitCtx<'_>) -> Option<&'w [i64]> {
        match coll {
            None => Some(&[0][..]),
            Some(coll) => match self.code.call(coll, ctx, 0, None) {
                Some([w, 0]) => Some(code::list(w)),
                _ => None,
            },
        }
    }

    /// As [`JitProgram::decide`], split across cores whenever each thread
    /// gets at least `per_thread` subjects.
    pub fn decide_split(
        &self,
        program: &Program,
        layout: &Layout,
        law: LawId,
        limits: Limits,
        per_thread: usize,
    ) -> Option<Decisions> {
        let (bulk, body, coll) = self.bulk_law(layout, law, &limits)?;
        let types = &self.types;
        let mut ctx = abi::JitCtx::new(program, types, layout, limits.clone(), self.memo_slots);
        let words = self.subjects(coll, &mut ctx)?;
        let per = words.len().div_ceil(threads()).max(per_thread.max(1));
        if words.len() <= per {
            // One thread decides them all in the collection's own context,
            // with the subjects' block set aside from the temporaries that
            // each subject clears.
            let _subjects = ctx.set_aside_temp();
            return self.bulk(bulk, body, &mut ctx, words);
        }
        // The subjects' texts are ids of `ctx`; each chunk's context adopts them.
        let texts = ctx.texts();
        let init = || {
            let mut ctx = abi::JitCtx::new(program, types, layout, limits.clone(), self.memo_slots);
            ctx.adopt_texts(texts);
            ctx
        };
        let work = |ctx: &mut abi::JitCtx<'_>, words: &[i64]| self.bulk(bulk, body, ctx, words);
        let chunk = per.min(DECIDE_CHUNK);
        let parts: Vec<Option<Decisions>> = across_cores(words, chunk, init, work);
        if parts.len() != words.len().div_ceil(chunk) {
            return None;
        }
        let mut out = Decisions::default();
        for part in parts {
            let part = part?;
            let base = out.bytes.len();
            out.faults
                .extend(part.faults.into_iter().map(|(i, f)| (base + i, f)));
            out.bytes.extend(part.bytes);
        }
        (out.len() == words.len()).then_some(out)
    }

    /// Decides `words` with bulk entry `bulk` of the law whose own entry is
    /// `body`: the bulk entry decides runs of subjects. Where it stops at a
    /// subject, that subject's fault is recorded, or (code 0: a constant not
    /// memoised yet) the law's own entry decides it, memoising the constant;
    /// the bulk entry resumes after it.
    pub(super) fn bulk(
        &self,
        bulk: usize,
        body: usize,
        ctx: &mut abi::JitCtx<'_>,
        words: &[i64],
    ) -> Option<Decisions> {
        let mut out = Decisions::default();
        self.bulk_into(bulk, body, ctx, words, &mut out)?;
        Some(out)
    }

    /// [`JitProgram::bulk`] into `out`, whose buffers it reuses.
    fn bulk_into(
        &self,
        bulk: usize,
        body: usize,
        ctx: &mut abi::JitCtx<'_>,
        words: &[i64],
        out: &mut Decisions,
    ) -> Option<()> {
        out.bytes.clear();
        out.bytes.resize(words.len(), translate::BULK_FAULT);
        out.faults.clear();
        let one = |ctx: &mut abi::JitCtx<'_>, out: &mut Decisions, at: usize| {
            let w = *words.get(at)?;
            ctx.next_subject();
            let (byte, fault) = match self.code.call(body, ctx, w, None)? {
                [3, 0] => (translate::BULK_NOTED, 0),
                [p, 0] if p != 0 => (translate::BULK_PASS, 0),
                [_, 0] => (translate::BULK_FAIL, 0),
                [_, f] => (translate::BULK_FAULT, f),
            };
            if let Some(b) = out.bytes.get_mut(at) {
                *b = byte;
            }
            if fault != 0 {
                out.faults.push((
                    at,
                    Fault::of_subject(fault, ctx.out_of_steps(), ctx.out_of_memory()),
                ));
            }
            Some(())
        };
        let mut start = 0;
        ctx.next_subject();
        while let (Some(rest), Some(bytes)) = (words.get(start..), out.bytes.get_mut(start..)) {
            if rest.is_empty() {
                break;
            }
            // The first subject of the run has a full step budget (the
            // bulk entry gives the next ones theirs).
            ctx.start_unit();
            let (done, code) = self.code.bulk(bulk, ctx, rest, bytes)?;
            let at = start + done;
            if at >= words.len() {
                break;
            }
            if code != 0 {
                out.faults.push((
                    at,
                    Fault::of_subject(code, ctx.out_of_steps(), ctx.out_of_memory()),
                ));
            } else {
                one(ctx, out, at)?;
                ctx.next_subject();
            }
            start = at + 1;
        }
        Some(())
    }
}
