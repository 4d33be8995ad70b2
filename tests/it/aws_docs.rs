//! AWS's documented examples (`fixtures/aws-docs/`, each written from an AWS user-guide example;
//! `fixtures/aws-docs/README.md` names the guide and example): every one reads, solves on the
//! embedded catalogue to a verified plan, and the plan has the outcome AWS's text states.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use fleetopt::instances::{CapacityPool, Catalog, Market, Platform};
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

/// The Linux Spot pool of `instance_type` in `zone` in the embedded catalogue.
fn spot_pool<'a>(
    catalog: &'a Catalog,
    region: &str,
    instance_type: &str,
    zone: &str,
) -> &'a CapacityPool {
    catalog
        .region(region)
        .unwrap()
        .pools_of(instance_type)
        .iter()
        .find(|p| {
            p.market == Market::Spot && p.platform == Platform::LinuxUnix && p.zone.as_str() == zone
        })
        .unwrap_or_else(|| panic!("no Spot pool {instance_type} in {zone}"))
}

/// fleetopt's stated proxy for a pool's capacity availability (aws-semantics §2.1, §7):
/// placement score (higher first), then Spot Advisor bucket (lower first). Smaller is better.
fn capacity_tier(pool: &CapacityPool) -> (Reverse<Option<u8>>, u16) {
    (
        Reverse(pool.placement_score),
        pool.interruption_bucket.map_or(u16::MAX, u16::from),
    )
}

/// The one (type, AZ ID) pool a plan uses; fails if it uses more than one.
fn single_pool(plan: &Plan) -> (String, String) {
    let used = pools(plan);
    assert_eq!(used.len(), 1, "{:?}", plan.allocations);
    used.into_iter().next().unwrap()
}

#[test]
fn ec2_fleet_example_8_launches_50_spot_instances_into_the_pool_with_optimal_capacity() {
    // "The EC2 Fleet attempts to launch 50 Spot Instances into the Spot capacity pool with
    // optimal capacity for the number of instances that are launching": one of the three
    // pinned pools, the best by capacity (placement score, Advisor bucket, then the
    // available-instance estimate, fleetopt's stated proxy).
    let catalog = embedded();
    let (request, plan) = plan(
        &catalog,
        "ec2-fleet-example-8-capacity-optimized.json",
        "us-west-2",
    );
    assert_eq!(request.spot.strategy, SpotStrategy::CapacityOptimized);
    assert_eq!(plan.metrics.capacity, 50.0);
    assert_eq!(plan.metrics.spot_capacity, 50.0);
    assert_eq!(plan.metrics.on_demand_capacity, 0.0);
    let chosen = single_pool(&plan);
    assert!(pinned().contains(&chosen), "{chosen:?}");
    let key = |(t, z): &(String, String)| {
        let pool = spot_pool(&catalog, "us-west-2", t, z);
        (capacity_tier(pool), Reverse(pool.available_instances))
    };
    let best = pinned().iter().map(key).min().unwrap();
    assert_eq!(key(&chosen), best, "{chosen:?}");
}

#[test]
fn ec2_fleet_example_9_launches_50_spot_instances_into_the_highest_priority_pool_after_capacity() {
    // "The EC2 Fleet attempts to launch 50 Spot Instances into the Spot capacity pool with the
    // highest priority on a best-effort basis, but optimizes for capacity first": one pinned
    // pool, of the best capacity tier, and within that tier the lowest priority number.
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
    assert_eq!(plan.metrics.on_demand_capacity, 0.0);
    let chosen = single_pool(&plan);
    // The guide's pools in priority order (Priority 1, 2, 3).
    let by_priority = [
        ("r4.2xlarge", "usw2-az2"),
        ("m4.2xlarge", "usw2-az1"),
        ("c5.2xlarge", "usw2-az1"),
    ];
    let tier = |t: &str, z: &str| capacity_tier(spot_pool(&catalog, "us-west-2", t, z));
    let best = by_priority.iter().map(|(t, z)| tier(t, z)).min().unwrap();
    let expected = by_priority
        .iter()
        .find(|(t, z)| tier(t, z) == best)
        .unwrap();
    assert_eq!(
        (chosen.0.as_str(), chosen.1.as_str()),
        *expected,
        "{:?}",
        plan.allocations
    );
}

