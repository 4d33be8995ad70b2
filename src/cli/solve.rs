//! `fleetopt solve | verify`: one solve rendered as a table, JSON or YAML, and a plan file checked
//! against its request with the independent verifier. `number` and `percent` are the plan
//! figures' formatting, shared with `compare`.

use std::path::Path;

use fleetopt::solver::placement::rules::SPREAD_LIMIT;
use fleetopt::solver::plan::{Plan, Shortfall};
use fleetopt::solver::request::SpotStrategy;
use fleetopt::solver::solve::{self, SolveError, SolveOptions};
use fleetopt::solver::verify;

use super::args::{PlanFormat, SolveArgs, VerifyArgs};
use super::output::{json_text, print, write_atomically};
use super::table::{Align, Table};
use super::{Failure, inputs};

/// A failed solve of the request at `request`, named by its file.
pub(super) fn solve_failure(request: &Path, error: SolveError) -> Failure {
    Failure::new(error.class(), format!("{}: {error}", request.display()))
}

pub fn solve(args: &SolveArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let request = inputs::request_with(&args.request, &args.request_inputs)?;
    let options = SolveOptions {
        mode: args.mode,
        spot_strategy: args
            .strategy
            .as_deref()
            .map(SpotStrategy::parse)
            .transpose()
            .map_err(|e| Failure::input(format!("--strategy: {e}")))?,
        region: args.region.as_deref().map(Into::into),
    };
    let working = super::output::Working::start("solving");
    let mut plan =
        solve::solve(&catalog, &request, &options).map_err(|e| solve_failure(&args.request, e))?;
    drop(working);
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

/// `1 pool`, `2 pools`.
fn plural(count: impl Into<u64>, thing: &str) -> String {
    match count.into() {
        1 => format!("1 {thing}"),
        n => format!("{n} {thing}s"),
    }
}

pub(super) fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

pub(super) fn number(value: f64) -> String {
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
    // A negative overshoot is a shortfall, and says so.
    let against_target = if m.overshoot < 0.0 {
        format!("short by {}", number(-m.overshoot))
    } else {
        format!("overshoot {}", number(m.overshoot))
    };
    text.push_str(&format!(
        "\ncapacity   {} {} of {} ({against_target}), {}, {}\n",
        number(m.capacity),
        m.unit,
        number(m.target),
        plural(m.instances, "instance"),
        plural(m.vcpus, "vCPU")
    ));
    text.push_str(&format!(
        "cost       ${:.4}/h (${:.6} per vCPU-hour)\n",
        m.cost_per_hour, m.cost_per_vcpu_hour
    ));
    if let Some(c) = &plan.commitments {
        let used: u32 = c.held.iter().map(|u| u.used).sum();
        let idle: u32 = c.held.iter().map(|u| u.unused).sum();
        let mut paid = format!(
            "{} covered, {} idle",
            plural(used, "instance"),
            plural(idle, "reserved instance")
        );
        if !c.savings_plans.is_empty() {
            let hours: f64 = c
                .savings_plans
                .iter()
                .map(|p| p.covered_instance_hours)
                .sum();
            let spare: f64 = c.savings_plans.iter().map(|p| p.unused_per_hour).sum();
            paid.push_str(&format!(
                "; Savings Plans cover {} instance-hours, ${spare:.4}/h of commitment idle",
                number(hours)
            ));
        }
        text.push_str(&format!(
            "new spend  ${:.4}/h = new on-demand ${:.4}/h + spot ${:.4}/h; ${:.4}/h already paid for ({paid})\n",
            c.new_spend_per_hour,
            c.new_on_demand_per_hour,
            c.spot_per_hour,
            c.committed_per_hour,
        ));
    }
    text.push_str(&format!(
        "split      spot {} / on-demand {} (on-demand part asked: {})\n",
        number(m.spot_capacity),
        number(m.on_demand_capacity),
        number(m.on_demand_target)
    ));
    text.push_str(&format!(
        "spread     {}, {}, {}\n",
        plural(m.pools, "pool"),
        plural(m.types, "type"),
        plural(m.azs, "AZ")
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
            Shortfall::SpreadLimit { market, per_az } => format!(
                "every AZ with an eligible {market} pool holds its {per_az} instances ({SPREAD_LIMIT} per AZ per spread group)"
            ),
            Shortfall::Reservations { market } => format!(
                "capacity-reservations-only: every {market} pool with open Capacity Reservations holds what they hold"
            ),
            Shortfall::MinTargetCapacity {
                market,
                min_target_capacity,
                reached,
            } => format!(
                "the {market} part would reach only {} of its MinTargetCapacity {}, so AWS launches no instances (all or nothing)",
                number(*reached),
                number(*min_target_capacity)
            ),
        };
        let short = plan.metrics.target - plan.metrics.capacity;
        if short > 0.0 {
            text.push_str(&format!(
                "shortfall  short by {} {}: {why}\n",
                number(short),
                plan.metrics.unit
            ));
        } else {
            text.push_str(&format!("shortfall  {why}\n"));
        }
    }
    for note in &plan.notes {
        text.push_str(&format!("note       {note}\n"));
    }
    text
}

pub fn verify(args: &VerifyArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let request = inputs::request_with(&args.request, &args.request_inputs)?;
    let plan = inputs::plan(&args.plan)?;
    let label = args.plan.display().to_string();
    let violations = verify::verify(
        &catalog,
        &solve::request_answered_by(&request, &plan),
        &plan,
    );
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
