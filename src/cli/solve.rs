//! `fleetopt solve | compare | verify`.

use std::path::Path;

use fleetopt::solver::pareto::TradeOff;
use fleetopt::solver::plan::{Plan, Shortfall};
use fleetopt::solver::request::{self, FleetRequest, Mode, SpotStrategy};
use fleetopt::solver::solve::{SolveError, SolveOptions, solve as solve_plan};
use fleetopt::solver::verify;
use rayon::prelude::*;
use serde::Serialize;

use super::args::{CompareArgs, CompareFormat, ModeArg, PlanFormat, SolveArgs, VerifyArgs};
use super::output::{json_text, print, write_atomically};
use super::table::{Align, Table};
use super::{Failure, FailureKind, load_catalog};

/// Reads and parses a request file (any supported format).
pub(super) fn read_request(path: &Path) -> Result<FleetRequest, Failure> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("{label}: cannot read the request: {e}")))?;
    request::read(&label, &text).map_err(Failure::input)
}

pub(super) fn solve_failure(request: &Path, error: SolveError) -> Failure {
    let message = format!("{}: {error}", request.display());
    let kind = match error.exit_code() {
        2 => FailureKind::Input,
        3 => FailureKind::Infeasible,
        4 => FailureKind::TimeLimit,
        _ => FailureKind::Other,
    };
    Failure { kind, message }
}

pub fn solve(args: &SolveArgs) -> Result<(), Failure> {
    let catalog = load_catalog(&args.source)?;
    let request = read_request(&args.request)?;
    let options = SolveOptions {
        mode: args.mode.map(|m| match m {
            ModeArg::Aws => Mode::Aws,
            ModeArg::Optimal => Mode::Optimal,
        }),
        spot_strategy: args
            .strategy
            .as_deref()
            .map(SpotStrategy::parse)
            .transpose()
            .map_err(|e| Failure::input(format!("--strategy: {e}")))?,
        region: args.region.as_deref().map(Into::into),
    };
    let mut plan =
        solve_plan(&catalog, &request, &options).map_err(|e| solve_failure(&args.request, e))?;
    if args.no_timing {
        plan = plan.without_timing();
    }
    let text = render_plan(&plan, args.format)?;
    match &args.output {
        Some(path) => write_atomically(path, text.as_bytes()),
        None => print(&text),
    }
}

