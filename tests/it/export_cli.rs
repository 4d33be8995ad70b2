//! `fleetopt export`: every plan fixture in every format (snapshots), the round trips back
//! through the request readers and aws mode, the AWS members each document may use, bad input.

use std::collections::BTreeMap;

use fleetopt::instances::{Catalog, load};
use fleetopt::solver::export::{self, ExportOptions, Target};
use fleetopt::solver::plan::Plan;
use fleetopt::solver::request::{self, Mode, RequestSource};
use fleetopt::solver::solve::{SolveOptions, solve};
use insta::assert_snapshot;
use serde_json::Value;

use crate::support::{fixture, fleetopt, rel};

const SMALL: &str = "fixtures/catalogs/small.json";
const TARGETS: [&str; 5] = [
    "ec2-fleet",
    "ec2-fleet-exact",
    "spot-fleet",
    "asg",
    "karpenter",
];

fn small() -> Catalog {
    load::catalog::load(&fixture("catalogs/small.json")).unwrap()
}

fn plan(name: &str) -> Plan {
    let text = std::fs::read_to_string(fixture(&format!("plans/{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every plan fixture's name, sorted.
fn plan_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture("plans"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn export_plan(plan: &Plan, catalog: &Catalog, target: Target) -> export::Export {
    export::export(plan, None, catalog, target, &ExportOptions::default()).unwrap()
}

/// Reads an exported document as a request and solves it in aws mode in the plan's region.
fn solve_document(document: &Value, label: &str, catalog: &Catalog, plan: &Plan) -> Plan {
    let text = serde_json::to_string_pretty(document).unwrap();
    let request = request::read(label, &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let options = SolveOptions {
        mode: Some(Mode::Aws),
        region: Some(plan.region.clone()),
        ..SolveOptions::default()
    };
    solve(catalog, &request, &options).unwrap_or_else(|e| panic!("{label}: {e}\n{text}"))
}

/// Instances per (type, AZ ID, market), placement slots summed.
fn counts(plan: &Plan) -> BTreeMap<(String, String, String), u32> {
    let mut counts = BTreeMap::new();
    for a in &plan.allocations {
        *counts
            .entry((
                a.instance_type.to_string(),
                a.availability_zone_id.to_string(),
                a.market.to_string(),
            ))
            .or_insert(0) += a.count;
    }
    counts
}

#[test]
fn every_plan_fixture_in_every_format() {
    insta::glob!("../../fixtures", "plans/*.json", |path: &Path| {
        let mut text = String::new();
        for target in TARGETS {
            let run = fleetopt(["export", &rel(path), "--catalog", SMALL, "--to", target]);
            text.push_str(&format!("=== --to {target}\n{}\n", run.render()));
        }
        assert_snapshot!(text);
    });
}

/// The maintain EC2 Fleet and the Spot Fleet, solved in aws mode, give back the plan's pools
/// with the plan's counts for every fixture: the pools are the overrides, lowestPrice gets
/// InstancePoolsToUseCount, budgets come from the shortfall, On-Demand prioritized takes the
/// plan's On-Demand pool first, and the other strategies pick the same pool from the subset
/// they picked it from before.
#[test]
fn ec2_fleet_and_spot_fleet_round_trip_to_the_same_counts() {
    let catalog = small();
    for name in plan_names() {
        let plan = plan(&name);
        for (target, source) in [
            (Target::Ec2Fleet, RequestSource::Ec2Fleet),
            (Target::SpotFleet, RequestSource::SpotFleet),
        ] {
            let exported = export_plan(&plan, &catalog, target);
            let label = format!("{name}.{target}.json");
            let text = serde_json::to_string(&exported.document).unwrap();
            assert_eq!(request::read(&label, &text).unwrap().source, source);
            let again = solve_document(&exported.document, &label, &catalog, &plan);
            assert_eq!(counts(&again), counts(&plan), "{label}");
        }
    }
}

/// With the request, the export also carries what the plan does not record (both budgets,
/// DefaultTargetCapacityType on-demand, the request's InstancePoolsToUseCount), and the round
/// trip still reproduces the plan.
#[test]
fn the_request_supplies_budgets_and_the_default_market() {
    let run = fleetopt([
        "export",
        "fixtures/plans/create-fleet-weighted.json",
        "--catalog",
        SMALL,
        "--request",
        "fixtures/requests/aws/create-fleet-weighted.json",
        "--to",
        "ec2-fleet",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let document: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(document["SpotOptions"]["MaxTotalPrice"], "1.5");
    assert_eq!(document["SpotOptions"]["InstancePoolsToUseCount"], 2);
    assert_eq!(document["OnDemandOptions"]["MaxTotalPrice"], "0.8");
    assert_eq!(
        document["TargetCapacitySpecification"]["DefaultTargetCapacityType"],
        "on-demand"
    );
    let plan = plan("create-fleet-weighted");
    let again = solve_document(&document, "weighted.json", &small(), &plan);
    assert_eq!(counts(&again), counts(&plan));
}

/// Each instant document of `ec2-fleet-exact`, solved alone, launches exactly its
/// allocation.
#[test]
fn each_exact_document_solves_to_its_allocation() {
    let catalog = small();
    for name in plan_names() {
        let plan = plan(&name);
        let exported = export_plan(&plan, &catalog, Target::Ec2FleetExact);
        let documents = exported.document.as_array().unwrap();
        assert_eq!(documents.len(), plan.allocations.len(), "{name}");
        for (i, (document, allocation)) in documents.iter().zip(&plan.allocations).enumerate() {
            let label = format!("{name}.exact[{i}].json");
            let again = solve_document(document, &label, &catalog, &plan);
            let got: Vec<(String, String, String, u32)> = again
                .allocations
                .iter()
                .map(|a| {
                    (
                        a.instance_type.to_string(),
                        a.availability_zone_id.to_string(),
                        a.market.to_string(),
                        a.count,
                    )
                })
                .collect();
            let want = vec![(
                allocation.instance_type.to_string(),
                allocation.availability_zone_id.to_string(),
                allocation.market.to_string(),
                allocation.count,
            )];
            assert_eq!(got, want, "{label}");
        }
    }
}

/// The ASG export reads back as an ASG request with the plan's types (in priority order),
/// zones, target and On-Demand part. Its counts are not the plan's in general: an ASG
/// balances across AZs first and lets every type run in every AZ (see `export/asg.rs`).
#[test]
fn asg_reads_back_with_the_plans_types_zones_and_split() {
    let catalog = small();
    for name in plan_names() {
        let plan = plan(&name);
        let exported = export_plan(&plan, &catalog, Target::Asg);
        let label = format!("{name}.asg.json");
        let text = serde_json::to_string(&exported.document).unwrap();
        let request = request::read(&label, &text).unwrap();
        assert_eq!(request.source, RequestSource::AutoScalingGroup, "{label}");
        let mut types: Vec<String> = request
            .candidates
            .overrides
            .iter()
            .map(|o| o.pattern.clone())
            .collect();
        types.sort();
        types.dedup();
        let mut planned: Vec<String> = plan
            .allocations
            .iter()
            .map(|a| a.instance_type.to_string())
            .collect();
        planned.sort();
        planned.dedup();
        assert_eq!(types, planned, "{label}");
        assert_eq!(request.target.capacity, plan.metrics.target, "{label}");
        assert_eq!(
            request.on_demand_target(),
            plan.metrics.on_demand_target,
            "{label}"
        );
        // Solving it uses only the plan's types and zones and reaches the target.
        let again = solve_document(&exported.document, &label, &catalog, &plan);
        let zones: Vec<String> = plan
            .allocations
            .iter()
            .map(|a| a.availability_zone_id.to_string())
            .collect();
        for a in &again.allocations {
            assert!(planned.contains(&a.instance_type.to_string()), "{label}");
            assert!(
                zones.contains(&a.availability_zone_id.to_string()),
                "{label}"
            );
        }
        assert!(again.metrics.capacity >= again.metrics.target, "{label}");
    }
}

/// Members each AWS shape defines (botocore `ec2/2016-11-15` and `autoscaling/2011-01-01`
/// service models; aws-semantics §1.8, §2.3, §5.5, §5.6), and the child shape of each member
/// that is an object or a list of objects.
fn members(shape: &str) -> &'static [(&'static str, &'static str)] {
    match shape {
        "CreateFleet" => &[
            ("DryRun", ""),
            ("ClientToken", ""),
            ("SpotOptions", "SpotOptionsRequest"),
            ("OnDemandOptions", "OnDemandOptionsRequest"),
            ("ExcessCapacityTerminationPolicy", ""),
            ("LaunchTemplateConfigs", "FleetLaunchTemplateConfigRequest"),
            (
                "TargetCapacitySpecification",
                "TargetCapacitySpecificationRequest",
            ),
            ("TerminateInstancesWithExpiration", ""),
            ("Type", ""),
            ("ValidFrom", ""),
            ("ValidUntil", ""),
            ("ReplaceUnhealthyInstances", ""),
            ("TagSpecifications", "*"),
            ("Context", ""),
        ],
        "SpotOptionsRequest" => &[
            ("AllocationStrategy", ""),
            ("MaintenanceStrategies", "*"),
            ("InstanceInterruptionBehavior", ""),
            ("InstancePoolsToUseCount", ""),
            ("SingleInstanceType", ""),
            ("SingleAvailabilityZone", ""),
            ("MinTargetCapacity", ""),
            ("MaxTotalPrice", ""),
        ],
        "OnDemandOptionsRequest" => &[
            ("AllocationStrategy", ""),
            ("CapacityReservationOptions", "*"),
            ("SingleInstanceType", ""),
            ("SingleAvailabilityZone", ""),
            ("MinTargetCapacity", ""),
            ("MaxTotalPrice", ""),
        ],
        "FleetLaunchTemplateConfigRequest" => &[
            ("LaunchTemplateSpecification", "LaunchTemplateSpecification"),
            ("Overrides", "FleetLaunchTemplateOverridesRequest"),
        ],
        "LaunchTemplateSpecification" => &[
            ("LaunchTemplateId", ""),
            ("LaunchTemplateName", ""),
            ("Version", ""),
        ],
        "FleetLaunchTemplateOverridesRequest" => &[
            ("InstanceType", ""),
            ("MaxPrice", ""),
            ("SubnetId", ""),
            ("AvailabilityZone", ""),
            ("AvailabilityZoneId", ""),
            ("WeightedCapacity", ""),
            ("Priority", ""),
            ("Placement", "FleetPlacement"),
            ("InstanceRequirements", "*"),
            ("ImageId", ""),
        ],
        // The shared Placement shape, less what "is not supported for CreateFleet".
        "FleetPlacement" => &[("GroupName", ""), ("GroupId", "")],
        "TargetCapacitySpecificationRequest" => &[
            ("TotalTargetCapacity", ""),
            ("OnDemandTargetCapacity", ""),
            ("SpotTargetCapacity", ""),
            ("DefaultTargetCapacityType", ""),
            ("TargetCapacityUnitType", ""),
        ],
        "SpotFleetRequestConfigData" => &[
            ("AllocationStrategy", ""),
            ("OnDemandAllocationStrategy", ""),
            ("SpotMaintenanceStrategies", "*"),
            ("ClientToken", ""),
            ("ExcessCapacityTerminationPolicy", ""),
            ("FulfilledCapacity", ""),
            ("OnDemandFulfilledCapacity", ""),
            ("IamFleetRole", ""),
            ("LaunchSpecifications", "*"),
            ("LaunchTemplateConfigs", "LaunchTemplateConfig"),
            ("SpotPrice", ""),
            ("TargetCapacity", ""),
            ("OnDemandTargetCapacity", ""),
            ("OnDemandMaxTotalPrice", ""),
            ("SpotMaxTotalPrice", ""),
            ("TerminateInstancesWithExpiration", ""),
            ("Type", ""),
            ("ValidFrom", ""),
            ("ValidUntil", ""),
            ("ReplaceUnhealthyInstances", ""),
            ("InstanceInterruptionBehavior", ""),
            ("LoadBalancersConfig", "*"),
            ("InstancePoolsToUseCount", ""),
            ("Context", ""),
            ("TargetCapacityUnitType", ""),
            ("TagSpecifications", "*"),
        ],
        "LaunchTemplateConfig" => &[
            ("LaunchTemplateSpecification", "LaunchTemplateSpecification"),
            ("Overrides", "LaunchTemplateOverrides"),
        ],
        "LaunchTemplateOverrides" => &[
            ("InstanceType", ""),
            ("SpotPrice", ""),
            ("SubnetId", ""),
            ("AvailabilityZone", ""),
            ("AvailabilityZoneId", ""),
            ("WeightedCapacity", ""),
            ("Priority", ""),
            ("InstanceRequirements", "*"),
        ],
        "CreateAutoScalingGroup" => &[
            ("AutoScalingGroupName", ""),
            ("LaunchConfigurationName", ""),
            ("LaunchTemplate", "LaunchTemplateSpecification"),
            ("MixedInstancesPolicy", "MixedInstancesPolicy"),
            ("InstanceId", ""),
            ("MinSize", ""),
            ("MaxSize", ""),
            ("DesiredCapacity", ""),
            ("DefaultCooldown", ""),
            ("AvailabilityZones", ""),
            ("LoadBalancerNames", ""),
            ("TargetGroupARNs", ""),
            ("HealthCheckType", ""),
            ("HealthCheckGracePeriod", ""),
            ("PlacementGroup", ""),
            ("VPCZoneIdentifier", ""),
            ("TerminationPolicies", ""),
            ("NewInstancesProtectedFromScaleIn", ""),
            ("CapacityRebalance", ""),
            ("LifecycleHookSpecificationList", "*"),
            ("Tags", "*"),
            ("ServiceLinkedRoleARN", ""),
            ("MaxInstanceLifetime", ""),
            ("Context", ""),
            ("DesiredCapacityType", ""),
            ("DefaultInstanceWarmup", ""),
            ("TrafficSources", "*"),
            ("InstanceMaintenancePolicy", "*"),
            ("AvailabilityZoneDistribution", "*"),
            ("AvailabilityZoneImpairmentPolicy", "*"),
            ("SkipZonalShiftValidation", ""),
            ("CapacityReservationSpecification", "*"),
        ],
        "MixedInstancesPolicy" => &[
            ("LaunchTemplate", "AsgLaunchTemplate"),
            ("InstancesDistribution", "InstancesDistribution"),
        ],
        "AsgLaunchTemplate" => &[
            ("LaunchTemplateSpecification", "LaunchTemplateSpecification"),
            ("Overrides", "AsgLaunchTemplateOverrides"),
        ],
        "AsgLaunchTemplateOverrides" => &[
            ("InstanceType", ""),
            ("WeightedCapacity", ""),
            ("LaunchTemplateSpecification", "LaunchTemplateSpecification"),
            ("InstanceRequirements", "*"),
            ("ImageId", ""),
        ],
        "InstancesDistribution" => &[
            ("OnDemandAllocationStrategy", ""),
            ("OnDemandBaseCapacity", ""),
            ("OnDemandPercentageAboveBaseCapacity", ""),
            ("SpotAllocationStrategy", ""),
            ("SpotInstancePools", ""),
            ("SpotMaxPrice", ""),
        ],
        other => panic!("no member list for {other}"),
    }
}

/// Every key of `value` must be a member of `shape`; recurses into child shapes.
fn check_members(value: &Value, shape: &str, path: &str, problems: &mut Vec<String>) {
    if shape == "*" {
        return;
    }
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_members(item, shape, &format!("{path}[{i}]"), problems);
            }
        }
        Value::Object(object) => {
            let allowed = members(shape);
            for (key, child) in object {
                match allowed.iter().find(|(member, _)| member == key) {
                    Some((_, "")) => {}
                    Some((_, child_shape)) => {
                        check_members(child, child_shape, &format!("{path}.{key}"), problems);
                    }
                    None => problems.push(format!("{path}.{key} is not a member of {shape}")),
                }
            }
            if object.contains_key("AvailabilityZone") && object.contains_key("AvailabilityZoneId")
            {
                problems.push(format!(
                    "{path}: AvailabilityZone and AvailabilityZoneId together"
                ));
            }
        }
        _ => problems.push(format!("{path}: expected an object for {shape}")),
    }
}

fn has(value: &Value, pointer: &str) -> bool {
    value.pointer(pointer).is_some_and(|v| !v.is_null())
}

#[test]
fn documents_use_only_aws_members_and_carry_the_required_ones() {
    let catalog = small();
    for name in plan_names() {
        let plan = plan(&name);
        let mut problems = Vec::new();
        let fleet = export_plan(&plan, &catalog, Target::Ec2Fleet).document;
        let exact = export_plan(&plan, &catalog, Target::Ec2FleetExact).document;
        let spot = export_plan(&plan, &catalog, Target::SpotFleet).document;
        let asg = export_plan(&plan, &catalog, Target::Asg).document;
        let mut fleets = vec![fleet.clone()];
        fleets.extend(exact.as_array().unwrap().iter().cloned());
        for (i, document) in fleets.iter().enumerate() {
            check_members(
                document,
                "CreateFleet",
                &format!("{name} fleet {i}"),
                &mut problems,
            );
            // CreateFleet requires LaunchTemplateConfigs and TotalTargetCapacity.
            assert!(has(
                document,
                "/LaunchTemplateConfigs/0/Overrides/0/InstanceType"
            ));
            assert!(has(
                document,
                "/TargetCapacitySpecification/TotalTargetCapacity"
            ));
        }
        check_members(&spot, "SpotFleetRequestConfigData", &name, &mut problems);
        assert!(has(&spot, "/IamFleetRole") && has(&spot, "/TargetCapacity"));
        check_members(&asg, "CreateAutoScalingGroup", &name, &mut problems);
        for member in [
            "/AutoScalingGroupName",
            "/MinSize",
            "/MaxSize",
            "/MixedInstancesPolicy",
        ] {
            assert!(has(&asg, member), "{name}: {member}");
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn output_file_and_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fleet.json");
    let run = fleetopt([
        "export",
        "fixtures/plans/prioritized.json",
        "--catalog",
        SMALL,
        "--to",
        "ec2-fleet",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert_eq!(run.stdout, "");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["Type"], "maintain");

    let missing = fleetopt(["export", "fixtures/plans/none.json", "--to", "asg"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("fixtures/plans/none.json: cannot read the plan"),
        "{}",
        missing.render()
    );
    // A request is not a plan: the message names the file and the JSON path.
    let not_a_plan = fleetopt([
        "export",
        "fixtures/requests/aws/create-fleet-weighted.json",
        "--to",
        "asg",
    ]);
    assert_eq!(not_a_plan.code, 2);
    let broken = dir.path().join("broken.json");
    let mut text = std::fs::read_to_string(fixture("plans/prioritized.json")).unwrap();
    text = text.replacen("\"count\": 4", "\"count\": \"four\"", 1);
    std::fs::write(&broken, text).unwrap();
    let broken_run = fleetopt(["export", broken.to_str().unwrap(), "--to", "ec2-fleet"]);
    assert_eq!(broken_run.code, 2);
    assert!(
        broken_run.stderr.contains("at allocations[0].count"),
        "{}",
        broken_run.render()
    );
    let unknown = fleetopt(["export", "fixtures/plans/prioritized.json", "--to", "ec2"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("invalid value 'ec2'"),
        "{}",
        unknown.render()
    );
    assert_snapshot!([not_a_plan.render(), unknown.render()].join("\n"));
}

#[test]
fn karpenter_as_json_and_options_reach_the_documents() {
    let run = fleetopt([
        "export",
        "fixtures/plans/prioritized.json",
        "--catalog",
        SMALL,
        "--to",
        "karpenter",
        "--format",
        "json",
        "--node-pool-name",
        "batch",
        "--node-class",
        "gpu",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let pool: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(pool["metadata"]["name"], "batch");
    assert_eq!(
        pool["spec"]["template"]["spec"]["nodeClassRef"]["name"],
        "gpu"
    );
    let run = fleetopt([
        "export",
        "fixtures/plans/prioritized.json",
        "--catalog",
        SMALL,
        "--to",
        "asg",
        "--launch-template-name",
        "web",
        "--launch-template-version",
        "3",
        "--asg-name",
        "web-asg",
        "--min-size",
        "0",
        "--max-size",
        "30",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let asg: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(asg["AutoScalingGroupName"], "web-asg");
    assert_eq!(
        (asg["MinSize"].clone(), asg["MaxSize"].clone()),
        (0.into(), 30.into())
    );
    assert_eq!(
        asg["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"],
        serde_json::json!({"LaunchTemplateName": "web", "Version": "3"})
    );
}

/// Plans are read by one reader for every command, which checks the schema tag.
#[test]
fn a_plan_of_another_schema_is_refused() {
    let run = fleetopt([
        "export",
        "fixtures/plans/bad/wrong-schema.json",
        "--catalog",
        SMALL,
        "--to",
        "ec2-fleet",
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: fixtures/plans/bad/wrong-schema.json: at schema: expected \"fleetopt.plan/v1\", \
         found \"fleetopt.plan/v0\"\n"
    );
}
