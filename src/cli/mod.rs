//! Glue between arguments and the library: load inputs, call one library function, render.
//! Failures carry their exit-code class so `main` never guesses.

pub mod args;
mod batch;
mod catalog;
mod export;
mod output;
mod pareto;
mod simulate;
mod solve;
mod table;

use std::fmt;

use fleetopt::instances::{Catalog, LoadError};
use fleetopt::solver::ErrorClass;

use args::{CatalogCommand, Cli, Command};

/// Why a command failed, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Bad input files or usage: exit 2.
    Input,
    /// The request has no feasible plan: exit 3.
    Infeasible,
    /// The time limit passed without a feasible plan: exit 4.
    TimeLimit,
    /// Anything else (I/O on output, internal errors): exit 1.
    Other,
    /// A batch finished and wrote its output, but some scenarios are error lines: exit 5.
    ScenariosFailed,
}

impl FailureKind {
    /// The documented exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            FailureKind::Input => 2,
            FailureKind::Infeasible => 3,
            FailureKind::TimeLimit => 4,
            FailureKind::Other => 1,
            FailureKind::ScenariosFailed => 5,
        }
    }
}

/// The exit code of a failure class (docs/design.md §11): the binary's one map from the
/// library's classes to exit codes, also written into batch error lines.
pub fn exit_code(class: ErrorClass) -> u8 {
    match class {
        ErrorClass::Input => 2,
        ErrorClass::Infeasible => 3,
        ErrorClass::TimeLimit => 4,
        ErrorClass::Internal => 1,
    }
}

/// A failed command: its class and the message for stderr.
#[derive(Debug)]
pub struct Failure {
    /// Exit-code class.
    pub kind: FailureKind,
    /// What went wrong, naming the input.
    pub message: String,
}

impl Failure {
    /// A bad-input failure (exit 2).
    pub fn input(message: impl fmt::Display) -> Failure {
        Failure {
            kind: FailureKind::Input,
            message: message.to_string(),
        }
    }

    /// Any other failure (exit 1).
    pub fn other(message: impl fmt::Display) -> Failure {
        Failure {
            kind: FailureKind::Other,
            message: message.to_string(),
        }
    }
}

impl From<LoadError> for Failure {
    fn from(error: LoadError) -> Failure {
        Failure::input(error)
    }
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Catalog(command) => match command {
            CatalogCommand::Build(args) => catalog::build(&args),
            CatalogCommand::List(args) => catalog::list(&args),
            CatalogCommand::Show(args) => catalog::show(&args),
            CatalogCommand::Info(args) => catalog::info(&args),
        },
        Command::Solve(args) => solve::solve(&args),
        Command::Compare(args) => solve::compare(&args),
        Command::Verify(args) => solve::verify(&args),
        Command::Pareto(args) => pareto::pareto(&args),
        Command::Export(args) => export::export(&args),
        Command::Simulate(args) => simulate::simulate(&args),
        Command::Batch(args) => batch::batch(&args),
        Command::Merge(args) => batch::merge(&args),
    }
}

/// The catalogue named by `--catalog`, or the embedded default.
fn load_catalog(source: &args::CatalogSource) -> Result<Catalog, Failure> {
    match &source.catalog {
        Some(path) => Ok(fleetopt::instances::load::catalog::load(path)?),
        None => Ok(fleetopt::instances::embedded::catalog()?),
    }
}
