//! The exceptions of the Python package, one per library [`ErrorClass`], and the one way a Rust
//! failure becomes one of them: [`Failure`] (class and message, as the CLI's own `Failure`) →
//! [`Failure::into_py`]. Messages are the CLI's `error: …` line without the prefix, control
//! characters escaped the same way (`fleetopt::instances::escape`), so a notebook shows what a
//! terminal would.

use std::fmt;

use fleetopt_instances::escape::escape_controls;
use fleetopt_solver::{Classified, ErrorClass};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyType;

pyo3::create_exception!(
    fleetopt,
    FleetoptError,
    PyException,
    "Base class of every fleetopt error. `kind` is the library's error class (`input`, \
     `infeasible`, `time_limit`, `internal`) and `exit_code` the exit code `fleetopt` gives it \
     (2, 3, 4, 1); the message is the CLI's."
);
pyo3::create_exception!(
    fleetopt,
    InputError,
    FleetoptError,
    "Bad input: a request, plan, catalogue, option or filter that does not read or is invalid \
     (the CLI's exit 2). The message names the file or option and the field."
);
pyo3::create_exception!(
    fleetopt,
    InfeasibleError,
    FleetoptError,
    "A valid request no plan can meet (optimal mode; the CLI's exit 3). The message names the \
     conflicting constraints and by how much."
);
pyo3::create_exception!(
    fleetopt,
    TimeLimitError,
    FleetoptError,
    "The solver's time limit passed before any feasible plan (optimal mode; the CLI's exit 4)."
);
pyo3::create_exception!(
    fleetopt,
    InternalError,
    FleetoptError,
    "fleetopt itself failed (a backend error, a plan its verifier rejects): a bug, never the \
     input (the CLI's exit 1)."
);

/// The exit code `fleetopt` gives a class: the CLI's `cli::exit_code` map (DESIGN §11), stated
/// again here because the map lives in the binary; `tests/test_errors.py` holds the two
/// against each other by running the CLI.
pub fn exit_code(class: ErrorClass) -> u8 {
    match class {
        ErrorClass::Input => 2,
        ErrorClass::Infeasible => 3,
        ErrorClass::TimeLimit => 4,
        ErrorClass::Internal => 1,
    }
}

/// Every exception class with its library class, for the module's setup.
pub fn classes(py: Python<'_>) -> Vec<(&'static str, Bound<'_, PyType>, Option<ErrorClass>)> {
    vec![
        ("FleetoptError", py.get_type::<FleetoptError>(), None),
        (
            "InputError",
            py.get_type::<InputError>(),
            Some(ErrorClass::Input),
        ),
        (
            "InfeasibleError",
            py.get_type::<InfeasibleError>(),
            Some(ErrorClass::Infeasible),
        ),
        (
            "TimeLimitError",
            py.get_type::<TimeLimitError>(),
            Some(ErrorClass::TimeLimit),
        ),
        (
            "InternalError",
            py.get_type::<InternalError>(),
            Some(ErrorClass::Internal),
        ),
    ]
}

/// A failed call: its class and the message (the CLI's `Failure`).
#[derive(Debug)]
pub struct Failure {
    /// Which exception.
    pub class: ErrorClass,
    /// What went wrong, naming the input.
    pub message: String,
}

impl Failure {
    /// A failure of `class`.
    pub fn new(class: ErrorClass, message: impl fmt::Display) -> Failure {
        Failure {
            class,
            message: message.to_string(),
        }
    }

    /// Bad input.
    pub fn input(message: impl fmt::Display) -> Failure {
        Failure::new(ErrorClass::Input, message)
    }

    /// fleetopt failed.
    pub fn internal(message: impl fmt::Display) -> Failure {
        Failure::new(ErrorClass::Internal, message)
    }

    /// A library error whose message already names its file.
    pub fn of(error: impl Classified + fmt::Display) -> Failure {
        Failure::new(error.class(), error)
    }

    /// The Python exception of this failure's class, with the CLI's message (control
    /// characters escaped line by line, as `fleetopt`'s `main` prints it).
    pub fn into_py(self) -> PyErr {
        let message = self
            .message
            .lines()
            .map(|line| escape_controls(line).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        match self.class {
            ErrorClass::Input => InputError::new_err(message),
            ErrorClass::Infeasible => InfeasibleError::new_err(message),
            ErrorClass::TimeLimit => TimeLimitError::new_err(message),
            ErrorClass::Internal => InternalError::new_err(message),
        }
    }
}

impl From<fleetopt_instances::LoadError> for Failure {
    fn from(error: fleetopt_instances::LoadError) -> Failure {
        Failure::of(error)
    }
}

impl From<fleetopt_solver::RequestError> for Failure {
    fn from(error: fleetopt_solver::RequestError) -> Failure {
        Failure::of(error)
    }
}

impl From<fleetopt_solver::plan::PlanError> for Failure {
    fn from(error: fleetopt_solver::plan::PlanError) -> Failure {
        Failure::of(error)
    }
}

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> PyErr {
        failure.into_py()
    }
}

/// Runs `work` without the GIL (other Python threads run meanwhile) and turns a panic — which
/// the library does not do on any input, but which must never unwind into Python as a
/// `PanicException` — into an [`InternalError`].
pub fn detached<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<T, Failure> + Send,
) -> PyResult<T> {
    let outcome = py.detach(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)));
    match outcome {
        Ok(result) => result.map_err(Failure::into_py),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(Failure::internal(format!("internal error: fleetopt panicked: {what}")).into_py())
        }
    }
}
