//! [`BatchError`]: the failures that stop a whole batch or merge (as opposed to one scenario's
//! error line, [`crate::scenario::ScenarioError`]).
//!
//! A room of its own because the runner, the journal, the merge and the input all fail in ways
//! a caller must tell apart: every variant carries its cause (the file, the operating system's
//! error, the typed error of the request reader, the catalogue loader or serde), and
//! [`BatchError::class`] says how to react. Only the binary turns a class into an exit code.

use std::io;
use std::path::PathBuf;

use fleetopt_instances::LoadError;
use fleetopt_solver::ErrorClass;

use crate::fs::FileError;
use crate::journal::Header;
use crate::merge::ShardHeader;
use crate::shard::{Shard, ShardError};
use crate::sweep::SweepError;

/// Which input file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFile {
    /// The batch file (JSON Lines).
    Batch,
    /// A shard output given to `merge`.
    ShardOutput,
}

impl std::fmt::Display for InputFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            InputFile::Batch => "the batch file",
            InputFile::ShardOutput => "the shard output",
        })
    }
}

/// A failure that stops a whole batch (as opposed to one scenario's error line).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The batch file's name says neither JSON Lines nor sweep.
    #[error(
        "{}: cannot tell what this batch file is: name JSON Lines scenarios *.jsonl (or *.ndjson) and sweep files *.toml, *.json or *.yaml",
        path.display()
    )]
    UnknownInputKind {
        /// The batch file.
        path: PathBuf,
    },
    /// An input file (the batch file, a shard output) cannot be opened or read.
    #[error("{}: cannot read {file}: {source}", path.display())]
    ReadInput {
        /// The file.
        path: PathBuf,
        /// What the file is to the batch.
        file: InputFile,
        /// The cause.
        source: io::Error,
    },
    /// The sweep file is wrong.
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// The batch-wide default catalogue (`--catalog`) cannot be loaded.
    #[error(transparent)]
    Catalog(#[from] LoadError),
    /// A shard spec is wrong.
    #[error(transparent)]
    Shard(#[from] ShardError),
    /// More scenarios than the run's bound.
    #[error(
        "{}: {scenarios} scenarios, more than the limit of {limit} per run; split it with --shard K/N, or raise --max-scenarios",
        path.display()
    )]
    TooManyScenarios {
        /// The input.
        path: PathBuf,
        /// Its scenarios (in the shard).
        scenarios: u64,
        /// The bound.
        limit: u64,
    },
    /// A chunk size of 0.
    #[error("the chunk size must be at least 1")]
    ChunkSizeZero,
    /// A thread count of 0.
    #[error("-j: at least one thread is needed")]
    NoThreads,
    /// `--resume` with stream output, which has no journal.
    #[error("--resume needs an output file (-o): only file output is journaled")]
    ResumeWithoutFile,
    /// A journal of an interrupted run exists and `--resume` was not given.
    #[error(
        "{}: an interrupted run left this journal; pass --resume to continue it, or delete it to start over",
        path.display()
    )]
    JournalExists {
        /// The journal.
        path: PathBuf,
    },
    /// The file where the journal belongs does not start with a journal header.
    #[error(
        "{}: not a fleetopt journal (its first line is not a {schema} header); delete it to start over",
        path.display(),
        schema = crate::journal::JOURNAL_SCHEMA
    )]
    NotAJournal {
        /// The file.
        path: PathBuf,
    },
    /// The journal was written by a run with another input, shard, catalogue or version.
    #[error(
        "{}: this journal belongs to another run and cannot be resumed: it was written for {}, this run is {}; delete it (or choose another -o) to start over",
        path.display(),
        crate::journal::describe(found),
        crate::journal::describe(expected)
    )]
    JournalOfAnotherRun {
        /// The journal.
        path: PathBuf,
        /// Its header.
        found: Box<Header>,
        /// The header this run would write.
        expected: Box<Header>,
    },
    /// Another run holds the journal's lock (two runs on one output at once).
    #[error(
        "{}: another fleetopt run is writing this journal (it holds its lock); wait for it to finish, or choose another -o",
        path.display()
    )]
    JournalLocked {
        /// The journal.
        path: PathBuf,
    },
    /// A scenario of the run has no journal record when the output is assembled (a bug).
    #[error(
        "{}: scenario {index} has no result in the journal (internal error)",
        path.display()
    )]
    JournalMissing {
        /// The journal.
        path: PathBuf,
        /// The scenario.
        index: u64,
    },
    /// A journal record no longer reads as it was written (the file changed during the run).
    #[error("{}: a record changed under us", path.display())]
    JournalRecordChanged {
        /// The journal.
        path: PathBuf,
    },
    /// `merge` without inputs.
    #[error("merge: no shard outputs given")]
    NoShardOutputs,
    /// A `merge` input does not start with a shard header.
    #[error(
        "{}: not a shard output: its first line must be the {{\"fleetopt_shard\": …}} record that `fleetopt batch --shard K/N -o F` writes",
        path.display()
    )]
    NotAShardOutput {
        /// The file.
        path: PathBuf,
    },
    /// A shard header names a shard that cannot exist.
    #[error("{}: fleetopt_shard: {source}", path.display())]
    BadShardHeader {
        /// The shard output.
        path: PathBuf,
        /// Why the shard cannot exist.
        source: ShardError,
    },
    /// A shard header's range is not its shard's.
    #[error(
        "{}: fleetopt_shard: range {}..{} is not shard {}/{} of {} scenarios",
        path.display(),
        header.start,
        header.end,
        header.shard,
        header.shards,
        header.total
    )]
    ShardRangeMismatch {
        /// The shard output.
        path: PathBuf,
        /// Its header.
        header: Box<ShardHeader>,
    },
    /// Two shard outputs of different inputs.
    #[error(
        "{}: belongs to another input ({}, {} scenarios) than {} ({}, {} scenarios)",
        path.display(),
        header.input,
        header.total,
        first.display(),
        reference.input,
        reference.total
    )]
    ShardOfAnotherInput {
        /// The odd shard output.
        path: PathBuf,
        /// Its header.
        header: Box<ShardHeader>,
        /// The first shard output given.
        first: PathBuf,
        /// The first one's header.
        reference: Box<ShardHeader>,
    },
    /// Two shard outputs of different shard counts.
    #[error(
        "{}: is shard {}/{} but {} is shard {}/{}: every shard must come from the same split",
        path.display(),
        header.shard,
        header.shards,
        first.display(),
        reference.shard,
        reference.shards
    )]
    ShardOfAnotherSplit {
        /// The odd shard output.
        path: PathBuf,
        /// Its header.
        header: Box<ShardHeader>,
        /// The first shard output given.
        first: PathBuf,
        /// The first one's header.
        reference: Box<ShardHeader>,
    },
    /// One shard given twice.
    #[error("{} and {} are both shard {shard}", first.display(), second.display())]
    DuplicateShard {
        /// One file.
        first: PathBuf,
        /// The other.
        second: PathBuf,
        /// The shard both hold.
        shard: Shard,
    },
    /// Shards missing from a merge.
    #[error(
        "missing shard output(s): {} (of {count} shards)",
        missing.iter().map(Shard::to_string).collect::<Vec<_>>().join(", ")
    )]
    MissingShards {
        /// The missing shards.
        missing: Vec<Shard>,
        /// The number of shards of the split.
        count: u64,
    },
    /// A shard output's body cannot be read.
    #[error("{}: cannot read: {source}", path.display())]
    ReadShardLine {
        /// The shard output.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A shard output's last line has no newline.
    #[error("{}: the last line is cut short (an unfinished copy?)", path.display())]
    ShardOutputCutShort {
        /// The shard output.
        path: PathBuf,
    },
    /// A shard output's line is not a result line.
    #[error("{}: line {line} is not a batch result line: {source}", path.display())]
    NotAResultLine {
        /// The shard output.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A shard output holds another number of lines than its shard has scenarios.
    #[error(
        "{}: holds {count} result lines but shard {shard} has {expected} scenarios",
        path.display()
    )]
    ShardLineCount {
        /// The shard output.
        path: PathBuf,
        /// Result lines found.
        count: u64,
        /// Its shard.
        shard: Shard,
        /// Scenarios in the shard.
        expected: u64,
    },
    /// The worker threads cannot be started.
    #[error("cannot start worker threads: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
    /// A file cannot be written (output, summary, journal).
    #[error(transparent)]
    File(#[from] FileError),
    /// The output stream failed (other than closed by its reader).
    #[error("cannot write the output: {0}")]
    WriteStream(io::Error),
    /// The output stream was closed by its reader (`fleetopt batch … | head`): the batch stops.
    #[error("the output stream was closed")]
    OutputClosed,
    /// A value cannot be rendered as JSON (a bug).
    #[error("cannot render {what}: {source}")]
    Render {
        /// What was being rendered (`a result line`).
        what: &'static str,
        /// The cause.
        source: serde_json::Error,
    },
    /// The CSV summary cannot be written.
    #[error("cannot write the summary: {0}")]
    Summary(#[from] csv::Error),
    /// The CSV summary cannot be flushed.
    #[error("cannot write the summary: {0}")]
    SummaryFlush(io::Error),
    /// A result line the summary cannot read (a bug: the runner wrote it).
    #[error("summary: unreadable result line: {0}")]
    SummaryLine(serde_json::Error),
}

impl BatchError {
    /// How a caller must react: [`ErrorClass::Input`] for bad input or usage (the batch or
    /// sweep file, a shard spec or output, a journal of another run), [`ErrorClass::Internal`]
    /// for anything else (writing the output or the journal).
    pub fn class(&self) -> ErrorClass {
        match self {
            BatchError::File(e) if e.is_usage() => ErrorClass::Input,
            BatchError::UnknownInputKind { .. }
            | BatchError::ReadInput { .. }
            | BatchError::Sweep(_)
            | BatchError::Catalog(_)
            | BatchError::Shard(_)
            | BatchError::ChunkSizeZero
            | BatchError::TooManyScenarios { .. }
            | BatchError::NoThreads
            | BatchError::ResumeWithoutFile
            | BatchError::JournalExists { .. }
            | BatchError::NotAJournal { .. }
            | BatchError::JournalOfAnotherRun { .. }
            | BatchError::JournalLocked { .. }
            | BatchError::NoShardOutputs
            | BatchError::NotAShardOutput { .. }
            | BatchError::BadShardHeader { .. }
            | BatchError::ShardRangeMismatch { .. }
            | BatchError::ShardOfAnotherInput { .. }
            | BatchError::ShardOfAnotherSplit { .. }
            | BatchError::DuplicateShard { .. }
            | BatchError::MissingShards { .. }
            | BatchError::ReadShardLine { .. }
            | BatchError::ShardOutputCutShort { .. }
            | BatchError::NotAResultLine { .. }
            | BatchError::ShardLineCount { .. } => ErrorClass::Input,
            BatchError::JournalMissing { .. }
            | BatchError::JournalRecordChanged { .. }
            | BatchError::ThreadPool(_)
            | BatchError::File(_)
            | BatchError::WriteStream(_)
            | BatchError::OutputClosed
            | BatchError::Render { .. }
            | BatchError::Summary(_)
            | BatchError::SummaryFlush(_)
            | BatchError::SummaryLine(_) => ErrorClass::Internal,
        }
    }
}
