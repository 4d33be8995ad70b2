//! `fleetopt._fleetopt`: the native half of the `fleetopt` Python package (PyO3, abi3).
//!
//! Each function here does what one `fleetopt` command does with the same library calls as
//! `src/cli/` — read the inputs (`inputs`), call the library, serialize the answer with the
//! same serde derive the CLI's `--format json` prints — and hands Python the document as the
//! value `json.loads` makes of that JSON text, so a dict here equals `json.loads` of the CLI's
//! output. Work runs without the GIL (`errors::detached`); every failure becomes the exception
//! of its library class (`errors`). The public API, with its argument handling, is the pure
//! Python package `fleetopt/__init__.py`.

mod errors;
mod inputs;
mod listing;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use fleetopt_instances::Catalog;
use fleetopt_solver::compare;
use fleetopt_solver::export::{self, ExportOptions, Target};
use fleetopt_solver::request::{Mode, SpotStrategy};
use fleetopt_solver::simulate::{self, AzEventScope, SimulateError, SimulationOptions};
use fleetopt_solver::solve::{self, SolveError, SolveOptions};
use fleetopt_solver::verify;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use serde::Serialize;

use errors::{Failure, detached};
use inputs::{RequestInputs, Source};

/// The value `json.loads` makes of `value`'s JSON: the CLI's documents, as Python objects
/// (objects keep the field order of the Rust types, as the CLI prints them).
fn to_python<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::internal(format!("cannot render JSON: {e}")).into_py())?;
    json_to_python(py, text)
}

/// `json.loads(text)`.
fn json_to_python(py: Python<'_>, text: String) -> PyResult<Bound<'_, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// The embedded default catalogue, parsed once per process.
fn embedded() -> Result<Arc<Catalog>, Failure> {
    static EMBEDDED: OnceLock<Arc<Catalog>> = OnceLock::new();
    if let Some(catalog) = EMBEDDED.get() {
        return Ok(Arc::clone(catalog));
    }
    let catalog = Arc::new(fleetopt_instances::embedded::catalog()?);
    Ok(Arc::clone(EMBEDDED.get_or_init(|| catalog)))
}

/// A fleetopt catalogue (`fleetopt.catalog/v1`): instance types and capacity pools.
///
/// `Catalog()` is the embedded default catalogue (us-east-1, us-west-2, eu-west-1 and
/// ap-northeast-2; parsed once per process); `Catalog(path)` or `Catalog.load(path)` reads a
/// catalogue file (what `fleetopt catalog build` writes), as `--catalog FILE` does. Load it once
/// and pass it as `catalog=` to every call: nothing is re-read. A catalogue pickles as its path
/// (or as the embedded one), so Dask and Ray workers load their own copy once.
#[pyclass(frozen, module = "fleetopt", name = "Catalog")]
struct PyCatalog {
    inner: Arc<Catalog>,
    path: Option<PathBuf>,
}

#[pymethods]
impl PyCatalog {
    #[new]
    #[pyo3(signature = (path=None))]
    fn new(py: Python<'_>, path: Option<PathBuf>) -> PyResult<PyCatalog> {
        match path {
            None => Ok(PyCatalog {
                inner: detached(py, embedded)?,
                path: None,
            }),
            Some(path) => PyCatalog::load(py, path),
        }
    }

    /// Reads a fleetopt catalogue file; raises `InputError` naming the file and the place in
    /// it when it does not load.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyCatalog> {
        let catalog = detached(py, || Ok(fleetopt_instances::load::catalog::load(&path)?))?;
        Ok(PyCatalog {
            inner: Arc::new(catalog),
            path: Some(path),
        })
    }

    /// The file this catalogue was read from, or `None` for the embedded one.
    #[getter]
    fn path(&self) -> Option<String> {
        self.path.as_ref().map(|p| p.display().to_string())
    }

    /// The region names, in the catalogue's order.
    #[getter]
    fn regions(&self) -> Vec<String> {
        self.inner
            .regions()
            .map(|r| r.name().as_str().to_owned())
            .collect()
    }

    /// The number of instance types.
    #[getter]
    fn type_count(&self) -> usize {
        self.inner.type_count()
    }

    /// Where the data came from: title, data date, sources and methods (the catalogue's
    /// `info`, as `fleetopt catalog info` reads it).
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, self.inner.info())
    }

    fn __repr__(&self) -> String {
        match &self.path {
            Some(path) => format!("Catalog({:?})", path.display().to_string()),
            None => "Catalog()".to_owned(),
        }
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let class = py.get_type::<PyCatalog>();
        let args = match &self.path {
            Some(path) => PyTuple::new(py, [path.display().to_string()])?,
            None => PyTuple::empty(py),
        };
        PyTuple::new(py, [class.into_any(), args.into_any()])
    }
}

