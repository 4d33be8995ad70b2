//! One scenario: understanding its line (sequential, cheap), then solving it (parallel), then
//! its output line.
//!
//! Preparation parses the JSON line and loads the catalogue it names through [`Catalogs`], so
//! each distinct catalogue file is loaded once and shared by every thread. Reading the request
//! (and a `request_file`) happens in the parallel part with the solve. Any failure of one
//! scenario — a malformed line, an unreadable file, an invalid request, a solve failure —
//! becomes that scenario's error line; the batch goes on.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fleetopt_instances::{Catalog, LoadError};
use fleetopt_solver::ErrorClass;
use fleetopt_solver::plan::Plan;
use fleetopt_solver::request::{self, RequestError, native};
use fleetopt_solver::solve::{SolveError, SolveOptions, solve};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::BatchError;
use crate::input::{Input, InputKind, RawScenario};

/// Where a JSON Lines scenario sits: the batch file and the line's 1-based number. Shown as
/// `FILE:LINE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinePlace {
    /// The batch file.
    pub file: PathBuf,
    /// 1-based line number.
    pub line: u64,
}

impl fmt::Display for LinePlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// Why one scenario has no plan. It becomes the `error` object of that scenario's output line
/// ([`LineError`]); the batch goes on.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The line is not UTF-8.
    #[error("{at}: the line is not UTF-8 text ({source})")]
    NotUtf8 {
        /// The line.
        at: LinePlace,
        /// The decoding error.
        source: std::str::Utf8Error,
    },
    /// The line is not JSON.
    #[error(
        "{at}: invalid JSON at column {}: {}; expected one scenario object like {{\"id\": \"s1\", \"request_file\": \"req.toml\"}}",
        source.column(),
        strip_position(&source.to_string())
    )]
    InvalidJson {
        /// The line.
        at: LinePlace,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The line's JSON repeats a key.
    #[error("{at}: at {} (column {}): {duplicate}", duplicate.path, duplicate.column)]
    DuplicateKey {
        /// The line.
        at: LinePlace,
        /// The repeated key.
        duplicate: fleetopt_instances::json::DuplicateKey,
    },
    /// The line is JSON but not a scenario object.
    #[error("{at}: {}{source}", field_prefix(path))]
    LineField {
        /// The line.
        at: LinePlace,
        /// The field at fault (`.` for the line itself).
        path: serde_path_to_error::Path,
        /// What is wrong with it.
        source: serde_json::Error,
    },
    /// Both `request` and `request_file`.
    #[error("{at} ({id}): give either \"request\" or \"request_file\", not both")]
    TwoRequests {
        /// The line.
        at: LinePlace,
        /// The scenario id.
        id: String,
    },
    /// Neither `request` nor `request_file`.
    #[error("{at} ({id}): no request: add \"request\": {{…}} or \"request_file\": \"req.toml\"")]
    NoRequest {
        /// The line.
        at: LinePlace,
        /// The scenario id.
        id: String,
    },
    /// The catalogue a line names cannot be loaded.
    #[error("{at} ({id}): catalog: {source}")]
    LineCatalog {
        /// The line.
        at: LinePlace,
        /// The scenario id.
        id: String,
        /// The loader's error.
        source: Box<LoadError>,
    },
    /// The catalogue of a sweep (or the embedded one) cannot be loaded.
    #[error(transparent)]
    Catalog(Box<LoadError>),
    /// A `request_file` cannot be read.
    #[error("{scenario}: request_file: cannot read {}: {source}", path.display())]
    RequestFile {
        /// The scenario (`FILE:LINE (id)`).
        scenario: String,
        /// The request file, resolved.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A commitment file a scenario names cannot be used.
    #[error("{scenario}: {field}: {source}")]
    CommitmentFile {
        /// The scenario (`FILE:LINE (id)`).
        scenario: String,
        /// The field naming the file (`capacity_reservations`, …).
        field: &'static str,
        /// What is wrong with the file.
        source: Box<LoadError>,
    },
    /// The request is invalid.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The solve failed.
    #[error("{label}: {source}")]
    Solve {
        /// The scenario's request label.
        label: String,
        /// The solver's error.
        source: SolveError,
    },
    /// The solver panicked (a bug in fleetopt), caught so the batch goes on.
    #[error("internal error: the solver panicked: {why}")]
    Panic {
        /// The panic's message.
        why: String,
    },
}

impl ScenarioError {
    /// The class of the failure: a solve's own class, [`ErrorClass::Internal`] for a panic,
    /// [`ErrorClass::Input`] for everything else.
    pub fn class(&self) -> ErrorClass {
        match self {
            ScenarioError::Solve { source, .. } => source.class(),
            ScenarioError::Panic { .. } => ErrorClass::Internal,
            _ => ErrorClass::Input,
        }
    }
}

/// The `error` object of an output line: `{"kind":…,"exit_code":…,"message":…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    /// `input`, `infeasible`, `time_limit` or `internal` ([`ErrorClass::as_str`]).
    pub kind: String,
    /// The exit code `fleetopt solve` would give this scenario alone (from the caller's map,
    /// [`crate::Options::exit_code`]).
    pub exit_code: u8,
    /// What went wrong, naming the file and field.
    pub message: String,
}

