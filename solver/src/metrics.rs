//! (being written) plan metrics.
