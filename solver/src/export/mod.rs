//! Exports: a [`Plan`] turned into the documents AWS and Karpenter consume (DESIGN §10).
//!
//! | [`Target`] | document | file |
//! |---|---|---|
//! | `ec2-fleet` | one `maintain` `aws ec2 create-fleet --cli-input-json` input whose overrides carry the plan's pools, weights and priorities | [`ec2_fleet`] |
//! | `ec2-fleet-exact` | a JSON array of `instant` create-fleet inputs, one per plan allocation, each launching exactly that allocation's count | [`ec2_fleet_exact`] |
//! | `spot-fleet` | a bare `SpotFleetRequestConfigData` (`aws ec2 request-spot-fleet --spot-fleet-request-config file://…`) | [`spot_fleet`] |
//! | `asg` | an `aws autoscaling create-auto-scaling-group --cli-input-json` input with a `MixedInstancesPolicy` | [`asg`] |
//! | `karpenter` | a Karpenter `karpenter.sh/v1` `NodePool` | [`karpenter`] |
//!
//! Every AWS document uses only members of the AWS API shapes (`aws-semantics.md` §1, §5.5,
//! §5.6) and reads back with [`crate::request::read`]; what a target cannot express goes into
//! [`Export::notes`], never into the document.
//!
//! Decisions shared by the targets (each file documents its own):
//! - **Pools → overrides.** An override is one (instance type, AZ ID) pair: AWS counts a Spot
//!   pool as type × AZ (subnet) and rejects duplicate pools (`aws-semantics.md` §1.2, §1.8), so
//!   the plan's spot and on-demand allocations of one type in one AZ share one override. Zones
//!   are given as `AvailabilityZoneId` (plans are keyed by AZ ID; AZ names are account
//!   specific), never together with `AvailabilityZone` (AWS: mutually exclusive).
//! - **Priorities** (lower = higher, aws-semantics §1.7) rank the overrides: pools with on-demand
//!   capacity first (On-Demand `prioritized` fills strictly in priority order, so the plan's
//!   on-demand pools must come first), then by on-demand capacity, then spot capacity, both
//!   descending, then type name and AZ ID. Each override gets its rank (0, 1, 2, …).
//! - **Strategies.** An aws-mode plan keeps its spot strategy. An optimal plan is exported
//!   with `capacity-optimized-prioritized`, so the priorities steer AWS toward the plan's pools
//!   while AWS still weighs capacity (AWS: "optimizes for capacity first"). On-Demand is always
//!   `prioritized` for the same reason.
//! - **Capacity.** Targets are whole numbers (AWS Integer members): the plan's target and
//!   on-demand part, rounded up when fractional (with a note). `TargetCapacityUnitType` is
//!   allowed only with attribute-based selection (aws-semantics §1.3), so a `vcpu` or `memory-mib` plan is
//!   exported in `units` with `WeightedCapacity` = vCPUs (or MiB) per instance, which is what
//!   the plan's weights already are: the same target in the same numbers.
//! - **`lowestPrice` pools.** A `lowestPrice` plan over N > 1 spot pools gets
//!   `InstancePoolsToUseCount` N (the request's value when `--request` is given), so AWS spreads
//!   over the same pools instead of filling the cheapest one.
//! - **Budgets.** The request's `max_total_price` values when given, else the budget a plan's
//!   shortfall names, become `MaxTotalPrice` / `SpotMaxTotalPrice` / `OnDemandMaxTotalPrice`.
//! - **Spot max prices** are not exported: the plan's pools were eligible under the request's
//!   max price, so they are under the default (the On-Demand price), and AWS advises against
//!   setting one (aws-semantics §1.6); add `MaxPrice` to the document to keep one.
//! - **Placement groups.** `Placement.GroupName` on EC2 Fleet overrides (aws-semantics §1.8); partition
//!   numbers cannot be targeted by CreateFleet, so a partition plan gets a note.

mod asg;
mod ec2_fleet;
mod ec2_fleet_exact;
mod flexible;
mod karpenter;
mod spot_fleet;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use fleetopt_instances::{Catalog, Market, TypeName, ZoneId};
use serde_json::Value;

use crate::error::{Classified, ErrorClass};
use crate::plan::{Plan, Shortfall};
use crate::request::{FleetRequest, Mode, SpotStrategy};

