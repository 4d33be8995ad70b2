//! `fleetopt simulate`: read a plan (and optionally its request), run the Monte Carlo
//! simulation of `fleetopt::solver::simulate`, print a summary table or the JSON report.

use fleetopt::solver::simulate::{
    SimulateError, SimulationOptions, SimulationReport, simulate_with_progress,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{SimulateArgs, SimulateFormat};
use super::output::{emit, json_text};
use super::table::{Align, Table};
use super::{Failure, inputs};

pub fn simulate(args: &SimulateArgs) -> Result<(), Failure> {
    let catalog = inputs::catalog(&args.source)?;
    let plan = inputs::plan(&args.plan)?;
    let request = args.request.as_deref().map(inputs::request).transpose()?;
    let options = SimulationOptions {
        hours: args.hours,
        trials: args.trials,
        seed: args.seed,
        step_minutes: args.step_minutes,
        launch_delay_minutes: args.launch_delay_minutes,
        cooldown_minutes: args.cooldown_minutes,
        reclaim_fraction: args.reclaim_fraction,
        hazard_scale: args.hazard_scale,
        az_event_rate: args.az_event_rate,
        az_event_scope: args.az_event_scope,
        replenish: !args.no_replenish,
        on_demand_fallback: args.on_demand_fallback,
        max_work: args.max_work,
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = args.jobs {
        if jobs == 0 {
            return Err(Failure::input("-j/--jobs: expected at least 1 thread"));
        }
        pool = pool.num_threads(super::limits::jobs(jobs)?);
    }
    let pool = pool
        .build()
        .map_err(|e| Failure::other(format!("cannot start worker threads: {e}")))?;
    let bar = trial_bar(args.trials);
    let trials_done = |n: u64| {
        if let Some(bar) = &bar {
            bar.inc(n);
        }
    };
    let report = pool
        .install(|| {
            simulate_with_progress(&catalog, request.as_ref(), &plan, &options, &trials_done)
        })
        .map_err(|e| simulate_failure(args, e));
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = report?;
    let text = match args.format {
        SimulateFormat::Json => json_text(&report)?,
        SimulateFormat::Table => report_table(&args.plan.display().to_string(), &report),
    };
    emit(args.output.as_deref(), &text)
}

/// A bar of trials on stderr, only when stderr is a terminal (never drawn into redirected
/// output, DESIGN §8).
fn trial_bar(trials: u32) -> Option<ProgressBar> {
    if !super::output::show_progress() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(u64::from(trials)), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} trials  {per_sec}  eta {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Names the input at fault: the option's flag, the plan file, or the request file.
fn simulate_failure(args: &SimulateArgs, error: SimulateError) -> Failure {
    let request = || {
        args.request
            .as_deref()
            .map_or_else(String::new, |p| p.display().to_string())
    };
    let message = match &error {
        SimulateError::Option { name, problem } => {
            format!("--{}: {problem}", name.replace('_', "-"))
        }
        SimulateError::Plan { path, problem } => {
            format!("{}: at {path}: {problem}", args.plan.display())
        }
        SimulateError::Candidates(_) | SimulateError::Hazard(_) => {
            format!("{}: {error}", request())
        }
    };
    Failure::new(error.class(), message)
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

fn percent(share: f64) -> String {
    format!("{:.2}%", share * 100.0)
}

/// The human view: inputs, the summary, capacity at each whole hour, and the pools.
fn report_table(plan_label: &str, report: &SimulationReport) -> String {
    let i = &report.inputs;
    let s = &report.summary;
    let unit = i.unit;
    let mut text = format!(
        "simulation of {plan_label} ({}, target {} {unit}, plan {} {unit}): {} trials × {} h in {}-minute steps, seed {}\n",
        i.region,
        number(i.target),
        number(i.plan_capacity),
        i.trials,
        number(f64::from(i.steps) * i.step_minutes / 60.0),
        number(i.step_minutes),
        i.seed
    );
    let replenish = if i.replenish {
        format!(
            "replacements after {} min (lost pools and AZs cool down {} min), On-Demand fallback {}",
            number(i.launch_delay_minutes),
            number(i.cooldown_minutes),
            if i.on_demand_fallback { "on" } else { "off" }
        )
    } else {
        "no replacements".to_owned()
    };
    text.push_str(&format!(
        "model      {} hazard model × {}; an interruption reclaims {} of a pool; AZ events {}/h ({}); {replenish}\n\n",
        i.hazard_model,
        number(i.hazard_scale),
        percent(i.reclaim_fraction),
        number(i.az_event_rate),
        i.az_event_scope
    ));
    let lines = [
        (
            "time at or above target",
            percent(s.time_at_or_above_target),
        ),
        ("trials ever below target", percent(s.trials_below_target)),
        (
            "capacity",
            format!(
                "mean {:.3} {unit}, lowest {} {unit}",
                s.mean_capacity,
                number(s.min_capacity)
            ),
        ),
        (
            "interruptions per trial",
            format!(
                "{:.4} pool events, {:.4} instances, {:.4} AZ events",
                s.mean_pool_interruptions, s.mean_instances_interrupted, s.mean_az_events
            ),
        ),
        (
            "replacements per trial",
            format!(
                "{:.4} instances ({:.4} On-Demand fallback)",
                s.mean_replacement_instances, s.mean_fallback_instances
            ),
        ),
        (
            "cost per trial",
            format!(
                "${:.4} mean (${:.4} if nothing were interrupted)",
                s.mean_cost, s.planned_cost
            ),
        ),
    ];
    for (label, value) in lines {
        text.push_str(&format!("{label:<26}{value}\n"));
    }

    text.push_str(&format!(
        "\ncapacity at the end of each hour ({unit}; p5 and p50 on a grid of {})\n",
        number(i.quantile_resolution)
    ));
    let mut table = Table::new(&[
        ("hour", Align::Right),
        ("p5", Align::Right),
        ("p50", Align::Right),
        ("mean", Align::Right),
    ]);
    // One row per whole hour (every step when steps are an hour or longer), and the last step.
    let per_hour = (60.0 / i.step_minutes).round().max(1.0) as usize;
    let last = report.capacity.len().saturating_sub(1);
    for (step, point) in report.capacity.iter().enumerate() {
        if (step + 1) % per_hour == 0 || step == last {
            table.row(vec![
                number(point.hour),
                number(point.p5),
                number(point.p50),
                format!("{:.3}", point.mean),
            ]);
        }
    }
    text.push_str(&table.render());

    text.push_str("\npools (means per trial)\n");
    let mut pools = Table::new(&[
        ("market", Align::Left),
        ("zone", Align::Left),
        ("type", Align::Left),
        ("planned", Align::Right),
        ("interruptions", Align::Right),
        ("instances lost", Align::Right),
        ("launched", Align::Right),
    ]);
    for p in &report.pools {
        pools.row(vec![
            p.market.to_string(),
            p.availability_zone_id.to_string(),
            p.instance_type.to_string(),
            p.planned.to_string(),
            format!("{:.4}", p.mean_interruptions),
            format!("{:.4}", p.mean_instances_interrupted),
            format!("{:.4}", p.mean_instances_launched),
        ]);
    }
    text.push_str(&pools.render());
    text
}
