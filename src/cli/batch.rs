//! `fleetopt batch | merge`: arguments to the library's batch engine (`fleetopt::batch`), a
//! progress bar on a terminal, a one-line report on stderr, and the exit code (5 when some
//! scenarios failed).

use fleetopt::batch::{
    self, BatchError, Destination, ErrorClass, Input, NoProgress, Options, Progress, Shard,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{BatchArgs, MergeArgs};
use super::{Failure, FailureKind, exit_code};

fn failure(error: BatchError) -> Failure {
    match error.class() {
        ErrorClass::Input => Failure::input(error),
        ErrorClass::Infeasible | ErrorClass::TimeLimit | ErrorClass::Internal => {
            Failure::other(error)
        }
    }
}

/// A progress bar on stderr.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64, done: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
        self.0.reset_eta();
    }

    fn advance(&self) {
        self.0.inc(1);
    }
}

fn shard(args: &BatchArgs) -> Result<Option<Shard>, Failure> {
    if let Some(text) = &args.shard {
        return Shard::parse(text)
            .map(Some)
            .map_err(|e| Failure::input(format!("--shard: {e}")));
    }
    if args.shard_from_env {
        return Shard::from_env(|name| std::env::var(name).ok(), args.shards)
            .map(Some)
            .map_err(Failure::input);
    }
    Ok(None)
}

pub fn batch(args: &BatchArgs) -> Result<(), Failure> {
    let shard = shard(args)?;
    let input = Input::open(&args.file).map_err(failure)?;
    let options = Options {
        threads: args.jobs.map(super::limits::jobs).transpose()?,
        shard,
        resume: args.resume,
        chunk_size: args.chunk_size,
        catalog: args.catalog.clone(),
        exit_code,
        max_scenarios: args.max_scenarios,
    };
    // Never draw into redirected output (DESIGN §8): only when stderr is a terminal.
    let bar = super::output::show_progress().then(|| {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} scenarios  {per_sec}  eta {eta}")
        {
            bar.set_style(style);
        }
        Bar(bar)
    });
    let progress: &dyn Progress = match &bar {
        Some(bar) => bar,
        None => &NoProgress,
    };
    let summary = args.summary.as_deref();
    let report = match &args.output {
        Some(path) => batch::run(&input, Destination::File(path), summary, &options, progress),
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            batch::run(
                &input,
                Destination::Stream(&mut lock),
                summary,
                &options,
                progress,
            )
        }
    };
    if let Some(bar) = &bar {
        bar.0.finish_and_clear();
    }
    let report = match report {
        // `fleetopt batch … | head`: the reader has what it wanted, as with `solve`.
        Err(BatchError::OutputClosed) => return Ok(()),
        report => report.map_err(failure)?,
    };
    let slice = shard.map_or(String::new(), |s| format!(" (shard {s})"));
    let resumed = if report.resumed > 0 {
        format!(", {} taken from the journal", report.resumed)
    } else {
        String::new()
    };
    super::output::status(&format!(
        "{}: {} scenario(s){slice}, {} failed{resumed}",
        input.label, report.scenarios, report.failed
    ));
    if report.failed > 0 {
        return Err(Failure {
            kind: FailureKind::ScenariosFailed,
            message: format!(
                "{} of {} scenario(s) failed; their output lines hold the errors",
                report.failed, report.scenarios
            ),
        });
    }
    Ok(())
}

pub fn merge(args: &MergeArgs) -> Result<(), Failure> {
    let report = batch::merge(&args.shards, &args.output).map_err(failure)?;
    super::output::status(&format!(
        "{}: {} shard(s), {} scenario(s), {} failed",
        args.output.display(),
        report.shards,
        report.scenarios,
        report.failed
    ));
    if report.failed > 0 {
        return Err(Failure {
            kind: FailureKind::ScenariosFailed,
            message: format!(
                "{} of {} scenario(s) failed; their output lines hold the errors",
                report.failed, report.scenarios
            ),
        });
    }
    Ok(())
}