/// What to export a plan as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// One `maintain` EC2 Fleet (`aws ec2 create-fleet`).
    Ec2Fleet,
    /// One `instant` EC2 Fleet per plan allocation, exact counts.
    Ec2FleetExact,
    /// A Spot Fleet request config (`aws ec2 request-spot-fleet`).
    SpotFleet,
    /// An Auto Scaling group with a mixed instances policy.
    Asg,
    /// A Karpenter NodePool.
    Karpenter,
}

impl Target {
    /// Every target, in the order the CLI lists them.
    pub const ALL: [Target; 5] = [
        Target::Ec2Fleet,
        Target::Ec2FleetExact,
        Target::SpotFleet,
        Target::Asg,
        Target::Karpenter,
    ];

    /// The CLI spelling (`ec2-fleet`, `ec2-fleet-exact`, `spot-fleet`, `asg`, `karpenter`).
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Ec2Fleet => "ec2-fleet",
            Target::Ec2FleetExact => "ec2-fleet-exact",
            Target::SpotFleet => "spot-fleet",
            Target::Asg => "asg",
            Target::Karpenter => "karpenter",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The AWS example account used in the default `IamFleetRole` (AWS documentation's
/// `123456789012`); the export notes that it must be replaced.
pub(crate) const DEFAULT_IAM_FLEET_ROLE: &str =
    "arn:aws:iam::123456789012:role/aws-ec2-spot-fleet-tagging-role";

/// Names the exported documents need and a plan does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// `LaunchTemplateSpecification.LaunchTemplateName` (default `fleetopt-lt`).
    pub launch_template_name: String,
    /// `LaunchTemplateSpecification.Version` (default `$Latest`).
    pub launch_template_version: String,
    /// Spot Fleet `IamFleetRole` (default [`DEFAULT_IAM_FLEET_ROLE`], with a note).
    pub iam_fleet_role: String,
    /// `AutoScalingGroupName` (default `fleetopt-asg`).
    pub asg_name: String,
    /// ASG `MinSize` (default: the desired capacity).
    pub asg_min_size: Option<u64>,
    /// ASG `MaxSize` (default: the desired capacity).
    pub asg_max_size: Option<u64>,
    /// NodePool `metadata.name` (default `fleetopt`).
    pub node_pool_name: String,
    /// The `EC2NodeClass` the NodePool refers to (default `default`).
    pub node_class_name: String,
    /// Keep the request's flexibility (its launch template, subnets and every override type)
    /// instead of shrinking the document to the planned pools (`ec2-fleet`, `spot-fleet`;
    /// needs the request).
    pub keep_flexibility: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            launch_template_name: "fleetopt-lt".to_owned(),
            launch_template_version: "$Latest".to_owned(),
            iam_fleet_role: DEFAULT_IAM_FLEET_ROLE.to_owned(),
            asg_name: "fleetopt-asg".to_owned(),
            asg_min_size: None,
            asg_max_size: None,
            node_pool_name: "fleetopt".to_owned(),
            node_class_name: "default".to_owned(),
            keep_flexibility: false,
        }
    }
}

/// An exported document and what it could not express.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// The document (for `ec2-fleet-exact`, a JSON array of documents).
    pub document: Value,
    /// What the reader should know: conversions made, plan facts the target cannot carry.
    pub notes: Vec<String>,
}

