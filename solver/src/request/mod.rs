//! The fleet request: what a planner asks for, in one validated model whatever the input
//! format (fleetopt's native TOML/JSON/YAML, or an EC2 Fleet, Spot Fleet or Auto Scaling group
//! JSON). Readers live in [`native`] and [`aws`]; [`read`] detects the format by content.
//!
//! The rooms: [`syntax`] turns text (TOML, JSON, YAML) into a JSON value whose errors carry
//! paths, `checks` holds the field checks both readers apply (targets, prices, type names,
//! zones), [`native`] is fleetopt's own schema and [`aws`] the three AWS forms. Neither reader
//! imports the other. `zone_names` maps a request's AZ names with the planner's own mapping
//! ([`ZoneNames`], `--zones`) after either reader, whatever the format.
//!
//! The readers check every request they build (positive targets, weights > 0, shares in
//! (0, 1], no conflicting fields), so strategies and the verifier can trust a `FleetRequest`
//! that came from [`read`].

pub mod aws;
mod checks;
pub mod native;
pub mod syntax;
mod zone_names;

use std::fmt;

use fleetopt_instances::select::{Requirements, SelectError};
use fleetopt_instances::suggest::{self, Case};
use fleetopt_instances::{Platform, RegionName, ZoneId};
use serde::{Deserialize, Serialize};

pub(crate) use checks::MAX_CAPACITY;
use syntax::Syntax;
pub use zone_names::ZoneNames;

use crate::risk::{HazardModel, RiskError};

/// How a request is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// What EC2 would do: a deterministic emulation of its documented behaviour.
    Aws,
    /// What you should ask for: an integer program with every constraint hard.
    Optimal,
}

impl Mode {
    /// Every mode, in the order command-line help and messages list them.
    pub const ALL: [Mode; 2] = [Mode::Aws, Mode::Optimal];

    /// The spelling of requests, sweeps and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Aws => "aws",
            Mode::Optimal => "optimal",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The unit of target capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CapacityUnit {
    /// Instances, or weighted units with `WeightedCapacity`.
    #[serde(rename = "units")]
    Units,
    /// vCPUs: each instance counts as its vCPU count.
    #[serde(rename = "vcpu")]
    Vcpu,
    /// Memory: each instance counts as its MiB.
    #[serde(rename = "memory-mib")]
    MemoryMib,
}

impl CapacityUnit {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityUnit::Units => "units",
            CapacityUnit::Vcpu => "vcpu",
            CapacityUnit::MemoryMib => "memory-mib",
        }
    }

    /// What AWS's price protection compares prices per for a fleet in this unit
    /// (aws-semantics §1.10): per vCPU or per MiB, else per instance.
    pub fn price_basis(self) -> fleetopt_instances::select::PriceBasis {
        use fleetopt_instances::select::PriceBasis;
        match self {
            CapacityUnit::Units => PriceBasis::PerInstance,
            CapacityUnit::Vcpu => PriceBasis::PerVcpu,
            CapacityUnit::MemoryMib => PriceBasis::PerMemoryMib,
        }
    }
}

impl fmt::Display for CapacityUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Spot allocation strategies, in EC2 Fleet / Spot Fleet / ASG semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SpotStrategy {
    /// Cheapest pool per unit-hour first (optionally evenly over the N cheapest).
    LowestPrice,
    /// Evenly over all eligible pools.
    Diversified,
    /// The pools with the best capacity availability.
    CapacityOptimized,
    /// Capacity first, then override priority.
    CapacityOptimizedPrioritized,
    /// The best capacity tier, then the cheapest pool in it.
    PriceCapacityOptimized,
}

impl SpotStrategy {
    /// Every spot strategy, in the order comparisons list them.
    pub const ALL: [SpotStrategy; 5] = [
        SpotStrategy::PriceCapacityOptimized,
        SpotStrategy::CapacityOptimized,
        SpotStrategy::CapacityOptimizedPrioritized,
        SpotStrategy::LowestPrice,
        SpotStrategy::Diversified,
    ];

