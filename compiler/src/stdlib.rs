//! The standard library: `std.*` modules written in Polity, shipped inside the
//! binary.

const MODULES: &[(&str, &str)] = &[("std.voting", include_str!("../../stdlib/voting.polity"))];

/// The source of a standard module (`std.voting`).
pub fn source(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Every standard module's name.
pub fn names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|(n, _)| *n)
}
