//! The charter's compile budget: how much of a charter the JIT compiles.
//!
//! Compiling costs time in proportion to what is compiled (2 to 6 µs per
//! IR node with Cranelift), while the interpreter starts at once. A body
//! past [`translate::MAX_BODY_NODES`] is left to the interpreter on its
//! own; a charter of many bodies each under that bound (198 fns of 125
//! terms, each calling the previous one: 24,750 additions run once) could
//! still make compiling cost far more than evaluating. So the items a
//! charter compiles (in the call graph's order, callees first: [`order`])
//! share a budget of [`MAX_CHARTER_NODES`] IR nodes: an item that does not
//! fit, and every item that reaches one left to the interpreter, is left to
//! it with the reason (`polity check --jit` lists it), and an item within
//! the budget that no compiled law, test or figure reaches is not compiled
//! at all (only what it was for ran out). The sites of explanations
//! (`sites.rs`), compiled after the items, take what is left.
//!
//! [`order`]: super::calls::order

use super::calls::{bodies, callees, Item};
use super::translate::{self, MAX_BODY_NODES, REACHES};
use polity_compiler::ir::{Expr, Program};
use std::collections::{HashMap, HashSet};

/// The most IR nodes the JIT compiles for one charter (at most about 40 ms
/// of Cranelift's time, the slowest nodes being long chains of checked
/// additions): 13 times what the larger example takes with the standard
/// library's fns it reaches, its tests and its sites (Tidewater 744, Praxis
/// Nova 232), and less than the 12,500 of 50 fns of 125 terms run once.
pub const MAX_CHARTER_NODES: usize = 10_000;

/// What to do with each item of the call graph.
pub(super) struct Plan {
    /// The items left to the interpreter, with the reason.
    left: HashMap<Item, String>,
    /// The items within the budget that nothing compiled reaches.
    unneeded: HashSet<Item>,
    /// The IR nodes of the budget still unspent.
    remaining: usize,
}

/// What [`Plan::decide`] says of an item.
pub(super) enum Decision<'p> {
    /// Compile it.
    Compile,
    /// Leave it to the interpreter, for this reason.
    Leave(&'p str),
    /// Nothing compiled reaches it: skip it.
    Skip,
}

/// The IR nodes of `exprs`, counted up to just past [`MAX_BODY_NODES`].
fn size(exprs: &[&Expr]) -> usize {
    let mut n = 0;
    for e in exprs {
        n += translate::nodes(e, MAX_BODY_NODES + 1);
        if n > MAX_BODY_NODES {
            break;
        }
    }
    n
}

/// An item's name as a reason gives it.
fn name(program: &Program, item: Item) -> String {
    let (kind, named) = match item {
        Item::Fn(i) => ("fn", program.fns.get(i as usize).map(|f| &f.name)),
        Item::Const(i) => ("const", program.consts.get(i as usize).map(|c| &c.name)),
        Item::Law(i) => ("law", program.laws.get(i as usize).map(|l| &l.name)),
        Item::Test(i) => ("test", program.tests.get(i as usize).map(|t| &t.name)),
    };
    format!("{kind} `{}`", named.map_or("?", |n| n.as_str()))
}

impl Plan {
    /// The plan for `items`, in the call graph's order (callees first).
    pub(super) fn new(program: &Program, items: &[Item]) -> Plan {
        Plan::within(program, items, MAX_CHARTER_NODES)
    }

