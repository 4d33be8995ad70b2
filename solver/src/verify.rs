//! (being written) the independent verifier.
