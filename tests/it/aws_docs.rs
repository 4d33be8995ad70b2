//! AWS's documented examples (`fixtures/aws-docs/`, each written from an AWS user-guide example;
//! `fixtures/aws-docs/README.md` names the guide and example): every one reads, solves on the
//! embedded catalogue to a verified plan, and the plan has the outcome AWS's text states.

use std::collections::BTreeSet;

use fleetopt::instances::{Catalog, Market};
use fleetopt::solver::plan::Plan;
use fleetopt::solver::request::{self, FleetRequest, Mode, SpotStrategy};
use fleetopt::solver::solve::{SolveOptions, solve};
use fleetopt::solver::verify;

use crate::support::{fixture, fleetopt, rel};

fn embedded() -> Catalog {
    fleetopt::instances::embedded::catalog().unwrap()
}

fn read(name: &str) -> FleetRequest {
    let path = fixture(&format!("aws-docs/{name}"));
    let text = std::fs::read_to_string(&path).unwrap();
    request::read(&rel(&path), &text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Solves in aws mode in `region` and checks the plan with the independent verifier.
fn plan(catalog: &Catalog, name: &str, region: &str) -> (FleetRequest, Plan) {
    let mut request = read(name);
    let options = SolveOptions {
        mode: Some(Mode::Aws),
        region: Some(region.into()),
        ..SolveOptions::default()
    };
    let plan = solve(catalog, &request, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
    request.region = Some(region.into());
    let violations = verify::verify(catalog, &request, &plan);
    assert!(violations.is_empty(), "{name}: {violations:?}");
    (request, plan)
}

/// (type, AZ ID) of every allocation.
fn pools(plan: &Plan) -> BTreeSet<(String, String)> {
    plan.allocations
        .iter()
        .map(|a| {
            (
                a.instance_type.to_string(),
                a.availability_zone_id.to_string(),
            )
        })
        .collect()
}

/// The three pools EC2 Fleet Examples 8–10 pin: r4.2xlarge in us-west-2a, m4.2xlarge and
/// c5.2xlarge in us-west-2b (usw2-az2 and usw2-az1 in the embedded catalogue's names).
fn pinned() -> BTreeSet<(String, String)> {
    [
        ("r4.2xlarge", "usw2-az2"),
        ("m4.2xlarge", "usw2-az1"),
        ("c5.2xlarge", "usw2-az1"),
    ]
    .into_iter()
    .map(|(t, z)| (t.to_owned(), z.to_owned()))
    .collect()
}

#[test]
fn ec2_fleet_example_8_launches_50_spot_instances_in_the_three_pinned_pools() {
    // "the three launch specifications specify three Spot capacity pools. The target capacity
    // is 50 Spot Instances."
    let catalog = embedded();
    let (request, plan) = plan(
        &catalog,
        "ec2-fleet-example-8-capacity-optimized.json",
        "us-west-2",
    );
    assert_eq!(request.spot.strategy, SpotStrategy::CapacityOptimized);
    assert_eq!(plan.metrics.capacity, 50.0);
    assert_eq!(plan.metrics.spot_capacity, 50.0);
    assert!(pools(&plan).is_subset(&pinned()), "{:?}", pools(&plan));
}

#[test]
fn ec2_fleet_example_9_honours_the_pins_with_priorities() {
    let catalog = embedded();
    let (request, plan) = plan(
        &catalog,
        "ec2-fleet-example-9-capacity-optimized-prioritized.json",
        "us-west-2",
    );
    assert_eq!(
        request.spot.strategy,
        SpotStrategy::CapacityOptimizedPrioritized
    );
    let priorities: Vec<Option<f64>> = request
        .candidates
        .overrides
        .iter()
        .map(|o| o.priority)
        .collect();
    assert_eq!(priorities, [Some(1.0), Some(2.0), Some(3.0)]);
    assert_eq!(plan.metrics.spot_capacity, 50.0);
    assert!(pools(&plan).is_subset(&pinned()), "{:?}", pools(&plan));
}

#[test]
fn ec2_fleet_example_10_never_plans_r4_outside_us_west_2a() {
    // Issue 10: this example once planned r4.2xlarge in us-west-2b although pinned to
    // us-west-2a. With SingleInstanceType, all 50 Spot Instances are one type.
    let catalog = embedded();
    let (request, plan) = plan(
        &catalog,
        "ec2-fleet-example-10-price-capacity-optimized.json",
        "us-west-2",
    );
    assert_eq!(request.spot.strategy, SpotStrategy::PriceCapacityOptimized);
    assert!(request.constraints.single_type);
    assert_eq!(plan.metrics.spot_capacity, 50.0);
    assert_eq!(plan.metrics.on_demand_capacity, 0.0);
    assert!(pools(&plan).is_subset(&pinned()), "{:?}", pools(&plan));
    let types: BTreeSet<&str> = plan
        .allocations
        .iter()
        .map(|a| a.instance_type.as_str())
        .collect();
    assert_eq!(types.len(), 1, "{types:?}");
    for a in &plan.allocations {
        if a.instance_type.as_str() == "r4.2xlarge" {
            assert_eq!(a.availability_zone_id.as_str(), "usw2-az2");
        }
    }
}

#[test]
fn spot_fleet_example_7_launches_2_on_demand_and_8_spot() {
    // Example 7 (Spot Fleet with On-Demand capacity): "LaunchSpecifications": [] beside
    // LaunchTemplateConfigs is accepted; target 10 of which OnDemandTargetCapacity 2.
    let catalog = embedded();
    let (request, plan) = plan(&catalog, "spot-fleet-example-7-on-demand.json", "us-east-1");
    assert_eq!(request.source, request::RequestSource::SpotFleet);
    assert_eq!(plan.metrics.on_demand_capacity, 2.0);
    assert_eq!(plan.metrics.spot_capacity, 8.0);
    assert!(
        plan.allocations
            .iter()
            .all(|a| a.instance_type.as_str() == "t2.medium")
    );
    // The members fleetopt does not model are named in notes, one per reason.
    for note in [
        "ValidFrom, ValidUntil: not modelled; the request's validity period",
        "TerminateInstancesWithExpiration: not modelled",
    ] {
        assert!(
            plan.notes.iter().any(|n| n.starts_with(note)),
            "{note}: {:#?}",
            plan.notes
        );
    }
}

#[test]
fn asg_example_1_is_one_request_in_json_and_yaml() {
    // The Auto Scaling guide gives each example for --cli-input-json and --cli-input-yaml.
    let json = read("asg-example-1-price-capacity-optimized.json");
    let yaml = read("asg-example-1-price-capacity-optimized.yaml");
    assert_eq!(json, yaml);
    assert_eq!(json.source, request::RequestSource::AutoScalingGroup);
}

#[test]
fn asg_example_1_keeps_one_on_demand_base_and_half_above_it() {
    // OnDemandBaseCapacity 1, OnDemandPercentageAboveBaseCapacity 50, DesiredCapacity 3: one
    // On-Demand base instance, then half of the other 2 On-Demand (aws-semantics §2.3).
    let catalog = embedded();
    let (request, plan) = plan(
        &catalog,
        "asg-example-1-price-capacity-optimized.json",
        "us-east-1",
    );
    assert_eq!(request.on_demand_target(), 2.0);
    assert_eq!(plan.metrics.on_demand_capacity, 2.0);
    assert_eq!(plan.metrics.spot_capacity, 1.0);
    assert_eq!(request.spot.strategy, SpotStrategy::PriceCapacityOptimized);
    // The subnets cannot be mapped to AZs without describe-subnets output, and the plan says so.
    assert!(
        plan.notes
            .iter()
            .any(|n| n.starts_with("VPCZoneIdentifier: ")),
        "{:#?}",
        plan.notes
    );
    let markets: BTreeSet<Market> = plan.allocations.iter().map(|a| a.market).collect();
    assert_eq!(markets.len(), 2);
}

#[test]
fn every_aws_docs_fixture_reads_and_is_listed_in_the_readme() {
    let readme = std::fs::read_to_string(fixture("aws-docs/README.md")).unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir(fixture("aws-docs")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} is not in fixtures/aws-docs/README.md"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        // Examples 1 and 3 name only a launch template; its type is given beside them.
        let options = request::ReadOptions {
            launch_template_type: Some("c5.large".to_owned()),
            ..request::ReadOptions::default()
        };
        let request =
            request::read_with(&name, &text, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_ne!(request.source, request::RequestSource::Native, "{name}");
        count += 1;
    }
    assert!(count >= 6, "only {count} fixtures");
}

#[test]
fn the_cli_solves_an_aws_docs_yaml_form() {
    let run = fleetopt([
        "solve",
        "fixtures/aws-docs/asg-example-1-price-capacity-optimized.yaml",
        "--region",
        "us-east-1",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let plan: Plan = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan.metrics.capacity, 3.0);
}

/// Runs `fleetopt solve` on an aws-docs fixture with extra flags; the plan when it succeeds.
fn solve_cli(name: &str, extra: &[&str]) -> (crate::support::Run, Option<Plan>) {
    let file = format!("fixtures/aws-docs/{name}");
    let mut args = vec![
        "solve",
        file.as_str(),
        "--region",
        "us-east-1",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let run = fleetopt(args);
    let plan = serde_json::from_str(&run.stdout).ok();
    (run, plan)
}

#[test]
fn ec2_fleet_examples_1_and_3_plan_with_the_launch_templates_type() {
    // Without the template's type there is nothing to plan, and the message says what to give.
    let (run, _) = solve_cli("ec2-fleet-example-1-spot-default.json", &[]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("LaunchTemplateConfigs: no overrides")
            && run.stderr.contains("--launch-template-type"),
        "{}",
        run.stderr
    );
    // Example 1: "the fleet launching 2 Spot Instances".
    let (run, plan) = solve_cli(
        "ec2-fleet-example-1-spot-default.json",
        &["--launch-template-type", "c5.large"],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    let plan = plan.unwrap();
    assert_eq!(plan.metrics.spot_capacity, 2.0);
    assert_eq!(plan.metrics.on_demand_capacity, 0.0);
    assert!(
        plan.allocations
            .iter()
            .all(|a| a.instance_type.as_str() == "c5.large")
    );
    assert!(plan.notes.iter().any(|n| {
        n.contains("its launch template's instance type is c5.large (--launch-template-type)")
    }));
    // Example 3: 1 On-Demand Instance, and the difference (1) in the default market, spot.
    let (run, plan) = solve_cli(
        "ec2-fleet-example-3-on-demand-primary.json",
        &["--launch-template-type", "m5.large"],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    let plan = plan.unwrap();
    assert_eq!(plan.metrics.on_demand_capacity, 1.0);
    assert_eq!(plan.metrics.spot_capacity, 1.0);
    // A misspelt type is refused like any override's, at the template's path.
    let (run, _) = solve_cli(
        "ec2-fleet-example-1-spot-default.json",
        &["--launch-template-type", "c5.lrage"],
    );
    assert_eq!(run.code, 2, "{}", run.render());
}

#[test]
fn ec2_fleet_example_4_with_subnets_launches_2_of_the_cheapest_type_in_the_subnets_az() {
    // "The EC2 Fleet launches 2 Spot Instances using the instance type of the launch
    // specification with the lowest price"; the three overrides share subnet-a4f6c5d3, which
    // describe-subnets puts in use1-az2.
    let (run, plan) = solve_cli(
        "ec2-fleet-example-4-lowest-price.json",
        &["--subnets", "fixtures/aws/describe-subnets.json"],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    let plan = plan.unwrap();
    assert_eq!(plan.metrics.spot_capacity, 2.0);
    assert_eq!(plan.allocations.len(), 1, "{:?}", plan.allocations);
    assert_eq!(
        plan.allocations[0].availability_zone_id.as_str(),
        "use1-az2"
    );
    // The cheapest of the three in that AZ, per the embedded catalogue.
    let catalog = embedded();
    let region = catalog.region("us-east-1").unwrap();
    let cheapest = ["c4.large", "c3.large", "c5.large"]
        .into_iter()
        .filter_map(|t| {
            region
                .pools_of(t)
                .iter()
                .find(|p| p.market == Market::Spot && p.zone.as_str() == "use1-az2")
        })
        .min_by(|a, b| a.price_per_hour.total_cmp(&b.price_per_hour))
        .unwrap();
    assert_eq!(plan.allocations[0].instance_type, cheapest.instance_type);
    // No subnet note: every subnet was resolved.
    assert!(
        !plan.notes.iter().any(|n| n.contains("cannot be mapped")),
        "{:#?}",
        plan.notes
    );
}

#[test]
fn asg_example_1_with_subnets_plans_in_the_subnets_azs() {
    let (run, plan) = solve_cli(
        "asg-example-1-price-capacity-optimized.yaml",
        &["--subnets", "fixtures/aws/describe-subnets.json"],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    let plan = plan.unwrap();
    let allowed = ["use1-az1", "use1-az2", "use1-az4"];
    assert!(
        plan.allocations
            .iter()
            .all(|a| allowed.contains(&a.availability_zone_id.as_str())),
        "{:?}",
        plan.allocations
    );
    // 3 instances balanced over 3 AZs: one each.
    let zones: BTreeSet<&str> = plan
        .allocations
        .iter()
        .map(|a| a.availability_zone_id.as_str())
        .collect();
    assert_eq!(zones.len(), 3, "{:?}", plan.allocations);
    assert!(plan.notes.iter().any(|n| n.starts_with(
        "VPCZoneIdentifier: subnets subnet-5ea0c127,subnet-6194ea3b,subnet-c934b782 are in"
    )));
    // A subnets file that lacks one of the group's subnets is refused, not guessed.
    let dir = tempfile::tempdir().unwrap();
    let partial = dir.path().join("subnets.json");
    std::fs::write(
        &partial,
        r#"{"Subnets": [{"SubnetId": "subnet-5ea0c127", "AvailabilityZoneId": "use1-az2"}]}"#,
    )
    .unwrap();
    let (run, _) = solve_cli(
        "asg-example-1-price-capacity-optimized.yaml",
        &["--subnets", partial.to_str().unwrap()],
    );
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains(
            "VPCZoneIdentifier: subnet-6194ea3b, subnet-c934b782 not in the --subnets file"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn candidate_errors_in_an_aws_form_name_the_aws_member() {
    // Issue 10 item 12: once `candidates.instance_types[1]`, a native path.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fleet.json");
    std::fs::write(
        &file,
        r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 2},
            "LaunchTemplateConfigs": [{"Overrides": [
              {"InstanceType": "m5.large", "Placement": {"AvailabilityZone": "us-east-1a"}},
              {"InstanceType": "m5.lrage"}]}]}"#,
    )
    .unwrap();
    let run = fleetopt([
        "solve",
        file.to_str().unwrap(),
        "--catalog",
        "fixtures/catalogs/small.json",
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains(
            "LaunchTemplateConfigs[0].Overrides[1].InstanceType: unknown instance type `m5.lrage`; did you mean `m5.large`?"
        ),
        "{}",
        run.stderr
    );
    // A pinned zone of no region names the Placement member that pinned it.
    std::fs::write(
        &file,
        r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 2},
            "LaunchTemplateConfigs": [{"Overrides": [
              {"InstanceType": "m5.large", "Placement": {"AvailabilityZoneId": "use1-az9"}}]}]}"#,
    )
    .unwrap();
    let run = fleetopt([
        "solve",
        file.to_str().unwrap(),
        "--catalog",
        "fixtures/catalogs/small.json",
        "--region",
        "us-east-1",
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains(
            "LaunchTemplateConfigs[0].Overrides[0].Placement.AvailabilityZoneId: zone `use1-az9`"
        ),
        "{}",
        run.stderr
    );
}
