//! Batch runs (docs/design.md §8): many scenarios solved in parallel, journaled so a killed run
//! loses nothing, sharded so a batch too big for one machine runs as an AWS Batch array job or
//! a Kubernetes Indexed Job, and merged back into exactly the bytes of a single run.
//!
//! This is its own crate, beside the planner rather than inside it, because a batch is file
//! work: it reads batch, sweep, request and catalogue files, and writes outputs, journals and
//! summaries. `fleetopt-solver` stays free of file IO and of exit codes; this crate calls it
//! one scenario at a time.
//!
//! - [`input`] — the batch file: JSON Lines scenarios or a sweep, streamed, counted, fingerprinted.
//! - [`sweep`] — sweep files: a base request × grids, expanded in a fixed, documented order.
//! - [`scenario`] — one scenario: its line understood, its catalogue shared, its request solved,
//!   its output line.
//! - [`shard`] — `K/N` slices (0-based, contiguous) and the schedulers' environment variables.
//! - [`journal`] — the append-only, checksummed record of finished scenarios behind `--resume`.
//! - [`runner`] — the engine: chunks, rayon, the journal, the atomic output.
//! - [`mod@merge`] — joining shard outputs.
//! - [`summary`] — the CSV summary.
//! - [`fs`] — the atomic file writer (also used by the CLI for every file it writes).
//! - [`error`] — [`BatchError`], the failures that stop a whole run.
//!
//! Other tools run a batch the way the CLI does; they say which exit code an error line
//! records for each [`ErrorClass`]:
//!
//! ```no_run
//! use fleetopt_batch::{self as batch, BatchError, Destination, ErrorClass, Input, NoProgress, Options, Shard};
//!
//! fn exit_code(class: ErrorClass) -> u8 {
//!     match class {
//!         ErrorClass::Input => 2,
//!         ErrorClass::Infeasible => 3,
//!         ErrorClass::TimeLimit => 4,
//!         ErrorClass::Internal => 1,
//!     }
//! }
//!
//! let input = Input::open("sweep.toml".as_ref())?;
//! let options = Options { threads: Some(4), shard: Some(Shard::parse("0/2")?), resume: true, ..Options::new(exit_code) };
//! let report = batch::run(&input, Destination::File("shard-0.jsonl".as_ref()), None, &options, &NoProgress)?;
//! println!("{} scenarios, {} failed", report.scenarios, report.failed);
//! # Ok::<(), BatchError>(())
//! ```
//!
//! Output lines are `{"id":…,"plan":{…}}` or `{"id":…,"error":{"kind":…,"exit_code":…,"message":…}}`,
//! compact JSON, one per scenario in input order.

pub mod error;
pub mod fs;
pub mod input;
pub mod journal;
pub mod merge;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod summary;
pub mod sweep;

pub use error::BatchError;
pub use fleetopt_solver::ErrorClass;
pub use input::Input;
pub use merge::{MergeReport, merge};
pub use runner::{Destination, NoProgress, Options, Progress, Report, run};
pub use shard::Shard;
