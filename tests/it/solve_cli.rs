//! `fleetopt solve | compare | verify` over the request fixtures: every plan is snapshotted and
//! independently verified.

use fleetopt::instances::load;
use fleetopt::solver::plan::Plan;
use fleetopt::solver::{request, verify};
use insta::assert_snapshot;

use crate::support::{fixture, fleetopt, rel};

const SMALL: &str = "fixtures/catalogs/small.json";

/// Solves with the fixture catalogue, except DESIGN's example, which names types (m6i, m7g)
/// only the embedded catalogue has.
fn solve_json(request_file: &str) -> (crate::support::Run, Option<Plan>) {
    let mut args = vec![
        "solve",
        request_file,
        "--mode",
        "aws",
        "--region",
        "us-east-1",
        "--format",
        "json",
    ];
    if !request_file.contains("design-example") {
        args.extend(["--catalog", SMALL]);
    }
    let run = fleetopt(args);
    let plan = serde_json::from_str(&run.stdout).ok();
    (run, plan)
}

#[test]
fn every_request_fixture_solves_to_a_verified_plan() {
    let small = load::catalog::load(&fixture("catalogs/small.json")).unwrap();
    let embedded = fleetopt::instances::embedded::catalog().unwrap();
    insta::glob!(
        "../../fixtures",
        "requests/*/*.{toml,json,yaml}",
        |path: &Path| {
            let (run, plan) = solve_json(&rel(path));
            assert_eq!(run.code, 0, "{}: {}", rel(path), run.render());
            let plan = plan.unwrap();
            let text = std::fs::read_to_string(path).unwrap();
            let mut request = request::read(&rel(path), &text).unwrap();
            request.region.get_or_insert_with(|| "us-east-1".into());
            request.mode = fleetopt::solver::request::Mode::Aws;
            let catalog = if rel(path).contains("design-example") {
                &embedded
            } else {
                &small
            };
            let violations = verify::verify(catalog, &request, &plan);
            assert!(violations.is_empty(), "{}: {violations:?}", rel(path));
            assert_snapshot!(run.stdout);
        }
    );
}

#[test]
fn plan_table_is_readable() {
    let run = fleetopt([
        "solve",
        "fixtures/scenarios/s.toml",
        "--mode",
        "aws",
        "--format",
        "table",
    ]);
    assert_snapshot!(run.render());
}

#[test]
fn compare_lists_every_spot_strategy() {
    let run = fleetopt(["compare", "fixtures/scenarios/s.toml"]);
    assert_snapshot!(run.render());
}

#[test]
fn strategy_flag_takes_both_spellings_and_suggests_on_typos() {
    let camel = fleetopt([
        "solve",
        "fixtures/scenarios/s.toml",
        "--strategy",
        "capacityOptimized",
        "--format",
        "json",
    ]);
    let kebab = fleetopt([
        "solve",
        "fixtures/scenarios/s.toml",
        "--strategy",
        "capacity-optimized",
        "--format",
        "json",
    ]);
    assert_eq!(camel.code, 0, "{}", camel.render());
    assert_eq!(camel.stdout, kebab.stdout);
    let typo = fleetopt([
        "solve",
        "fixtures/scenarios/s.toml",
        "--strategy",
        "priceCapacityOptimised",
    ]);
    assert_snapshot!(typo.render());
}

#[test]
fn verify_accepts_a_solved_plan_and_lists_violations_of_a_tampered_one() {
    let dir = tempfile::tempdir().unwrap();
    let plan_path = dir.path().join("plan.json");
    let run = fleetopt([
        "solve",
        "fixtures/scenarios/s.toml",
        "--format",
        "json",
        "-o",
        plan_path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let ok = fleetopt([
        "verify",
        plan_path.to_str().unwrap(),
        "--request",
        "fixtures/scenarios/s.toml",
    ]);
    assert_eq!(ok.code, 0, "{}", ok.render());
    assert!(ok.stdout.contains(": valid:"), "{}", ok.stdout);

    let mut plan: Plan =
        serde_json::from_str(&std::fs::read_to_string(&plan_path).unwrap()).unwrap();
    plan.allocations[0].count += 1;
    plan.allocations[0].price_per_hour /= 2.0;
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let bad = fleetopt([
        "verify",
        tampered.to_str().unwrap(),
        "--request",
        "fixtures/scenarios/s.toml",
    ]);
    assert_eq!(bad.code, 1, "{}", bad.render());
    let stderr = bad
        .stderr
        .replace(tampered.to_str().unwrap(), "tampered.json");
    assert_snapshot!(stderr);
}

/// `verify` reads plans with the same reader as `export` and `simulate`: the schema tag is
/// checked, and a file that is not a plan at all gets the hint on how to write one.
#[test]
fn verify_refuses_a_plan_of_another_schema_and_a_file_that_is_no_plan() {
    let verify = |plan: &str| {
        fleetopt([
            "verify",
            plan,
            "--request",
            "fixtures/requests/native/asg-style.toml",
            "--catalog",
            SMALL,
        ])
    };
    let run = verify("fixtures/plans/bad/wrong-schema.json");
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        run.stderr,
        "error: fixtures/plans/bad/wrong-schema.json: at schema: expected \"fleetopt.plan/v1\", \
         found \"fleetopt.plan/v0\"\n"
    );
    let run = verify("fixtures/requests/native/asg-style.toml");
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.starts_with(
            "error: fixtures/requests/native/asg-style.toml: at .: not a fleetopt.plan/v1 plan \
             (write one with `fleetopt solve --format json`): "
        ),
        "{}",
        run.render()
    );
}

