//! `private` fns and consts: a name used outside the file that declares it
//! privately is reported with the module's public functions that use it.

use super::error::CheckError;
use super::Checker;
use crate::syntax::ast;
use std::collections::BTreeSet;

/// How many public functions a diagnostic suggests at most.
const SUGGESTED: usize = 3;

impl Checker<'_> {
    /// Reports `id` (unknown where it is written) if another file declares
    /// it privately; whether it did.
    pub(crate) fn report_private(&mut self, id: &ast::Ident) -> bool {
        let Some((_, at)) = self.decls.private_elsewhere(&id.name, id.span.file) else {
            return false;
        };
        let module = self
            .sources
            .get(at.file)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        let instead = self.public_users(&id.name, at.file);
        self.error(CheckError::PrivateName {
            span: id.span,
            name: id.name.clone(),
            module,
            instead,
        });
        true
    }

    /// The public fns and consts of `file` that use `name`, directly or
    /// through its other private declarations, in source order.
    fn public_users(&self, name: &str, file: crate::span::FileId) -> Vec<String> {
        let decls = self.decls;
        let mut items: Vec<(&str, bool, crate::span::Span)> = Vec::new();
        for f in decls.fns.iter().filter(|f| f.span.file == file) {
            items.push((&f.name.name, f.private, f.span));
        }
        for c in decls.consts.iter().filter(|c| c.span.file == file) {
            items.push((&c.name.name, c.private, c.span));
        }
        items.sort_by_key(|(_, _, span)| span.start);
        let words: Vec<BTreeSet<&str>> = items
            .iter()
            .map(|(_, _, span)| identifiers(self.sources.snippet(*span)))
            .collect();
        let mut reached = BTreeSet::from([name]);
        let mut users = BTreeSet::new();
        // Grow the set of private names that lead to `name` until it is stable.
        loop {
            let before = reached.len() + users.len();
            for ((n, private, _), w) in items.iter().zip(&words) {
                if *n != name && w.iter().any(|x| reached.contains(x)) {
                    if *private {
                        reached.insert(n);
                    } else {
                        users.insert(*n);
                    }
                }
            }
            if reached.len() + users.len() == before {
                break;
            }
        }
        items
            .iter()
            .filter(|(n, _, _)| users.contains(n))
            .map(|(n, _, _)| n.to_string())
            .take(SUGGESTED)
            .collect()
    }
}

/// The identifiers in a declaration's source text (the name itself included;
/// text literals may add words, which only widens the suggestions).
fn identifiers(text: &str) -> BTreeSet<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .collect()
}