impl Export {
    /// The document as pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.document).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The document as YAML (Kubernetes manifests are usually YAML).
    pub fn to_yaml(&self) -> Result<String, ExportError> {
        let mut text =
            serde_norway::to_string(&self.document).map_err(|e| ExportError::Render {
                source: YamlError(Arc::new(e)),
            })?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

/// The most overrides a `request` or `maintain` EC2 Fleet takes across all launch templates
/// (aws-semantics §1.2, API:CreateFleetRequest).
pub(crate) const MAX_FLEET_OVERRIDES: usize = 300;

/// The most instance types an Auto Scaling group's overrides take (aws-semantics §2.3,
/// ASGAPI:LaunchTemplateOverrides).
pub(crate) const MAX_ASG_TYPES: usize = 40;

/// The target capacity quota per fleet (aws-semantics §1.2, UG:fleet-quotas; adjustable).
pub(crate) const FLEET_TARGET_QUOTA: u64 = 10_000;

/// Why a plan cannot be exported to a target.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    /// The plan has no allocations.
    #[error("the plan has no allocations; there is nothing to launch")]
    EmptyPlan,
    /// More overrides than the target accepts.
    #[error(
        "the plan uses {count} {what}; {target} takes at most {max} (aws-semantics §1.2/§2.3); \
         export ec2-fleet-exact (one instant fleet per pool, no pool quota) or plan fewer pools"
    )]
    TooManyOverrides {
        /// The target.
        target: Target,
        /// What is counted (`(type, AZ) pools`, `instance types`).
        what: &'static str,
        /// How many the plan has.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// One (type, AZ) pool has instances in more than one placement group, but one override
    /// carries one `Placement.GroupName`.
    #[error(
        "{instance_type} in {zone} is placed in several placement groups ({}); one \
         override carries one Placement.GroupName and AWS rejects duplicate pools: export \
         ec2-fleet-exact (one instant fleet per allocation and group)",
        group_list(groups)
    )]
    SeveralGroupsPerPool {
        /// Instance type.
        instance_type: TypeName,
        /// AZ ID.
        zone: ZoneId,
        /// The groups in name order (`None`: allocations of the pool in no group).
        groups: Vec<Option<String>>,
    },
    /// The target takes one placement group and the plan uses several.
    #[error(
        "{target} takes one placement group and the plan uses {count} ({}); export \
         ec2-fleet-exact",
        groups.join(", ")
    )]
    SeveralGroups {
        /// The target.
        target: Target,
        /// How many groups.
        count: usize,
        /// The groups in name order.
        groups: Vec<String>,
    },
    /// Two allocations of one type in one AZ have different weights.
    #[error(
        "{instance_type} in {zone} has weights {first} and {second}; one override has one \
         WeightedCapacity"
    )]
    ConflictingWeights {
        /// Instance type.
        instance_type: TypeName,
        /// AZ ID.
        zone: ZoneId,
        /// One weight.
        first: f64,
        /// The other.
        second: f64,
    },
    /// A weight the target cannot express (ASG: whole numbers 1..=999 as strings).
    #[error("{instance_type}: weight {weight} {why}")]
    Weight {
        /// Instance type.
        instance_type: TypeName,
        /// The weight in the target's unit.
        weight: f64,
        /// Which of the target's weight rules it breaks.
        why: WeightRule,
    },
    /// ASG sizes AWS rejects: `DesiredCapacity` outside `MinSize..=MaxSize`. fleetopt refuses
    /// rather than clamping, because a clamped group would launch less (or more) than the plan.
    #[error(
        "DesiredCapacity {desired} is outside MinSize {min} ..= MaxSize {max}; AWS rejects such a \
         group (\"The desired capacity must be between the minimum and maximum size\", and \
         fleetopt's own reader refuses it): give --max-size of at least {desired} and \
         --min-size of at most {desired}, or plan a smaller target"
    )]
    AsgSize {
        /// The plan's desired capacity in the group's unit.
        desired: u64,
        /// `MinSize` as given or defaulted.
        min: u64,
        /// `MaxSize` as given or defaulted.
        max: u64,
    },
    /// `--keep-flexibility` cannot be honoured for this plan, request or target.
    #[error("--keep-flexibility {why}")]
    Flexibility {
        /// Why not.
        why: String,
    },
    /// The document could not be rendered.
    #[error("cannot render the document: {source}")]
    Render {
        /// The YAML serialiser's error.
        source: YamlError,
    },
}

/// The weight rule of a target that a plan's weight breaks ([`ExportError::Weight`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightRule {
    /// An ASG override has one weight for every AZ, and the type has another in another AZ.
    #[error(
        "differs from its weight {other} in another AZ; an ASG override has one weight for \
         every AZ"
    )]
    OneWeightPerType {
        /// The type's weight in another AZ.
        other: f64,
    },
    /// An ASG `WeightedCapacity` is a whole number from 1 to 999.
    #[error(
        "cannot be an ASG WeightedCapacity, which is a whole number from \"1\" to \"999\" \
         (aws-semantics §1.5)"
    )]
    AsgWhole,
}

/// A YAML serialiser error, shared so that [`ExportError`] stays `Clone` and comparable (two
/// are equal when they are the same error).
#[derive(Debug, Clone)]
pub struct YamlError(Arc<serde_norway::Error>);