#[test]
fn ec2_fleet_example_10_launches_50_spot_instances_into_the_cheapest_pool_of_optimal_capacity() {
    // "... into the Spot capacity pool with optimal capacity for the number of instances that
    // are launching while also choosing the pool that is the lowest priced": an `instant` fleet
    // of one type (SingleInstanceType) in one pinned pool, the cheapest of the best capacity
    // tier. Issue 10: this example once planned r4.2xlarge in us-west-2b although pinned to
    // us-west-2a.
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
    let chosen = single_pool(&plan);
    assert!(pinned().contains(&chosen), "{chosen:?}");
    let key = |(t, z): &(String, String)| {
        let pool = spot_pool(&catalog, "us-west-2", t, z);
        (capacity_tier(pool), pool.price_per_hour)
    };
    let best = pinned()
        .iter()
        .map(key)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .unwrap();
    assert_eq!(key(&chosen), best, "{chosen:?}");
    for a in &plan.allocations {
        if a.instance_type.as_str() == "r4.2xlarge" {
            assert_eq!(a.availability_zone_id.as_str(), "usw2-az2");
        }
    }
}

#[test]
fn instant_fleet_example_5_launches_20_spot_instances_of_one_type_in_one_az() {
    // "The EC2 Fleet launches 20 Spot Instances of the same instance type all in a single AZ
    // from the Spot Instance pool with optimal capacity": 12 overrides (4 types × 3 subnets),
    // SingleInstanceType and SingleAvailabilityZone. The subnets are not in any
    // describe-subnets file, so each is one unknown AZ of the region (us-east-1 here).
    let catalog = embedded();
    let (request, plan) = plan(
        &catalog,
        "instant-fleet-example-5-single-type-single-az.json",
        "us-east-1",
    );
    assert_eq!(request.spot.strategy, SpotStrategy::CapacityOptimized);
    assert!(request.constraints.single_type);
    assert_eq!(request.candidates.overrides.len(), 12);
    assert_eq!(plan.metrics.spot_capacity, 20.0);
    assert_eq!(plan.metrics.on_demand_capacity, 0.0);
    assert_eq!(plan.metrics.instances, 20);
    let (instance_type, _) = single_pool(&plan);
    assert!(
        ["c5.4xlarge", "c5d.4xlarge", "m5.4xlarge", "m5d.4xlarge"]
            .contains(&instance_type.as_str()),
        "{instance_type}"
    );
}

#[test]
fn spot_fleet_example_7_launches_5_on_demand_and_5_spot() {
    // Example 7 (Spot Fleet with On-Demand capacity): "LaunchSpecifications": [] beside
    // LaunchTemplateConfigs is accepted; "Amazon EC2 launches 5 capacity units as On-Demand,
    // and 5 capacity units (10-5=5) as Spot".
    let catalog = embedded();
    let (request, plan) = plan(&catalog, "spot-fleet-example-7-on-demand.json", "us-east-1");
    assert_eq!(request.source, request::RequestSource::SpotFleet);
    assert_eq!(plan.metrics.on_demand_capacity, 5.0);
    assert_eq!(plan.metrics.spot_capacity, 5.0);
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
    let json = read("asg-example-1-capacity-optimized.json");
    let yaml = read("asg-example-1-capacity-optimized.yaml");
    assert_eq!(json, yaml);
    assert_eq!(json.source, request::RequestSource::AutoScalingGroup);
}

/// The On-Demand instance types of a plan.
fn on_demand_types(plan: &Plan) -> BTreeSet<&str> {
    plan.allocations
        .iter()
        .filter(|a| a.market == Market::OnDemand)
        .map(|a| a.instance_type.as_str())
        .collect()
}

#[test]
fn asg_example_1_keeps_one_on_demand_base_launches_c5_large_first_and_the_rest_spot() {
    // OnDemandBaseCapacity 1, OnDemandPercentageAboveBaseCapacity 0, DesiredCapacity 3: the one
    // base instance On-Demand, the other 2 Spot. "When Amazon EC2 Auto Scaling attempts to
    // fulfill your On-Demand capacity, it launches the c5.large instance type first."
    let catalog = embedded();
    let (request, plan) = plan(
        &catalog,
        "asg-example-1-capacity-optimized.json",
        "us-east-1",
    );
    assert_eq!(request.on_demand_target(), 1.0);
    assert_eq!(plan.metrics.on_demand_capacity, 1.0);
    assert_eq!(plan.metrics.spot_capacity, 2.0);
    assert_eq!(request.spot.strategy, SpotStrategy::CapacityOptimized);
    assert_eq!(on_demand_types(&plan), BTreeSet::from(["c5.large"]));
    // The subnets cannot be mapped to AZs without describe-subnets output, and the plan says so.
    assert!(
        plan.notes
            .iter()
            .any(|n| n.starts_with("VPCZoneIdentifier: ")),
        "{:#?}",
        plan.notes
    );
}