    /// The Spot Fleet (camelCase) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SpotStrategy::LowestPrice => "lowestPrice",
            SpotStrategy::Diversified => "diversified",
            SpotStrategy::CapacityOptimized => "capacityOptimized",
            SpotStrategy::CapacityOptimizedPrioritized => "capacityOptimizedPrioritized",
            SpotStrategy::PriceCapacityOptimized => "priceCapacityOptimized",
        }
    }

    /// The EC2 Fleet / ASG (kebab-case) spelling.
    pub fn kebab(self) -> &'static str {
        match self {
            SpotStrategy::LowestPrice => "lowest-price",
            SpotStrategy::Diversified => "diversified",
            SpotStrategy::CapacityOptimized => "capacity-optimized",
            SpotStrategy::CapacityOptimizedPrioritized => "capacity-optimized-prioritized",
            SpotStrategy::PriceCapacityOptimized => "price-capacity-optimized",
        }
    }

    /// Parses either spelling (`priceCapacityOptimized`, `price-capacity-optimized`); on a
    /// miss, the error names the closest valid spelling.
    pub fn parse(text: &str) -> Result<SpotStrategy, UnknownStrategy> {
        SpotStrategy::ALL
            .into_iter()
            .find(|s| s.as_str() == text || s.kebab() == text)
            .ok_or_else(|| {
                UnknownStrategy::new(
                    "spot",
                    text,
                    SpotStrategy::ALL
                        .iter()
                        .flat_map(|s| [s.as_str(), s.kebab()]),
                )
            })
    }
}

impl fmt::Display for SpotStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// On-Demand allocation strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OnDemandStrategy {
    /// Cheapest first.
    LowestPrice,
    /// Override priority order (lower number first), then price.
    Prioritized,
}

impl OnDemandStrategy {
    /// Both strategies.
    pub const ALL: [OnDemandStrategy; 2] =
        [OnDemandStrategy::LowestPrice, OnDemandStrategy::Prioritized];

    /// The Spot Fleet (camelCase) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OnDemandStrategy::LowestPrice => "lowestPrice",
            OnDemandStrategy::Prioritized => "prioritized",
        }
    }

    /// The EC2 Fleet / ASG spelling.
    pub fn kebab(self) -> &'static str {
        match self {
            OnDemandStrategy::LowestPrice => "lowest-price",
            OnDemandStrategy::Prioritized => "prioritized",
        }
    }

    /// Parses either spelling, suggesting the closest on a miss.
    pub fn parse(text: &str) -> Result<OnDemandStrategy, UnknownStrategy> {
        OnDemandStrategy::ALL
            .into_iter()
            .find(|s| s.as_str() == text || s.kebab() == text)
            .ok_or_else(|| {
                UnknownStrategy::new(
                    "on-demand",
                    text,
                    OnDemandStrategy::ALL
                        .iter()
                        .flat_map(|s| [s.as_str(), s.kebab()]),
                )
            })
    }
}

impl fmt::Display for OnDemandStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An allocation strategy spelling that is neither the camelCase nor the kebab-case spelling
/// of a known strategy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown {market} allocation strategy `{text}`{} (expected one of {})",
    did_you_mean(*.suggestion),
    .expected.join(", ")
)]
pub struct UnknownStrategy {
    /// `spot` or `on-demand`.
    pub market: &'static str,
    /// The spelling given.
    pub text: String,
    /// The closest valid spelling, ignoring case, when it is at most 6 edits away.
    pub suggestion: Option<&'static str>,
    /// Every valid spelling, strategy by strategy (a strategy spelt the same both ways is
    /// listed once).
    pub expected: Vec<&'static str>,
}

impl UnknownStrategy {
    fn new(market: &'static str, text: &str, valid: impl Iterator<Item = &'static str>) -> Self {
        let mut expected: Vec<&'static str> = valid.collect();
        // Case is ignored so `PriceCapacityOptimized` finds `priceCapacityOptimized`; 6 edits
        // reach British spellings (`optimised`) and a dropped or doubled hyphen or two.
        let suggestion = suggest::closest(text, expected.iter().copied(), Case::Ignored, 6);
        expected.dedup();
        UnknownStrategy {
            market,
            text: text.to_owned(),
            suggestion,
            expected,
        }
    }
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|name| format!("; did you mean `{name}`?"))
        .unwrap_or_default()
}

/// A member that the AWS API shape it was given in does not have: the AWS CLI refuses such a
/// file ("Unknown parameter in input") before it sends anything, and so does fleetopt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown member `{member}` of {shape}; {}", unknown_member_advice(.suggestion, .expected))]
pub struct UnknownMember {
    /// The member as given.
    pub member: String,
    /// The AWS API shape it was given in (`FleetLaunchTemplateOverridesRequest`).
    pub shape: &'static str,
    /// The closest member of the shape, case ignored first, at most 3 edits away.
    pub suggestion: Option<&'static str>,
    /// Every member of the shape, in the API model's order.
    pub expected: Vec<&'static str>,
}

