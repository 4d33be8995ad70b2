//! Reading the inputs commands share: the catalogue (`--catalog` or the embedded one), a request
//! file with what is given beside it (`--subnets`, `--zones`, `--launch-template`,
//! `--launch-template-type`) and a plan file. The CLI reads the files; the library parses them (`request::read`,
//! `plan::read`), so every command reads a request or a plan the same way and says the same
//! things about a bad one.

use std::path::Path;

use fleetopt::instances::Catalog;
use fleetopt::solver::plan::{self, Plan};
use fleetopt::solver::request::{self, FleetRequest};

use super::Failure;
use super::args::{CatalogSource, RequestInputs};

/// The catalogue named by `--catalog`, or the embedded default.
pub fn catalog(source: &CatalogSource) -> Result<Catalog, Failure> {
    match &source.catalog {
        Some(path) => Ok(fleetopt::instances::load::catalog::load(path)?),
        None => Ok(fleetopt::instances::embedded::catalog()?),
    }
}

/// Reads and parses a request file (any supported format).
pub fn request(path: &Path) -> Result<FleetRequest, Failure> {
    request_with(path, &RequestInputs::default())
}

/// Reads and parses a request file with what `--subnets`, `--zones`, `--launch-template`,
/// `--launch-template-type`, `--capacity-reservations`, `--reserved-instances`,
/// `--savings-plans` and `--savings-plan-rates` add.
pub fn request_with(path: &Path, inputs: &RequestInputs) -> Result<FleetRequest, Failure> {
    let label = path.display().to_string();
    let text = fleetopt::instances::read::read_to_string(path)
        .map_err(|e| Failure::input(format!("{label}: cannot read the request: {e}")))?;
    let mut options = request::ReadOptions {
        launch_template_type: inputs.launch_template_type.clone(),
        ..request::ReadOptions::default()
    };
    if let Some(file) = &inputs.subnets {
        for subnet in fleetopt::instances::load::subnets::load(file)? {
            options.subnets.insert(subnet.id, subnet.zone);
        }
    }
    if let Some(file) = &inputs.zones {
        let ids = fleetopt::instances::load::zones::load(file)?
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
            versions: fleetopt::instances::load::launch_templates::load(file)?,
        });
    }
    for file in &inputs.capacity_reservations {
        let records = fleetopt::instances::load::capacity_reservations::load(file)?;
        options
            .owned
            .add_capacity_reservations(&file.display().to_string(), &records);
    }
    for file in &inputs.reserved_instances {
        let records = fleetopt::instances::load::reserved_instances::load(file)?;
        options
            .owned
            .add_reserved_instances(&file.display().to_string(), &records);
    }
    let rates = inputs
        .savings_plan_rates
        .iter()
        .map(|file| fleetopt::instances::load::savings_plans::load_rates(file))
        .collect::<Result<Vec<_>, _>>()?;
    for file in &inputs.savings_plans {
        let plans = fleetopt::instances::load::savings_plans::load(file)?;
        options
            .owned
            .add_savings_plans(&file.display().to_string(), &plans, &rates);
    }
    Ok(request::read_with(&label, &text, &options)?)
}

/// Reads a `fleetopt.plan/v1` JSON file; errors name the file and the JSON path, and a plan of
/// another schema is refused.
pub fn plan(path: &Path) -> Result<Plan, Failure> {
    let label = path.display().to_string();
    let text = fleetopt::instances::read::read_to_string(path)
        .map_err(|e| Failure::input(format!("{label}: cannot read the plan: {e}")))?;
    Ok(plan::read(&label, &text)?)
}
