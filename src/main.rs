//! The `fleetopt` command line: parses arguments, loads files, calls the library, renders the
//! result. It holds no planning logic; everything a test needs is reachable through the
//! library. Exit codes (DESIGN §11), from the failure's class in `cli::exit_code`: 0 ok, 2 bad
//! input or usage, 3 infeasible, 4 time limit without a plan, 1 anything else; `batch` exits 5
//! when it finished but some scenarios failed.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::args::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // Messages repeat text from input files: control characters (terminal escape codes)
            // are written as escapes, line breaks kept.
            let message = failure
                .message
                .lines()
                .map(|line| fleetopt::instances::escape::escape_controls(line).into_owned())
                .collect::<Vec<_>>()
                .join("\n");
            eprintln!("error: {message}");
            ExitCode::from(failure.kind.exit_code())
        }
    }
}