/// "did you mean `X`? (…)" or the list of the shape's members.
fn unknown_member_advice(suggestion: &Option<&str>, expected: &[&str]) -> String {
    const WHY: &str = "the AWS CLI refuses members its API shape does not have";
    match suggestion {
        Some(name) => format!("did you mean `{name}`? ({WHY})"),
        None => format!("{WHY}; expected one of {}", expected.join(", ")),
    }
}

impl UnknownMember {
    pub(crate) fn new(
        member: &str,
        shape: &'static str,
        members: impl Iterator<Item = &'static str>,
    ) -> Self {
        let expected: Vec<&'static str> = members.collect();
        UnknownMember {
            member: member.to_owned(),
            shape,
            suggestion: aws::closest_member(member, expected.iter().copied()),
            expected,
        }
    }
}

/// How much of the target is On-Demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OnDemandSplit {
    /// EC2 Fleet / Spot Fleet: this much On-Demand, the rest in the default market.
    Target(f64),
    /// ASG: `base` On-Demand first, then `percent_above_base` % of the rest, rounded up in
    /// favour of On-Demand.
    BasePlusPercent {
        /// `OnDemandBaseCapacity`.
        base: f64,
        /// `OnDemandPercentageAboveBaseCapacity`, 0..=100.
        percent_above_base: f64,
    },
}

/// What capacity to reach, in what unit, and how much of it On-Demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Total target capacity (> 0).
    pub capacity: f64,
    /// Unit of `capacity` and of every weight.
    pub unit: CapacityUnit,
    /// The On-Demand part.
    pub on_demand: OnDemandSplit,
    /// `DefaultTargetCapacityType` as the input gave it (spot unless said otherwise). Readers
    /// normalise the split into `on_demand` (with default on-demand and a `SpotTargetCapacity`
    /// of s, the On-Demand part is total − s), so this only records the input for exports.
    pub default_market: fleetopt_instances::Market,
}

/// One candidate line: an instance type (or AWS wildcard pattern), optionally pinned to a zone,
/// with the override's weight, priority and spot max price.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeOverride {
    /// Instance type or wildcard pattern (`m6i.*`).
    pub pattern: String,
    /// Only this AZ (an override with `AvailabilityZone(Id)`), else every allowed zone.
    pub zone: Option<ZoneRef>,
    /// `WeightedCapacity` (units per instance), with unit `units`.
    pub weight: Option<f64>,
    /// `Priority`: lower is higher; none = lowest priority.
    pub priority: Option<f64>,
    /// Per-override spot max price, USD per instance-hour.
    pub max_price: Option<f64>,
}

/// A zone as a request names it: by AZ ID, or by (account-specific) AZ name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ZoneRef {
    /// `use1-az4`.
    Id(ZoneId),
    /// `us-east-1a`, resolved through the catalogue's zone names.
    Name(String),
    /// The AZ of a subnet the request names but nothing maps to an AZ (an AWS form's `SubnetId`
    /// without `--subnets`): one AZ, not known. The overrides that share the subnet share that
    /// AZ; candidate resolution chooses it by a stated rule (`candidates::subnet_zones`).
    Subnet(String),
}

impl fmt::Display for ZoneRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZoneRef::Id(id) => write!(f, "{id}"),
            ZoneRef::Name(name) => f.write_str(name),
            ZoneRef::Subnet(subnet) => write!(f, "the AZ of {subnet}"),
        }
    }
}

/// Which instance types and zones the fleet may use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidates {
    /// Explicit types/patterns with their override facts.
    pub overrides: Vec<TypeOverride>,
    /// Attribute-based selections (`InstanceRequirements`); a type qualifies if any matches.
    pub requirements: Vec<Requirements>,
    /// Allowed zones; empty = every zone of the region.
    pub zones: Vec<ZoneRef>,
    /// Extra per-type weights (native `weights = { "c7g.2xlarge" = 8 }`).
    pub weights: std::collections::BTreeMap<String, f64>,
    /// Where the candidates were given in an AWS form, so errors found later (a zone of no
    /// region, a type the catalogue lacks) name the member at fault in AWS's spelling; empty
    /// for native requests, whose errors name the native fields.
    pub sources: CandidateSources,
}

