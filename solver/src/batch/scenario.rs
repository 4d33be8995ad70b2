//! One scenario: understanding its line (sequential, cheap), then solving it (parallel), then
//! its output line.
//!
//! Preparation parses the JSON line and loads the catalogue it names through [`Catalogs`], so
//! each distinct catalogue file is loaded once and shared by every thread. Reading the request
//! (and a `request_file`) happens in the parallel part with the solve. Any failure of one
//! scenario — a malformed line, an unreadable file, an invalid request, a solve failure —
//! becomes that scenario's error line; the batch goes on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fleetopt_instances::Catalog;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::BatchError;
use super::input::{Input, RawScenario};
use crate::plan::Plan;
use crate::request::{self, native};
use crate::solve::{SolveOptions, solve};

/// Why one scenario has no plan: the `error` object of its output line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioError {
    /// `input`, `infeasible`, `time_limit` or `internal` (as [`crate::ErrorClass::as_str`]).
    pub kind: String,
    /// The exit code `fleetopt solve` would give this scenario alone.
    pub exit_code: u8,
    /// What went wrong, naming the file and field.
    pub message: String,
}

impl ScenarioError {
    /// A bad-input error (exit code 2).
    pub fn input(message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            kind: "input".to_owned(),
            exit_code: 2,
            message: message.into(),
        }
    }
}

/// The catalogues of a batch, each loaded once: the embedded default, the batch-wide default
/// (`--catalog`), and every file scenarios name.
#[derive(Debug, Default)]
pub struct Catalogs {
    default: Option<Arc<Catalog>>,
    files: BTreeMap<PathBuf, Result<Arc<Catalog>, ScenarioError>>,
    embedded: Option<Result<Arc<Catalog>, ScenarioError>>,
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
    pub fn get(&mut self, file: Option<&Path>) -> Result<Arc<Catalog>, ScenarioError> {
        match file {
            Some(path) => self
                .files
                .entry(path.to_path_buf())
                .or_insert_with(|| {
                    fleetopt_instances::load::catalog::load(path)
                        .map(Arc::new)
                        .map_err(|e| ScenarioError::input(e.to_string()))
                })
                .clone(),
            None => match &self.default {
                Some(catalog) => Ok(Arc::clone(catalog)),
                None => self
                    .embedded
                    .get_or_insert_with(|| {
                        fleetopt_instances::embedded::catalog()
                            .map(Arc::new)
                            .map_err(|e| ScenarioError::input(e.to_string()))
                    })
                    .clone(),
            },
        }
    }
}

/// Where a scenario's request comes from.
#[derive(Debug, Clone)]
enum RequestText {
    /// An inline `request` value of a JSON line: any request format, detected by content.
    Inline(String),
    /// A `request_file`, read when solved.
    File(PathBuf),
    /// A sweep scenario: a native request as JSON.
    Native(String),
}

/// A scenario ready to solve.
#[derive(Debug, Clone)]
pub struct Job {
    label: String,
    request: RequestText,
    catalog: Arc<Catalog>,
}

/// A scenario after preparation: its place, its id, and a job or the reason it has none.
#[derive(Debug, Clone)]
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
}

