//! The call graph of a program as the JIT compiles it: the items (fns,
//! constants, laws, tests) a law, test or figure reaches, callees before callers,
//! and how deep calls nest (the JIT checks call depth statically).

use polity_compiler::ir::{Expr, ExprKind, Program, TestStmt};
use std::collections::HashMap;

/// What a compiled item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Item {
    Fn(u32),
    Const(u32),
    Law(u32),
    Test(u32),
}

/// Every fn, const and law an expression refers to.
pub(super) fn refs(e: &Expr, out: &mut Vec<Item>) {
    match &e.kind {
        ExprKind::Const(c) => out.push(Item::Const(c.0)),
        ExprKind::CallFn(f, _) => out.push(Item::Fn(f.0)),
        ExprKind::CallLaw(l, _) => out.push(Item::Law(l.0)),
        _ => {}
    }
    e.for_each_child(&mut |c| refs(c, out));
}

/// The expressions of an item's body.
pub(super) fn bodies(program: &Program, item: Item) -> Vec<&Expr> {
    match item {
        Item::Fn(i) => program
            .fns
            .get(i as usize)
            .map(|f| &f.body)
            .into_iter()
            .collect(),
        Item::Const(i) => program
            .consts
            .get(i as usize)
            .map(|c| &c.value)
            .into_iter()
            .collect(),
        Item::Law(i) => program
            .laws
            .get(i as usize)
            .map(|l| l.exprs())
            .unwrap_or_default(),
        Item::Test(i) => {
            let Some(t) = program.tests.get(i as usize) else {
                return Vec::new();
            };
            t.body
                .iter()
                .map(|s| match s {
                    TestStmt::Given { value, .. } | TestStmt::Let { value, .. } => value,
                    TestStmt::Expect { cond, .. } => cond,
                })
                .collect()
        }
    }
}

pub(super) fn callees(program: &Program, item: Item) -> Vec<Item> {
    let mut out = Vec::new();
    for e in bodies(program, item) {
        refs(e, &mut out);
    }
    out
}

/// The most nested native calls generated code may make (each a small
/// machine frame); a program with longer chains (thousands of constants each
/// using the previous one) is left to the interpreter, which forces such
/// chains in dependency order without recursing.
pub(super) const MAX_NATIVE_DEPTH: u32 = 1000;

/// Whether calling `item` counts toward the call depth: a const or
/// parameterless fn runs at depth 0 wherever it is needed.
pub(super) fn counts(program: &Program, item: Item) -> bool {
    match item {
        Item::Const(_) => false,
        Item::Fn(f) => program
            .fns
            .get(f as usize)
            .is_some_and(|d| !d.params.is_empty()),
        Item::Law(_) | Item::Test(_) => true,
    }
}

/// How [`order`] found the program's calls to nest.
pub(super) struct Depths {
    /// The longest chain of nested calls that count toward the call depth,
    /// from a law, fn or constant.
    pub call: u32,
    /// The same from a test block (tests are never called).
    pub test: u32,
    /// The longest chain of nested calls of any kind.
    pub native: u32,
}

/// Every item that a law, test or figure reaches, callees before callers (the call
/// graph is acyclic), and how deep calls nest. Iterative, so that long
/// chains do not exhaust the stack.
pub(super) fn order(program: &Program) -> (Vec<Item>, Depths) {
    // Per item: (call depth, native depth), once known.
    let mut depth: HashMap<Item, (u32, u32)> = HashMap::new();
    let mut out = Vec::new();
    // Only what a law, a test or a figure reaches is compiled: the rest of
    // an imported module's fns would only cost compile time.
    let all = (0..program.laws.len() as u32)
        .map(Item::Law)
        .chain((0..program.tests.len() as u32).map(Item::Test))
        .chain(program.figures().map(|(id, _)| Item::Const(id.0)));
    for root in all {
        // (item, its callees, how many of them are done)
        let mut stack: Vec<(Item, Vec<Item>, usize)> = Vec::new();
        if !depth.contains_key(&root) {
            stack.push((root, callees(program, root), 0));
        }
        while let Some((item, cs, next)) = stack.last_mut() {
            if let Some(c) = cs.get(*next).copied() {
                *next += 1;
                let on_stack = stack.iter().any(|(i, _, _)| *i == c);
                if !depth.contains_key(&c) && !on_stack {
                    stack.push((c, callees(program, c), 0));
                }
                continue;
            }
            let item = *item;
            let mut d = (0u32, 0u32);
            for c in cs.iter() {
                let (call, native) = depth.get(c).copied().unwrap_or((0, 0));
                if counts(program, *c) {
                    d.0 = d.0.max(call.saturating_add(1));
                }
                d.1 = d.1.max(native.saturating_add(1));
            }
            depth.insert(item, d);
            out.push(item);
            stack.pop();
        }
    }
    let max = |tests: bool| {
        depth
            .iter()
            .filter(|(i, _)| matches!(i, Item::Test(_)) == tests)
            .map(|(_, d)| d.0)
            .max()
            .unwrap_or(0)
    };
    let depths = Depths {
        call: max(false),
        test: max(true),
        native: depth.values().map(|d| d.1).max().unwrap_or(0),
    };
    (out, depths)
}