impl PartialEq for YamlError {
    fn eq(&self, other: &YamlError) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for YamlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// The groups of [`ExportError::SeveralGroupsPerPool`], comma-separated.
fn group_list(groups: &[Option<String>]) -> String {
    groups
        .iter()
        .map(|g| g.as_deref().unwrap_or("no group"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl ExportError {
    /// The class of this failure: what the plan (or request) asks that the target cannot
    /// express is bad input; failing to render a built document is fleetopt's own.
    pub fn class(&self) -> ErrorClass {
        match self {
            ExportError::Render { .. } => ErrorClass::Internal,
            ExportError::EmptyPlan
            | ExportError::TooManyOverrides { .. }
            | ExportError::SeveralGroupsPerPool { .. }
            | ExportError::SeveralGroups { .. }
            | ExportError::ConflictingWeights { .. }
            | ExportError::Weight { .. }
            | ExportError::Flexibility { .. }
            | ExportError::AsgSize { .. } => ErrorClass::Input,
        }
    }
}

impl Classified for ExportError {
    fn class(&self) -> ErrorClass {
        ExportError::class(self)
    }
}

/// Exports `plan` as `target`. `request` (the request the plan answers, optional) supplies
/// what a plan does not record: `InstancePoolsToUseCount`, budgets, the ASG On-Demand base and
/// percentage, `DefaultTargetCapacityType`. `catalog` supplies AZ names (ASG, Karpenter).
///
/// ```
/// use fleetopt_solver::export::{export, ExportOptions, Target};
/// use fleetopt_solver::plan::Plan;
///
/// let plan: Plan = serde_json::from_value(serde_json::json!({
///     "schema": "fleetopt.plan/v1", "mode": "aws", "region": "us-east-1",
///     "strategy": {"spot": "lowestPrice", "on_demand": "lowestPrice"},
///     "allocations": [{"instance_type": "m5.large", "availability_zone_id": "use1-az1",
///         "market": "spot", "count": 4, "weight": 1.0, "capacity": 4.0, "price_per_hour": 0.03}],
///     "metrics": {"capacity": 4.0, "target": 4.0, "unit": "units", "overshoot": 0.0,
///         "cost_per_hour": 0.12, "cost_per_vcpu_hour": 0.015, "spot_capacity": 4.0,
///         "on_demand_capacity": 0.0, "on_demand_target": 0.0, "instances": 4, "vcpus": 8,
///         "pools": 1, "types": 1, "azs": 1, "expected_interruptions_per_hour": 0.0,
///         "worst_pool_loss": 1.0, "worst_type_loss": 1.0, "worst_az_loss": 1.0}
/// }))?;
/// let catalog = fleetopt_instances::embedded::catalog()?;
/// let fleet = export(&plan, None, &catalog, Target::Ec2FleetExact, &ExportOptions::default())?;
/// assert_eq!(fleet.document[0]["Type"], "instant");
/// assert_eq!(fleet.document[0]["TargetCapacitySpecification"]["SpotTargetCapacity"], 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn export(
    plan: &Plan,
    request: Option<&FleetRequest>,
    catalog: &Catalog,
    target: Target,
    options: &ExportOptions,
) -> Result<Export, ExportError> {
    let mut exported = if options.keep_flexibility {
        flexible::export(plan, request, catalog, target, options)?
    } else {
        let facts = Facts::new(plan, request)?;
        match target {
            Target::Ec2Fleet => ec2_fleet::export(facts, options)?,
            Target::Ec2FleetExact => ec2_fleet_exact::export(facts, options)?,
            Target::SpotFleet => spot_fleet::export(facts, options)?,
            Target::Asg => asg::export(facts, catalog, options)?,
            Target::Karpenter => karpenter::export(facts, catalog, options)?,
        }
    };
    let fleet_document = matches!(target, Target::Ec2Fleet | Target::SpotFleet | Target::Asg);
    if fleet_document && (plan.mode == Mode::Optimal || options.keep_flexibility) {
        exported
            .notes
            .push(aws_outcome_note(&exported, plan, request, catalog));
    }
    Ok(exported)
}

/// What AWS would hand you for an exported fleet document, with numbers: the document read
/// back ([`crate::request::read`]) and solved in aws mode in the plan's region (with the
/// request's platform and risk settings when it is given), against the plan; when the two
/// differ, `ec2-fleet-exact` launches the plan's exact counts.
pub(crate) fn aws_outcome_note(
    exported: &Export,
    plan: &Plan,
    request: Option<&FleetRequest>,
    catalog: &Catalog,
) -> String {
    const WHAT: &str = "what AWS would hand you for this document (fleetopt's aws mode on it)";
    let mut read = match crate::request::read("export.json", &exported.to_json()) {
        Ok(read) => read,
        Err(e) => return format!("{WHAT} is not known: the document does not read back ({e})"),
    };
    if let Some(request) = request {
        read.platform = request.platform;
        read.risk = request.risk.clone();
    }
    let options = crate::solve::SolveOptions {
        mode: Some(Mode::Aws),
        region: Some(plan.region.clone()),
        ..crate::solve::SolveOptions::default()
    };
    let emulated = match crate::solve::solve(catalog, &read, &options) {
        Ok(emulated) => emulated,
        Err(e) => return format!("{WHAT} is not known: {e}"),
    };
    let summary = |p: &Plan| {
        let instances: u64 = p.allocations.iter().map(|a| u64::from(a.count)).sum();
        let pools = p
            .allocations
            .iter()
            .map(|a| (&a.instance_type, &a.availability_zone_id, a.market))
            .collect::<BTreeSet<_>>()
            .len();
        format!(
            "{instances} instance(s) in {pools} pool(s), ${:.4}/h, {} of {} {}",
            p.metrics.cost_per_hour, p.metrics.capacity, p.metrics.target, p.metrics.unit
        )
    };
    let key = |p: &Plan| {
        let mut counts: BTreeMap<(TypeName, ZoneId, Market), u32> = BTreeMap::new();
        for a in &p.allocations {
            *counts
                .entry((
                    a.instance_type.clone(),
                    a.availability_zone_id.clone(),
                    a.market,
                ))
                .or_insert(0) += a.count;
        }
        counts
    };
    if key(&emulated) == key(plan) {
        format!(
            "{WHAT}: {}, the plan's own pools and counts",
            summary(&emulated)
        )
    } else {
        format!(
            "{WHAT}: {}; the {} plan: {}; they differ, so export ec2-fleet-exact to launch the \
             plan's exact counts",
            summary(&emulated),
            plan.mode,
            summary(plan)
        )
    }
}

/// One override: an (instance type, AZ ID) pair with the plan's instances in it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OverridePool {
    pub instance_type: TypeName,
    pub zone: ZoneId,
    /// Units per instance, in the plan's unit.
    pub weight: f64,
    pub on_demand_capacity: f64,
    pub spot_capacity: f64,
    /// The placement group of every allocation in this pool, if any.
    pub group: Option<String>,
}

/// What every target derives from the plan (and request) the same way.
pub(crate) struct Facts<'a> {
    pub plan: &'a Plan,
    pub request: Option<&'a FleetRequest>,
    /// Ranked: index = priority.
    pub overrides: Vec<OverridePool>,
    /// Two allocations of one (type, AZ) with different weights, if any.
    weight_conflict: Option<ExportError>,
    /// One (type, AZ) in several placement groups, if any.
    group_conflict: Option<ExportError>,
    /// Whole-number targets in the plan's unit.
    pub total: u64,
    pub on_demand: u64,
    pub default_market: Market,
    /// The spot strategy to ask AWS for.
    pub spot_strategy: SpotStrategy,
    /// `InstancePoolsToUseCount` (lowestPrice only).
    pub pools_to_use: Option<u32>,
    pub spot_budget: Option<f64>,
    pub on_demand_budget: Option<f64>,
    pub notes: Vec<String>,
}

impl<'a> Facts<'a> {
    fn new(plan: &'a Plan, request: Option<&'a FleetRequest>) -> Result<Facts<'a>, ExportError> {
        if plan.allocations.is_empty() {
            return Err(ExportError::EmptyPlan);
        }
        let mut notes = Vec::new();
        let (overrides, weight_conflict, group_conflict) = rank_overrides(plan);
        if plan
            .allocations
            .iter()
            .any(|a| a.placement.as_ref().is_some_and(|p| p.partition.is_some()))
        {
            notes.push(
                "the plan assigns partition numbers, which CreateFleet cannot target (AWS \
                 Placement: PartitionNumber is not supported for CreateFleet); launch each \
                 partition with RunInstances --placement PartitionNumber=N, or let EC2 spread \
                 the group (best effort)"
                    .to_owned(),
            );
        }
        let total = whole_up(plan.metrics.target, "target capacity", &mut notes);
        let on_demand = whole_up(
            plan.metrics.on_demand_target,
            "on-demand target capacity",
            &mut notes,
        )
        .min(total);
        if total > FLEET_TARGET_QUOTA {
            notes.push(format!(
                "target capacity {total} exceeds AWS's default quota of {FLEET_TARGET_QUOTA} \
                 per fleet (adjustable; aws-semantics §1.2)"
            ));
        }
        let default_market = match request {
            Some(r) => r.target.default_market,
            None if on_demand >= total => Market::OnDemand,
            None => Market::Spot,
        };
        let spot_strategy = match plan.mode {
            Mode::Aws => plan.strategy.spot,
            Mode::Optimal => SpotStrategy::CapacityOptimizedPrioritized,
        };
        let spot_pools = plan
            .allocations
            .iter()
            .filter(|a| a.market == Market::Spot)
            .map(|a| (&a.instance_type, &a.availability_zone_id))
            .collect::<BTreeSet<_>>()
            .len();
        let pools_to_use = if spot_strategy == SpotStrategy::LowestPrice {
            match request {
                // An ASG request's SpotInstancePools counts per AZ, not per fleet.
                Some(r) if !r.balance_zones => r.spot.pools,
                _ if spot_pools > 1 => u32::try_from(spot_pools).ok(),
                _ => None,
            }
        } else {
            None
        };
        let shortfall_budget = |market: Market| match &plan.shortfall {
            Some(Shortfall::Budget {
                market: m,
                max_total_price,
            }) if *m == market => Some(*max_total_price),
            _ => None,
        };
        let spot_budget = request
            .and_then(|r| r.spot.max_total_price)
            .or_else(|| shortfall_budget(Market::Spot));
        let on_demand_budget = request
            .and_then(|r| r.on_demand.max_total_price)
            .or_else(|| shortfall_budget(Market::OnDemand));
        Ok(Facts {
            plan,
            request,
            overrides,
            weight_conflict,
            group_conflict,
            total,
            on_demand,
            default_market,
            spot_strategy,
            pools_to_use,
            spot_budget,
            on_demand_budget,
            notes,
        })
    }

