//! Constants and functions without parameters: values of the state alone,
//! evaluated at most once per evaluation context.
//!
//! Each is evaluated in its own frame at call depth 0, so its result (a value
//! or a fault) never depends on where it is first needed, and memoising it is
//! unobservable. Before one is evaluated, everything it may reach is forced in
//! dependency order (the call graph is acyclic), so a chain of ten thousand
//! constants never recurses ten thousand frames deep.

use polity_compiler::ir::{Expr, ExprKind, Program};

/// A memoised node: a const or a parameterless fn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Thunk {
    Const(u32),
    Fn(u32),
}

/// A node of the call graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Const(u32),
    Fn(u32),
    Law(u32),
}

impl Thunk {
    fn node(self) -> Node {
        match self {
            Thunk::Const(i) => Node::Const(i),
            Thunk::Fn(i) => Node::Fn(i),
        }
    }
}

/// Whether fn `f` takes no parameters (and so is memoised).
pub(crate) fn is_nullary(program: &Program, f: u32) -> bool {
    program
        .fns
        .get(f as usize)
        .is_some_and(|d| d.params.is_empty())
}

/// The const, fn and law nodes an expression refers to.
fn refs(e: &Expr, out: &mut Vec<Node>) {
    match &e.kind {
        ExprKind::Const(c) => out.push(Node::Const(c.0)),
        ExprKind::CallFn(f, _) => out.push(Node::Fn(f.0)),
        ExprKind::CallLaw(l, _) => out.push(Node::Law(l.0)),
        _ => {}
    }
    e.for_each_child(&mut |c| refs(c, out));
}

fn edges(program: &Program, node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    match node {
        Node::Const(i) => {
            if let Some(d) = program.consts.get(i as usize) {
                refs(&d.value, &mut out);
            }
        }
        Node::Fn(i) => {
            if let Some(d) = program.fns.get(i as usize) {
                refs(&d.body, &mut out);
            }
        }
        Node::Law(i) => {
            if let Some(d) = program.laws.get(i as usize) {
                // The subject collection is evaluated in its own frame, like a
                // constant's value, so it is not part of the law's edges.
                for e in d.stmt_exprs() {
                    refs(e, &mut out);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every thunk reachable from `root` (excluding `root`), dependencies first.
pub(crate) fn dependencies(program: &Program, root: Thunk) -> Vec<Thunk> {
    let mut order = Vec::new();
    let mut seen = std::collections::BTreeSet::from([root.node()]);
    // Iterative post-order DFS: (node, its edges, next edge).
    let mut stack = vec![(root.node(), edges(program, root.node()), 0usize)];
    while let Some((node, next_edges, next)) = stack.last_mut() {
        let node = *node;
        match next_edges.get(*next).copied() {
            Some(to) => {
                *next += 1;
                if seen.insert(to) {
                    let e = edges(program, to);
                    stack.push((to, e, 0));
                }
            }
            None => {
                stack.pop();
                if node != root.node() {
                    match node {
                        Node::Const(i) => order.push(Thunk::Const(i)),
                        Node::Fn(i) if is_nullary(program, i) => order.push(Thunk::Fn(i)),
                        _ => {}
                    }
                }
            }
        }
    }
    order
}
