//! `fleetopt pareto`: sweep the weight of interruption risk against cost in optimal mode and
//! show (and optionally draw) the resulting cost–risk front.

use std::path::Path;

use fleetopt::plot::trade_off_svg;
use fleetopt::solver::pareto::{self, DEFAULT_LOSS_HOURS, RiskAxis, SweepPoint, TradeOff};
use fleetopt::solver::solve::SolveOptions;
use serde::Serialize;

use super::args::{CompareFormat, ParetoArgs};
use super::output::{json_text, print, write_atomically};
use super::solve::solve_failure;
use super::table::{Align, Table};
use super::{Failure, inputs};

/// One sweep point as JSON.
#[derive(Debug, Serialize)]
struct Row {
    loss_hours: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_per_hour: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_interruptions_per_hour: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    worst_az_loss: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pools: Option<u32>,
    on_front: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn pareto(args: &ParetoArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let request = inputs::request_with(&args.request, &args.request_inputs)?;
    let weights: Vec<f64> = if args.loss_hours.is_empty() {
        DEFAULT_LOSS_HOURS.to_vec()
    } else {
        args.loss_hours.clone()
    };
    let axis = args.risk;
    let options = SolveOptions {
        region: args.region.as_deref().map(Into::into),
        ..SolveOptions::default()
    };
    let sweep = pareto::sweep(&catalog, &request, &options, &weights)
        .map_err(|e| Failure::new(e.class(), format!("--loss-hours: {e}")))?;
    if let Some(error) = pareto::common_failure(&sweep) {
        return Err(solve_failure(&args.request, error.clone()));
    }
    let trade_offs: Vec<TradeOff> = sweep
        .iter()
        .filter_map(|p| Some(TradeOff::of(label(p), p.outcome.as_ref().ok()?, axis)))
        .collect();
    let on_front = pareto::on_front(&sweep, axis);
    let rows: Vec<Row> = sweep
        .iter()
        .zip(on_front)
        .map(|(p, on_front)| {
            let plan = p.outcome.as_ref().ok();
            Row {
                loss_hours: p.loss_hours,
                cost_per_hour: plan.map(|p| p.metrics.cost_per_hour),
                expected_interruptions_per_hour: plan
                    .map(|p| p.metrics.expected_interruptions_per_hour),
                worst_az_loss: plan.map(|p| p.metrics.worst_az_loss),
                pools: plan.map(|p| p.metrics.pools),
                on_front,
                error: p.outcome.as_ref().err().map(ToString::to_string),
            }
        })
        .collect();
    if let Some(path) = &args.plot {
        let title = format!(
            "{}: cost against risk, optimal priceCapacityOptimized by loss per interruption",
            args.request.display()
        );
        write_plot(path, &trade_offs, axis, &title)?;
    }
    let text = match args.format {
        CompareFormat::Json => json_text(&rows)?,
        CompareFormat::Table => table(&rows),
    };
    print(&text)
}

/// Draws `points` as the cost–risk SVG and writes it to `path` atomically.
pub(super) fn write_plot(
    path: &Path,
    points: &[TradeOff],
    axis: RiskAxis,
    title: &str,
) -> Result<(), Failure> {
    let svg = trade_off_svg(points, axis, title).map_err(Failure::other)?;
    write_atomically(path, svg.as_bytes())
}

fn label(point: &SweepPoint) -> String {
    format!("loss {}h", point.loss_hours)
}

fn table(rows: &[Row]) -> String {
    let mut table = Table::new(&[
        ("loss h/interruption", Align::Right),
        ("$/h", Align::Right),
        ("interruptions/h", Align::Right),
        ("worst AZ", Align::Right),
        ("pools", Align::Right),
        ("front", Align::Left),
    ]);
    for row in rows {
        match (row.cost_per_hour, &row.error) {
            (Some(cost), _) => table.row(vec![
                format!("{}", row.loss_hours),
                format!("{cost:.4}"),
                format!("{:.4}", row.expected_interruptions_per_hour.unwrap_or(0.0)),
                format!("{:.1}%", row.worst_az_loss.unwrap_or(0.0) * 100.0),
                row.pools.unwrap_or(0).to_string(),
                if row.on_front { "*" } else { "" }.to_owned(),
            ]),
            (None, error) => table.row(vec![
                format!("{}", row.loss_hours),
                format!("error: {}", error.as_deref().unwrap_or("")),
            ]),
        }
    }
    let mut text = table.render();
    text.push_str(
        "optimal priceCapacityOptimized minimises Σ price × (1 + hazard × loss hours); * = on the cost–risk Pareto front\n",
    );
    text
}
