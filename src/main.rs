//! The `fleetopt` command line.
fn main() {}