    /// [`Plan::new`] with a budget of `budget` IR nodes.
    fn within(program: &Program, items: &[Item], budget: usize) -> Plan {
        let mut left: HashMap<Item, String> = HashMap::new();
        // Items too large to compile on their own, and those reaching one:
        // their translation says why, and they take nothing of the budget.
        let mut large: HashSet<Item> = HashSet::new();
        let mut used = 0usize;
        for &item in items {
            let cs = callees(program, item);
            if cs.iter().any(|c| large.contains(c)) {
                large.insert(item);
                continue;
            }
            let reached = cs
                .into_iter()
                .find_map(|c| left.get(&c).map(|why| (c, why)));
            if let Some((c, why)) = reached {
                // One short reason for a chain, naming where it ran out.
                let why = if why.starts_with(REACHES) {
                    why.clone()
                } else {
                    let callee = name(program, c);
                    let callee = callee.strip_prefix("fn ").unwrap_or(&callee);
                    format!("{REACHES}{callee}, which runs in the interpreter: {why}")
                };
                left.insert(item, why);
                continue;
            }
            let n = size(&bodies(program, item));
            if n > MAX_BODY_NODES {
                large.insert(item);
                continue;
            }
            if used.saturating_add(n) > budget {
                left.insert(
                    item,
                    format!(
                        "too large to compile: it would take the charter's compile budget of {budget} \
                         IR nodes past its end ({used} taken before it, {n} more); the interpreter \
                         evaluates it without compiling"
                    ),
                );
                continue;
            }
            used += n;
        }
        let unneeded = unneeded(program, items, &left);
        let spent: usize = items
            .iter()
            .filter(|i| !left.contains_key(i) && !unneeded.contains(i) && !large.contains(i))
            .map(|i| size(&bodies(program, *i)))
            .sum();
        Plan {
            left,
            unneeded,
            remaining: budget.saturating_sub(spent),
        }
    }

    /// Whether to compile `item`.
    pub(super) fn decide(&self, item: Item) -> Decision<'_> {
        if let Some(why) = self.left.get(&item) {
            return Decision::Leave(why);
        }
        if self.unneeded.contains(&item) {
            return Decision::Skip;
        }
        Decision::Compile
    }

    /// Takes a site of `e` from what is left of the budget: whether it fits.
    pub(super) fn take_site(&mut self, e: &Expr) -> bool {
        let n = translate::nodes(e, self.remaining.saturating_add(1));
        if n > self.remaining {
            return false;
        }
        self.remaining -= n;
        true
    }
}

/// The items not left to the interpreter that no law, test or figure
/// compiled reaches (every item is reached from one of those, the roots of
/// [`super::calls::order`], and every callee of an item compiled is
/// compiled: an item reaching one left is left).
fn unneeded(program: &Program, items: &[Item], left: &HashMap<Item, String>) -> HashSet<Item> {
    let figures: HashSet<u32> = program.figures().map(|(id, _)| id.0).collect();
    let root = |i: &Item| match i {
        Item::Law(_) | Item::Test(_) => true,
        Item::Const(c) => figures.contains(c),
        Item::Fn(_) => false,
    };
    let mut reached: HashSet<Item> = HashSet::new();
    let mut todo: Vec<Item> = items
        .iter()
        .filter(|i| root(i) && !left.contains_key(i))
        .copied()
        .collect();
    while let Some(item) = todo.pop() {
        if reached.insert(item) {
            todo.extend(callees(program, item));
        }
    }
    items
        .iter()
        .filter(|i| !left.contains_key(i) && !reached.contains(i))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::api::Program as Compiled;
    use crate::jit::calls::order;

    /// The IR nodes a charter's items and sites take in all.
    fn spent(text: &str) -> usize {
        let program = Compiled::compile("t.polity", text).unwrap();
        let program = program.ir();
        let (items, _) = order(program);
        let mut plan = Plan::within(program, &items, usize::MAX / 2);
        for site in crate::jit::sites::find_for(program, &vec![true; program.laws.len()]) {
            plan.take_site(site.expr);
        }
        usize::MAX / 2 - plan.remaining
    }

    /// Each example (its laws, tests and figures, the standard library's
    /// fns they reach, and the sites of its explanations) takes well under
    /// the budget, so that a charter several times as large compiles whole.
    #[test]
    fn the_examples_take_a_fraction_of_the_budget() {
        for example in ["praxis-nova", "tidewater"] {
            let path = format!(
                "{}/../examples/{example}/charter.polity",
                env!("CARGO_MANIFEST_DIR")
            );
            let n = spent(&std::fs::read_to_string(path).unwrap());
            println!("{example}: {n} IR nodes");
            assert!(n < MAX_CHARTER_NODES / 3, "{example}: {n} IR nodes");
        }
    }
}
