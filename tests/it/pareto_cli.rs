//! `fleetopt pareto` and `fleetopt compare --plot`: the exact front is non-dominated and the
//! optimal plans dominate aws mode's, the risk-weight sweep traces a monotone cost–risk front,
//! and the pictures are pinned as SVG snapshots.

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::fleetopt;

const SMALL: &str = "fixtures/catalogs/small.json";

#[test]
fn raising_the_loss_per_interruption_never_buys_more_risk_or_less_cost() {
    let run = fleetopt([
        "pareto",
        "fixtures/scenarios/s.toml",
        "--method",
        "weights",
        "--format",
        "json",
    ]);
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
        "--method",
        "weights",
        "--loss-hours",
        "0,1,1024,1048576",
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert_snapshot!(run.stdout);
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg") && picture.contains("cost–risk front"));
    assert!(picture.contains("loss 1048576h"));
}

#[test]
fn bad_weights_and_bad_requests_are_input_errors() {
    let run = fleetopt([
        "pareto",
        "fixtures/scenarios/s.toml",
        "--method",
        "weights",
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
    // Every strategy in both modes, under one number in the key.
    for (number, strategy) in [
        (1, "priceCapacityOptimized"),
        (4, "lowestPrice"),
        (5, "diversified"),
    ] {
        let line = format!("{number}  {strategy}: aws $");
        assert!(picture.contains(&line), "missing {line}");
    }
    assert_eq!(picture.matches("/h → optimal $").count(), 5);
    assert_snapshot!(picture);
}

/// The exact fronts of `s.toml` as JSON.
fn exact_fronts(extra: &[&str]) -> Value {
    let mut args = vec!["pareto", "fixtures/scenarios/s.toml", "--format", "json"];
    args.extend_from_slice(extra);
    let run = fleetopt(args);
    assert_eq!(run.code, 0, "{}", run.render());
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn the_exact_fronts_are_non_dominated_and_each_optimal_plan_dominates_its_aws_plan() {
    let report = exact_fronts(&["--max-points", "200"]);
    let number = |v: &Value, key: &str| v[key].as_f64().unwrap();
    let fronts = report["fronts"].as_array().unwrap();
    assert_eq!(fronts.len(), 2, "both axes by default");
    for (front, axis) in fronts
        .iter()
        .zip(["expected_interruptions_per_hour", "worst_az_loss"])
    {
        assert_eq!(front["axis"], axis);
        assert_eq!(
            front["complete"],
            Value::Bool(true),
            "{axis}: 200 solves close s.toml's front"
        );
        let points = front["points"].as_array().unwrap();
        assert!(
            points.len() > 1 || axis == "worst_az_loss",
            "{axis}: {points:?}"
        );
        // Cheapest first; each further point strictly dearer and strictly safer.
        for pair in points.windows(2) {
            assert!(number(&pair[1], "cost_per_hour") > number(&pair[0], "cost_per_hour"));
            assert!(number(&pair[1], axis) < number(&pair[0], axis));
        }
    }
    // s.toml's expected-interruptions front: from the cheapest plan ($2.8318/h, one pool) to
    // the plan aws priceCapacityOptimized hands you ($3.4850/h), one instance moved per point.
    let interruptions = fronts[0]["points"].as_array().unwrap();
    assert_eq!(number(&interruptions[0], "cost_per_hour"), 2.8318);
    assert_eq!(
        number(&interruptions[interruptions.len() - 1], "cost_per_hour"),
        3.485
    );
    // The worst-AZ front is one point: the cheapest pools spread over three AZs, 34 % in the largest.
    let az = fronts[1]["points"].as_array().unwrap();
    assert_eq!(az.len(), 1);
    assert_eq!(number(&az[0], "worst_az_loss"), 0.34);

    let strategies = report["strategies"].as_array().unwrap();
    assert_eq!(strategies.len(), 5, "every spot strategy");
    for s in strategies {
        assert_eq!(s["dominates"], Value::Bool(true), "{s}");
        let (aws, optimal) = (&s["aws"], &s["optimal"]);
        assert!(number(optimal, "cost_per_hour") <= number(aws, "cost_per_hour"));
        for axis in [
            "expected_interruptions_per_hour",
            "worst_pool_loss",
            "worst_type_loss",
            "worst_az_loss",
        ] {
            assert!(
                number(optimal, axis) <= number(aws, axis) + 1e-12,
                "{axis}: {s}"
            );
        }
        // No optimal plan is cheaper than the cheapest point of the front.
        assert!(number(optimal, "cost_per_hour") >= number(&interruptions[0], "cost_per_hour"));
    }
    let diversified = &strategies[4];
    assert_eq!(diversified["strategy"], "diversified");
    assert!(number(diversified, "saving") > 0.03, "{diversified}");
}

#[test]
fn a_front_cut_short_says_so_and_keeps_only_front_points() {
    let full = exact_fronts(&["--max-points", "200", "--risk", "interruptions"]);
    let short = exact_fronts(&["--max-points", "4", "--risk", "interruptions"]);
    let full = full["fronts"][0]["points"].as_array().unwrap().clone();
    let short_front = &short["fronts"][0];
    assert_eq!(short_front["complete"], Value::Bool(false));
    let points = short_front["points"].as_array().unwrap();
    assert!(points.len() <= 4 && points.len() >= 2, "{points:?}");
    // Every point of the short walk is a point of the full front; the first cut spreads out:
    // a point lies beyond the first quarter of the front, not only neighbours of the cheapest.
    for p in points {
        assert!(full.contains(p), "{p} is not on the full front");
    }
    let position = |p: &Value| full.iter().position(|q| q == p).unwrap();
    assert!(
        points.iter().any(|p| { position(p) > full.len() / 4 }),
        "{points:?}"
    );
}

#[test]
fn exact_front_options_are_checked() {
    let run = fleetopt(["pareto", "fixtures/scenarios/s.toml", "--loss-hours", "1,2"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        run.stderr,
        "error: --loss-hours sets the weights of --method weights; the exact front needs none\n"
    );
    let run = fleetopt(["pareto", "fixtures/scenarios/s.toml", "--max-points", "1"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("--max-points: 1"), "{}", run.stderr);
    let run = fleetopt(["pareto", "fixtures/scenarios/s.toml", "--risk", "worst-az"]);
    assert_eq!(run.code, 2, "{}", run.render());
}

#[test]
fn the_exact_front_picture() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("front.svg");
    let run = fleetopt([
        "pareto",
        "fixtures/scenarios/s.toml",
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let picture = std::fs::read_to_string(&svg).unwrap();
    // The title says what the request is, not where its file is.
    assert!(picture.contains("100 units in us-east-1"), "{picture}");
    assert!(!picture.contains("fixtures/"));
    for line in [
        "1  priceCapacityOptimized: ",
        "5  diversified: aws $5.19/h → optimal $5.01/h, saves 3.6%",
    ] {
        assert!(picture.contains(line), "missing key line {line}");
    }
    assert_snapshot!(picture);
}