/// The AWS paths of a request's candidates, index by index (see [`Candidates::sources`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CandidateSources {
    /// Per override: its path (`LaunchTemplateConfigs[0].Overrides[1]`).
    pub overrides: Vec<String>,
    /// Per override: the member that pinned its zone, when one did
    /// (`…Overrides[1].Placement.AvailabilityZone`).
    pub override_zones: Vec<Option<String>>,
    /// Per `InstanceRequirements`: the first override that gave it.
    pub requirements: Vec<String>,
    /// Per allowed zone: the member that named it (`AvailabilityZones[2]`).
    pub zones: Vec<String>,
    /// Per override: the `SubnetId` it came from, when `--subnets` mapped it to the override's
    /// zone (an unmapped subnet is the zone itself, [`ZoneRef::Subnet`]); `export
    /// --keep-flexibility` writes the subnet back.
    pub subnets: Vec<Option<String>>,
}

impl Candidates {
    /// The input field of override `index`: its AWS path, else the native field.
    pub fn override_field(&self, index: usize) -> String {
        self.sources
            .overrides
            .get(index)
            .cloned()
            .unwrap_or_else(|| format!("candidates.instance_types[{index}]"))
    }

    /// The input field that pinned override `index` to its zone.
    pub fn override_zone_field(&self, index: usize) -> String {
        self.sources
            .override_zones
            .get(index)
            .cloned()
            .flatten()
            .unwrap_or_else(|| self.override_field(index))
    }

    /// The input field of `InstanceRequirements` number `index`.
    pub fn requirements_field(&self, index: usize) -> String {
        self.sources
            .requirements
            .get(index)
            .cloned()
            .unwrap_or_else(|| format!("candidates.requirements[{index}]"))
    }

    /// The input field of allowed zone `index`.
    pub fn zone_field(&self, index: usize) -> String {
        self.sources
            .zones
            .get(index)
            .cloned()
            .unwrap_or_else(|| format!("candidates.zones[{index}]"))
    }
}

/// A spot max price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxPrice {
    /// USD per instance-hour.
    PerHour(f64),
    /// Percent of the pool's On-Demand price.
    PercentOfOnDemand(f64),
}

/// Spot options.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotOptions {
    /// Allocation strategy (default `lowestPrice`, as AWS).
    pub strategy: SpotStrategy,
    /// `InstancePoolsToUseCount` / `SpotInstancePools` (lowestPrice only).
    pub pools: Option<u32>,
    /// Fleet-wide max price (default: the On-Demand price).
    pub max_price: Option<MaxPrice>,
    /// Spot budget, USD/hour.
    pub max_total_price: Option<f64>,
    /// An instant fleet's `SpotOptions.MinTargetCapacity`: unless the Spot part reaches this
    /// much (in the target's unit), AWS launches no instances (aws-semantics §1.9).
    pub min_target_capacity: Option<f64>,
}

/// On-Demand options.
#[derive(Debug, Clone, PartialEq)]
pub struct OnDemandOptions {
    /// Allocation strategy (default `lowestPrice`).
    pub strategy: OnDemandStrategy,
    /// On-Demand budget, USD/hour.
    pub max_total_price: Option<f64>,
    /// An instant fleet's `OnDemandOptions.MinTargetCapacity`: unless the On-Demand part
    /// reaches this much, AWS launches no instances (aws-semantics §1.9).
    pub min_target_capacity: Option<f64>,
    /// Whether and how On-Demand uses the account's Capacity Reservations (aws-semantics §2.5).
    pub capacity_reservations: crate::commitments::ReservationPreference,
}

/// Shape constraints; `None`/`false` = unconstrained.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// Per pool: count × weight ≤ share × target.
    pub max_pool_share: Option<f64>,
    /// Per instance type, all its pools.
    pub max_type_share: Option<f64>,
    /// Per AZ.
    pub max_az_share: Option<f64>,
    /// At least this many pools.
    pub min_pools: Option<u32>,
    /// At most this many instance types.
    pub max_types: Option<u32>,
    /// All in one AZ (`SingleAvailabilityZone`).
    pub single_az: bool,
    /// All one type (`SingleInstanceType`).
    pub single_type: bool,
    /// For every AZ: capacity outside it ≥ this share of target.
    pub survive_az_loss: Option<f64>,
    /// Delivered − target ≤ this, in the target's unit.
    pub max_overshoot: Option<f64>,
    /// Expected spot interruptions per hour (Σ count × hazard) ≤ this.
    pub max_expected_interruptions_per_hour: Option<f64>,
    /// What an optimal plan must be at least as safe as; `None` = the strategy's default
    /// ([`SafetyReference::default_for`]).
    pub as_safe_as: Option<SafetyReference>,
}

