//! Drawing diagnostics with ariadne. The only module that touches ariadne.
