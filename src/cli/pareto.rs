//! `fleetopt pareto`: the exact cost–risk front of a request on each risk axis asked for
//! ([`fleetopt::solver::frontier`]), with every spot strategy's aws-mode plan beside the optimal
//! plan that dominates it; or, with `--method weights`, the older sweep of risk weights.
//! Rendered as a table or JSON, and drawn with `--plot`.

use fleetopt::plot::{Figure, Pair, Panel, Point};
use fleetopt::solver::compare::{Comparison, by_strategy, dominates};
use fleetopt::solver::frontier::{self, Exploration, Frontier, STEP};
use fleetopt::solver::pareto::{self, DEFAULT_LOSS_HOURS, RiskAxis, SweepPoint};
use fleetopt::solver::plan::Plan;
use fleetopt::solver::request::{CapacityUnit, FleetRequest};
use fleetopt::solver::solve::SolveOptions;
use serde::Serialize;

use super::args::{CompareFormat, FrontMethod, ParetoArgs};
use super::output::{emit, json_text, write_atomically};
use super::solve::{number, percent, solve_failure};
use super::table::{Align, Table};
use super::{Failure, inputs};

pub fn pareto(args: &ParetoArgs) -> Result<(), Failure> {
    match args.method {
        FrontMethod::Exact => exact(args),
        FrontMethod::Weights => weighted(args),
    }
}

/// The axes asked for, each once, in the order given.
pub(super) fn axes(asked: &[RiskAxis]) -> Vec<RiskAxis> {
    let mut axes: Vec<RiskAxis> = Vec::new();
    for axis in asked {
        if !axes.contains(axis) {
            axes.push(*axis);
        }
    }
    axes
}

/// A plan's figures as JSON.
#[derive(Debug, Serialize)]
struct PlanPoint {
    cost_per_hour: f64,
    expected_interruptions_per_hour: f64,
    worst_pool_loss: f64,
    worst_type_loss: f64,
    worst_az_loss: f64,
    pools: u32,
}

impl PlanPoint {
    fn of(plan: &Plan) -> PlanPoint {
        let m = &plan.metrics;
        PlanPoint {
            cost_per_hour: m.cost_per_hour,
            expected_interruptions_per_hour: m.expected_interruptions_per_hour,
            worst_pool_loss: m.worst_pool_loss,
            worst_type_loss: m.worst_type_loss,
            worst_az_loss: m.worst_az_loss,
            pools: m.pools,
        }
    }
}

#[derive(Debug, Serialize)]
struct FrontJson {
    axis: &'static str,
    complete: bool,
    points: Vec<PlanPoint>,
}