impl LineError {
    /// The output form of `error`, its exit code taken from `exit_code`.
    pub fn new(error: &ScenarioError, exit_code: fn(ErrorClass) -> u8) -> LineError {
        let class = error.class();
        LineError {
            kind: class.as_str().to_owned(),
            exit_code: exit_code(class),
            message: error.to_string(),
        }
    }
}

/// The catalogues of a batch, each loaded once: the embedded default, the batch-wide default
/// (`--catalog`), and every file scenarios name.
#[derive(Debug, Default)]
pub struct Catalogs {
    default: Option<Arc<Catalog>>,
    files: BTreeMap<PathBuf, Result<Arc<Catalog>, LoadError>>,
    embedded: Option<Result<Arc<Catalog>, LoadError>>,
}

impl Catalogs {
    /// Catalogues with `default` used by scenarios that name none (else the embedded one).
    pub fn new(default: Option<Arc<Catalog>>) -> Catalogs {
        Catalogs {
            default,
            ..Catalogs::default()
        }
    }

    /// The catalogue for a scenario naming `file` (already resolved), or the default.
    pub fn get(&mut self, file: Option<&Path>) -> Result<Arc<Catalog>, LoadError> {
        match file {
            Some(path) => self
                .files
                .entry(path.to_path_buf())
                .or_insert_with(|| fleetopt_instances::load::catalog::load(path).map(Arc::new))
                .clone(),
            None => match &self.default {
                Some(catalog) => Ok(Arc::clone(catalog)),
                None => self
                    .embedded
                    .get_or_insert_with(|| fleetopt_instances::embedded::catalog().map(Arc::new))
                    .clone(),
            },
        }
    }
}

/// Where a scenario's request comes from. The inline forms keep the JSON value itself; it is
/// rendered as compact JSON text (what the request readers take, and what their messages'
/// lines and columns refer to) when the scenario is solved.
#[derive(Debug, Clone)]
enum RequestText {
    /// An inline `request` value of a JSON line: any request format, detected by content.
    Inline(Value),
    /// A `request_file`, read when solved.
    File(PathBuf),
    /// A sweep scenario: a native request as a JSON value.
    Native(Value),
}

/// A scenario ready to solve.
#[derive(Debug, Clone)]
pub struct Job {
    label: String,
    request: RequestText,
    catalog: Arc<Catalog>,
    /// The commitment files the line names, resolved, read when solved.
    owned: OwnedFiles,
}

/// The files of what the account already holds a JSON line names, as the CLI's
/// `--capacity-reservations`, `--reserved-instances`, `--savings-plans` and
/// `--savings-plan-rates` take them.
#[derive(Debug, Clone, Default)]
struct OwnedFiles {
    capacity_reservations: Vec<PathBuf>,
    reserved_instances: Vec<PathBuf>,
    savings_plans: Vec<PathBuf>,
    savings_plan_rates: Vec<PathBuf>,
}

/// The members of a JSON line that name commitment files, each a list of paths relative to the
/// batch file (also what [`crate::input::Input::named_files`] binds in the journal).
pub(crate) const COMMITMENT_FIELDS: [&str; 4] = [
    "capacity_reservations",
    "reserved_instances",
    "savings_plans",
    "savings_plan_rates",
];

