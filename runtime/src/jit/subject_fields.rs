//! Which fields of a law's subject its evaluation can read: a failing
//! subject's value, made from its layout word for the interpreter to
//! explain, is made of those fields alone.
//!
//! At 10^6 Praxis Nova members, making the whole record of each of the
//! 484,000 members who fail `may_vote` (its list of vouchers' ids, its
//! country: a text each, each a cache miss into the interner's texts) was
//! the largest part of explaining them, while the law reads only a
//! member's status, roles and joining date.
//!
//! A field is left out (its value [`crate::value::Value::None`]) only when
//! nothing can observe the record as a whole: the subject's slot appears
//! only as `m.f`, or as an argument of a fn whose parameter is itself used
//! only so (the fn not returning `Bool`, since a false Bool call's
//! explanation shows its arguments' values). Any other use (`m == x`,
//! `m in xs`, `m with {...}`, a law applied to `m`, a `match`) keeps every
//! field. The record's `id` field is always kept: it names the subject.

use polity_compiler::ir::{Expr, ExprKind, FnId, LawDef, LocalId, Program};
use polity_compiler::types::Type;

/// How deep fn calls are followed before the subject is taken to be used
/// whole (fns do not recurse, so this only bounds the work).
const MAX_DEPTH: u32 = 16;

/// The fields of `law`'s subject (a record) that evaluating or explaining
/// the law can read, one flag per field; `None` when the subject is not a
/// record or may be observed whole.
pub(super) fn subject_fields(program: &Program, law: &LawDef) -> Option<Vec<bool>> {
    let param = law.param.as_ref()?;
    let Type::Record(r) = &param.ty else {
        return None;
    };
    let def = program.record(*r)?;
    let mut read = vec![false; def.fields.len()];
    if let Some(id) = def.id_field {
        *read.get_mut(id as usize)? = true;
    }
    let reads = Reads {
        program,
        ty: &param.ty,
    };
    for e in law.stmt_exprs() {
        if !reads.walk(e, LocalId(0), &mut read, 0) {
            return None;
        }
    }
    Some(read)
}

/// A walk over expressions for the fields of one record type read through
/// one slot.
struct Reads<'a> {
    program: &'a Program,
    /// The subject's type.
    ty: &'a Type,
}

impl Reads<'_> {
    /// Marks in `read` the fields of the record in `slot` that `e` reads;
    /// false when `e` may observe the record whole.
    fn walk(&self, e: &Expr, slot: LocalId, read: &mut [bool], depth: u32) -> bool {
        match &e.kind {
            ExprKind::Local(s) => *s != slot,
            ExprKind::Field(x, i) if matches!(x.kind, ExprKind::Local(s) if s == slot) => {
                match read.get_mut(*i as usize) {
                    Some(f) => {
                        *f = true;
                        true
                    }
                    None => false,
                }
            }
            ExprKind::CallFn(f, args) => args.iter().enumerate().all(|(k, a)| match a.kind {
                ExprKind::Local(s) if s == slot => self.param(*f, k, read, depth),
                _ => self.walk(a, slot, read, depth),
            }),
            _ => {
                let mut whole = false;
                e.for_each_child(&mut |c| {
                    if !whole && !self.walk(c, slot, read, depth) {
                        whole = true;
                    }
                });
                !whole
            }
        }
    }

    /// Marks the fields fn `f` reads of its parameter `k` (which the
    /// subject is passed as); false when it may observe it whole.
    fn param(&self, f: FnId, k: usize, read: &mut [bool], depth: u32) -> bool {
        let Some(def) = self.program.fns.get(f.0 as usize) else {
            return false;
        };
        let same_type = def.params.get(k).is_some_and(|(_, t)| t == self.ty);
        let Ok(slot) = u32::try_from(k) else {
            return false;
        };
        depth < MAX_DEPTH
            && same_type
            && def.ret != Type::Bool
            && self.walk(&def.body, LocalId(slot), read, depth + 1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// The names of the subject's fields `law` reads, or `None`.
    fn fields(charter: &str, law: &str) -> Option<Vec<String>> {
        let c = polity_compiler::compile("t.polity", charter, &polity_compiler::NoFiles);
        let program = c.program.expect("the charter compiles");
        let (_, def) = program.law(law).expect("the law exists");
        let read = subject_fields(&program, def)?;
        let Some(Type::Record(r)) = def.param.as_ref().map(|p| &p.ty) else {
            panic!("a record subject");
        };
        let rec = program.record(*r).expect("the record");
        Some(
            rec.fields
                .iter()
                .zip(read)
                .filter(|(_, r)| *r)
                .map(|(f, _)| f.name.clone())
                .collect(),
        )
    }

    const STATE: &str = "
        enum Status { Active, Gone }
        record Row { id: Text, status: Status, joined: Date, tags: List<Text>, note: Text? }
        state { now: Date, rows: List<Row> }
        fn age(r: Row) -> Duration = now - r.joined
        fn twice(r: Row) -> Duration = age(r) + age(r)
        fn fresh(r: Row) -> Bool = now - r.joined < 30 days
        fn whole(r: Row) -> Int = count(rows where it == r)
    ";

    fn law(body: &str) -> String {
        format!("{STATE}\nlaw l(r in rows) {{\n{body}\n}}")
    }

    #[test]
    fn fields_read_directly_and_through_fns_are_kept_with_the_id() {
        let charter = law("require \"a\": r.status == Active\n require \"b\": twice(r) >= 90 days");
        assert_eq!(
            fields(&charter, "l"),
            Some(vec!["id".into(), "status".into(), "joined".into()])
        );
        let charter = law("let n = len(r.tags)\n when n > 0 { require \"a\": n < 3 }");
        assert_eq!(
            fields(&charter, "l"),
            Some(vec!["id".into(), "tags".into()])
        );
    }

    #[test]
    fn a_subject_that_may_be_observed_whole_keeps_every_field() {
        for body in [
            // A Bool fn's false call shows its arguments' values.
            "require \"a\": fresh(r)",
            // The fn compares the record whole.
            "require \"a\": whole(r) > 0",
            "require \"a\": r in rows",
            "require \"a\": count(rows where it == r) == 1",
            "require \"a\": (r with { note: none }).status == Active",
        ] {
            assert_eq!(fields(&law(body), "l"), None, "{body}");
        }
        let charter = format!(
            "{STATE}\nlaw k(r in rows) {{ require \"a\": r.status == Active }}
            law l(r in rows) {{ require \"b\": k(r) }}"
        );
        assert_eq!(fields(&charter, "l"), None);
        assert_eq!(
            fields(&charter, "k"),
            Some(vec!["id".into(), "status".into()])
        );
    }
}