fn render_plan(plan: &Plan, format: PlanFormat) -> Result<String, Failure> {
    match format {
        PlanFormat::Json => json_text(plan),
        PlanFormat::Yaml => serde_norway::to_string(plan)
            .map_err(|e| Failure::other(format!("cannot render YAML: {e}"))),
        PlanFormat::Table => Ok(plan_table(plan)),
    }
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

/// The human view of a plan: a header, one row per allocation, then totals, split and risk.
fn plan_table(plan: &Plan) -> String {
    let m = &plan.metrics;
    let mut text = format!(
        "{} mode plan for {}: spot {}, on-demand {}\n\n",
        plan.mode, plan.region, plan.strategy.spot, plan.strategy.on_demand
    );
    let mut table = Table::new(&[
        ("market", Align::Left),
        ("zone", Align::Left),
        ("type", Align::Left),
        ("count", Align::Right),
        ("weight", Align::Right),
        ("capacity", Align::Right),
        ("$/h each", Align::Right),
        ("$/h", Align::Right),
        ("placement", Align::Left),
    ]);
    for a in &plan.allocations {
        let placement = match &a.placement {
            Some(slot) => match slot.partition {
                Some(partition) => format!("{} partition {partition}", slot.group),
                None => slot.group.clone(),
            },
            None => "-".to_owned(),
        };
        table.row(vec![
            a.market.to_string(),
            a.availability_zone_id.to_string(),
            a.instance_type.to_string(),
            a.count.to_string(),
            number(a.weight),
            number(a.capacity),
            format!("{:.6}", a.price_per_hour),
            format!("{:.4}", a.cost_per_hour()),
            placement,
        ]);
    }
    text.push_str(&table.render());
    text.push_str(&format!(
        "\ncapacity   {} {} of {} (overshoot {}), {} instances, {} vCPUs\n",
        number(m.capacity),
        m.unit,
        number(m.target),
        number(m.overshoot),
        m.instances,
        m.vcpus
    ));
    text.push_str(&format!(
        "cost       ${:.4}/h (${:.6} per vCPU-hour)\n",
        m.cost_per_hour, m.cost_per_vcpu_hour
    ));
    text.push_str(&format!(
        "split      spot {} / on-demand {} (on-demand part asked: {})\n",
        number(m.spot_capacity),
        number(m.on_demand_capacity),
        number(m.on_demand_target)
    ));
    text.push_str(&format!(
        "spread     {} pools, {} types, {} AZs\n",
        m.pools, m.types, m.azs
    ));
    text.push_str(&format!(
        "risk       {:.4} expected interruptions/h; worst loss: pool {}, type {}, AZ {} of target\n",
        m.expected_interruptions_per_hour,
        percent(m.worst_pool_loss),
        percent(m.worst_type_loss),
        percent(m.worst_az_loss)
    ));
    if let Some(report) = &plan.solver {
        text.push_str(&format!(
            "solver     {}: objective {:.6} (bound {:.6}, gap {}) in {:.3} s\n",
            report.status.as_str(),
            report.objective,
            report.bound,
            percent(report.gap),
            report.seconds
        ));
        for stage in &report.stages {
            text.push_str(&format!(
                "stage      {} = {:.6} ({})\n",
                stage.objective_name,
                stage.objective,
                stage.status.as_str()
            ));
        }
    }
    if let Some(shortfall) = &plan.shortfall {
        let why = match shortfall {
            Shortfall::Budget {
                market,
                max_total_price,
            } => format!("the {market} max_total_price ${max_total_price}/h stopped launching"),
            Shortfall::Availability { market } => {
                format!("every eligible {market} pool is at its available-instance estimate")
            }
            Shortfall::NoEligiblePool { market } => format!("no {market} pool is eligible"),
        };
        text.push_str(&format!("shortfall  {why}\n"));
    }
    for note in &plan.notes {
        text.push_str(&format!("note       {note}\n"));
    }
    text
}

/// One row of `compare`.
#[derive(Debug, Serialize)]
struct Comparison {
    strategy: SpotStrategy,
    mode: Mode,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<Plan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// `infeasible`, `time_limit` or `internal` when there is no plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    error_kind: Option<&'static str>,
    /// optimal rows: the saving against the aws row of the same strategy, when comparable.
    #[serde(skip_serializing_if = "Option::is_none")]
    saving_vs_aws: Option<f64>,
}

/// The saving of an optimal plan against the aws plan of the same strategy, as a share of the
/// aws cost, when the optimal plan is at equal or better risk: no more expected interruptions
/// per hour and no larger worst-AZ loss, and the aws plan meets its target (a plan that falls
/// short is not a like-for-like price). `None` when not comparable.
fn saving(aws: &Plan, optimal: &Plan) -> Option<f64> {
    let (a, o) = (&aws.metrics, &optimal.metrics);
    let tolerance = 1e-12;
    let comparable = aws.shortfall.is_none()
        && a.cost_per_hour > 0.0
        && o.expected_interruptions_per_hour <= a.expected_interruptions_per_hour + tolerance
        && o.worst_az_loss <= a.worst_az_loss + tolerance;
    comparable.then(|| (a.cost_per_hour - o.cost_per_hour) / a.cost_per_hour)
}

pub fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let catalog = load_catalog(&args.source)?;
    let request = read_request(&args.request)?;
    // Every (strategy, mode) solve is independent: solve them in parallel, keep input order.
    let cases: Vec<(SpotStrategy, Mode)> = SpotStrategy::ALL
        .into_iter()
        .flat_map(|strategy| [(strategy, Mode::Aws), (strategy, Mode::Optimal)])
        .collect();
    let region = args.region.as_deref().map(Into::into);
    let outcomes: Vec<Result<Plan, SolveError>> = cases
        .par_iter()
        .map(|&(strategy, mode)| {
            let options = SolveOptions {
                mode: Some(mode),
                spot_strategy: Some(strategy),
                region: region.clone(),
            };
            solve_plan(&catalog, &request, &options)
        })
        .collect();
    let mut rows = Vec::new();
    let mut aws_plan: Option<Plan> = None;
    for ((strategy, mode), outcome) in cases.into_iter().zip(outcomes) {
        match outcome {
            Ok(plan) => {
                let saving_vs_aws = match (&aws_plan, mode) {
                    (Some(aws), Mode::Optimal) => saving(aws, &plan),
                    _ => None,
                };
                aws_plan = (mode == Mode::Aws).then(|| plan.clone());
                rows.push(Comparison {
                    strategy,
                    mode,
                    plan: Some(plan.without_timing()),
                    error: None,
                    error_kind: None,
                    saving_vs_aws,
                });
            }
            // The request itself is wrong: every strategy would say the same.
            Err(error) if error.is_input_error() => {
                return Err(solve_failure(&args.request, error));
            }
            Err(error) => {
                if mode == Mode::Aws {
                    aws_plan = None;
                }
                rows.push(Comparison {
                    strategy,
                    mode,
                    plan: None,
                    error: Some(error.to_string()),
                    error_kind: Some(error.kind()),
                    saving_vs_aws: None,
                });
            }
        }
    }
    if let Some(path) = &args.plot {
        let axis = args.risk.axis();
        let points: Vec<TradeOff> = rows
            .iter()
            .filter_map(|row| {
                let plan = row.plan.as_ref()?;
                Some(TradeOff::of(
                    format!("{} {}", row.mode, row.strategy),
                    plan,
                    axis,
                ))
            })
            .collect();
        let title = format!(
            "{}: every spot strategy in aws and optimal mode",
            args.request.display()
        );
        super::pareto::write_plot(path, &points, axis, &title)?;
    }
    let text = match args.format {
        CompareFormat::Json => json_text(&rows)?,
        CompareFormat::Table => compare_table(&rows),
    };
    print(&text)
}

