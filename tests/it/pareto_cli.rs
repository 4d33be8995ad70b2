//! `fleetopt pareto` and `fleetopt compare --plot`: the risk-weight sweep traces a monotone
//! cost–risk front, and the pictures are pinned as SVG snapshots.

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::fleetopt;

const SMALL: &str = "fixtures/catalogs/small.json";

#[test]
fn raising_the_loss_per_interruption_never_buys_more_risk_or_less_cost() {
    let run = fleetopt(["pareto", "fixtures/scenarios/s.toml", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let rows: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows.len(), 12, "the default sweep has 12 weights");
    let number = |row: &Value, key: &str| row[key].as_f64().unwrap();
    // For an exact minimiser of cost + λ·risk, a larger λ never raises risk nor lowers cost.
    for pair in rows.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        assert!(number(after, "loss_hours") > number(before, "loss_hours"));
        assert!(
            number(after, "expected_interruptions_per_hour")
                <= number(before, "expected_interruptions_per_hour") * (1.0 + 1e-6),
            "{before} then {after}"
        );
        assert!(
            number(after, "cost_per_hour") >= number(before, "cost_per_hour") * (1.0 - 1e-6),
            "{before} then {after}"
        );
    }
    // Weight 0 is the cheapest plan, and the cheapest plan is on the front; so is the safest.
    assert_eq!(rows[0]["on_front"], Value::Bool(true));
    assert_eq!(rows[11]["on_front"], Value::Bool(true));
    let cheapest = rows
        .iter()
        .map(|r| number(r, "cost_per_hour"))
        .fold(f64::INFINITY, f64::min);
    assert_eq!(number(&rows[0], "cost_per_hour"), cheapest);
    assert!(
        number(&rows[11], "expected_interruptions_per_hour")
            < number(&rows[0], "expected_interruptions_per_hour"),
        "a heavy loss per interruption buys a safer plan on s.toml"
    );
}

#[test]
fn pareto_table_and_plot() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("front.svg");
    let run = fleetopt([
        "pareto",
        "fixtures/scenarios/s.toml",
        "--loss-hours",
        "0,1,1024,1048576",
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert_snapshot!(run.stdout);
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg") && picture.contains("Pareto front"));
    assert!(picture.contains("loss 1048576h"));
}

#[test]
fn bad_weights_and_bad_requests_are_input_errors() {
    let run = fleetopt([
        "pareto",
        "fixtures/scenarios/s.toml",
        "--loss-hours",
        "1,-2",
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        run.stderr,
        "error: --loss-hours: -2 is not a number of hours ≥ 0\n"
    );
    let run = fleetopt(["pareto", "fixtures/bad/requests/zero-target.json"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("zero-target.json"), "{}", run.stderr);
}

#[test]
fn compare_draws_every_strategy_and_mode_with_the_front() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("compare.svg");
    let run = fleetopt([
        "compare",
        "fixtures/requests/native/price-capacity-optimized-vcpu.yaml",
        "--catalog",
        SMALL,
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let picture = std::fs::read_to_string(&svg).unwrap();
    for mode in ["aws", "optimal"] {
        for strategy in ["lowestPrice", "diversified", "priceCapacityOptimized"] {
            let label = format!("{mode} {strategy}");
            assert!(picture.contains(&label), "missing {label}");
        }
    }
    assert_snapshot!(picture);
}
