//! The reference interpreter: the specification of what a charter means.
