//! What is given beside an AWS request form (`fixtures/aws-inputs/`): `--zones` (the planner's
//! AZ-name mapping), `--launch-template` (describe-launch-template-versions), subnets nothing
//! maps (one unknown AZ each), `MinTargetCapacity` (all or nothing) and the exports' statement
//! of what AWS would hand you, each through the CLI on the embedded catalogue.

use std::collections::BTreeSet;

use fleetopt::solver::plan::{Plan, Shortfall};
use fleetopt::solver::request;

use crate::support::{Run, fleetopt};

const ZONES: &str = "fixtures/aws/describe-availability-zones.json";
const TEMPLATES: &str = "fixtures/aws/describe-launch-template-versions.json";

fn solve(name: &str, extra: &[&str]) -> (Run, Option<Plan>) {
    let file = format!("fixtures/aws-inputs/{name}");
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

fn zones(plan: &Plan) -> BTreeSet<(String, String)> {
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

#[test]
fn zones_file_maps_az_names_with_the_planners_account() {
    // The planner's account: us-east-1a is use1-az4, us-east-1b is use1-az6.
    let (run, plan) = solve("create-fleet-az-names.json", &["--zones", ZONES]);
    assert_eq!(run.code, 0, "{}", run.render());
    let plan = plan.unwrap();
    let allowed: BTreeSet<(String, String)> = [("m5.large", "use1-az4"), ("c5.large", "use1-az6")]
        .into_iter()
        .map(|(t, z)| (t.to_owned(), z.to_owned()))
        .collect();
    assert!(zones(&plan).is_subset(&allowed), "{:?}", plan.allocations);
    assert!(
        plan.notes.iter().any(|n| n
            == "AZ names mapped to AZ IDs with fixtures/aws/describe-availability-zones.json \
                (--zones, the planner's account): us-east-1a → use1-az4, us-east-1b → use1-az6 \
                (AZ names differ between accounts; aws-semantics §3.1)"),
        "{:#?}",
        plan.notes
    );
    // Without --zones the catalogue's mapping (another account's: us-east-1a is use1-az2)
    // is used, and the plan says whose it was.
    let (run, plan) = solve("create-fleet-az-names.json", &[]);
    assert_eq!(run.code, 0, "{}", run.render());
    let plan = plan.unwrap();
    let allowed: BTreeSet<(String, String)> = [("m5.large", "use1-az2"), ("c5.large", "use1-az4")]
        .into_iter()
        .map(|(t, z)| (t.to_owned(), z.to_owned()))
        .collect();
    assert!(zones(&plan).is_subset(&allowed), "{:?}", plan.allocations);
    assert!(
        plan.notes.iter().any(|n| n.starts_with(
            "AZ names mapped to AZ IDs with the catalogue's mapping (zones source \
             availability-zones-moto-account.json of 2026-08-01), which may not be your \
             account's: us-east-1a → use1-az2, us-east-1b → use1-az4; AZ names differ between \
             accounts, so give your account's aws ec2 describe-availability-zones output with \
             --zones"
        )),
        "{:#?}",
        plan.notes
    );
}

#[test]
fn an_az_name_the_zones_file_lacks_is_refused_with_the_closest_name() {
    let run = fleetopt([
        "solve",
        "fixtures/aws-docs/ec2-fleet-example-8-capacity-optimized.json",
        "--region",
        "us-west-2",
        "--zones",
        ZONES,
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains(
            "LaunchTemplateConfigs[0].Overrides[0].Placement.AvailabilityZone: AZ name \
             `us-west-2a` is not in fixtures/aws/describe-availability-zones.json (--zones, \
             describe-availability-zones output)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    // A near miss gets a suggestion (the loader's own message names the zones file's path).
    let bad = fleetopt([
        "solve",
        "fixtures/aws-inputs/create-fleet-az-names.json",
        "--zones",
        "fixtures/aws/describe-subnets.json",
    ]);
    assert_eq!(bad.code, 2, "{}", bad.render());
}

#[test]
fn overrides_sharing_an_unmapped_subnet_land_in_one_az() {
    // Spot Fleet Example 5, subnet variant: diversified over three types in one subnet gives
    // 10 of each, all in the subnet's one AZ (not 12/9/9 over several AZs).
    let (run, plan) = solve("spot-fleet-one-subnet.json", &[]);
    assert_eq!(run.code, 0, "{}", run.render());
    let plan = plan.unwrap();
    let azs: BTreeSet<&str> = plan
        .allocations
        .iter()
        .map(|a| a.availability_zone_id.as_str())
        .collect();
    assert_eq!(azs.len(), 1, "{:?}", plan.allocations);
    let counts: Vec<(&str, u32)> = plan
        .allocations
        .iter()
        .map(|a| (a.instance_type.as_str(), a.count))
        .collect();
    assert_eq!(
        counts,
        [("c5.2xlarge", 10), ("m5.2xlarge", 10), ("r5.2xlarge", 10)],
        "{:#?}",
        plan.notes
    );
    let zone = azs.into_iter().next().unwrap();
    assert!(
        plan.notes.iter().any(|n| n.starts_with(&format!(
            "subnet subnet-1a2b3c4d was not resolved to an AZ (no --subnets): AWS launches a \
             subnet's instances in its one AZ, so its 3 override(s) (LaunchSpecifications[0].\
             InstanceType, LaunchSpecifications[1].InstanceType, LaunchSpecifications[2].\
             InstanceType) are planned in one AZ, and fleetopt assumes {zone}"
        ))),
        "{:#?}",
        plan.notes
    );
}

#[test]
fn min_target_capacity_is_all_or_nothing() {
    // The Spot budget stops the one-type, one-AZ fleet far below its minimum of 50: AWS
    // launches no instances, and the plan says so (exit 0: a plan with a shortfall).
    let (run, plan) = solve("create-fleet-min-target.json", &[]);
    assert_eq!(run.code, 0, "{}", run.render());
    let plan = plan.unwrap();
    assert!(plan.allocations.is_empty(), "{:?}", plan.allocations);
    let Some(Shortfall::MinTargetCapacity {
        min_target_capacity,
        reached,
        ..
    }) = plan.shortfall
    else {
        panic!("{:?}", plan.shortfall);
    };
    assert_eq!(min_target_capacity, 50.0);
    assert!(reached < 50.0 && reached > 0.0, "{reached}");
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("so AWS would launch no instances at all")),
        "{:#?}",
        plan.notes
    );
    // The table says it too.
    let table = fleetopt([
        "solve",
        "fixtures/aws-inputs/create-fleet-min-target.json",
        "--region",
        "us-east-1",
    ]);
    assert!(
        table
            .stdout
            .contains("so AWS launches no instances (all or nothing)"),
        "{}",
        table.stdout
    );
    // AWS's rules on the member, refused with AWS's words.
    let text = std::fs::read_to_string("fixtures/aws-inputs/create-fleet-min-target.json")
        .unwrap_or_else(|_| {
            std::fs::read_to_string(crate::support::fixture(
                "aws-inputs/create-fleet-min-target.json",
            ))
            .unwrap()
        });
    let cases = [
        (
            text.replace("\"Type\": \"instant\"", "\"Type\": \"maintain\""),
            "SpotOptions.MinTargetCapacity: supported only for fleets of Type instant",
        ),
        (
            text.replace("\"SingleInstanceType\": true,", "")
                .replace("\"SingleAvailabilityZone\": true,", ""),
            "SpotOptions.MinTargetCapacity: needs SpotOptions.SingleInstanceType or \
             SpotOptions.SingleAvailabilityZone (AWS: \"At least one of the following must be \
             specified: SingleAvailabilityZone | SingleInstanceType\")",
        ),
        (
            text.replace("\"MinTargetCapacity\": 50", "\"MinTargetCapacity\": 150"),
            "SpotOptions.MinTargetCapacity: 150 is above the fleet's Spot part of 100",
        ),
    ];
    for (text, expected) in cases {
        let error = request::read("req.json", &text).unwrap_err().to_string();
        assert!(error.contains(expected), "{error}");
    }
}

#[test]
fn launch_template_file_gives_the_type_placement_and_tenancy() {
    // $Latest of ec2-fleet-lt1 is version 2: c5.large in us-east-1a (the catalogue's use1-az2).
    let (run, plan) = solve(
        "create-fleet-template-only.json",
        &["--launch-template", TEMPLATES],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    let plan = plan.unwrap();
    assert_eq!(plan.metrics.spot_capacity, 2.0);
    assert_eq!(
        zones(&plan),
        BTreeSet::from([("c5.large".to_owned(), "use1-az2".to_owned())])
    );
    assert!(plan.notes.iter().any(|n| n
        == "LaunchTemplateConfigs[0] has no Overrides: launch template lt-0e8c754449b27161c \
            version 2 (--launch-template) gives its instance type c5.large"));
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("placement group `my-cluster`"))
    );
    // $Default is version 1: m5.large, no zone.
    let text = std::fs::read_to_string(crate::support::fixture(
        "aws-inputs/create-fleet-template-only.json",
    ))
    .unwrap();
    let versions = fleetopt::instances::load::launch_templates::load(&crate::support::fixture(
        "aws/describe-launch-template-versions.json",
    ))
    .unwrap();
    let options = request::ReadOptions {
        launch_templates: Some(request::aws::LaunchTemplates {
            source: "lt.json".to_owned(),
            versions,
        }),
        ..request::ReadOptions::default()
    };
    let read = |text: &str| request::read_with("req.json", text, &options);
    let default = read(&text.replace("$Latest", "$Default")).unwrap();
    assert_eq!(default.candidates.overrides.len(), 1);
    assert_eq!(default.candidates.overrides[0].pattern, "m5.large");
    assert_eq!(default.candidates.overrides[0].zone, None);
    // The attribute-based template stands for an InstanceRequirements override.
    let abs = read(&text.replace("ec2-fleet-lt1", "abs-lt")).unwrap();
    assert_eq!(abs.candidates.requirements.len(), 1);
    // Dedicated tenancy makes the fleet Dedicated Instances, said in a note; planning it needs
    // Dedicated prices (and no Spot part), which the embedded catalogue does not have.
    let dedicated = read(&text.replace("ec2-fleet-lt1", "dedicated-lt")).unwrap();
    assert_eq!(dedicated.tenancy, fleetopt::instances::Tenancy::Dedicated);
    assert!(
        dedicated.notes[0].starts_with(
            "launch template lt-0dedicated000000a version 1 has Placement.Tenancy dedicated"
        ),
        "{:?}",
        dedicated.notes
    );
    let catalog = fleetopt::instances::embedded::catalog().unwrap();
    let options = fleetopt::solver::solve::SolveOptions {
        region: Some("us-east-1".into()),
        ..Default::default()
    };
    let error = fleetopt::solver::solve::solve(&catalog, &dedicated, &options).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("tenancy dedicated: fleetopt plans Dedicated Instances On-Demand only"),
        "{error}"
    );
    // A name or version the file lacks: the closest name, the versions it has.
    let error = read(&text.replace("ec2-fleet-lt1", "ec2-fleet-lt2"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(
            "LaunchTemplateConfigs[0].LaunchTemplateSpecification.LaunchTemplateName: launch \
             template `ec2-fleet-lt2` is not in lt.json (--launch-template); did you mean \
             `ec2-fleet-lt1`?"
        ),
        "{error}"
    );
    let error = read(&text.replace("$Latest", "7")).unwrap_err().to_string();
    assert!(
        error.ends_with("version 7 of `ec2-fleet-lt1` is not in lt.json (--launch-template); it has version(s) 1 ($Default), 2"),
        "{error}"
    );
    // The CLI refuses both ways of giving the template at once.
    let both = fleetopt([
        "solve",
        "fixtures/aws-inputs/create-fleet-template-only.json",
        "--launch-template",
        TEMPLATES,
        "--launch-template-type",
        "m5.large",
    ]);
    assert_eq!(both.code, 2, "{}", both.render());
}

/// Solves `fixtures/aws-inputs/{name}` in `mode` into a plan file in `dir`.
fn plan_file(dir: &std::path::Path, name: &str, mode: &str) -> String {
    let out = dir.join(format!("{mode}.json"));
    let out = out.to_str().unwrap().to_owned();
    let run = fleetopt([
        "solve",
        &format!("fixtures/aws-inputs/{name}"),
        "--region",
        "us-east-1",
        "--mode",
        mode,
        "--format",
        "json",
        "-o",
        &out,
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    out
}

#[test]
fn maintain_exports_of_optimal_plans_say_what_aws_would_hand_you() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_file(dir.path(), "spot-fleet-one-subnet.json", "optimal");
    for target in ["ec2-fleet", "spot-fleet", "asg"] {
        let run = fleetopt(["export", &plan, "--to", target]);
        assert_eq!(run.code, 0, "{target}: {}", run.render());
        let note = run
            .stderr
            .lines()
            .find(|l| l.starts_with("note: what AWS would hand you for this document"))
            .unwrap_or_else(|| panic!("{target}: {}", run.stderr));
        // With numbers: instances, pools, cost per hour and capacity.
        assert!(
            note.contains(" instance(s) in ")
                && note.contains("/h, ")
                && note.contains(" of 30 units"),
            "{note}"
        );
        // The document reads back (the note is made from it).
        request::read("export.json", &run.stdout).unwrap_or_else(|e| panic!("{target}: {e}"));
    }
    // The exact export needs no such note: it launches the plan's counts.
    let exact = fleetopt(["export", &plan, "--to", "ec2-fleet-exact"]);
    assert!(
        !exact.stderr.contains("what AWS would hand you"),
        "{}",
        exact.stderr
    );
}

#[test]
fn keep_flexibility_keeps_the_requests_template_subnets_and_types() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_file(dir.path(), "spot-fleet-one-subnet.json", "aws");
    let request_file = "fixtures/aws-inputs/spot-fleet-one-subnet.json";
    for target in ["ec2-fleet", "spot-fleet"] {
        let run = fleetopt([
            "export",
            &plan,
            "--to",
            target,
            "--request",
            request_file,
            "--keep-flexibility",
        ]);
        assert_eq!(run.code, 0, "{target}: {}", run.render());
        let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let overrides = document["LaunchTemplateConfigs"][0]["Overrides"]
            .as_array()
            .unwrap();
        // Every override of the request, in its subnet (not shrunk to AZ IDs).
        let kept: Vec<(&str, &str)> = overrides
            .iter()
            .map(|o| {
                (
                    o["InstanceType"].as_str().unwrap(),
                    o["SubnetId"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            kept,
            [
                ("c5.2xlarge", "subnet-1a2b3c4d"),
                ("m5.2xlarge", "subnet-1a2b3c4d"),
                ("r5.2xlarge", "subnet-1a2b3c4d")
            ]
        );
        // It reads back, and aws mode on it gives the same 10/10/10 in one AZ.
        let back = request::read("export.json", &run.stdout).unwrap();
        assert_eq!(back.candidates.overrides.len(), 3);
        assert!(
            run.stderr.contains("the plan's own pools and counts"),
            "{target}: {}",
            run.stderr
        );
    }
    // The EC2 Fleet form keeps the request's own launch template specification.
    let templated = plan_file(dir.path(), "create-fleet-az-names.json", "aws");
    let run = fleetopt([
        "export",
        &templated,
        "--to",
        "ec2-fleet",
        "--request",
        "fixtures/aws-inputs/create-fleet-az-names.json",
        "--keep-flexibility",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let config = &document["LaunchTemplateConfigs"][0];
    assert_eq!(
        config["LaunchTemplateSpecification"]["LaunchTemplateName"],
        "ec2-fleet-lt1"
    );
    assert_eq!(config["Overrides"][0]["AvailabilityZone"], "us-east-1a");
    assert_eq!(config["Overrides"][1]["AvailabilityZone"], "us-east-1b");
    request::read("export.json", &run.stdout).unwrap();
    // Refusals: no request; a target it is not written for.
    let no_request = fleetopt(["export", &plan, "--to", "ec2-fleet", "--keep-flexibility"]);
    assert_eq!(no_request.code, 2, "{}", no_request.render());
    let karpenter = fleetopt([
        "export",
        &plan,
        "--to",
        "karpenter",
        "--request",
        request_file,
        "--keep-flexibility",
    ]);
    assert_eq!(karpenter.code, 2, "{}", karpenter.render());
    assert!(
        karpenter
            .stderr
            .contains("--keep-flexibility is written for ec2-fleet and spot-fleet"),
        "{}",
        karpenter.stderr
    );
}