#[test]
fn asg_example_4_rounds_30_percent_of_3_up_to_one_on_demand_c5_large() {
    // OnDemandPercentageAboveBaseCapacity 30, no base, DesiredCapacity 3: 0.9 On-Demand
    // instances, which Auto Scaling "rounds up to the next integer in favor of On-Demand
    // Instances" (aws-semantics §2.3): 1 On-Demand, 2 Spot. "When Amazon EC2 Auto Scaling
    // attempts to fulfill your On-Demand capacity, it launches the c5.large instance type first."
    let catalog = embedded();
    let (request, plan) = plan(
        &catalog,
        "asg-example-4-price-capacity-optimized.json",
        "us-east-1",
    );
    assert_eq!(request.spot.strategy, SpotStrategy::PriceCapacityOptimized);
    assert_eq!(request.on_demand_target(), 1.0);
    assert_eq!(plan.metrics.on_demand_capacity, 1.0);
    assert_eq!(plan.metrics.spot_capacity, 2.0);
    assert_eq!(on_demand_types(&plan), BTreeSet::from(["c5.large"]));
}

#[test]
fn every_aws_docs_fixture_reads_and_is_listed_in_the_readme() {
    let readme = std::fs::read_to_string(fixture("aws-docs/README.md")).unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir(fixture("aws-docs")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" || path.is_dir() {
            // `reservations/` holds the describe-capacity-reservations files beside Examples 5–8.
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
    assert!(count >= 11, "only {count} fixtures");
}

#[test]
fn the_cli_solves_an_aws_docs_yaml_form() {
    let run = fleetopt([
        "solve",
        "fixtures/aws-docs/asg-example-1-capacity-optimized.yaml",
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
        "asg-example-1-capacity-optimized.yaml",
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
    // "The Spot Instances come from the optimal Spot pool in each Availability Zone based on
    // Spot Instance capacity": in each AZ, the Spot pool of the eight types that ranks best by
    // fleetopt's capacity proxy.
    let catalog = embedded();
    let types = [
        "c5.large",
        "c5a.large",
        "m5.large",
        "m5a.large",
        "c4.large",
        "m4.large",
        "c3.large",
        "m3.large",
    ];
    let key = |t: &str, z: &str| {
        let pool = spot_pool(&catalog, "us-east-1", t, z);
        (capacity_tier(pool), Reverse(pool.available_instances))
    };
    let spot: Vec<_> = plan
        .allocations
        .iter()
        .filter(|a| a.market == Market::Spot)
        .collect();
    assert_eq!(spot.len(), 2, "{:?}", plan.allocations);
    for a in spot {
        let zone = a.availability_zone_id.as_str();
        let best = types
            .iter()
            .filter(|t| {
                catalog
                    .region("us-east-1")
                    .unwrap()
                    .pools_of(t)
                    .iter()
                    .any(|p| {
                        p.market == Market::Spot
                            && p.platform == Platform::LinuxUnix
                            && p.zone.as_str() == zone
                    })
            })
            .map(|t| key(t, zone))
            .min()
            .unwrap();
        assert_eq!(key(a.instance_type.as_str(), zone), best, "{a:?}");
    }
    // A subnets file that lacks one of the group's subnets is refused, not guessed.
    let dir = tempfile::tempdir().unwrap();
    let partial = dir.path().join("subnets.json");
    std::fs::write(
        &partial,
        r#"{"Subnets": [{"SubnetId": "subnet-5ea0c127", "AvailabilityZoneId": "use1-az2"}]}"#,
    )
    .unwrap();
    let (run, _) = solve_cli(
        "asg-example-1-capacity-optimized.yaml",
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

/// On-Demand instances per type, each reservation's (id, used, unused), and the plan.
type ReservationsOutcome = (
    std::collections::BTreeMap<String, u32>,
    Vec<(String, u32, u32)>,
    Plan,
);

/// EC2 Fleet Examples 5–8 (`fixtures/aws-docs/README.md`): the request read with the
/// example's Capacity Reservations beside it, planned in aws mode on the embedded catalogue in
/// us-east-1 and verified; returns the On-Demand count per type and each reservation's
/// (id, used, unused).
fn reservations_example(name: &str, reservations: &str) -> ReservationsOutcome {
    let catalog = embedded();
    let path = fixture(&format!("aws-docs/{name}"));
    let text = std::fs::read_to_string(&path).unwrap();
    let file = fixture(&format!("aws-docs/reservations/{reservations}"));
    let records = fleetopt::instances::load::capacity_reservations::load(&file).unwrap();
    let mut options = request::ReadOptions::default();
    options
        .owned
        .add_capacity_reservations(&rel(&file), &records);
    let mut request = request::read_with(&rel(&path), &text, &options).unwrap();
    let solve_options = SolveOptions {
        mode: Some(Mode::Aws),
        region: Some("us-east-1".into()),
        ..SolveOptions::default()
    };
    let plan = solve(&catalog, &request, &solve_options).unwrap_or_else(|e| panic!("{name}: {e}"));
    request.region = Some("us-east-1".into());
    let violations = verify::verify(&catalog, &request, &plan);
    assert!(violations.is_empty(), "{name}: {violations:?}");
    let mut counts = std::collections::BTreeMap::new();
    for a in &plan.allocations {
        assert_eq!(a.market, Market::OnDemand, "{name}");
        // us-east-1a is use1-az2 in the embedded catalogue's names.
        assert_eq!(a.availability_zone_id.as_str(), "use1-az2", "{name}");
        *counts.entry(a.instance_type.to_string()).or_insert(0) += a.count;
    }
    let report = plan.commitments.clone().expect("a commitment report");
    let uses = report
        .held
        .iter()
        .map(|u| (u.id.clone(), u.used, u.unused))
        .collect();
    (counts, uses, plan)
}

fn counts(pairs: &[(&str, u32)]) -> std::collections::BTreeMap<String, u32> {
    pairs.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect()
}

fn uses(triples: &[(&str, u32, u32)]) -> Vec<(String, u32, u32)> {
    triples
        .iter()
        .map(|(id, used, unused)| ((*id).to_owned(), *used, *unused))
        .collect()
}

#[test]
fn ec2_fleet_example_5_fills_reservations_first_in_priority_order() {
    let (launched, used, plan) = reservations_example(
        "ec2-fleet-example-5-reservations-prioritized.json",
        "ec2-fleet-examples-5-6.json",
    );
    // "5 c4.large … 5 c3.large … 2 c5.large"; "3 c5.large Capacity Reservations remaining".
    assert_eq!(
        launched,
        counts(&[("c3.large", 5), ("c4.large", 5), ("c5.large", 2)])
    );
    assert_eq!(
        used,
        uses(&[("cr-111", 5, 0), ("cr-222", 5, 0), ("cr-333", 2, 3)])
    );
    // Everything runs on capacity already paid for: nothing new is spent.
    let report = plan.commitments.unwrap();
    assert!(report.new_spend_per_hour.abs() < 1e-9, "{report:?}");
    assert!((report.committed_per_hour - plan.metrics.cost_per_hour).abs() < 1e-9);
}

#[test]
fn ec2_fleet_example_6_launches_the_rest_by_priority_after_the_reservations() {
    let (launched, used, plan) = reservations_example(
        "ec2-fleet-example-6-reservations-prioritized-beyond.json",
        "ec2-fleet-examples-5-6.json",
    );
    // "6 c4.large" (5 reserved plus 1 by the strategy), 5 c3.large, 5 c5.large.
    assert_eq!(
        launched,
        counts(&[("c3.large", 5), ("c4.large", 6), ("c5.large", 5)])
    );
    assert_eq!(
        used,
        uses(&[("cr-111", 5, 0), ("cr-222", 5, 0), ("cr-333", 5, 0)])
    );
    // The one instance beyond the reservations is new On-Demand spend: one c4.large.
    let report = plan.commitments.unwrap();
    let c4 = plan
        .allocations
        .iter()
        .find(|a| a.instance_type.as_str() == "c4.large")
        .unwrap()
        .price_per_hour;
    assert!(
        (report.new_on_demand_per_hour - c4).abs() < 1e-9,
        "{report:?}"
    );
}

#[test]
fn ec2_fleet_example_7_fills_reservations_first_cheapest_first() {
    let (launched, used, _) = reservations_example(
        "ec2-fleet-example-7-reservations-lowest-price.json",
        "ec2-fleet-examples-7-8.json",
    );
    // "5 m5.large … 5 m4.xlarge … 2 m4.2xlarge"; "3 m4.2xlarge Capacity Reservations remaining".
    assert_eq!(
        launched,
        counts(&[("m4.2xlarge", 2), ("m4.xlarge", 5), ("m5.large", 5)])
    );
    assert_eq!(
        used,
        uses(&[("cr-111", 5, 0), ("cr-222", 5, 0), ("cr-333", 2, 3)])
    );
}

#[test]
fn ec2_fleet_example_8_launches_the_rest_cheapest_after_the_reservations() {
    let (launched, used, _) = reservations_example(
        "ec2-fleet-example-8-reservations-lowest-price-beyond.json",
        "ec2-fleet-examples-7-8.json",
    );
    // "6 m5.large" (5 reserved plus 1 lowest-price), 5 m4.xlarge, 5 m4.2xlarge.
    assert_eq!(
        launched,
        counts(&[("m4.2xlarge", 5), ("m4.xlarge", 5), ("m5.large", 6)])
    );
    assert_eq!(
        used,
        uses(&[("cr-111", 5, 0), ("cr-222", 5, 0), ("cr-333", 5, 0)])
    );
}

#[test]
fn without_the_usage_strategy_example_7_is_plain_lowest_price_and_reservations_still_bill() {
    // The same fleet without `use-capacity-reservations-first`: allocation is lowest-price
    // (all 12 in m5.large), and the open m5.large reservations cover 5 of them anyway.
    let path = fixture("aws-docs/ec2-fleet-example-7-reservations-lowest-price.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    value["OnDemandOptions"]
        .as_object_mut()
        .unwrap()
        .remove("CapacityReservationOptions");
    let file = fixture("aws-docs/reservations/ec2-fleet-examples-7-8.json");
    let records = fleetopt::instances::load::capacity_reservations::load(&file).unwrap();
    let mut options = request::ReadOptions::default();
    options.owned.add_capacity_reservations("r.json", &records);
    let request = request::read_with("f.json", &value.to_string(), &options).unwrap();
    let catalog = embedded();
    let solve_options = SolveOptions {
        mode: Some(Mode::Aws),
        region: Some("us-east-1".into()),
        ..SolveOptions::default()
    };
    let plan = solve(&catalog, &request, &solve_options).unwrap();
    assert_eq!(plan.allocations.len(), 1);
    assert_eq!(plan.allocations[0].instance_type.as_str(), "m5.large");
    assert_eq!(plan.allocations[0].count, 12);
    let report = plan.commitments.unwrap();
    let used: Vec<u32> = report.held.iter().map(|u| u.used).collect();
    assert_eq!(used, vec![5, 0, 0]);
    assert!(
        (report.new_on_demand_per_hour - 7.0 * 0.096).abs() < 1e-9,
        "{report:?}"
    );
}

#[test]
fn instant_fleet_example_10_uses_the_six_reservations_then_prioritized_then_spot() {
    let catalog = embedded();
    let path = fixture("aws-docs/instant-fleet-example-10-reservations-first.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = fixture("aws/commitments/describe-capacity-reservations.json");
    let records = fleetopt::instances::load::capacity_reservations::load(&file).unwrap();
    let mut options = request::ReadOptions::default();
    options
        .owned
        .add_capacity_reservations(&rel(&file), &records);
    let mut request = request::read_with(&rel(&path), &text, &options).unwrap();
    let solve_options = SolveOptions {
        mode: Some(Mode::Aws),
        region: Some("us-east-1".into()),
        ..SolveOptions::default()
    };
    let plan = solve(&catalog, &request, &solve_options).unwrap();
    request.region = Some("us-east-1".into());
    assert!(verify::verify(&catalog, &request, &plan).is_empty());
    let on_demand = |name: &str| -> u32 {
        plan.allocations
            .iter()
            .filter(|a| a.market == Market::OnDemand && a.instance_type.as_str() == name)
            .inspect(|a| assert_eq!(a.availability_zone_id.as_str(), "use1-az2"))
            .map(|a| a.count)
            .sum()
    };
    // "7 c5.large (3 reserved + 4) and 3 m5.large. Spot takes the other 10."
    assert_eq!(on_demand("c5.large"), 7);
    assert_eq!(on_demand("m5.large"), 3);
    assert_eq!(plan.metrics.spot_capacity, 10.0);
    let report = plan.commitments.unwrap();
    let used: Vec<(&str, u32, bool)> = report
        .held
        .iter()
        .map(|u| (u.instance_type.as_str(), u.used, u.not_applicable.is_some()))
        .collect();
    // The expired m5.large and the targeted dedicated c5.large cover nothing.
    assert_eq!(
        used,
        vec![
            ("c5.large", 3, false),
            ("m5.large", 3, false),
            ("m5.large", 0, true),
            ("c5.large", 0, true)
        ]
    );
}
