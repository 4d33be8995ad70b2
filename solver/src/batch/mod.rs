//! Batch runs (DESIGN §8): many scenarios solved in parallel, journaled so a killed run loses
//! nothing, sharded so a batch too big for one machine runs as an AWS Batch array job or a
//! Kubernetes Indexed Job, and merged back into exactly the bytes of a single run.
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
//!
//! Other tools run a batch the way the CLI does:
//!
//! ```no_run
//! use fleetopt_solver::batch::{self, BatchError, Destination, Input, NoProgress, Options, Shard};
//!
//! let input = Input::open("sweep.toml".as_ref())?;
//! let options = Options { threads: Some(4), shard: Some(Shard::parse("0/2").map_err(BatchError::Input)?), resume: true, ..Options::default() };
//! let report = batch::run(&input, Destination::File("shard-0.jsonl".as_ref()), None, &options, &NoProgress)?;
//! println!("{} scenarios, {} failed", report.scenarios, report.failed);
//! # Ok::<(), BatchError>(())
//! ```
//!
//! Output lines are `{"id":…,"plan":{…}}` or `{"id":…,"error":{"kind":…,"exit_code":…,"message":…}}`,
//! compact JSON, one per scenario in input order.

pub mod input;
pub mod journal;
pub mod merge;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod summary;
pub mod sweep;

pub use input::Input;
pub use merge::{MergeReport, merge};
pub use runner::{Destination, NoProgress, Options, Progress, Report, run};
pub use shard::Shard;

/// The exit code of a batch that finished and wrote its output, but some of whose scenarios
/// are error lines.
pub const EXIT_SCENARIOS_FAILED: u8 = 5;

/// A failure that stops a whole batch (as opposed to one scenario's error line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Bad input or usage: the batch or sweep file, a shard spec, a journal of another run.
    #[error("{0}")]
    Input(String),
    /// Anything else: writing the output or the journal.
    #[error("{0}")]
    Io(String),
    /// The output stream was closed by its reader (`fleetopt batch … | head`): the batch stops.
    #[error("the output stream was closed")]
    OutputClosed,
}

impl BatchError {
    /// The documented exit code: 2 bad input or usage, 1 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            BatchError::Input(_) => 2,
            BatchError::Io(_) | BatchError::OutputClosed => 1,
        }
    }
}