/// A failed solve of the request, named as the CLI names it (`solve_failure`).
fn solve_failure(request: &Source, error: SolveError) -> Failure {
    Failure::new(
        error.class(),
        format!("{}: {error}", request.label(inputs::REQUEST_LABEL)),
    )
}

/// A library enum from its spelling, or an input error listing the spellings.
fn choice<T: Copy>(
    what: &str,
    text: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<T, Failure> {
    all.iter()
        .copied()
        .find(|v| name(*v) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
            Failure::input(format!(
                "{what}: unknown value `{text}`; expected one of {}",
                names.join(", ")
            ))
        })
}

/// `fleetopt solve --format json` (the plan, `fleetopt.plan/v1`).
#[pyfunction]
#[pyo3(name = "solve")]
#[pyo3(signature = (request, inputs, catalog, mode=None, strategy=None, region=None, timing=true))]
#[allow(clippy::too_many_arguments)]
fn py_solve<'py>(
    py: Python<'py>,
    request: Source,
    inputs: RequestInputs,
    catalog: &PyCatalog,
    mode: Option<String>,
    strategy: Option<String>,
    region: Option<String>,
    timing: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let catalog = Arc::clone(&catalog.inner);
    let plan = detached(py, || {
        let parsed = inputs::request_with(&request, &inputs)?;
        let options = SolveOptions {
            mode: mode
                .as_deref()
                .map(|m| choice("mode", m, &Mode::ALL, Mode::as_str))
                .transpose()?,
            spot_strategy: strategy
                .as_deref()
                .map(SpotStrategy::parse)
                .transpose()
                .map_err(|e| Failure::input(format!("--strategy: {e}")))?,
            region: region.as_deref().map(Into::into),
        };
        let plan =
            solve::solve(&catalog, &parsed, &options).map_err(|e| solve_failure(&request, e))?;
        Ok(if timing { plan } else { plan.without_timing() })
    })?;
    to_python(py, &plan)
}

/// `fleetopt compare --format json` (one row per spot strategy and mode, then `cheapest`).
#[pyfunction]
#[pyo3(name = "compare")]
#[pyo3(signature = (request, inputs, catalog, region=None))]
fn py_compare<'py>(
    py: Python<'py>,
    request: Source,
    inputs: RequestInputs,
    catalog: &PyCatalog,
    region: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let catalog = Arc::clone(&catalog.inner);
    let rows = detached(py, || {
        let parsed = inputs::request_with(&request, &inputs)?;
        let options = SolveOptions {
            region: region.as_deref().map(Into::into),
            ..SolveOptions::default()
        };
        compare::compare(&catalog, &parsed, &options).map_err(|e| solve_failure(&request, e))
    })?;
    to_python(py, &rows)
}

/// `fleetopt verify`: the violations (`check`, `message`) of the plan against its request;
/// empty when valid.
#[pyfunction]
#[pyo3(name = "verify")]
fn py_verify<'py>(
    py: Python<'py>,
    plan: Source,
    request: Source,
    inputs: RequestInputs,
    catalog: &PyCatalog,
) -> PyResult<Bound<'py, PyAny>> {
    let catalog = Arc::clone(&catalog.inner);
    let violations = detached(py, || {
        let parsed = inputs::request_with(&request, &inputs)?;
        let plan = inputs::plan(&plan)?;
        Ok(verify::verify(
            &catalog,
            &solve::request_answered_by(&parsed, &plan),
            &plan,
        ))
    })?;
    to_python(py, &violations)
}

/// The options of `fleetopt simulate`, one dict item each (every key given by the Python side).
#[derive(Debug, Clone, FromPyObject)]
struct SimulateArgs {
    #[pyo3(item)]
    hours: f64,
    #[pyo3(item)]
    trials: u32,
    #[pyo3(item)]
    seed: u64,
    #[pyo3(item)]
    step_minutes: f64,
    #[pyo3(item)]
    launch_delay_minutes: f64,
    #[pyo3(item)]
    cooldown_minutes: f64,
    #[pyo3(item)]
    reclaim_fraction: f64,
    #[pyo3(item)]
    hazard_scale: f64,
    #[pyo3(item)]
    az_event_rate: f64,
    #[pyo3(item)]
    az_event_scope: String,
    #[pyo3(item)]
    replenish: bool,
    #[pyo3(item)]
    on_demand_fallback: bool,
    #[pyo3(item)]
    max_work: f64,
    #[pyo3(item)]
    jobs: Option<usize>,
}

