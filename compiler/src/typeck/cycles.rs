//! Acyclicity of the call graph (fns, laws and consts): Polity is total.

use super::Node;
use crate::span::Span;
use std::collections::{BTreeMap, BTreeSet};

/// Every elementary cycle found by depth-first search, once per strongly
/// connected component: the nodes in call order (first repeated at the end)
/// and the span of the call that closes it.
pub(crate) fn find_cycles(graph: &BTreeMap<Node, Vec<(Node, Span)>>) -> Vec<(Vec<Node>, Span)> {
    let mut done: BTreeSet<Node> = BTreeSet::new();
    let mut found = Vec::new();
    for &start in graph.keys() {
        if done.contains(&start) {
            continue;
        }
        // Iterative DFS: (node, next edge index); `path` mirrors the stack.
        let mut stack: Vec<(Node, usize)> = vec![(start, 0)];
        let mut on_path: BTreeSet<Node> = BTreeSet::from([start]);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let edges = graph.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            let Some(&(to, span)) = edges.get(*next) else {
                on_path.remove(&node);
                done.insert(node);
                stack.pop();
                continue;
            };
            *next += 1;
            if on_path.contains(&to) {
                let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                let mut cycle: Vec<Node> = stack
                    .get(from..)
                    .unwrap_or(&[])
                    .iter()
                    .map(|(n, _)| *n)
                    .collect();
                cycle.push(to);
                if !found
                    .iter()
                    .any(|(c, _): &(Vec<Node>, Span)| same_cycle(c, &cycle))
                {
                    found.push((cycle, span));
                }
            } else if !done.contains(&to) {
                on_path.insert(to);
                stack.push((to, 0));
            }
        }
    }
    found
}

fn same_cycle(a: &[Node], b: &[Node]) -> bool {
    let set = |c: &[Node]| c.iter().copied().collect::<BTreeSet<_>>();
    set(a) == set(b)
}
