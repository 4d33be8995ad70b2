//! The one classification of failures the library returns. Every error type of the planning
//! crates says which class it belongs to; only the `fleetopt` binary turns a class into an exit
//! code (docs/design.md §11), and batch output lines take their `exit_code` from that same map.

use std::fmt;

use fleetopt_instances::LoadError;

use crate::request::RequestError;

/// Why no result came back, as a caller must react to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorClass {
    /// The input is wrong (a file, a request, an option): fix the input.
    Input,
    /// The request is valid but no plan meets every constraint.
    Infeasible,
    /// The solver's time limit passed before any feasible plan.
    TimeLimit,
    /// fleetopt failed (a backend error, a plan the verifier rejects, output IO): a bug or the
    /// machine, never the input.
    Internal,
}

impl ErrorClass {
    /// Every class, in declaration order.
    pub const ALL: [ErrorClass; 4] = [
        ErrorClass::Input,
        ErrorClass::Infeasible,
        ErrorClass::TimeLimit,
        ErrorClass::Internal,
    ];

    /// The stable one-word name used in machine-readable output (batch results, compare JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Input => "input",
            ErrorClass::Infeasible => "infeasible",
            ErrorClass::TimeLimit => "time_limit",
            ErrorClass::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error that knows its [`ErrorClass`]: every error the library hands to a caller. Generic
/// callers (the binary's failure conversion) need one way to ask; each planning error also has
/// the same answer as an inherent `class()` so callers need not import this trait.
pub trait Classified {
    /// The class of this failure.
    fn class(&self) -> ErrorClass;
}

/// A catalogue or data file that does not load is always the user's input. [`LoadError`] lives
/// in `fleetopt-instances`, which knows nothing of solving, so its class is stated here.
impl Classified for LoadError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Input
    }
}

/// A request that does not read is always the user's input.
impl Classified for RequestError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Input
    }
}