/// The plan an optimal plan must match or beat on every risk axis (`constraints.as_safe_as`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SafetyReference {
    /// The aws-mode plan for the same request: the plan EC2 would hand you.
    Aws,
    /// No reference: the strategy's own objective, as an explicit choice.
    None,
}

impl SafetyReference {
    /// Every value, in the order messages list them.
    pub const ALL: [SafetyReference; 2] = [SafetyReference::Aws, SafetyReference::None];

    /// The request spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SafetyReference::Aws => "aws",
            SafetyReference::None => "none",
        }
    }

    /// The default for a spot strategy: `aws` for every risk-aware strategy and for
    /// `lowestPrice` with `pools` (InstancePoolsToUseCount); plain `lowestPrice` asks only for
    /// the cheapest plan and has none.
    pub fn default_for(strategy: SpotStrategy, pools: Option<u32>) -> SafetyReference {
        match strategy {
            SpotStrategy::LowestPrice if pools.is_none() => SafetyReference::None,
            _ => SafetyReference::Aws,
        }
    }
}

impl FleetRequest {
    /// The safety reference in force: the request's, else the strategy's default.
    pub fn safety_reference(&self) -> SafetyReference {
        self.constraints
            .as_safe_as
            .unwrap_or_else(|| SafetyReference::default_for(self.spot.strategy, self.spot.pools))
    }
}

/// Placement-group request.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum PlacementSpec {
    /// No placement group.
    #[default]
    None,
    /// One AZ, cluster-capable types, one type unless `multiple_types`.
    Cluster {
        /// Allow more than one instance type (AWS recommends one).
        multiple_types: bool,
    },
    /// At most [`SPREAD_LIMIT`](crate::placement::rules::SPREAD_LIMIT) (7) running instances
    /// per AZ per group.
    Spread {
        /// Number of groups; `None` = as many as needed.
        groups: Option<u32>,
    },
    /// Partitions per AZ, in [`PARTITIONS_PER_AZ`](crate::placement::rules::PARTITIONS_PER_AZ)
    /// (1..=7).
    Partition {
        /// Partitions per AZ.
        partitions_per_az: u32,
    },
}

/// Risk settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskOptions {
    /// Loss per interruption, in hours of that instance's price.
    pub interruption_loss_hours: f64,
    /// Bucket → hazard mapping.
    pub hazard: HazardModel,
}

impl Default for RiskOptions {
    fn default() -> Self {
        RiskOptions {
            interruption_loss_hours: 1.0,
            hazard: HazardModel::default(),
        }
    }
}

/// Solver limits (optimal mode).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverOptions {
    /// Wall-clock limit, seconds.
    pub time_limit_seconds: f64,
    /// Relative MIP gap at which to stop.
    pub mip_gap: f64,
    /// Without a safety anchor: which risk a tie on cost breaks towards first (expected
    /// interruptions always follow). Not a request-file field: the exact front
    /// ([`crate::frontier`]) sets it to the axis it walks, so each point is the least risky
    /// plan at its cost on that axis.
    pub cost_ties: CostTies,
}

/// Which risk a tie on cost breaks towards first (optimal mode without a safety anchor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CostTies {
    /// Fewer expected interruptions per hour.
    #[default]
    ExpectedInterruptions,
    /// A smaller share of the target in the largest AZ, then fewer expected interruptions.
    WorstAzLoss,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions {
            time_limit_seconds: 10.0,
            mip_gap: 0.0,
            cost_ties: CostTies::default(),
        }
    }
}

/// Which format the request came in; it decides AWS-specific behaviour (ASG balances across
/// AZs before applying the strategy; its `SpotInstancePools` count per AZ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestSource {
    /// fleetopt's TOML/JSON/YAML.
    Native,
    /// `aws ec2 create-fleet` input.
    Ec2Fleet,
    /// `aws ec2 request-spot-fleet` config.
    SpotFleet,
    /// `aws autoscaling create-auto-scaling-group` input with a MixedInstancesPolicy.
    AutoScalingGroup,
}