impl OwnedFiles {
    /// Reads the files into what a request carries; errors name the scenario and field.
    fn load(&self, scenario: &str) -> Result<fleetopt_solver::commitments::Owned, ScenarioError> {
        use fleetopt_instances::load;
        let failed = |field: &'static str| {
            move |source: LoadError| ScenarioError::CommitmentFile {
                scenario: scenario.to_owned(),
                field,
                source: Box::new(source),
            }
        };
        let mut owned = fleetopt_solver::commitments::Owned::default();
        for path in &self.capacity_reservations {
            let records =
                load::capacity_reservations::load(path).map_err(failed("capacity_reservations"))?;
            owned.add_capacity_reservations(&path.display().to_string(), &records);
        }
        for path in &self.reserved_instances {
            let records =
                load::reserved_instances::load(path).map_err(failed("reserved_instances"))?;
            owned.add_reserved_instances(&path.display().to_string(), &records);
        }
        let rates = self
            .savings_plan_rates
            .iter()
            .map(|path| load::savings_plans::load_rates(path).map_err(failed("savings_plan_rates")))
            .collect::<Result<Vec<_>, _>>()?;
        for path in &self.savings_plans {
            let plans = load::savings_plans::load(path).map_err(failed("savings_plans"))?;
            owned.add_savings_plans(&path.display().to_string(), &plans, &rates);
        }
        Ok(owned)
    }
}

/// A scenario after preparation: its place, its id, and a job or the reason it has none.
#[derive(Debug)]
pub struct Prepared {
    /// 0-based scenario index.
    pub index: u64,
    /// The scenario id (`None` when the line is too broken to hold one).
    pub id: Option<String>,
    /// What to solve, or the scenario's error.
    pub job: Result<Job, ScenarioError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineSpec {
    id: String,
    request: Option<Value>,
    request_file: Option<String>,
    catalog: Option<String>,
    #[serde(default)]
    capacity_reservations: Vec<String>,
    #[serde(default)]
    reserved_instances: Vec<String>,
    #[serde(default)]
    savings_plans: Vec<String>,
    #[serde(default)]
    savings_plan_rates: Vec<String>,
}

/// Understands one raw scenario (parses its line, loads its catalogue).
pub fn prepare(input: &Input, raw: RawScenario, catalogs: &mut Catalogs) -> Prepared {
    match raw {
        RawScenario::Sweep { index, scenario } => {
            let catalog = match &input.kind {
                InputKind::Sweep(sweep) => sweep.catalog.clone(),
                InputKind::Lines => None,
            };
            let job = catalogs
                .get(catalog.as_deref())
                .map_err(|e| ScenarioError::Catalog(Box::new(e)))
                .map(|catalog| Job {
                    label: format!("{}#{index} ({})", input.label, scenario.id),
                    request: RequestText::Native(scenario.request),
                    catalog,
                    owned: OwnedFiles::default(),
                });
            Prepared {
                index,
                id: Some(scenario.id),
                job,
            }
        }
        RawScenario::Line {
            index,
            line_no,
            text,
        } => {
            let at = LinePlace {
                file: input.path.clone(),
                line: line_no,
            };
            let (id, job) = prepare_line(input, at, text, catalogs);
            Prepared { index, id, job }
        }
    }
}

fn prepare_line(
    input: &Input,
    at: LinePlace,
    text: Result<String, std::str::Utf8Error>,
    catalogs: &mut Catalogs,
) -> (Option<String>, Result<Job, ScenarioError>) {
    let text = match text {
        Ok(text) => text,
        Err(source) => return (None, Err(ScenarioError::NotUtf8 { at, source })),
    };
    if let Some(duplicate) = fleetopt_instances::json::find_duplicate_key(&text) {
        return (None, Err(ScenarioError::DuplicateKey { at, duplicate }));
    }
    let value: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(source) => return (None, Err(ScenarioError::InvalidJson { at, source })),
    };
    let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
    let spec: LineSpec = match serde_path_to_error::deserialize(value) {
        Ok(spec) => spec,
        Err(e) => {
            let path = e.path().clone();
            let source = e.into_inner();
            return (id, Err(ScenarioError::LineField { at, path, source }));
        }
    };
    let request = match (spec.request, spec.request_file) {
        (Some(request), None) => RequestText::Inline(request),
        (None, Some(file)) => RequestText::File(input.dir.join(file)),
        (Some(_), Some(_)) => {
            let id = spec.id.clone();
            return (Some(spec.id), Err(ScenarioError::TwoRequests { at, id }));
        }
        (None, None) => {
            let id = spec.id.clone();
            return (Some(spec.id), Err(ScenarioError::NoRequest { at, id }));
        }
    };
    let label = format!("{at} ({})", spec.id);
    let catalog_file = spec.catalog.map(|c| input.dir.join(c));
    let resolve = |names: &[String]| names.iter().map(|n| input.dir.join(n)).collect();
    let owned = OwnedFiles {
        capacity_reservations: resolve(&spec.capacity_reservations),
        reserved_instances: resolve(&spec.reserved_instances),
        savings_plans: resolve(&spec.savings_plans),
        savings_plan_rates: resolve(&spec.savings_plan_rates),
    };
    let job = match catalogs.get(catalog_file.as_deref()) {
        Ok(catalog) => Ok(Job {
            label: format!("{label}.request"),
            request,
            catalog,
            owned,
        }),
        Err(source) => Err(ScenarioError::LineCatalog {
            at,
            id: spec.id.clone(),
            source: Box::new(source),
        }),
    };
    (Some(spec.id), job)
}

