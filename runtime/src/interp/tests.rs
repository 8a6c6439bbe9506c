//! Unit tests of the interpreter over hand-built IR.
