//! The batch engine: stream the input in chunks, solve each chunk in parallel, journal the
//! results, and assemble the output in input order.
//!
//! **Memory.** Only one chunk ([`Options::chunk_size`] scenarios, 256 by default) of prepared
//! scenarios is held at a time, plus the catalogues and one journal offset (16 bytes) per
//! scenario of the run; with file output each result goes to the journal as it completes, so
//! plans are never all held and memory does not grow with the length of the batch beyond that
//! offset table.
//!
//! **Determinism.** Each chunk is solved with rayon's indexed `par_iter().map().collect()`,
//! which keeps input order, and every result line depends only on its scenario, so the output
//! is the same bytes for any thread count, any chunk size, and any number of interruptions and
//! resumes.
//!
//! **Durability.** With an output file, each finished scenario is appended to the journal
//! ([`crate::journal`]) as it completes, fsync'd in small groups (64 records, or within about
//! a second); the output is then written atomically ([`crate::fs::AtomicFile`]: a temporary
//! file beside it, fsync'd, renamed into place, the folder fsync'd), and only then is the
//! journal deleted. A kill at any moment
//! leaves either the previous output untouched or the new one complete, and the journal lets
//! `--resume` continue. Writing to a stream (stdout) has no journal and cannot be resumed.

use std::io::{BufWriter, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use fleetopt_solver::ErrorClass;
use rayon::prelude::*;

use crate::error::BatchError;
use crate::fs::{AtomicFile, FileAction, FileError};
use crate::input::{Input, Scenarios};
use crate::journal::{self, Header, JOURNAL_SCHEMA, Journal};
use crate::merge::ShardHeader;
use crate::scenario::{self, Catalogs, Prepared, ScenarioError};
use crate::shard::Shard;
use crate::summary::Summary;

/// The default bound on the scenarios of one run ([`Options::max_scenarios`]).
pub const DEFAULT_MAX_SCENARIOS: u64 = 1_000_000;

/// The default number of scenarios solved (and journaled) together.
pub const DEFAULT_CHUNK_SIZE: usize = 256;

/// How to run a batch. Built with [`Options::new`], which takes the one setting without a
/// default: the exit-code map.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads (`None`: one per available core).
    pub threads: Option<usize>,
    /// Run only this slice.
    pub shard: Option<Shard>,
    /// Continue from the journal of an interrupted run (starts afresh when there is none).
    pub resume: bool,
    /// Scenarios read and prepared together (memory scales with it; stream output also waits
    /// for a whole chunk before writing it, in order).
    pub chunk_size: usize,
    /// The catalogue for scenarios that name none (`None`: the embedded default).
    pub catalog: Option<PathBuf>,
    /// The `exit_code` of an error line: the exit code the caller's program gives a failure of
    /// that class. The library knows classes, not exit codes; the binary owns the map.
    pub exit_code: fn(ErrorClass) -> u8,
    /// The most scenarios a run (the shard's, or the whole input) may have, checked from the
    /// input's count (a sweep's product) before any work: memory holds a journal offset per
    /// scenario and the time grows with them.
    pub max_scenarios: u64,
}

impl Options {
    /// The defaults (all cores, no shard, no resume, chunks of [`DEFAULT_CHUNK_SIZE`], the
    /// embedded catalogue) with error lines numbered by `exit_code`.
    pub fn new(exit_code: fn(ErrorClass) -> u8) -> Options {
        Options {
            threads: None,
            shard: None,
            resume: false,
            chunk_size: DEFAULT_CHUNK_SIZE,
            catalog: None,
            exit_code,
            max_scenarios: DEFAULT_MAX_SCENARIOS,
        }
    }
}

/// Progress notifications (the CLI draws a bar on a terminal). Called from worker threads.
pub trait Progress: Sync {
    /// The run starts: `total` scenarios, `done` of them already finished (resumed).
    fn start(&self, total: u64, done: u64);
    /// One more scenario finished.
    fn advance(&self);
}

/// Progress that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64, _done: u64) {}
    fn advance(&self) {}
}

