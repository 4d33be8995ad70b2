//! Unit tests of optimal mode on small catalogues.
#![allow(clippy::unwrap_used)]
