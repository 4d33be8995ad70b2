//! `fleetopt compare`: the library's comparison ([`fleetopt::solver::compare`]) rendered as a
//! table or JSON, and drawn with `--plot`.

use fleetopt::plot::Figure;
use fleetopt::solver::compare::{self, Comparison, Role};
use fleetopt::solver::request::Mode;
use fleetopt::solver::solve::SolveOptions;

use super::args::{CompareArgs, CompareFormat};
use super::output::{emit, json_text, write_atomically};
use super::pareto;
use super::solve::{number, percent, solve_failure};
use super::table::{Align, Table};
use super::{Failure, inputs};

pub fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let request = inputs::request_with(&args.request, &args.request_inputs)?;
    let options = SolveOptions {
        region: args.region.as_deref().map(Into::into),
        ..SolveOptions::default()
    };
    let working = super::output::Working::start("comparing every spot strategy, aws and optimal");
    let rows = compare::compare(&catalog, &request, &options)
        .map_err(|e| solve_failure(&args.request, e))?;
    drop(working);
    if let Some(path) = &args.plot {
        let strategies = pareto::strategy_rows(&rows);
        let cheapest = rows
            .iter()
            .find(|row| row.role == Role::Cheapest)
            .and_then(Comparison::plan);
        let region = rows
            .iter()
            .find_map(|r| r.plan())
            .map(|p| p.region.to_string());
        let figure = Figure {
            title: format!(
                "{}: each spot strategy, aws mode against optimal",
                pareto::request_title(&request, region.as_deref())
            ),
            panels: pareto::axes(&args.risk)
                .into_iter()
                .map(|axis| pareto::panel(axis, None, &rows, cheapest))
                .collect(),
            key: pareto::key(&strategies),
        };
        let svg = figure.svg().map_err(Failure::other)?;
        write_atomically(path, svg.as_bytes())?;
    }
    let text = match args.format {
        CompareFormat::Json => json_text(&rows)?,
        CompareFormat::Table => compare_table(&rows),
    };
    emit(args.output.as_deref(), &text)
}

/// The row's first column: its strategy, or `cheapest` for the unanchored cheapest plan.
fn label(row: &Comparison) -> String {
    match row.role {
        Role::Strategy => row.strategy.to_string(),
        Role::Cheapest => "cheapest".to_owned(),
    }
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
            (Mode::Optimal, None) if row.role == Role::Cheapest => "-".to_owned(),
            (Mode::Optimal, None) => "n/a".to_owned(),
            (Mode::Aws, _) => "-".to_owned(),
        };
        match &row.outcome {
            Ok(plan) => {
                let m = &plan.metrics;
                unit = Some(m.unit);
                let status = match (&plan.solver, &plan.shortfall) {
                    (Some(report), _) => report.status.as_str().to_owned(),
                    (None, Some(_)) => "shortfall".to_owned(),
                    (None, None) => "ok".to_owned(),
                };
                table.row(vec![
                    label(row),
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
            Err(error) => table.row(vec![
                label(row),
                row.mode.to_string(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                error.class().as_str().to_owned(),
                saving,
            ]),
        }
    }
    let mut text = table.render();
    if let Some(unit) = unit {
        text.push_str(&format!(
            "capacity in {unit}; losses are shares of target; optimal = the cheapest plan at least as safe as aws on every risk axis; saving = optimal vs aws cost for the same strategy, shown when optimal is at equal or better risk and aws meets the target; cheapest = the cheapest plan under the request's own constraints\n"
        ));
    }
    for row in rows {
        if let Some(cost) = &row.constraint_cost {
            text.push_str(&format!(
                "{}: the aws-mode plan breaks {}; keeping {} costs ${:.4}/h (as safe as aws without {}: ${:.4}/h, saving {})\n",
                row.strategy,
                cost.constraints.join(", "),
                if cost.constraints.len() == 1 { "it" } else { "them" },
                cost.cost_per_hour,
                if cost.constraints.len() == 1 { "it" } else { "them" },
                cost.cost_without_per_hour,
                percent(cost.saving_without),
            ));
        }
    }
    for row in rows {
        if let Err(error) = &row.outcome {
            text.push_str(&format!("{} ({}): {error}\n", label(row), row.mode));
        }
    }
    text
}