/// Names the input at fault as the CLI's `simulate_failure` does: the option's flag, the plan,
/// or the request.
fn simulate_failure(plan: &Source, request: Option<&Source>, error: SimulateError) -> Failure {
    let message = match &error {
        SimulateError::Option { name, problem } => {
            format!("--{}: {problem}", name.replace('_', "-"))
        }
        SimulateError::Plan { path, problem } => {
            format!("{}: at {path}: {problem}", plan.label(inputs::PLAN_LABEL))
        }
        SimulateError::Candidates(_) | SimulateError::Hazard(_) => {
            let label = request.map_or_else(String::new, |r| r.label(inputs::REQUEST_LABEL));
            format!("{label}: {error}")
        }
    };
    Failure::new(error.class(), message)
}

/// Worker threads allowed per available core: the CLI's `limits::THREADS_PER_CORE`.
const THREADS_PER_CORE: usize = 4;

/// `jobs` checked as the CLI checks `-j` (`limits::jobs`), with its message.
fn check_jobs(requested: usize) -> Result<usize, Failure> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let limit = THREADS_PER_CORE.saturating_mul(cores);
    if requested > limit {
        return Err(Failure::input(format!(
            "-j/--jobs: {requested} threads is more than the limit of {limit} ({THREADS_PER_CORE} per available core, {cores} core{}); give at most -j {limit}",
            if cores == 1 { "" } else { "s" }
        )));
    }
    Ok(requested)
}

/// `fleetopt simulate --format json` (`fleetopt.simulation/v1`).
#[pyfunction]
#[pyo3(name = "simulate")]
#[pyo3(signature = (plan, catalog, request, options))]
fn py_simulate<'py>(
    py: Python<'py>,
    plan: Source,
    catalog: &PyCatalog,
    request: Option<Source>,
    options: SimulateArgs,
) -> PyResult<Bound<'py, PyAny>> {
    let catalog = Arc::clone(&catalog.inner);
    let report = detached(py, || {
        let parsed_plan = inputs::plan(&plan)?;
        let parsed_request = request.as_ref().map(inputs::request).transpose()?;
        let az_event_scope = choice(
            "--az-event-scope",
            &options.az_event_scope,
            &AzEventScope::ALL,
            AzEventScope::as_str,
        )?;
        let sim = SimulationOptions {
            hours: options.hours,
            trials: options.trials,
            seed: options.seed,
            step_minutes: options.step_minutes,
            launch_delay_minutes: options.launch_delay_minutes,
            cooldown_minutes: options.cooldown_minutes,
            reclaim_fraction: options.reclaim_fraction,
            hazard_scale: options.hazard_scale,
            az_event_rate: options.az_event_rate,
            az_event_scope,
            replenish: options.replenish,
            on_demand_fallback: options.on_demand_fallback,
            max_work: options.max_work,
        };
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(jobs) = options.jobs {
            if jobs == 0 {
                return Err(Failure::input("-j/--jobs: expected at least 1 thread"));
            }
            pool = pool.num_threads(check_jobs(jobs)?);
        }
        let pool = pool
            .build()
            .map_err(|e| Failure::internal(format!("cannot start worker threads: {e}")))?;
        pool.install(|| simulate::simulate(&catalog, parsed_request.as_ref(), &parsed_plan, &sim))
            .map_err(|e| simulate_failure(&plan, request.as_ref(), e))
    })?;
    to_python(py, &report)
}

/// The options of `fleetopt export`, one dict item each (every key given by the Python side).
#[derive(Debug, Clone, FromPyObject)]
struct ExportArgs {
    #[pyo3(item)]
    launch_template_name: String,
    #[pyo3(item)]
    launch_template_version: String,
    #[pyo3(item)]
    iam_fleet_role: Option<String>,
    #[pyo3(item)]
    asg_name: String,
    #[pyo3(item)]
    min_size: Option<u64>,
    #[pyo3(item)]
    max_size: Option<u64>,
    #[pyo3(item)]
    node_pool_name: String,
    #[pyo3(item)]
    node_class: String,
    #[pyo3(item)]
    keep_flexibility: bool,
}

