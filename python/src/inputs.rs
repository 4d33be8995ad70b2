//! The inputs every function shares, read exactly as the CLI's `src/cli/inputs.rs` reads them:
//! a request (a file, or text the Python side made of a dict or string) with what is given
//! beside it (`subnets`, `zones`, `launch_template`, `launch_template_type` and the commitment
//! files), and a plan. Files go through the catalogue crate's bounded reader, text through the
//! same library parsers, so the messages are the CLI's.

use std::path::PathBuf;

use fleetopt_solver::plan::{self, Plan};
use fleetopt_solver::request::{self, FleetRequest};
use pyo3::prelude::*;

use crate::errors::Failure;

/// The label a request given as text (or a dict) carries in messages, where a file's name
/// would stand.
pub const REQUEST_LABEL: &str = "<request>";

/// The label of a plan given as text or a dict.
pub const PLAN_LABEL: &str = "<plan>";

/// A document given either as a file or as text: `(kind, value, label)` with kind `"path"` or
/// `"text"` (the Python side decides which, and renders a dict as JSON text) and, for text,
/// the label messages name it by (`None`: [`REQUEST_LABEL`] or [`PLAN_LABEL`]; a sweep
/// scenario passes the label `fleetopt batch` gives it).
#[derive(Debug, Clone, FromPyObject)]
pub struct Source(pub String, pub String, pub Option<String>);

impl Source {
    /// The file's path, when the document is a file.
    fn path(&self) -> Option<PathBuf> {
        (self.0 == "path").then(|| PathBuf::from(&self.1))
    }

    /// The label messages name the document by, and its text; `what` is `request` or `plan`.
    pub fn read(&self, text_label: &str, what: &str) -> Result<(String, String), Failure> {
        match self.path() {
            Some(path) => {
                let label = path.display().to_string();
                let text = fleetopt_instances::read::read_to_string(&path)
                    .map_err(|e| Failure::input(format!("{label}: cannot read the {what}: {e}")))?;
                Ok((label, text))
            }
            None => Ok((self.text_label(text_label), self.1.clone())),
        }
    }

    /// How the CLI names this document at the start of a solve failure
    /// (`request.display()`).
    pub fn label(&self, text_label: &str) -> String {
        match self.path() {
            Some(path) => path.display().to_string(),
            None => self.text_label(text_label),
        }
    }

    fn text_label(&self, default: &str) -> String {
        self.2.clone().unwrap_or_else(|| default.to_owned())
    }
}

/// What an AWS request form cannot say by itself, given beside it: the CLI's `RequestInputs`
/// flags, one dict item each (the Python side always passes every key).
#[derive(Debug, Clone, Default, FromPyObject)]
pub struct RequestInputs {
    /// `--subnets`.
    #[pyo3(item)]
    pub subnets: Option<PathBuf>,
    /// `--zones`.
    #[pyo3(item)]
    pub zones: Option<PathBuf>,
    /// `--launch-template`.
    #[pyo3(item)]
    pub launch_template: Option<PathBuf>,
    /// `--launch-template-type`.
    #[pyo3(item)]
    pub launch_template_type: Option<String>,
    /// `--capacity-reservations`, repeatable.
    #[pyo3(item)]
    pub capacity_reservations: Vec<PathBuf>,
    /// `--reserved-instances`, repeatable.
    #[pyo3(item)]
    pub reserved_instances: Vec<PathBuf>,
    /// `--savings-plans`, repeatable.
    #[pyo3(item)]
    pub savings_plans: Vec<PathBuf>,
    /// `--savings-plan-rates`, repeatable.
    #[pyo3(item)]
    pub savings_plan_rates: Vec<PathBuf>,
}

/// Reads and parses a request with what `inputs` adds (the CLI's `inputs::request_with`).
pub fn request_with(source: &Source, inputs: &RequestInputs) -> Result<FleetRequest, Failure> {
    if !inputs.savings_plan_rates.is_empty() && inputs.savings_plans.is_empty() {
        // clap's `requires = "savings_plans"` on the CLI.
        return Err(Failure::input(
            "savings_plan_rates: needs savings_plans (the plans whose rates they are)",
        ));
    }
    if inputs.launch_template.is_some() && inputs.launch_template_type.is_some() {
        // clap's `conflicts_with` on the CLI.
        return Err(Failure::input(
            "launch_template and launch_template_type cannot be given together",
        ));
    }
    let (label, text) = source.read(REQUEST_LABEL, "request")?;
    let mut options = request::ReadOptions {
        launch_template_type: inputs.launch_template_type.clone(),
        ..request::ReadOptions::default()
    };
    if let Some(file) = &inputs.subnets {
        for subnet in fleetopt_instances::load::subnets::load(file)? {
            options.subnets.insert(subnet.id, subnet.zone);
        }
    }
    if let Some(file) = &inputs.zones {
        let ids = fleetopt_instances::load::zones::load(file)?
            .into_iter()
            .map(|zone| (zone.name, zone.id))
            .collect();
        options.zones = Some(request::ZoneNames {
            source: file.display().to_string(),
            ids,
        });
    }
    if let Some(file) = &inputs.launch_template {
        options.launch_templates = Some(request::aws::LaunchTemplates {
            source: file.display().to_string(),
            versions: fleetopt_instances::load::launch_templates::load(file)?,
        });
    }
    for file in &inputs.capacity_reservations {
        let records = fleetopt_instances::load::capacity_reservations::load(file)?;
        options
            .owned
            .add_capacity_reservations(&file.display().to_string(), &records);
    }
    for file in &inputs.reserved_instances {
        let records = fleetopt_instances::load::reserved_instances::load(file)?;
        options
            .owned
            .add_reserved_instances(&file.display().to_string(), &records);
    }
    let rates = inputs
        .savings_plan_rates
        .iter()
        .map(|file| fleetopt_instances::load::savings_plans::load_rates(file))
        .collect::<Result<Vec<_>, _>>()?;
    for file in &inputs.savings_plans {
        let plans = fleetopt_instances::load::savings_plans::load(file)?;
        options
            .owned
            .add_savings_plans(&file.display().to_string(), &plans, &rates);
    }
    Ok(request::read_with(&label, &text, &options)?)
}

/// Reads a request with nothing beside it (the CLI's `inputs::request`, used by `export` and
/// `simulate`).
pub fn request(source: &Source) -> Result<FleetRequest, Failure> {
    request_with(source, &RequestInputs::default())
}

/// Reads a `fleetopt.plan/v1` plan (the CLI's `inputs::plan`).
pub fn plan(source: &Source) -> Result<Plan, Failure> {
    let (label, text) = source.read(PLAN_LABEL, "plan")?;
    Ok(plan::read(&label, &text)?)
}