/// Where the output goes.
pub enum Destination<'a> {
    /// A file, written atomically, with a journal beside it.
    File(&'a Path),
    /// A stream (stdout): lines as chunks finish, in order; no journal.
    Stream(&'a mut dyn Write),
}

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Scenarios in the run (the shard's, or all).
    pub scenarios: u64,
    /// Scenarios taken from the journal instead of being solved again.
    pub resumed: u64,
    /// Scenarios whose line is an error.
    pub failed: u64,
}

/// Runs a batch; see the module docs.
pub fn run(
    input: &Input,
    destination: Destination<'_>,
    summary: Option<&Path>,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Report, BatchError> {
    if options.chunk_size == 0 {
        return Err(BatchError::ChunkSizeZero);
    }
    if options.threads == Some(0) {
        return Err(BatchError::NoThreads);
    }
    let range = options
        .shard
        .map_or(0..input.len(), |shard| shard.range(input.len()));
    if range.end - range.start > options.max_scenarios {
        return Err(BatchError::TooManyScenarios {
            path: input.path.clone(),
            scenarios: range.end - range.start,
            limit: options.max_scenarios,
        });
    }
    let default = match &options.catalog {
        Some(path) => Some(Arc::new(fleetopt_instances::load::catalog::load(path)?)),
        None => None,
    };
    let mut catalogs = Catalogs::new(default);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()?;
    let shard_line = options
        .shard
        .map(|shard| ShardHeader::new(input.fingerprint(), input.len(), shard).line())
        .transpose()?;
    let summary_path = summary;
    let mut summary = summary.map(open_summary).transpose()?;
    let mut report = Report {
        scenarios: range.end - range.start,
        resumed: 0,
        failed: 0,
    };
    let solve_chunk = |chunk: &[Prepared]| -> Result<Vec<(u64, bool, String)>, BatchError> {
        pool.install(|| {
            chunk
                .par_iter()
                .map(|prepared| {
                    let result = solve_isolated(prepared, options.exit_code);
                    progress.advance();
                    result.map(|(line, failed)| (prepared.index, failed, line))
                })
                .collect()
        })
    };

    match destination {
        Destination::Stream(out) => {
            if options.resume {
                return Err(BatchError::ResumeWithoutFile);
            }
            progress.start(report.scenarios, 0);
            let write = |out: &mut dyn Write, text: &str| {
                out.write_all(text.as_bytes())
                    .and_then(|()| out.write_all(b"\n"))
                    .map_err(stream_error)
            };
            if let Some(line) = &shard_line {
                write(out, line)?;
            }
            let mut scenarios = input.scenarios(range)?;
            loop {
                let chunk = next_chunk(input, &mut scenarios, &mut catalogs, options, |_| false)?;
                if chunk.is_empty() {
                    break;
                }
                for (_, failed, line) in solve_chunk(&chunk)? {
                    write(out, &line)?;
                    report.failed += u64::from(failed);
                    if let Some(summary) = &mut summary {
                        summary.row(&line)?;
                    }
                }
                out.flush().map_err(stream_error)?;
            }
            finish_summary(summary, summary_path)?;
        }
        Destination::File(path) => {
            let journal_path = journal::path_for(path);
            let header = Header {
                journal: JOURNAL_SCHEMA.to_owned(),
                fleetopt: env!("CARGO_PKG_VERSION").to_owned(),
                input: input.fingerprint().to_owned(),
                total: input.len(),
                shard: options.shard,
                catalog: options.catalog.as_ref().map(|c| c.display().to_string()),
                catalog_digest: match &options.catalog {
                    Some(c) => Some(crate::input::file_digest(c)?),
                    None => None,
                },
                named_files: input.named_files_digest(range.clone())?,
            };
            let mut journal = if journal_path.exists() {
                if !options.resume {
                    return Err(BatchError::JournalExists { path: journal_path });
                }
                Journal::resume(&journal_path, &header, range.clone())?
            } else {
                Journal::create(&journal_path, &header, range.clone())?
            };
            report.resumed = journal.done();
            progress.start(report.scenarios, report.resumed);
            let mut scenarios = input.scenarios(range)?;
            loop {
                let chunk = next_chunk(input, &mut scenarios, &mut catalogs, options, |i| {
                    journal.is_done(i)
                })?;
                if chunk.is_empty() {
                    break;
                }
                solve_into_journal(&pool, &chunk, &mut journal, progress, options.exit_code)?;
            }
            let mut writer = BufWriter::new(AtomicFile::create(path)?);
            let write_error = |e| BatchError::File(FileError::new(path, FileAction::Write, e));
            if let Some(line) = &shard_line {
                writeln!(writer, "{line}").map_err(write_error)?;
            }
            journal.replay(|line, failed| {
                writeln!(writer, "{line}").map_err(write_error)?;
                report.failed += u64::from(failed);
                if let Some(summary) = &mut summary {
                    summary.row(line)?;
                }
                Ok(())
            })?;
            writer
                .into_inner()
                .map_err(|e| write_error(e.into_error()))?
                .commit()?;
            finish_summary(summary, summary_path)?;
            journal.remove()?;
        }
    }
    Ok(report)
}

/// Puts the summary in place (before the journal goes, so a kill in between loses nothing).
fn finish_summary(summary: Option<SummaryFile>, path: Option<&Path>) -> Result<(), BatchError> {
    if let (Some(summary), Some(path)) = (summary, path) {
        let writer = summary.finish()?;
        writer
            .into_inner()
            .map_err(|e| FileError::new(path, FileAction::Write, e.into_error()))?
            .commit()?;
    }
    Ok(())
}

/// Journal records are fsync'd once this many are pending…
const SYNC_RECORDS: usize = 64;
/// …or this long after the previous sync, or when no result came for [`SYNC_IDLE`].
const SYNC_INTERVAL: Duration = Duration::from_secs(1);
/// See [`SYNC_INTERVAL`].
const SYNC_IDLE: Duration = Duration::from_millis(200);

/// Solves a chunk on the pool while this thread appends each result to the journal as it
/// completes (in completion order: the journal is indexed, the output is not), syncing in small
/// groups. A kill loses only the scenarios in flight and at most about a second of results,
/// however slow the scenarios are.
fn solve_into_journal(
    pool: &rayon::ThreadPool,
    chunk: &[Prepared],
    journal: &mut Journal,
    progress: &dyn Progress,
    exit_code: fn(ErrorClass) -> u8,
) -> Result<(), BatchError> {
    let (sender, receiver) = mpsc::channel::<Result<(u64, bool, String), BatchError>>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            pool.install(|| {
                chunk.par_iter().for_each_with(sender, |sender, prepared| {
                    let result = solve_isolated(prepared, exit_code)
                        .map(|(line, failed)| (prepared.index, failed, line));
                    progress.advance();
                    // The receiver stops only on an error it is already returning.
                    let _ = sender.send(result);
                });
            });
        });
        let mut pending = Vec::new();
        let mut synced = Instant::now();
        loop {
            match receiver.recv_timeout(SYNC_IDLE) {
                Ok(result) => {
                    pending.push(result?);
                    if pending.len() >= SYNC_RECORDS || synced.elapsed() >= SYNC_INTERVAL {
                        journal.append(&pending)?;
                        pending.clear();
                        synced = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if !pending.is_empty() {
                        journal.append(&pending)?;
                        pending.clear();
                        synced = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        if !pending.is_empty() {
            journal.append(&pending)?;
        }
        Ok(())
    })
}

fn stream_error(e: std::io::Error) -> BatchError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        BatchError::OutputClosed
    } else {
        BatchError::WriteStream(e)
    }
}

type SummaryFile = Summary<BufWriter<AtomicFile>>;

fn open_summary(path: &Path) -> Result<SummaryFile, BatchError> {
    Summary::new(BufWriter::new(AtomicFile::create(path)?))
}

/// The next chunk of scenarios not yet done, prepared (lines parsed, catalogues loaded).
fn next_chunk(
    input: &Input,
    scenarios: &mut Scenarios<'_>,
    catalogs: &mut Catalogs,
    options: &Options,
    done: impl Fn(u64) -> bool,
) -> Result<Vec<Prepared>, BatchError> {
    let mut chunk = Vec::with_capacity(options.chunk_size.min(4096));
    while chunk.len() < options.chunk_size {
        let Some(raw) = scenarios.next() else { break };
        let raw = raw?;
        if done(raw.index()) {
            continue;
        }
        chunk.push(scenario::prepare(input, raw, catalogs));
    }
    Ok(chunk)
}

/// Solves one scenario; a panic in the solver (a bug) becomes that scenario's internal error
/// instead of ending the batch.
fn solve_isolated(
    prepared: &Prepared,
    exit_code: fn(ErrorClass) -> u8,
) -> Result<(String, bool), BatchError> {
    match catch_unwind(AssertUnwindSafe(|| scenario::run_one(prepared, exit_code))) {
        Ok(result) => result,
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            let error = ScenarioError::Panic { why };
            Ok((
                scenario::output_line(&prepared.id, Err(&error), exit_code)?,
                true,
            ))
        }
    }
}

impl std::fmt::Debug for Destination<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::File(path) => f.debug_tuple("File").field(path).finish(),
            Destination::Stream(_) => f.write_str("Stream(..)"),
        }
    }
}