    /// Fails when one override would need two weights.
    pub fn check_weights(&self) -> Result<(), ExportError> {
        self.weight_conflict.clone().map_or(Ok(()), Err)
    }

    /// Fails when one override would need two placement groups.
    pub fn check_groups(&self) -> Result<(), ExportError> {
        self.group_conflict.clone().map_or(Ok(()), Err)
    }

    /// The spot part of the target.
    pub fn spot(&self) -> u64 {
        self.total - self.on_demand
    }

    /// A note on the unit conversion, when the plan is not in `units`.
    pub fn note_unit(&mut self) {
        let unit = self.plan.metrics.unit;
        if unit != crate::request::CapacityUnit::Units {
            self.notes.push(format!(
                "the plan's unit is {unit}; TargetCapacityUnitType {unit} is allowed only with \
                 attribute-based selection (aws-semantics §1.3), so capacity is stated in units \
                 with WeightedCapacity = {} per instance: the same target in the same numbers",
                if unit == crate::request::CapacityUnit::Vcpu {
                    "vCPUs"
                } else {
                    "MiB"
                }
            ));
        }
    }

    /// A note on the strategy choice for optimal plans.
    pub fn note_strategy(&mut self, spelled: &str) {
        if self.plan.mode == Mode::Optimal {
            self.notes.push(format!(
                "optimal plan: spot strategy {spelled} with priorities ranking the plan's pools \
                 (on-demand pools first, then by capacity), so AWS favours the planned pools; \
                 AWS still weighs capacity first, so counts may differ (ec2-fleet-exact gives \
                 exact counts)"
            ));
        }
    }