/// Scenario M: the diversified row saves money like for like, and every strategy whose
/// aws-mode plan breaks M's pool-share and AZ-survival constraints says what keeping them costs.
#[test]
fn compare_on_m_shows_the_saving_and_what_the_constraints_cost() {
    let run = fleetopt(["compare", "fixtures/scenarios/m.toml", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let diversified = rows
        .iter()
        .find(|r| r["strategy"] == "diversified" && r["mode"] == "optimal")
        .unwrap();
    // M's candidates come from instance requirements, so AWS's price protection (aws-semantics
    // §1.10) leaves out the types priced above its thresholds, for both modes; over what is
    // left the dominating diversified plan saves 13.9 % ($28.38/h against $32.96/h).
    assert!(
        diversified["saving_vs_aws"].as_f64().unwrap() > 0.1,
        "{diversified}"
    );
    for row in rows
        .iter()
        .filter(|r| r["mode"] == "optimal" && r["role"] == "strategy")
    {
        let cost = &row["constraint_cost"];
        assert_eq!(
            cost["constraints"],
            serde_json::json!(["max_pool_share", "survive_az_loss"]),
            "{row}"
        );
        assert!(cost["saving_without"].as_f64().unwrap() >= 0.0, "{row}");
    }
    let table = fleetopt(["compare", "fixtures/scenarios/m.toml"]);
    assert_snapshot!(table.render());
}

/// `--capacity-reservations` and `--reserved-instances` beside a request: the table shows the
/// new spend, the JSON plan reports every commitment, and `verify` with the same files accepts
/// the plan (without them it says the plan reports commitments the request does not carry).
#[test]
fn solve_with_the_accounts_reservations_and_reserved_instances() {
    let request = "fixtures/aws-docs/instant-fleet-example-10-reservations-first.json";
    let owned = [
        "--capacity-reservations",
        "fixtures/aws/commitments/describe-capacity-reservations.json",
        "--reserved-instances",
        "fixtures/aws/commitments/describe-reserved-instances.json",
    ];
    let mut args = vec!["solve", request, "--region", "us-east-1", "--mode", "aws"];
    args.extend(owned);
    let table = fleetopt(args.clone());
    assert_eq!(table.code, 0, "{}", table.render());
    assert_snapshot!(table.stdout);

    let dir = tempfile::tempdir().unwrap();
    let plan_file = dir.path().join("plan.json");
    args.extend(["--format", "json", "-o", plan_file.to_str().unwrap()]);
    let run = fleetopt(args);
    assert_eq!(run.code, 0, "{}", run.render());
    let plan: Plan = serde_json::from_str(&std::fs::read_to_string(&plan_file).unwrap()).unwrap();
    let report = plan.commitments.as_ref().unwrap();
    // Four reservations and four Reserved Instances, in file order.
    assert_eq!(report.held.len(), 8);
    let mut verify_args = vec!["verify", plan_file.to_str().unwrap(), "--request", request];
    verify_args.extend(owned);
    let verified = fleetopt(verify_args);
    assert_eq!(verified.code, 0, "{}", verified.render());
    let bare = fleetopt(["verify", plan_file.to_str().unwrap(), "--request", request]);
    assert_ne!(bare.code, 0, "{}", bare.render());
    assert!(
        bare.stderr
            .contains("the plan reports commitments the request does not carry"),
        "{}",
        bare.render()
    );
}

/// Savings Plans beside Capacity Reservations: the optimal plan's new spend is at most the
/// aws-mode plan's, both verify with the same files, and the active Compute plan's use is
/// reported while the plan without rates and the retired one say why they cover nothing.
#[test]
fn optimal_mode_spends_savings_plans_and_reservations_before_new_money() {
    let request = "fixtures/aws-docs/instant-fleet-example-10-reservations-first.json";
    let owned = [
        "--capacity-reservations",
        "fixtures/aws/commitments/describe-capacity-reservations.json",
        "--savings-plans",
        "fixtures/aws/commitments/describe-savings-plans.json",
        "--savings-plan-rates",
        "fixtures/aws/commitments/describe-savings-plan-rates.json",
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut spend = Vec::new();
    for mode in ["aws", "optimal"] {
        let file = dir.path().join(format!("{mode}.json"));
        let mut args = vec![
            "solve",
            request,
            "--region",
            "us-east-1",
            "--mode",
            mode,
            "--format",
            "json",
            "-o",
            file.to_str().unwrap(),
        ];
        args.extend(owned);
        let run = fleetopt(args);
        assert_eq!(run.code, 0, "{}", run.render());
        let plan: Plan = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let report = plan.commitments.clone().unwrap();
        let plans: Vec<(&str, bool)> = report
            .savings_plans
            .iter()
            .map(|sp| (sp.plan_type.as_str(), sp.not_applicable.is_none()))
            .collect();
        assert_eq!(
            plans,
            vec![
                ("Compute", true),
                ("EC2Instance", false),
                ("Compute", false)
            ],
            "{mode}"
        );
        // The Compute plan's $1.25/h covers every On-Demand instance the reservations leave.
        assert!(
            report.new_on_demand_per_hour.abs() < 1e-9,
            "{mode}: {report:?}"
        );
        let mut verify_args = vec!["verify", file.to_str().unwrap(), "--request", request];
        verify_args.extend(owned);
        let verified = fleetopt(verify_args);
        assert_eq!(verified.code, 0, "{mode}: {}", verified.render());
        spend.push(plan.new_spend_per_hour());
    }
    assert!(spend[1] <= spend[0] + 1e-9, "{spend:?}");
}