/// Understands one raw scenario (parses its line, loads its catalogue).
pub fn prepare(input: &Input, raw: RawScenario, catalogs: &mut Catalogs) -> Prepared {
    match raw {
        RawScenario::Sweep { index, scenario } => {
            let catalog = match &input.kind {
                super::input::InputKind::Sweep(sweep) => sweep.catalog.clone(),
                super::input::InputKind::Lines => None,
            };
            let job = catalogs.get(catalog.as_deref()).map(|catalog| Job {
                label: format!("{}#{index} ({})", input.label, scenario.id),
                request: RequestText::Native(scenario.request.to_string()),
                catalog,
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
            let at = format!("{}:{line_no}", input.label);
            let (id, job) = prepare_line(input, &at, text, catalogs);
            Prepared { index, id, job }
        }
    }
}

fn prepare_line(
    input: &Input,
    at: &str,
    text: Result<String, String>,
    catalogs: &mut Catalogs,
) -> (Option<String>, Result<Job, ScenarioError>) {
    let text = match text {
        Ok(text) => text,
        Err(why) => return (None, Err(ScenarioError::input(format!("{at}: {why}")))),
    };
    let value: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => {
            return (
                None,
                Err(ScenarioError::input(format!(
                    "{at}: invalid JSON at column {}: {}; expected one scenario object like {{\"id\": \"s1\", \"request_file\": \"req.toml\"}}",
                    e.column(),
                    strip_position(&e.to_string())
                ))),
            );
        }
    };
    let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
    let spec: LineSpec = match serde_path_to_error::deserialize(value) {
        Ok(spec) => spec,
        Err(e) => {
            let path = e.path().to_string();
            let where_ = if path == "." {
                String::new()
            } else {
                format!("{path}: ")
            };
            return (
                id,
                Err(ScenarioError::input(format!(
                    "{at}: {where_}{}",
                    e.into_inner()
                ))),
            );
        }
    };
    let label = format!("{at} ({})", spec.id);
    let request = match (spec.request, spec.request_file) {
        (Some(request), None) => RequestText::Inline(request.to_string()),
        (None, Some(file)) => RequestText::File(input.dir.join(file)),
        (Some(_), Some(_)) => {
            return (
                Some(spec.id),
                Err(ScenarioError::input(format!(
                    "{label}: give either \"request\" or \"request_file\", not both"
                ))),
            );
        }
        (None, None) => {
            return (
                Some(spec.id),
                Err(ScenarioError::input(format!(
                    "{label}: no request: add \"request\": {{…}} or \"request_file\": \"req.toml\""
                ))),
            );
        }
    };
    let catalog_file = spec.catalog.map(|c| input.dir.join(c));
    let job = catalogs
        .get(catalog_file.as_deref())
        .map_err(|e| ScenarioError::input(format!("{label}: catalog: {}", e.message)))
        .map(|catalog| Job {
            label: format!("{label}.request"),
            request,
            catalog,
        });
    (Some(spec.id), job)
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
        let request = match &self.request {
            RequestText::Inline(text) => request::read(&self.label, text),
            RequestText::Native(text) => native::read(&self.label, text, native::Syntax::Json),
            RequestText::File(path) => {
                let label = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|e| {
                    ScenarioError::input(format!(
                        "{}: request_file: cannot read {label}: {e}",
                        self.label.trim_end_matches(".request")
                    ))
                })?;
                request::read(&label, &text)
            }
        }
        .map_err(|e| ScenarioError::input(e.to_string()))?;
        solve(&self.catalog, &request, &SolveOptions::default())
            .map(Plan::without_timing)
            .map_err(|e| ScenarioError {
                kind: e.class().as_str().to_owned(),
                // Stopgap until the batch crate takes the binary's class → exit-code map.
                exit_code: match e.class() {
                    crate::ErrorClass::Input => 2,
                    crate::ErrorClass::Infeasible => 3,
                    crate::ErrorClass::TimeLimit => 4,
                    crate::ErrorClass::Internal => 1,
                },
                message: format!("{}: {e}", self.label),
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
    error: &'a ScenarioError,
}

/// One output line (compact JSON, no newline): `{"id":…,"plan":{…}}` or
/// `{"id":…,"error":{"kind":…,"exit_code":…,"message":…}}`.
pub fn output_line(
    id: &Option<String>,
    result: &Result<Plan, ScenarioError>,
) -> Result<String, BatchError> {
    match result {
        Ok(plan) => serde_json::to_string(&PlanLine { id, plan }),
        Err(error) => serde_json::to_string(&ErrorLine { id, error }),
    }
    .map_err(|e| BatchError::Io(format!("cannot render a result line: {e}")))
}

/// Prepares and solves one scenario: its output line and whether it failed.
pub fn run_one(prepared: &Prepared) -> Result<(String, bool), BatchError> {
    let result = match &prepared.job {
        Ok(job) => job.solve(),
        Err(error) => Err(error.clone()),
    };
    Ok((output_line(&prepared.id, &result)?, result.is_err()))
}