/// `path: ` before a line's error, or nothing when the error is about the line as a whole.
fn field_prefix(path: &serde_path_to_error::Path) -> String {
    let path = path.to_string();
    if path == "." {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// serde_json appends " at line L column C"; the line is always 1 here.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at])
}

impl Job {
    /// Reads the request and solves it with the default options (the request's own mode).
    /// Optimal plans come back [without timing](Plan::without_timing): a batch's bytes depend
    /// only on its input, never on how fast a machine or thread solved a scenario.
    pub fn solve(&self) -> Result<Plan, ScenarioError> {
        let scenario = self.label.trim_end_matches(".request");
        let options = request::ReadOptions {
            owned: self.owned.load(scenario)?,
            ..request::ReadOptions::default()
        };
        let request = match &self.request {
            RequestText::Inline(value) => {
                request::read_with(&self.label, &value.to_string(), &options)
            }
            RequestText::Native(value) => native::read(
                &self.label,
                &value.to_string(),
                fleetopt_solver::request::syntax::Syntax::Json,
            ),
            RequestText::File(path) => {
                let text = fleetopt_instances::read::read_to_string(path).map_err(|source| {
                    ScenarioError::RequestFile {
                        scenario: self.label.trim_end_matches(".request").to_owned(),
                        path: path.clone(),
                        source,
                    }
                })?;
                request::read_with(&path.display().to_string(), &text, &options)
            }
        }?;
        solve(&self.catalog, &request, &SolveOptions::default())
            .map(Plan::without_timing)
            .map_err(|source| ScenarioError::Solve {
                label: self.label.clone(),
                source,
            })
    }
}

#[derive(Serialize)]
struct PlanLine<'a> {
    id: &'a Option<String>,
    plan: &'a Plan,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    id: &'a Option<String>,
    error: &'a LineError,
}

/// One output line (compact JSON, no newline): `{"id":…,"plan":{…}}` or
/// `{"id":…,"error":{"kind":…,"exit_code":…,"message":…}}`, the exit code from `exit_code`.
pub fn output_line(
    id: &Option<String>,
    result: Result<&Plan, &ScenarioError>,
    exit_code: fn(ErrorClass) -> u8,
) -> Result<String, BatchError> {
    match result {
        Ok(plan) => serde_json::to_string(&PlanLine { id, plan }),
        Err(error) => serde_json::to_string(&ErrorLine {
            id,
            error: &LineError::new(error, exit_code),
        }),
    }
    .map_err(|source| BatchError::Render {
        what: "a result line",
        source,
    })
}

/// Solves one prepared scenario: its output line and whether it failed.
pub fn run_one(
    prepared: &Prepared,
    exit_code: fn(ErrorClass) -> u8,
) -> Result<(String, bool), BatchError> {
    let solved;
    let result = match &prepared.job {
        Ok(job) => {
            solved = job.solve();
            solved.as_ref()
        }
        Err(error) => Err(error),
    };
    Ok((
        output_line(&prepared.id, result, exit_code)?,
        result.is_err(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_take_kind_from_the_class_and_exit_code_from_the_callers_map() {
        let prepared = Prepared {
            index: 0,
            id: Some("s1".to_owned()),
            job: Err(ScenarioError::NoRequest {
                at: LinePlace {
                    file: PathBuf::from("b.jsonl"),
                    line: 3,
                },
                id: "s1".to_owned(),
            }),
        };
        let (line, failed) = run_one(&prepared, |class| match class {
            ErrorClass::Input => 42,
            _ => 0,
        })
        .unwrap();
        assert!(failed);
        assert_eq!(
            line,
            r#"{"id":"s1","error":{"kind":"input","exit_code":42,"message":"b.jsonl:3 (s1): no request: add \"request\": {…} or \"request_file\": \"req.toml\""}}"#
        );
        let panic = ScenarioError::Panic {
            why: "boom".to_owned(),
        };
        let line = output_line(&None, Err(&panic), |class| match class {
            ErrorClass::Internal => 7,
            _ => 0,
        })
        .unwrap();
        assert!(
            line.contains(r#""kind":"internal","exit_code":7"#),
            "{line}"
        );
    }
}
