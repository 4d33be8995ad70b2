//! `fleetopt simulate` on a small plan fixture: the table and JSON pinned as snapshots, the
//! same bytes for any thread count, and bad plan files failing with exit 2 and their path.

use fleetopt::solver::simulate::{SIMULATION_SCHEMA, SimulationReport};
use insta::assert_snapshot;

use crate::support::{fleetopt, rel};

const SMALL: &str = "fixtures/catalogs/small.json";
const PLAN: &str = "fixtures/plans/simulate/asg-style.json";
const REQUEST: &str = "fixtures/requests/native/asg-style.toml";

/// A stressed run (`scale` × the Advisor hazard, AZ events, fallback) so the output shows
/// losses.
fn stressed(scale: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "simulate",
        PLAN,
        "--catalog",
        SMALL,
        "--request",
        REQUEST,
        "--trials",
        "300",
        "--seed",
        "7",
        "--hazard-scale",
        scale,
        "--az-event-rate",
        "0.01",
        "--on-demand-fallback",
    ];
    args.extend_from_slice(extra);
    args.into_iter().map(str::to_owned).collect()
}

#[test]
fn simulate_table_is_readable() {
    let run = fleetopt(stressed("50", &[]));
    assert_eq!(run.code, 0, "{}", run.render());
    assert_snapshot!(run.render());
}

#[test]
fn simulate_json_is_stable_and_thread_count_free() {
    let json = |jobs: &str| {
        fleetopt(stressed(
            "300",
            &["--hours", "2", "--format", "json", "-j", jobs],
        ))
    };
    let one = json("1");
    assert_eq!(one.code, 0, "{}", one.render());
    assert_eq!(one.stdout, json("2").stdout);
    assert_eq!(one.stdout, json("4").stdout);
    let report: SimulationReport = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!(report.schema, SIMULATION_SCHEMA);
    assert_eq!(report.capacity.len(), 24);
    assert!(report.summary.mean_instances_interrupted > 0.0);
    assert_snapshot!(one.stdout);
}

#[test]
fn simulate_without_a_request_uses_the_default_model() {
    let run = fleetopt([
        "simulate",
        PLAN,
        "--catalog",
        SMALL,
        "--trials",
        "50",
        "--hours",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let report: SimulationReport = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report.inputs.hazard_model, "default");
    assert_eq!(report.inputs.steps, 12);
    assert_eq!(report.inputs.plan_capacity, 10.0);
}

#[test]
fn bad_plan_files_fail_with_their_path() {
    insta::glob!(
        "../../fixtures",
        "plans/bad/*.json",
        |path: &std::path::Path| {
            let file = rel(path);
            let run = fleetopt(["simulate", &file, "--catalog", SMALL, "--trials", "10"]);
            assert_eq!(run.code, 2, "{}", run.render());
            assert!(run.stderr.contains(&file), "{}", run.render());
            assert_eq!(run.stdout, "");
            assert_snapshot!(run.render());
        }
    );
}

#[test]
fn bad_options_fail_with_the_flag() {
    let run = fleetopt(["simulate", PLAN, "--catalog", SMALL, "--trials", "0"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: --trials: expected at least 1 trial\n");
    let run = fleetopt([
        "simulate",
        PLAN,
        "--catalog",
        SMALL,
        "--reclaim-fraction",
        "1.5",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: --reclaim-fraction: expected a share in (0, 1], found 1.5\n"
    );
    let run = fleetopt([
        "simulate",
        "fixtures/plans/missing.json",
        "--catalog",
        SMALL,
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: fixtures/plans/missing.json: cannot read the plan")
    );
}

#[test]
fn the_plan_fixture_is_what_solve_prints() {
    let run = fleetopt(["solve", REQUEST, "--catalog", SMALL, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let fixture = std::fs::read_to_string(crate::support::root().join(PLAN)).unwrap();
    assert_eq!(
        run.stdout, fixture,
        "regenerate {PLAN} with `fleetopt solve {REQUEST} --catalog {SMALL} --format json -o {PLAN}`"
    );
}