/// `fleetopt export --format json`: `(document, notes)`, the document as the CLI prints it and
/// the notes it writes to stderr.
#[pyfunction]
#[pyo3(name = "export")]
#[pyo3(signature = (plan, to, catalog, request, options))]
fn py_export<'py>(
    py: Python<'py>,
    plan: Source,
    to: String,
    catalog: &PyCatalog,
    request: Option<Source>,
    options: ExportArgs,
) -> PyResult<(Bound<'py, PyAny>, Vec<String>)> {
    let catalog = Arc::clone(&catalog.inner);
    let exported = detached(py, || {
        let target = choice("--to", &to, &Target::ALL, Target::as_str)?;
        if options.keep_flexibility && request.is_none() {
            // clap's `requires = "request"` on the CLI.
            return Err(Failure::input(
                "keep_flexibility needs the request (request=...)",
            ));
        }
        let parsed_plan = inputs::plan(&plan)?;
        let parsed_request = request.as_ref().map(inputs::request).transpose()?;
        let defaults = ExportOptions::default();
        let export_options = ExportOptions {
            launch_template_name: options.launch_template_name.clone(),
            launch_template_version: options.launch_template_version.clone(),
            iam_fleet_role: options
                .iam_fleet_role
                .clone()
                .unwrap_or(defaults.iam_fleet_role),
            asg_name: options.asg_name.clone(),
            asg_min_size: options.min_size,
            asg_max_size: options.max_size,
            node_pool_name: options.node_pool_name.clone(),
            node_class_name: options.node_class.clone(),
            keep_flexibility: options.keep_flexibility,
        };
        export::export(
            &parsed_plan,
            parsed_request.as_ref(),
            &catalog,
            target,
            &export_options,
        )
        .map_err(|e| {
            Failure::new(
                e.class(),
                format!(
                    "{}: cannot export as {target}: {e}",
                    plan.label(inputs::PLAN_LABEL)
                ),
            )
        })
    })?;
    Ok((to_python(py, &exported.document)?, exported.notes))
}

/// `fleetopt catalog list --format json`: one record per listed type.
#[pyfunction]
#[pyo3(name = "catalog_list")]
fn py_catalog_list<'py>(
    py: Python<'py>,
    catalog: &PyCatalog,
    filters: listing::ListFilters,
) -> PyResult<Bound<'py, PyAny>> {
    let catalog = Arc::clone(&catalog.inner);
    let rows = detached(py, || listing::list(&catalog, &filters))?;
    json_to_python(py, rows)
}

/// One scenario of a sweep, as `fleetopt batch` expands it.
#[derive(Serialize)]
struct SweepScenario {
    id: String,
    request: serde_json::Value,
    catalog: Option<String>,
}

/// The scenarios of a sweep file (`fleetopt batch`'s expansion): `id`, the native `request`
/// and the sweep's `catalog` file (resolved), in batch order.
#[pyfunction]
#[pyo3(name = "sweep_scenarios")]
fn py_sweep_scenarios<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyAny>> {
    let scenarios = detached(py, || {
        let sweep = fleetopt_batch::sweep::Sweep::load(&path)
            .map_err(|e| Failure::new(fleetopt_solver::ErrorClass::Input, e))?;
        let catalog = sweep.catalog.as_ref().map(|c| c.display().to_string());
        Ok((0..sweep.len())
            .map(|index| {
                let scenario = sweep.scenario(index);
                SweepScenario {
                    id: scenario.id,
                    request: scenario.request,
                    catalog: catalog.clone(),
                }
            })
            .collect::<Vec<_>>())
    })?;
    to_python(py, &scenarios)
}

/// The native half of the `fleetopt` package.
#[pymodule]
fn _fleetopt(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    for (name, class, kind) in errors::classes(py) {
        if let Some(kind) = kind {
            class.setattr("kind", kind.as_str())?;
            class.setattr("exit_code", errors::exit_code(kind))?;
        } else {
            class.setattr("kind", py.None())?;
            class.setattr("exit_code", py.None())?;
        }
        m.add(name, class)?;
    }
    m.add_class::<PyCatalog>()?;
    m.add_function(wrap_pyfunction!(py_solve, m)?)?;
    m.add_function(wrap_pyfunction!(py_compare, m)?)?;
    m.add_function(wrap_pyfunction!(py_verify, m)?)?;
    m.add_function(wrap_pyfunction!(py_simulate, m)?)?;
    m.add_function(wrap_pyfunction!(py_export, m)?)?;
    m.add_function(wrap_pyfunction!(py_catalog_list, m)?)?;
    m.add_function(wrap_pyfunction!(py_sweep_scenarios, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
