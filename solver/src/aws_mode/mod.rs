//! (being written) aws mode: emulation of EC2's allocation strategies.
