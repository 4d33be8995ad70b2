//! Glue between arguments and the library: load inputs, call one library function, render.
//! Failures carry the library's error class, and [`exit_code`] is the one place a class becomes
//! an exit code (DESIGN §11), so `main` never guesses.

pub mod args;
mod batch;
mod catalog;
mod choice;
mod compare;
mod conventions;
mod export;
mod inputs;
mod limits;
mod output;
mod pareto;
mod simulate;
mod solve;
mod table;

use std::fmt;

use fleetopt::instances::LoadError;
use fleetopt::solver::plan::PlanError;
use fleetopt::solver::{Classified, ErrorClass, RequestError};

use args::{CatalogCommand, Cli, Command};

/// The exit code of a failure class (DESIGN §11): the binary's one map from the library's
/// classes to exit codes, also written into batch error lines: 2 bad input or usage, 3
/// infeasible, 4 time limit without a feasible plan, 1 anything else.
pub fn exit_code(class: ErrorClass) -> u8 {
    match class {
        ErrorClass::Input => 2,
        ErrorClass::Infeasible => 3,
        ErrorClass::TimeLimit => 4,
        ErrorClass::Internal => 1,
    }
}

/// Why a command failed, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The library's class of the failure (or the CLI's own: a bad flag is input, a failed
    /// write is internal).
    Class(ErrorClass),
    /// A batch finished and wrote its output, but some scenarios are error lines: exit 5. Not a
    /// library class: the batch itself succeeded.
    ScenariosFailed,
}

impl FailureKind {
    /// The documented exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            FailureKind::Class(class) => exit_code(class),
            FailureKind::ScenariosFailed => 5,
        }
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
    /// A failure of `class`.
    pub fn new(class: ErrorClass, message: impl fmt::Display) -> Failure {
        Failure {
            kind: FailureKind::Class(class),
            message: message.to_string(),
        }
    }

    /// A bad-input failure (exit 2): a flag, or a file that cannot be read.
    pub fn input(message: impl fmt::Display) -> Failure {
        Failure::new(ErrorClass::Input, message)
    }

    /// An internal failure (exit 1): output IO, rendering.
    pub fn other(message: impl fmt::Display) -> Failure {
        Failure::new(ErrorClass::Internal, message)
    }

    /// A library error whose message already names its file.
    fn of(error: impl Classified + fmt::Display) -> Failure {
        Failure::new(error.class(), error)
    }
}

impl From<LoadError> for Failure {
    fn from(error: LoadError) -> Failure {
        Failure::of(error)
    }
}

impl From<RequestError> for Failure {
    fn from(error: RequestError) -> Failure {
        Failure::of(error)
    }
}

impl From<PlanError> for Failure {
    fn from(error: PlanError) -> Failure {
        Failure::of(error)
    }
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    fleetopt::instances::read::set_max_input_size(cli.max_input_size);
    output::set_quiet(cli.quiet);
    match cli.command {
        Command::Catalog(command) => match command {
            CatalogCommand::Build(args) => catalog::build(&args),
            CatalogCommand::List(args) => catalog::list(&args),
            CatalogCommand::Show(args) => catalog::show(&args),
            CatalogCommand::Info(args) => catalog::info(&args),
        },
        Command::Solve(args) => solve::solve(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Verify(args) => solve::verify(&args),
        Command::Pareto(args) => pareto::pareto(&args),
        Command::Export(args) => export::export(&args),
        Command::Simulate(args) => simulate::simulate(&args),
        Command::Batch(args) => batch::batch(&args),
        Command::Merge(args) => batch::merge(&args),
        Command::Completions(args) => conventions::completions(args.shell, args.output.as_deref()),
        Command::Man(args) => conventions::man(args.command.as_deref(), args.output.as_deref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_its_documented_exit_code() {
        let codes: Vec<u8> = ErrorClass::ALL.into_iter().map(exit_code).collect();
        assert_eq!(codes, [2, 3, 4, 1]);
        assert_eq!(FailureKind::ScenariosFailed.exit_code(), 5);
    }
}