fn compare_table(rows: &[Comparison]) -> String {
    let mut table = Table::new(&[
        ("strategy", Align::Left),
        ("mode", Align::Left),
        ("$/h", Align::Right),
        ("capacity", Align::Right),
        ("spot", Align::Right),
        ("on-demand", Align::Right),
        ("pools", Align::Right),
        ("interruptions/h", Align::Right),
        ("worst pool", Align::Right),
        ("worst AZ", Align::Right),
        ("status", Align::Left),
        ("saving", Align::Right),
    ]);
    let mut unit = None;
    for row in rows {
        let saving = match (row.mode, row.saving_vs_aws) {
            (Mode::Optimal, Some(share)) => percent(share),
            (Mode::Optimal, None) => "n/a".to_owned(),
            (Mode::Aws, _) => "-".to_owned(),
        };
        match &row.plan {
            Some(plan) => {
                let m = &plan.metrics;
                unit = Some(m.unit);
                let status = match (&plan.solver, &plan.shortfall) {
                    (Some(report), _) => report.status.as_str().to_owned(),
                    (None, Some(_)) => "shortfall".to_owned(),
                    (None, None) => "ok".to_owned(),
                };
                table.row(vec![
                    row.strategy.to_string(),
                    row.mode.to_string(),
                    format!("{:.4}", m.cost_per_hour),
                    number(m.capacity),
                    number(m.spot_capacity),
                    number(m.on_demand_capacity),
                    m.pools.to_string(),
                    format!("{:.4}", m.expected_interruptions_per_hour),
                    percent(m.worst_pool_loss),
                    percent(m.worst_az_loss),
                    status,
                    saving,
                ]);
            }
            None => table.row(vec![
                row.strategy.to_string(),
                row.mode.to_string(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                row.error_kind.unwrap_or("error").to_owned(),
                saving,
            ]),
        }
    }
    let mut text = table.render();
    if let Some(unit) = unit {
        text.push_str(&format!(
            "capacity in {unit}; losses are shares of target; saving = optimal vs aws cost for the same strategy, shown only when optimal is at equal or better risk (expected interruptions/h and worst AZ loss no higher) and aws meets the target\n"
        ));
    }
    for row in rows {
        if let Some(error) = &row.error {
            text.push_str(&format!("{} ({}): {error}\n", row.strategy, row.mode));
        }
    }
    text
}

pub fn verify(args: &VerifyArgs) -> Result<(), Failure> {
    let catalog = load_catalog(&args.source)?;
    let mut request = read_request(&args.request)?;
    let label = args.plan.display().to_string();
    let text = std::fs::read_to_string(&args.plan)
        .map_err(|e| Failure::input(format!("{label}: cannot read the plan: {e}")))?;
    let deserializer = &mut serde_json::Deserializer::from_str(&text);
    let plan: Plan = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        Failure::input(format!(
            "{label}: at {}: not a fleetopt.plan/v1 plan: {}",
            e.path(),
            e.inner()
        ))
    })?;
    // AWS request forms carry no region; the plan says which one it was solved in, and the
    // verifier still checks that region holds every pool.
    request.region.get_or_insert_with(|| plan.region.clone());
    request.mode = plan.mode;
    let violations = verify::verify(&catalog, &request, &plan);
    if violations.is_empty() {
        return print(&format!(
            "{label}: valid: {} allocation(s), capacity {} of {} {}\n",
            plan.allocations.len(),
            number(plan.metrics.capacity),
            number(plan.metrics.target),
            plan.metrics.unit
        ));
    }
    let listed: Vec<String> = violations.iter().map(|v| format!("  - {v}")).collect();
    Err(Failure::other(format!(
        "{label}: {} violation(s):\n{}",
        violations.len(),
        listed.join("\n")
    )))
}