    /// The placement group names the plan uses, sorted.
    pub fn groups(&self) -> BTreeSet<&str> {
        self.plan
            .allocations
            .iter()
            .filter_map(|a| a.placement.as_ref().map(|p| p.group.as_str()))
            .collect()
    }
}

/// Rounds a capacity up to a whole number, noting when it was fractional.
fn whole_up(value: f64, what: &str, notes: &mut Vec<String>) -> u64 {
    // The tolerance absorbs float noise such as 6.000000000000001.
    let rounded = (value - crate::tolerance::NOISE).ceil().max(0.0);
    if (rounded - value).abs() > crate::tolerance::NOISE {
        notes.push(format!(
            "{what} {value} is not a whole number; AWS takes integers, so it is rounded up to \
             {rounded}"
        ));
    }
    // Finite and ≥ 0 (plans are verified), so the conversion is exact up to 2^53.
    rounded as u64
}

/// The overrides with the first weight conflict and the first placement-group conflict.
type Ranked = (Vec<OverridePool>, Option<ExportError>, Option<ExportError>);

/// Groups the plan's allocations into (type, AZ) overrides and ranks them (see the module
/// docs): on-demand capacity first, then spot capacity, both descending, then name and zone.
/// Conflicts are returned, not raised: only targets that emit per-pool weights or groups fail
/// on them.
fn rank_overrides(plan: &Plan) -> Ranked {
    let mut pools: BTreeMap<(TypeName, ZoneId), OverridePool> = BTreeMap::new();
    let mut groups: BTreeMap<(TypeName, ZoneId), BTreeSet<Option<String>>> = BTreeMap::new();
    let mut weight_conflict = None;
    for a in &plan.allocations {
        let key = (a.instance_type.clone(), a.availability_zone_id.clone());
        let pool = pools.entry(key.clone()).or_insert_with(|| OverridePool {
            instance_type: a.instance_type.clone(),
            zone: a.availability_zone_id.clone(),
            weight: a.weight,
            on_demand_capacity: 0.0,
            spot_capacity: 0.0,
            group: None,
        });
        if (pool.weight - a.weight).abs() > crate::tolerance::WEIGHT && weight_conflict.is_none() {
            weight_conflict = Some(ExportError::ConflictingWeights {
                instance_type: a.instance_type.clone(),
                zone: a.availability_zone_id.clone(),
                first: pool.weight,
                second: a.weight,
            });
        }
        match a.market {
            Market::OnDemand => pool.on_demand_capacity += a.capacity,
            Market::Spot => pool.spot_capacity += a.capacity,
        }
        groups
            .entry(key)
            .or_default()
            .insert(a.placement.as_ref().map(|p| p.group.clone()));
    }
    let mut group_conflict = None;
    for (key, set) in groups {
        if set.len() > 1 {
            group_conflict.get_or_insert_with(|| ExportError::SeveralGroupsPerPool {
                instance_type: key.0.clone(),
                zone: key.1.clone(),
                groups: set.iter().cloned().collect(),
            });
        }
        if let (Some(Some(group)), Some(pool)) = (set.iter().next(), pools.get_mut(&key)) {
            pool.group = Some(group.clone());
        }
    }
    let mut ranked: Vec<OverridePool> = pools.into_values().collect();
    ranked.sort_by(|a, b| {
        (b.on_demand_capacity > 0.0)
            .cmp(&(a.on_demand_capacity > 0.0))
            .then(b.on_demand_capacity.total_cmp(&a.on_demand_capacity))
            .then(b.spot_capacity.total_cmp(&a.spot_capacity))
            .then_with(|| a.instance_type.cmp(&b.instance_type))
            .then_with(|| a.zone.cmp(&b.zone))
    });
    (ranked, weight_conflict, group_conflict)
}

/// A JSON number, written as an integer when it is whole (AWS Integer members; `2` reads
/// better than `2.0` in a Double member).
pub(crate) fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}

/// A price as the decimal string AWS takes (`"0.8"`).
pub(crate) fn decimal(value: f64) -> Value {
    Value::String(format!("{value}"))
}

/// `LaunchTemplateSpecification` by name and version.
pub(crate) fn launch_template(options: &ExportOptions) -> Value {
    serde_json::json!({
        "LaunchTemplateName": options.launch_template_name,
        "Version": options.launch_template_version,
    })
}

#[cfg(test)]
mod tests;