/// One strategy: what EC2 would hand you and the optimal plan that dominates it.
#[derive(Debug, Serialize)]
pub(super) struct StrategyJson {
    number: usize,
    strategy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    aws: Option<PlanPoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aws_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    optimal: Option<PlanPoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    optimal_error: Option<String>,
    /// The optimal plan costs no more and is no riskier on any axis a plan reports.
    dominates: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    saving: Option<f64>,
    /// Safety caps the optimal plan had to loosen to keep the request's own constraints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relaxed: Vec<&'static str>,
    /// Request constraints the aws-mode plan breaks (AWS cannot be asked for them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aws_breaks: Vec<&'static str>,
    /// What keeping them costs the optimal plan, USD/hour.
    #[serde(skip_serializing_if = "Option::is_none")]
    constraint_cost_per_hour: Option<f64>,
    /// The saving against the aws-mode plan without them.
    #[serde(skip_serializing_if = "Option::is_none")]
    saving_without_them: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Report {
    /// Two risk values closer than this, relative, are one point of a front.
    tolerance: f64,
    fronts: Vec<FrontJson>,
    strategies: Vec<StrategyJson>,
}

pub(super) fn strategy_rows(comparison: &[Comparison]) -> Vec<StrategyJson> {
    by_strategy(comparison)
        .into_iter()
        .enumerate()
        .map(|(k, (aws, optimal))| {
            let (a, o) = (aws.plan(), optimal.plan());
            StrategyJson {
                number: k + 1,
                strategy: aws.strategy.to_string(),
                aws: a.map(PlanPoint::of),
                aws_error: aws.outcome.as_ref().err().map(ToString::to_string),
                optimal: o.map(PlanPoint::of),
                optimal_error: optimal.outcome.as_ref().err().map(ToString::to_string),
                dominates: matches!((a, o), (Some(a), Some(o)) if dominates(a, o)),
                saving: optimal.saving_vs_aws,
                relaxed: o
                    .and_then(|o| o.as_safe_as.as_ref())
                    .map(|anchor| {
                        anchor
                            .caps
                            .iter()
                            .filter(|cap| cap.relaxed)
                            .map(|cap| cap.axis.as_str())
                            .collect()
                    })
                    .unwrap_or_default(),
                aws_breaks: optimal
                    .constraint_cost
                    .as_ref()
                    .map(|c| c.constraints.clone())
                    .unwrap_or_default(),
                constraint_cost_per_hour: optimal.constraint_cost.as_ref().map(|c| c.cost_per_hour),
                saving_without_them: optimal.constraint_cost.as_ref().map(|c| c.saving_without),
            }
        })
        .collect()
}

fn exact(args: &ParetoArgs) -> Result<(), Failure> {
    if !args.loss_hours.is_empty() {
        return Err(Failure::input(
            "--loss-hours sets the weights of --method weights; the exact front needs none",
        ));
    }
    if args.max_points < 2 {
        return Err(Failure::input(format!(
            "--max-points: {} is not a number of points ≥ 2",
            args.max_points
        )));
    }
    let catalog = inputs::catalog(&args.source)?;
    let request = inputs::request(&args.request)?;
    let options = SolveOptions {
        region: args.region.as_deref().map(Into::into),
        ..SolveOptions::default()
    };
    let axes = axes(&args.risk);
    let working = super::output::Working::start("walking the exact cost–risk fronts");
    let exploration = frontier::explore(&catalog, &request, &options, &axes, args.max_points)
        .map_err(|e| solve_failure(&args.request, e))?;
    drop(working);
    let report = Report {
        tolerance: STEP,
        fronts: exploration
            .fronts
            .iter()
            .map(|f| FrontJson {
                axis: f.axis.metric(),
                complete: f.complete,
                points: f.points.iter().map(PlanPoint::of).collect(),
            })
            .collect(),
        strategies: strategy_rows(&exploration.comparison),
    };
    if let Some(path) = &args.plot {
        let figure = figure(&request, &exploration, &report.strategies);
        let svg = figure.svg().map_err(Failure::other)?;
        write_atomically(path, svg.as_bytes())?;
    }
    let text = match args.format {
        CompareFormat::Json => json_text(&report)?,
        CompareFormat::Table => exact_table(&exploration.fronts, &report.strategies),
    };
    emit(args.output.as_deref(), &text)
}

/// `40 vCPU in us-east-1`: what the request asks for, for titles.
pub(super) fn request_title(request: &FleetRequest, region: Option<&str>) -> String {
    let region = region
        .map(ToOwned::to_owned)
        .or_else(|| request.region.as_ref().map(ToString::to_string));
    let capacity = number(request.target.capacity);
    let unit = match request.target.unit {
        CapacityUnit::Units => "units",
        CapacityUnit::Vcpu => "vCPU",
        CapacityUnit::MemoryMib => "MiB",
    };
    match region {
        Some(region) => format!("{capacity} {unit} in {region}"),
        None => format!("{capacity} {unit}"),
    }
}

/// The panel of `axis`: the front (when walked) and each strategy's numbered pair.
pub(super) fn panel(
    axis: RiskAxis,
    front: Option<&Frontier>,
    comparison: &[Comparison],
    cheapest: Option<&Plan>,
) -> Panel {
    let point = |plan: &Plan| Point {
        cost: plan.metrics.cost_per_hour,
        risk: axis.of(plan),
    };
    Panel {
        axis,
        front: front.map_or_else(Vec::new, |f| f.points.iter().map(point).collect()),
        pairs: by_strategy(comparison)
            .into_iter()
            .enumerate()
            .map(|(k, (aws, optimal))| Pair {
                number: k + 1,
                aws: aws.plan().map(point),
                optimal: optimal.plan().map(point),
            })
            .collect(),
        cheapest: cheapest.map(point),
    }
}

/// The numbered key: one line per strategy.
pub(super) fn key(strategies: &[StrategyJson]) -> Vec<String> {
    strategies
        .iter()
        .map(|s| {
            let what = match (&s.aws, &s.optimal) {
                (Some(a), Some(o)) => {
                    let verdict = verdict(s);
                    format!(
                        "aws ${:.2}/h → optimal ${:.2}/h, {verdict}",
                        a.cost_per_hour, o.cost_per_hour
                    )
                }
                (Some(a), None) => format!(
                    "aws ${:.2}/h; optimal: {}",
                    a.cost_per_hour,
                    s.optimal_error.as_deref().unwrap_or("no plan")
                ),
                (None, Some(o)) => format!(
                    "aws: {}; optimal ${:.2}/h",
                    s.aws_error.as_deref().unwrap_or("no plan"),
                    o.cost_per_hour
                ),
                (None, None) => "no plan in either mode".to_owned(),
            };
            format!("{}  {}: {what}", s.number, s.strategy)
        })
        .collect()
}

/// What the optimal plan of one strategy achieves against its aws-mode plan, in words.
fn verdict(s: &StrategyJson) -> String {
    let them = |names: &[&str]| if names.len() == 1 { "it" } else { "them" };
    match (s.saving, s.dominates, s.constraint_cost_per_hour) {
        (Some(saving), true, _) if saving >= 0.0005 => format!("saves {}", percent(saving)),
        (_, true, _) => "no cheaper plan is as safe".to_owned(),
        (_, false, Some(cost)) => format!(
            "aws breaks {}; keeping {} costs ${cost:.2}/h (as safe as aws without {}: saves {})",
            s.aws_breaks.join(", "),
            them(&s.aws_breaks),
            them(&s.aws_breaks),
            percent(s.saving_without_them.unwrap_or(0.0)),
        ),
        (_, false, None) if !s.relaxed.is_empty() => format!(
            "keeps the request's constraints by loosening the {} cap",
            s.relaxed.join(", ")
        ),
        (_, false, None) => "does not dominate".to_owned(),
    }
}

fn figure(
    request: &FleetRequest,
    exploration: &Exploration,
    strategies: &[StrategyJson],
) -> Figure {
    let region = exploration
        .fronts
        .first()
        .and_then(|f| f.points.first())
        .map(|p| p.region.to_string());
    Figure {
        title: format!(
            "{}: the cost–risk front, and what each strategy gains over aws mode",
            request_title(request, region.as_deref())
        ),
        panels: exploration
            .fronts
            .iter()
            .map(|f| panel(f.axis, Some(f), &exploration.comparison, None))
            .collect(),
        key: key(strategies),
    }
}

fn exact_table(fronts: &[Frontier], strategies: &[StrategyJson]) -> String {
    let mut text = String::new();
    for front in fronts {
        text.push_str(&format!(
            "front on {} ({} point{}{}):\n",
            front.axis.title(),
            front.points.len(),
            if front.points.len() == 1 { "" } else { "s" },
            if front.complete {
                ", complete"
            } else {
                ", not complete within --max-points solves"
            },
        ));
        let mut table = Table::new(&[
            ("#", Align::Right),
            ("$/h", Align::Right),
            ("interruptions/h", Align::Right),
            ("worst pool", Align::Right),
            ("worst AZ", Align::Right),
            ("pools", Align::Right),
        ]);
        for (k, plan) in front.points.iter().enumerate() {
            let m = &plan.metrics;
            table.row(vec![
                (k + 1).to_string(),
                format!("{:.4}", m.cost_per_hour),
                format!("{:.6}", m.expected_interruptions_per_hour),
                percent(m.worst_pool_loss),
                percent(m.worst_az_loss),
                m.pools.to_string(),
            ]);
        }
        text.push_str(&table.render());
        text.push('\n');
    }
    text.push_str("each strategy, aws mode against the optimal plan that dominates it:\n");
    let mut table = Table::new(&[
        ("#", Align::Right),
        ("strategy", Align::Left),
        ("aws $/h", Align::Right),
        ("interruptions/h", Align::Right),
        ("worst AZ", Align::Right),
        ("optimal $/h", Align::Right),
        ("interruptions/h", Align::Right),
        ("worst AZ", Align::Right),
        ("saving", Align::Right),
    ]);
    let figures = |p: &Option<PlanPoint>| match p {
        Some(p) => [
            format!("{:.4}", p.cost_per_hour),
            format!("{:.6}", p.expected_interruptions_per_hour),
            percent(p.worst_az_loss),
        ],
        None => ["-".to_owned(), "-".to_owned(), "-".to_owned()],
    };
    for s in strategies {
        let mut row = vec![s.number.to_string(), s.strategy.clone()];
        row.extend(figures(&s.aws));
        row.extend(figures(&s.optimal));
        row.push(s.saving.map_or_else(|| "n/a".to_owned(), percent));
        table.row(row);
    }
    text.push_str(&table.render());
    for line in key(strategies) {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(&format!(
        "front: every plan no other plan beats on both cost and the axis (ε-constraint walk of optimal lowestPrice; risks within {STEP:e} relative are one point)\n"
    ));
    text
}

/// One weighted-sweep point as JSON.
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

fn weighted(args: &ParetoArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let request = inputs::request_with(&args.request, &args.request_inputs)?;
    let weights: Vec<f64> = if args.loss_hours.is_empty() {
        DEFAULT_LOSS_HOURS.to_vec()
    } else {
        args.loss_hours.clone()
    };
    // The sweep's front is on one axis: the first asked for.
    let axis = axes(&args.risk)
        .first()
        .copied()
        .unwrap_or(RiskAxis::ExpectedInterruptions);
    let options = SolveOptions {
        region: args.region.as_deref().map(Into::into),
        ..SolveOptions::default()
    };
    let working = super::output::Working::start("sweeping risk weights");
    let sweep = pareto::sweep(&catalog, &request, &options, &weights)
        .map_err(|e| Failure::new(e.class(), format!("--loss-hours: {e}")))?;
    drop(working);
    if let Some(error) = pareto::common_failure(&sweep) {
        return Err(solve_failure(&args.request, error.clone()));
    }
    let on_front = pareto::on_front(&sweep, axis);
    let rows: Vec<Row> = sweep
        .iter()
        .zip(&on_front)
        .map(|(p, &on_front)| {
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
        let figure = sweep_figure(&request, &sweep, &on_front, axis);
        let svg = figure.svg().map_err(Failure::other)?;
        write_atomically(path, svg.as_bytes())?;
    }
    let text = match args.format {
        CompareFormat::Json => json_text(&rows)?,
        CompareFormat::Table => weighted_table(&rows),
    };
    emit(args.output.as_deref(), &text)
}

/// The sweep's points on the front, drawn as a front; the weights are in the table.
fn sweep_figure(
    request: &FleetRequest,
    sweep: &[SweepPoint],
    on_front: &[bool],
    axis: RiskAxis,
) -> Figure {
    let on: Vec<(f64, Point)> = sweep
        .iter()
        .zip(on_front)
        .filter(|(_, on)| **on)
        .filter_map(|(p, _)| Some((p.loss_hours, p.outcome.as_ref().ok()?)))
        .map(|(hours, plan)| {
            let point = Point {
                cost: plan.metrics.cost_per_hour,
                risk: axis.of(plan),
            };
            (hours, point)
        })
        .collect();
    let key = on
        .iter()
        .map(|(hours, p)| {
            format!(
                "loss {hours}h: ${:.4}/h, {} {:.6}",
                p.cost,
                axis.title(),
                p.risk
            )
        })
        .collect();
    let mut front: Vec<Point> = on.into_iter().map(|(_, p)| p).collect();
    front.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(b.risk.total_cmp(&a.risk)));
    front.dedup();
    let region = sweep
        .iter()
        .find_map(|p| p.outcome.as_ref().ok())
        .map(|p| p.region.to_string());
    Figure {
        title: format!(
            "{}: cost against risk by loss per interruption (convex hull only)",
            request_title(request, region.as_deref())
        ),
        panels: vec![Panel {
            axis,
            front,
            pairs: Vec::new(),
            cheapest: None,
        }],
        key,
    }
}

fn weighted_table(rows: &[Row]) -> String {
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
