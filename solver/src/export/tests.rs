//! Unit tests of the exports: every target document from small plans, overrides, priorities,
//! whole-number targets and the notes for what a target cannot carry.
#![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

use fleetopt_instances::{Market, RegionName, TypeName, ZoneId};
use serde_json::json;

use super::*;
use crate::plan::{Allocation, Metrics, PLAN_SCHEMA, PlacementSlot, StrategyUsed};
use crate::request::{CapacityUnit, OnDemandStrategy};
use crate::test_support::{self, itype};

/// (type, zone, market, count, weight, placement group, partition)
type Row<'a> = (
    &'a str,
    &'a str,
    Market,
    u32,
    f64,
    Option<&'a str>,
    Option<u32>,
);

fn plan(mode: Mode, spot: SpotStrategy, unit: CapacityUnit, target: f64, rows: &[Row<'_>]) -> Plan {
    let allocations: Vec<Allocation> = rows
        .iter()
        .map(
            |&(name, zone, market, count, weight, group, partition)| Allocation {
                instance_type: TypeName::new(name),
                availability_zone_id: ZoneId::new(zone),
                market,
                count,
                weight,
                capacity: f64::from(count) * weight,
                price_per_hour: 0.1,
                placement: group.map(|g| PlacementSlot {
                    group: g.to_owned(),
                    partition,
                }),
            },
        )
        .collect();
    let capacity: f64 = allocations.iter().map(|a| a.capacity).sum();
    let on_demand: f64 = allocations
        .iter()
        .filter(|a| a.market == Market::OnDemand)
        .map(|a| a.capacity)
        .sum();
    Plan {
        schema: PLAN_SCHEMA.to_owned(),
        mode,
        region: RegionName::new(test_support::REGION),
        strategy: StrategyUsed {
            spot,
            on_demand: OnDemandStrategy::LowestPrice,
        },
        metrics: Metrics {
            capacity,
            target,
            unit,
            overshoot: capacity - target,
            cost_per_hour: 1.0,
            cost_per_vcpu_hour: 0.1,
            spot_capacity: capacity - on_demand,
            on_demand_capacity: on_demand,
            on_demand_target: on_demand,
            instances: allocations.iter().map(|a| a.count).sum(),
            vcpus: 64,
            pools: u32::try_from(allocations.len()).unwrap(),
            types: 1,
            azs: 1,
            expected_interruptions_per_hour: 0.0,
            worst_pool_loss: 0.0,
            worst_type_loss: 0.0,
            worst_az_loss: 0.0,
            worst_group_loss: None,
            worst_partition_loss: None,
        },
        allocations,
        shortfall: None,
        commitments: None,
        tenancy: Default::default(),
        notes: Vec::new(),
        solver: None,
        as_safe_as: None,
    }
}

fn catalog() -> Catalog {
    test_support::catalog(
        vec![itype("m5.large", 2, 8192), itype("c5.large", 2, 4096)],
        &[("m5.large", "use1-az1", Market::Spot, 0.05, Some(0))],
    )
}

fn run(plan: &Plan, target: Target) -> Result<Export, ExportError> {
    export(plan, None, &catalog(), target, &ExportOptions::default())
}

const SPOT: Market = Market::Spot;
const OD: Market = Market::OnDemand;

#[test]
fn priorities_put_on_demand_pools_first_then_capacity() {
    let p = plan(
        Mode::Optimal,
        SpotStrategy::PriceCapacityOptimized,
        CapacityUnit::Units,
        20.0,
        &[
            ("c5.large", "use1-az1", SPOT, 10, 1.0, None, None),
            ("m5.large", "use1-az1", OD, 2, 1.0, None, None),
            ("m5.large", "use1-az2", SPOT, 4, 1.0, None, None),
            ("c5.large", "use1-az2", SPOT, 4, 1.0, None, None),
        ],
    );
    let export = run(&p, Target::Ec2Fleet).unwrap();
    let overrides = &export.document["LaunchTemplateConfigs"][0]["Overrides"];
    let order: Vec<(String, String, i64)> = overrides
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["InstanceType"].as_str().unwrap().to_owned(),
                o["AvailabilityZoneId"].as_str().unwrap().to_owned(),
                o["Priority"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("m5.large", "use1-az1", 0),
        ("c5.large", "use1-az1", 1),
        ("c5.large", "use1-az2", 2),
        ("m5.large", "use1-az2", 3),
    ];
    let expected: Vec<(String, String, i64)> = expected
        .iter()
        .map(|(t, z, p)| ((*t).to_owned(), (*z).to_owned(), *p))
        .collect();
    assert_eq!(order, expected);
    // An optimal plan asks for capacity-optimized-prioritized so the priorities count.
    assert_eq!(
        export.document["SpotOptions"]["AllocationStrategy"],
        "capacity-optimized-prioritized"
    );
    assert_eq!(
        export.document["TargetCapacitySpecification"],
        json!({"TotalTargetCapacity": 20, "OnDemandTargetCapacity": 2,
               "SpotTargetCapacity": 18, "DefaultTargetCapacityType": "spot"})
    );
    assert_eq!(export.document["Type"], "maintain");
}

#[test]
fn vcpu_plans_are_exported_in_units_with_vcpu_weights() {
    let p = plan(
        Mode::Aws,
        SpotStrategy::CapacityOptimized,
        CapacityUnit::Vcpu,
        64.0,
        &[("m5.large", "use1-az1", SPOT, 32, 2.0, None, None)],
    );
    let export = run(&p, Target::Ec2Fleet).unwrap();
    let spec = &export.document["TargetCapacitySpecification"];
    assert!(spec.get("TargetCapacityUnitType").is_none());
    assert_eq!(spec["TotalTargetCapacity"], 64);
    assert_eq!(
        export.document["LaunchTemplateConfigs"][0]["Overrides"][0]["WeightedCapacity"],
        2
    );
    assert!(
        export
            .notes
            .iter()
            .any(|n| n.contains("WeightedCapacity = vCPUs"))
    );
}

#[test]
fn more_than_300_pools_is_an_error_naming_the_quota() {
    let names: Vec<String> = (0..301).map(|i| format!("m{i}.large")).collect();
    let rows: Vec<Row<'_>> = names
        .iter()
        .map(|n| (n.as_str(), "use1-az1", SPOT, 1, 1.0, None, None))
        .collect();
    let p = plan(
        Mode::Aws,
        SpotStrategy::Diversified,
        CapacityUnit::Units,
        301.0,
        &rows,
    );
    let error = run(&p, Target::Ec2Fleet).unwrap_err();
    assert_eq!(
        error,
        ExportError::TooManyOverrides {
            target: Target::Ec2Fleet,
            what: "(type, AZ) pools",
            count: 301,
            max: 300
        }
    );
    assert!(error.to_string().contains("ec2-fleet-exact"));
    // Instant fleets have no pool quota.
    let exact = run(&p, Target::Ec2FleetExact).unwrap();
    assert_eq!(exact.document.as_array().unwrap().len(), 301);
    // An ASG takes at most 40 types.
    assert!(matches!(
        run(&p, Target::Asg),
        Err(ExportError::TooManyOverrides { max: 40, .. })
    ));
}

#[test]
fn partition_plans_carry_the_group_name_and_a_note() {
    let p = plan(
        Mode::Optimal,
        SpotStrategy::CapacityOptimized,
        CapacityUnit::Units,
        6.0,
        &[
            ("m5.large", "use1-az1", SPOT, 3, 1.0, Some("pg-1"), Some(1)),
            ("m5.large", "use1-az1", SPOT, 3, 1.0, Some("pg-1"), Some(2)),
        ],
    );
    let export = run(&p, Target::Ec2Fleet).unwrap();
    let overrides = export.document["LaunchTemplateConfigs"][0]["Overrides"]
        .as_array()
        .unwrap();
    assert_eq!(overrides.len(), 1);
    assert_eq!(overrides[0]["Placement"], json!({"GroupName": "pg-1"}));
    assert!(
        export
            .notes
            .iter()
            .any(|n| n.contains("PartitionNumber is not supported for CreateFleet"))
    );
    let exact = run(&p, Target::Ec2FleetExact).unwrap();
    for document in exact.document.as_array().unwrap() {
        assert_eq!(
            document["LaunchTemplateConfigs"][0]["Overrides"][0]["Placement"]["GroupName"],
            "pg-1"
        );
    }
    let asg = run(&p, Target::Asg).unwrap();
    assert_eq!(asg.document["PlacementGroup"], "pg-1");
}

#[test]
fn one_pool_in_two_spread_groups_needs_the_exact_export() {
    let p = plan(
        Mode::Optimal,
        SpotStrategy::CapacityOptimized,
        CapacityUnit::Units,
        14.0,
        &[
            ("m5.large", "use1-az1", SPOT, 7, 1.0, Some("pg-1"), None),
            ("m5.large", "use1-az1", SPOT, 7, 1.0, Some("pg-2"), None),
        ],
    );
    let error = run(&p, Target::Ec2Fleet).unwrap_err();
    assert_eq!(
        error.to_string(),
        "m5.large in use1-az1 is placed in several placement groups (pg-1, pg-2); one override \
         carries one Placement.GroupName and AWS rejects duplicate pools: export \
         ec2-fleet-exact (one instant fleet per allocation and group)"
    );
    assert!(matches!(
        run(&p, Target::Asg),
        Err(ExportError::SeveralGroups { count: 2, .. })
    ));
    let exact = run(&p, Target::Ec2FleetExact).unwrap();
    let groups: Vec<&str> = exact
        .document
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["LaunchTemplateConfigs"][0]["Overrides"][0]["Placement"]["GroupName"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(groups, ["pg-1", "pg-2"]);
}

#[test]
fn exact_documents_launch_each_allocation_in_instances() {
    let p = plan(
        Mode::Aws,
        SpotStrategy::LowestPrice,
        CapacityUnit::Vcpu,
        20.0,
        &[
            ("m5.large", "use1-az1", OD, 2, 2.0, None, None),
            ("c5.large", "use1-az2", SPOT, 8, 2.0, None, None),
        ],
    );
    let exact = run(&p, Target::Ec2FleetExact).unwrap();
    assert_eq!(
        exact.document[0]["TargetCapacitySpecification"],
        json!({"TotalTargetCapacity": 2, "OnDemandTargetCapacity": 2,
               "DefaultTargetCapacityType": "on-demand"})
    );
    assert_eq!(
        exact.document[1]["TargetCapacitySpecification"],
        json!({"TotalTargetCapacity": 8, "SpotTargetCapacity": 8,
               "DefaultTargetCapacityType": "spot"})
    );
    assert_eq!(exact.document[1]["Type"], "instant");
    assert_eq!(
        exact.document[1]["LaunchTemplateConfigs"][0]["Overrides"][0],
        json!({"InstanceType": "c5.large", "AvailabilityZoneId": "use1-az2", "WeightedCapacity": 1})
    );
}

#[test]
fn lowest_price_over_several_spot_pools_asks_for_that_many_pools() {
    let p = plan(
        Mode::Aws,
        SpotStrategy::LowestPrice,
        CapacityUnit::Units,
        20.0,
        &[
            ("m5.large", "use1-az1", SPOT, 10, 1.0, None, None),
            ("c5.large", "use1-az2", SPOT, 10, 1.0, None, None),
        ],
    );
    let fleet = run(&p, Target::Ec2Fleet).unwrap();
    assert_eq!(fleet.document["SpotOptions"]["InstancePoolsToUseCount"], 2);
    let spot = run(&p, Target::SpotFleet).unwrap();
    assert_eq!(spot.document["InstancePoolsToUseCount"], 2);
    assert_eq!(spot.document["AllocationStrategy"], "lowestPrice");
    // ASG counts SpotInstancePools per AZ: one pool in each.
    let asg = run(&p, Target::Asg).unwrap();
    assert_eq!(
        asg.document["MixedInstancesPolicy"]["InstancesDistribution"]["SpotInstancePools"],
        1
    );
    // With the request, its own value wins.
    let mut request = test_support::request(20.0);
    request.spot.pools = Some(3);
    let fleet = export(
        &p,
        Some(&request),
        &catalog(),
        Target::Ec2Fleet,
        &ExportOptions::default(),
    )
    .unwrap();
    assert_eq!(fleet.document["SpotOptions"]["InstancePoolsToUseCount"], 3);
    // An ASG request's SpotInstancePools counts per AZ: a fleet export infers its own count,
    // an ASG export keeps the request's; the ASG notes the budget it cannot carry.
    request.balance_zones = true;
    request.spot.max_total_price = Some(2.5);
    let fleet = export(
        &p,
        Some(&request),
        &catalog(),
        Target::Ec2Fleet,
        &ExportOptions::default(),
    )
    .unwrap();
    assert_eq!(fleet.document["SpotOptions"]["InstancePoolsToUseCount"], 2);
    assert_eq!(fleet.document["SpotOptions"]["MaxTotalPrice"], "2.5");
    let asg = export(
        &p,
        Some(&request),
        &catalog(),
        Target::Asg,
        &ExportOptions::default(),
    )
    .unwrap();
    assert_eq!(
        asg.document["MixedInstancesPolicy"]["InstancesDistribution"]["SpotInstancePools"],
        3
    );
    assert!(
        asg.notes
            .iter()
            .any(|n| n.contains("spot budget of USD 2.5/h is not carried"))
    );
}

#[test]
fn asg_states_memory_in_gib_and_replaces_diversified() {
    let p = plan(
        Mode::Aws,
        SpotStrategy::Diversified,
        CapacityUnit::MemoryMib,
        65536.0,
        &[("m5.large", "use1-az1", SPOT, 8, 8192.0, None, None)],
    );
    let asg = run(&p, Target::Asg).unwrap();
    assert_eq!(asg.document["DesiredCapacity"], 64);
    assert_eq!(
        asg.document["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"],
        json!([{"InstanceType": "m5.large", "WeightedCapacity": "8"}])
    );
    assert_eq!(
        asg.document["MixedInstancesPolicy"]["InstancesDistribution"]["SpotAllocationStrategy"],
        "price-capacity-optimized"
    );
    assert!(asg.notes.iter().any(|n| n.contains("no diversified")));
    // The test catalogue has no AZ names: the member is left out, with a note.
    assert!(asg.document.get("AvailabilityZones").is_none());
    assert!(asg.notes.iter().any(|n| n.contains("VPCZoneIdentifier")));
}

#[test]
fn asg_rejects_weights_outside_1_to_999() {
    let p = plan(
        Mode::Aws,
        SpotStrategy::LowestPrice,
        CapacityUnit::Units,
        2000.0,
        &[("m5.large", "use1-az1", SPOT, 2, 1000.0, None, None)],
    );
    let error = run(&p, Target::Asg).unwrap_err();
    assert_eq!(
        error.to_string(),
        "m5.large: weight 1000 cannot be an ASG WeightedCapacity, which is a whole number from \
         \"1\" to \"999\" (aws-semantics §1.5)"
    );
}

#[test]
fn spot_fleet_has_the_required_members_and_notes_the_placeholder_role() {
    let p = plan(
        Mode::Aws,
        SpotStrategy::CapacityOptimized,
        CapacityUnit::Units,
        4.0,
        &[("m5.large", "use1-az1", SPOT, 4, 1.0, None, None)],
    );
    let spot = run(&p, Target::SpotFleet).unwrap();
    assert_eq!(spot.document["IamFleetRole"], DEFAULT_IAM_FLEET_ROLE);
    assert_eq!(spot.document["TargetCapacity"], 4);
    assert_eq!(spot.document["AllocationStrategy"], "capacityOptimized");
    assert!(spot.notes.iter().any(|n| n.contains("--iam-fleet-role")));
    let options = ExportOptions {
        iam_fleet_role: "arn:aws:iam::111122223333:role/fleet".to_owned(),
        ..ExportOptions::default()
    };
    let spot = export(&p, None, &catalog(), Target::SpotFleet, &options).unwrap();
    assert_eq!(
        spot.document["IamFleetRole"],
        "arn:aws:iam::111122223333:role/fleet"
    );
    assert!(!spot.notes.iter().any(|n| n.contains("--iam-fleet-role")));
}

#[test]
fn karpenter_node_pool_lists_types_zones_markets_and_the_cpu_limit() {
    let p = plan(
        Mode::Aws,
        SpotStrategy::CapacityOptimized,
        CapacityUnit::Units,
        6.0,
        &[
            ("m5.large", "use1-az1", OD, 2, 1.0, None, None),
            ("c5.large", "use1-az2", SPOT, 4, 1.0, None, None),
        ],
    );
    let pool = run(&p, Target::Karpenter).unwrap();
    assert_eq!(pool.document["apiVersion"], "karpenter.sh/v1");
    assert_eq!(pool.document["kind"], "NodePool");
    assert_eq!(
        pool.document["spec"]["template"]["spec"]["requirements"],
        json!([
            {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["c5.large", "m5.large"]},
            {"key": "topology.k8s.aws/zone-id", "operator": "In", "values": ["use1-az1", "use1-az2"]},
            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot", "on-demand"]},
        ])
    );
    assert_eq!(pool.document["spec"]["limits"]["cpu"], 64);
    let yaml = pool.to_yaml().unwrap();
    assert!(
        yaml.starts_with("apiVersion: karpenter.sh/v1\nkind: NodePool\n"),
        "{yaml}"
    );
}

#[test]
fn empty_plans_and_fractional_targets() {
    let empty = plan(
        Mode::Aws,
        SpotStrategy::LowestPrice,
        CapacityUnit::Units,
        4.0,
        &[],
    );
    assert_eq!(run(&empty, Target::Asg), Err(ExportError::EmptyPlan));
    let p = plan(
        Mode::Aws,
        SpotStrategy::CapacityOptimized,
        CapacityUnit::Units,
        3.5,
        &[("m5.large", "use1-az1", SPOT, 4, 1.0, None, None)],
    );
    let fleet = run(&p, Target::Ec2Fleet).unwrap();
    assert_eq!(
        fleet.document["TargetCapacitySpecification"]["TotalTargetCapacity"],
        4
    );
    assert!(fleet.notes.iter().any(|n| n.contains("rounded up to 4")));
}

#[test]
fn target_spellings() {
    let names: Vec<&str> = Target::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(
        names,
        [
            "ec2-fleet",
            "ec2-fleet-exact",
            "spot-fleet",
            "asg",
            "karpenter"
        ]
    );
}