/// A validated fleet request.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetRequest {
    /// Region; `None` when the request names only AZs (resolved from the catalogue).
    pub region: Option<RegionName>,
    /// aws or optimal.
    pub mode: Mode,
    /// Operating-system product.
    pub platform: Platform,
    /// Capacity target.
    pub target: Target,
    /// Candidate types and zones.
    pub candidates: Candidates,
    /// Spot options.
    pub spot: SpotOptions,
    /// On-Demand options.
    pub on_demand: OnDemandOptions,
    /// Shape constraints.
    pub constraints: Constraints,
    /// Placement group.
    pub placement: PlacementSpec,
    /// Risk settings.
    pub risk: RiskOptions,
    /// Solver limits.
    pub solver: SolverOptions,
    /// Balance instances evenly across AZs before applying the strategy (ASG behaviour).
    pub balance_zones: bool,
    /// Input format.
    pub source: RequestSource,
    /// What reading the request assumed or ignored (e.g. a `SubnetId` fleetopt cannot map to an
    /// AZ); carried into the plan's notes.
    pub notes: Vec<String>,
    /// An AWS form's first `LaunchTemplateSpecification`, as given: what `export
    /// --keep-flexibility` writes back instead of a placeholder template.
    pub launch_template: Option<serde_json::Value>,
    /// Capacity the account already holds (Capacity Reservations, Reserved Instances),
    /// supplied beside the request ([`ReadOptions::owned`]).
    pub owned: crate::commitments::Owned,
    /// Shared (`default`) or Dedicated Instances (`dedicated`, priced from the catalogue's
    /// Dedicated prices: [`crate::tenancy`]); Dedicated Hosts are refused when read.
    pub tenancy: fleetopt_instances::Tenancy,
}

impl FleetRequest {
    /// A request for `capacity` units in `region` with every other field at its default
    /// (AWS's defaults: spot `lowestPrice`, On-Demand `lowestPrice`, no On-Demand part,
    /// Linux/UNIX, every type attribute-based selection allows by default).
    pub fn new(region: &str, capacity: f64, mode: Mode) -> FleetRequest {
        FleetRequest {
            region: Some(RegionName::new(region)),
            mode,
            platform: Platform::LinuxUnix,
            target: Target {
                capacity,
                unit: CapacityUnit::Units,
                on_demand: OnDemandSplit::Target(0.0),
                default_market: fleetopt_instances::Market::Spot,
            },
            candidates: Candidates::default(),
            spot: SpotOptions {
                strategy: SpotStrategy::LowestPrice,
                pools: None,
                max_price: None,
                max_total_price: None,
                min_target_capacity: None,
            },
            on_demand: OnDemandOptions {
                strategy: OnDemandStrategy::LowestPrice,
                max_total_price: None,
                min_target_capacity: None,
                capacity_reservations: crate::commitments::ReservationPreference::default(),
            },
            constraints: Constraints::default(),
            placement: PlacementSpec::None,
            risk: RiskOptions::default(),
            solver: SolverOptions::default(),
            balance_zones: false,
            source: RequestSource::Native,
            notes: Vec::new(),
            launch_template: None,
            owned: crate::commitments::Owned::default(),
            tenancy: fleetopt_instances::Tenancy::Default,
        }
    }

    /// The On-Demand part of the target, in the target's unit: EC2 Fleet's
    /// `OnDemandTargetCapacity`, or ASG's base plus the percentage above it rounded up in favour
    /// of On-Demand (`ceil(pct × (total − base))`, AWS's documented rounding).
    pub fn on_demand_target(&self) -> f64 {
        let total = self.target.capacity;
        match self.target.on_demand {
            OnDemandSplit::Target(on_demand) => on_demand.min(total),
            OnDemandSplit::BasePlusPercent {
                base,
                percent_above_base,
            } => {
                let base = base.min(total);
                let above = (total - base) * percent_above_base / 100.0;
                // The tolerance absorbs float noise such as 7 × 0.1 × 10 = 7.000000000000001.
                (base + (above - crate::tolerance::NOISE).ceil().max(0.0)).min(total)
            }
        }
    }
}

/// A request that cannot be used, naming the file and field.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {}{kind}", field_prefix(.field))]
pub struct RequestError {
    /// The request file (or label).
    pub file: String,
    /// The field, in the input's own spelling (`target.capacity`, `SpotOptions.AllocationStrategy`);
    /// empty for syntax errors, whose kind carries the line and column instead.
    pub field: String,
    /// What was expected and what was found, with the typed cause where one exists.
    #[source]
    pub kind: RequestErrorKind,
}

