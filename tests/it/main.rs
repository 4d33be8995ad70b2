//! The integration-test binary (one binary, compiled once). Each module says what it covers.
#![allow(clippy::unwrap_used, reason = "integration tests fail by panicking")]

/// Running the `fleetopt` binary and capturing what it prints.
mod support;

/// AWS's documented examples under `fixtures/aws-docs/`: each outcome AWS's text states.
mod aws_docs;
/// What is given beside AWS forms (`fixtures/aws-inputs/`): --zones, --launch-template, unmapped subnets, MinTargetCapacity.
mod aws_inputs;
/// The bad-input corpus under `fixtures/bad/`: every file's exact error and exit code.
mod bad_inputs;
/// `fleetopt batch | merge`: determinism across threads, shards, kill and resume, bad scenarios.
mod batch;
/// `fleetopt catalog build` over the AWS-shaped fixtures: the join, byte-stable output, atomic writes.
mod catalog_build;
/// `fleetopt catalog list | show | info` output, pinned as insta snapshots.
mod catalog_cli;
mod conventions;
/// Every `DESIGN`, `aws-semantics` and `toolchain.md` section citation names a heading in docs/.
mod doc_refs;
/// The embedded default catalogue: real facts it must hold.
mod embedded;
/// `fleetopt export`: snapshots of every format, round trips through the request readers, AWS members.
mod export_cli;
/// Hostile input and faults: -o onto devices, FIFOs, symlinks; lying journals; size, sweep, thread and work bounds.
mod hostile;
/// optimal mode end to end: fixtures, optimal ≤ aws for lowestPrice, exit codes 3 and 4.
mod optimal;
/// `fleetopt pareto` and `compare --plot`: the risk-weight sweep and the SVG pictures.
mod pareto_cli;
/// Property tests of aws mode: every plan verifies, output is deterministic, capacity and overshoot bounds hold.
mod properties;
/// Facts checked against the full raw AWS files in `../shared/data`, when present.
mod real_data;
/// `fleetopt simulate`: table and JSON snapshots, thread-count independence, bad plan files.
mod simulate_cli;
/// `fleetopt solve | compare | verify` over the request fixtures, snapshotted and verified.
mod solve_cli;
/// The architecture's invariants (crate boundaries, IO, module docs, file sizes) as tests.
mod tidy;