/// What is wrong with a request. The variants that wrap another library's error carry it, so a
/// caller can tell a TOML syntax error from an `InstanceRequirements` range without reading the
/// message; the message is fleetopt's own wording either way.
#[derive(Debug, thiserror::Error)]
pub enum RequestErrorKind {
    /// A check of fleetopt's own failed: what was expected and what was found.
    #[error("{0}")]
    Invalid(String),
    /// The text is not JSON.
    #[error("{}", syntax::json_syntax_message(.0))]
    Json(#[source] serde_json::Error),
    /// A JSON object names a key twice.
    #[error("{} (line {}, column {})", .0, .0.line, .0.column)]
    DuplicateKey(fleetopt_instances::json::DuplicateKey),
    /// The text is not TOML.
    #[error("invalid TOML at line {line}, column {column}: {}", .source.message().trim())]
    Toml {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters) of the error.
        column: usize,
        /// The parser's error (boxed: it is large, and errors travel through every `Result`).
        #[source]
        source: Box<toml::de::Error>,
    },
    /// The text is not YAML.
    #[error("{}", syntax::yaml_syntax_message(.0))]
    Yaml(#[source] serde_norway::Error),
    /// The text is not YAML because it indents with a tab.
    #[error(
        "invalid YAML at line {line}, column {column}: a tab character; YAML indents with spaces \
         only, never tabs"
    )]
    YamlTab {
        /// 1-based line of the tab.
        line: usize,
        /// 1-based column of the tab.
        column: usize,
        /// The parser's error.
        #[source]
        source: serde_norway::Error,
    },
    /// YAML flow collections (`[`, `{`) nested deeper than the parser's recursion limit: refused
    /// before parsing, because the YAML scanner's time grows with the square of the nesting.
    #[error(
        "invalid YAML at line {line}, column {column}: flow collections (`[` or `{{`) nested more \
         than {limit} deep"
    )]
    YamlTooDeep {
        /// 1-based line of the opening bracket past the limit.
        line: usize,
        /// 1-based column (in characters) of that bracket.
        column: usize,
        /// The deepest nesting accepted ([`syntax::YAML_MAX_FLOW_DEPTH`]).
        limit: usize,
    },
    /// A value does not fit the schema (an unknown field, a wrong type), in serde's words made
    /// plain ("expected a table", "did you mean").
    #[error("{}", syntax::schema_message(.0))]
    Schema(#[source] serde_json::Error),
    /// `InstanceRequirements` that contradict themselves.
    #[error("{0}")]
    Requirements(#[from] SelectError),
    /// A hazard model with an unusable probability.
    #[error("{0}")]
    Hazard(#[from] RiskError),
    /// A misspelled allocation strategy (boxed: its list of valid spellings would make every
    /// request `Result` larger).
    #[error("{0}")]
    Strategy(#[source] Box<UnknownStrategy>),
    /// A member an AWS request form does not have (boxed, as `Strategy`).
    #[error("{0}")]
    UnknownMember(#[source] Box<UnknownMember>),
}

impl From<UnknownStrategy> for RequestErrorKind {
    fn from(error: UnknownStrategy) -> Self {
        RequestErrorKind::Strategy(Box::new(error))
    }
}

impl From<String> for RequestErrorKind {
    fn from(message: String) -> Self {
        RequestErrorKind::Invalid(message)
    }
}

impl From<&str> for RequestErrorKind {
    fn from(message: &str) -> Self {
        RequestErrorKind::Invalid(message.to_owned())
    }
}

impl RequestError {
    /// An error in `file` at `field` (empty for the file as a whole).
    pub(crate) fn new(
        file: &str,
        field: impl Into<String>,
        kind: impl Into<RequestErrorKind>,
    ) -> Self {
        RequestError {
            file: file.to_owned(),
            field: field.into(),
            kind: kind.into(),
        }
    }
}

/// `field: ` before the problem, or nothing when there is no field.
fn field_prefix(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!("{field}: ")
    }
}

/// What a request file cannot say by itself, supplied beside it: the CLI's `--subnets`,
/// `--zones`, `--launch-template` and `--launch-template-type`. The default supplies nothing, as [`read`] does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// Subnet ID → AZ ID, from `aws ec2 describe-subnets` output: an AWS form's `SubnetId` and
    /// `VPCZoneIdentifier` subnets then pin their zones.
    pub subnets: std::collections::BTreeMap<String, ZoneId>,
    /// The instance type of the launch template an AWS form names, for launch-template configs
    /// without overrides (EC2 Fleet Examples 1–3): it becomes one override of that type.
    pub launch_template_type: Option<String>,
    /// The planner's account mapping of AZ names to AZ IDs, from `aws ec2
    /// describe-availability-zones` output (`--zones`): every AZ name in the request, native or
    /// AWS, is mapped with it instead of the catalogue's names, and the request notes so.
    pub zones: Option<ZoneNames>,
    /// `aws ec2 describe-launch-template-versions` output (`--launch-template`): the versions
    /// an AWS form's `LaunchTemplateSpecification`s name give their instance type or
    /// requirements (configs without overrides), their placement zone and their tenancy.
    pub launch_templates: Option<aws::LaunchTemplates>,
    /// Capacity the account already holds (`--capacity-reservations`, `--reserved-instances`):
    /// carried into the request as [`FleetRequest::owned`].
    pub owned: crate::commitments::Owned,
}

/// [`read`] with what the file cannot say itself ([`ReadOptions`]). Native requests use only
/// the zone mapping; subnets and launch templates are AWS forms' members.
pub fn read_with(
    label: &str,
    text: &str,
    options: &ReadOptions,
) -> Result<FleetRequest, RequestError> {
    let mut request = read_form(label, text, options)?;
    if let Some(names) = &options.zones {
        zone_names::apply(label, &mut request, names)?;
    }
    request.owned = options.owned.clone();
    if let Some(names) = &options.zones {
        zone_names::apply_to_commitments(&mut request.owned, names);
    }
    let preference = request.on_demand.capacity_reservations;
    let reservations = request
        .owned
        .commitments
        .iter()
        .any(|c| c.kind == crate::commitments::CommitmentKind::CapacityReservation);
    if !reservations
        && matches!(
            preference,
            crate::commitments::ReservationPreference::First
                | crate::commitments::ReservationPreference::Only
        )
    {
        request.notes.push(format!(
            "the request uses Capacity Reservations {}, but none were supplied: give aws ec2 describe-capacity-reservations output with --capacity-reservations to plan with them (aws-semantics §2.5)",
            preference.as_str()
        ));
    }
    Ok(request)
}

/// The format detection and dispatch of [`read_with`].
fn read_form(label: &str, text: &str, options: &ReadOptions) -> Result<FleetRequest, RequestError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        if let Some(kind) = aws::detect(label, trimmed)? {
            return aws::read(label, trimmed, Syntax::Json, kind, options);
        }
        return native::read(label, trimmed, Syntax::Json);
    }
    let extension = std::path::Path::new(label)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let syntax = match extension.as_str() {
        // A `.json` file that is not an object (an array, a bare value, garbage) is still
        // reported as JSON, not as the TOML or YAML it was never meant to be.
        "json" => Syntax::Json,
        "yaml" | "yml" => Syntax::Yaml,
        "toml" => Syntax::Toml,
        // Without a telling extension: TOML tables and keys use `=`, YAML uses `:`.
        _ if looks_like_toml(trimmed) => Syntax::Toml,
        _ => Syntax::Yaml,
    };
    if syntax == Syntax::Json {
        // A request is an object: say so for an array or bare value instead of a field error.
        let kind = match syntax::parse_value(label, trimmed, Syntax::Json)? {
            serde_json::Value::Object(_) => None,
            serde_json::Value::Array(_) => Some("an array"),
            serde_json::Value::String(_) => Some("a string"),
            serde_json::Value::Number(_) => Some("a number"),
            serde_json::Value::Bool(_) => Some("a boolean"),
            serde_json::Value::Null => Some("null"),
        };
        if let Some(found) = kind {
            return Err(RequestError::new(
                label,
                "",
                RequestErrorKind::Invalid(format!(
                    "expected a JSON object (a fleet request), found {found}"
                )),
            ));
        }
    }
    // The AWS CLI's `--cli-input-yaml` forms are YAML with the JSON forms' keys.
    if syntax == Syntax::Yaml
        && let Some(kind) = aws::detect_yaml(label, trimmed)?
    {
        return aws::read(label, trimmed, Syntax::Yaml, kind, options);
    }
    native::read(label, trimmed, syntax)
}

/// Detects the request format by content and reads it. `label` names the file in errors; its
/// extension (`toml`, `json`, `yaml`, `yml`) picks the native syntax when the content is not an
/// AWS form (an EC2 Fleet, Spot Fleet or ASG request, in JSON or in the AWS CLI's YAML, is
/// recognised by its keys).
pub fn read(label: &str, text: &str) -> Result<FleetRequest, RequestError> {
    read_with(label, text, &ReadOptions::default())
}

fn looks_like_toml(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| {
            l.starts_with('[') || l.split_once('=').is_some_and(|(k, _)| !k.contains(':'))
        })
}
