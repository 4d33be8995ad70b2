//! The answer: a plan (instances per pool) and its metrics, in the stable `fleetopt.plan/v1`
//! JSON shape of DESIGN §14.
//!
//! Field order here is the serialised order and is part of the contract. Allocations are sorted
//! by (market, availability_zone_id, instance_type, group, partition).
//!
//! [`read`] is the one reader of plan JSON, for every command that takes a plan file (`verify`,
//! `export`, `simulate`): it checks the shape and the `schema` tag, and its errors name the file
//! and the JSON path.

use fleetopt_instances::{Market, RegionName, TypeName, ZoneId};
use serde::{Deserialize, Serialize};

use crate::error::{Classified, ErrorClass};
use crate::request::{CapacityUnit, Mode, OnDemandStrategy, SafetyReference, SpotStrategy};

/// The schema tag of plan JSON.
pub const PLAN_SCHEMA: &str = "fleetopt.plan/v1";

/// Why a text is not a usable plan.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The text is not plan JSON: a syntax error, or a field missing or of the wrong type. At the
    /// document root this is usually another kind of file (a request, a catalogue), so the
    /// message says how a plan is made.
    #[error(
        "{file}: at {path}: not a {PLAN_SCHEMA} plan{hint}: {source}",
        hint = if path == "." { " (write one with `fleetopt solve --format json`)" } else { "" }
    )]
    NotAPlan {
        /// The file (or label) read.
        file: String,
        /// The JSON path of the problem (`allocations[3].count`; `.` for the root).
        path: String,
        /// What the JSON parser found.
        source: serde_json::Error,
    },
    /// A JSON object of the plan names a key twice.
    #[error(
        "{file}: at {} (line {}, column {}): {duplicate}",
        duplicate.path,
        duplicate.line,
        duplicate.column
    )]
    DuplicateKey {
        /// The file (or label) read.
        file: String,
        /// The repeated key.
        duplicate: fleetopt_instances::json::DuplicateKey,
    },
    /// The `schema` tag is another version's (or another document's).
    #[error("{file}: at schema: expected \"{PLAN_SCHEMA}\", found \"{found}\"")]
    Schema {
        /// The file (or label) read.
        file: String,
        /// The tag the file carries.
        found: String,
    },
}

impl PlanError {
    /// Every plan that does not read is the user's input.
    pub fn class(&self) -> ErrorClass {
        ErrorClass::Input
    }
}

impl Classified for PlanError {
    fn class(&self) -> ErrorClass {
        PlanError::class(self)
    }
}

/// Reads a `fleetopt.plan/v1` JSON document; `label` names the file in errors.
///
/// ```
/// use fleetopt_solver::plan::{self, PlanError};
///
/// let error = plan::read("fleet.json", r#"{"schema": "fleetopt.plan/v1"}"#).unwrap_err();
/// assert!(matches!(error, PlanError::NotAPlan { .. }));
/// assert!(error.to_string().starts_with("fleet.json: at .: not a fleetopt.plan/v1 plan"));
/// ```
pub fn read(label: &str, text: &str) -> Result<Plan, PlanError> {
    if let Some(duplicate) = fleetopt_instances::json::find_duplicate_key(text) {
        return Err(PlanError::DuplicateKey {
            file: label.to_owned(),
            duplicate,
        });
    }
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    let plan: Plan = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        PlanError::NotAPlan {
            file: label.to_owned(),
            path,
            source: e.into_inner(),
        }
    })?;
    if plan.schema != PLAN_SCHEMA {
        return Err(PlanError::Schema {
            file: label.to_owned(),
            found: plan.schema,
        });
    }
    Ok(plan)
}

/// A fleet plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Always [`PLAN_SCHEMA`].
    pub schema: String,
    /// How the plan was made.
    pub mode: Mode,
    /// Region.
    pub region: RegionName,
    /// Strategies the plan answers.
    pub strategy: StrategyUsed,
    /// Instances per pool (and placement slot), sorted.
    pub allocations: Vec<Allocation>,
    /// Totals and risk.
    pub metrics: Metrics,
    /// How the optimal-mode solver finished (absent in aws mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolverReport>,
    /// The plan an optimal plan was held to be at least as safe as (`constraints.as_safe_as`),
    /// axis by axis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_safe_as: Option<SafetyAnchor>,
    /// Why the plan stops short of the target, when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<Shortfall>,
    /// The cost split by capacity already paid for, and each commitment's use (requests that
    /// carry commitments only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitments: Option<crate::commitments::CommitmentReport>,
    /// `dedicated` when the plan is of Dedicated Instances at Dedicated prices; absent for
    /// shared tenancy.
    #[serde(
        default,
        skip_serializing_if = "fleetopt_instances::Tenancy::is_default"
    )]
    pub tenancy: fleetopt_instances::Tenancy,
    /// Facts the reader should know (assumptions, request constraints AWS cannot express).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The strategies a plan was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrategyUsed {
    /// Spot allocation strategy.
    pub spot: SpotStrategy,
    /// On-Demand allocation strategy.
    pub on_demand: OnDemandStrategy,
}

/// Instances in one pool (and placement slot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    /// Instance type.
    pub instance_type: TypeName,
    /// AZ ID.
    pub availability_zone_id: ZoneId,
    /// Spot or On-Demand.
    pub market: Market,
    /// Number of instances (≥ 1).
    pub count: u32,
    /// Units per instance in the request's unit.
    pub weight: f64,
    /// count × weight.
    pub capacity: f64,
    /// USD per instance-hour.
    pub price_per_hour: f64,
    /// Placement slot, when the request asks for a placement group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<PlacementSlot>,
}

impl Allocation {
    /// USD/hour of the whole allocation.
    pub fn cost_per_hour(&self) -> f64 {
        f64::from(self.count) * self.price_per_hour
    }
}

/// A placement-group slot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PlacementSlot {
    /// Group name (`pg-1`).
    pub group: String,
    /// Partition number (partition groups only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<u32>,
}

/// Plan-wide numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Delivered capacity.
    pub capacity: f64,
    /// Requested capacity.
    pub target: f64,
    /// Unit of both.
    pub unit: CapacityUnit,
    /// capacity − target (may be negative when a budget or availability stopped the plan).
    pub overshoot: f64,
    /// USD/hour.
    pub cost_per_hour: f64,
    /// USD per vCPU-hour.
    pub cost_per_vcpu_hour: f64,
    /// Spot capacity delivered.
    pub spot_capacity: f64,
    /// On-Demand capacity delivered.
    pub on_demand_capacity: f64,
    /// The On-Demand part the request asked for.
    pub on_demand_target: f64,
    /// Instances.
    pub instances: u32,
    /// vCPUs.
    pub vcpus: u64,
    /// Pools used.
    pub pools: u32,
    /// Instance types used.
    pub types: u32,
    /// AZs used.
    pub azs: u32,
    /// Expected spot interruptions per hour (Σ count × hazard).
    pub expected_interruptions_per_hour: f64,
    /// Largest capacity lost if any one pool fails, as a share of target.
    pub worst_pool_loss: f64,
    /// Largest capacity lost if any one instance type fails, as a share of target.
    pub worst_type_loss: f64,
    /// Largest capacity lost if any one AZ fails, as a share of target.
    pub worst_az_loss: f64,
    /// Largest capacity lost if any one placement group's racks in one AZ fail, as a share of
    /// target (plans with placement slots only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst_group_loss: Option<f64>,
    /// Largest capacity lost if any one partition fails, as a share of target (partition
    /// placement only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst_partition_loss: Option<f64>,
}

/// What an optimal plan was held to: at least as safe as a reference plan on every risk axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SafetyAnchor {
    /// The reference (`aws`: the aws-mode plan for the same request and strategy).
    pub reference: SafetyReference,
    /// The reference plan's cost, USD/hour.
    pub reference_cost_per_hour: f64,
    /// The reference plan's new spend, USD/hour, when the request carries commitments: what
    /// the optimal plan's new spend is at most (its list cost may be higher, spent on capacity
    /// already paid for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_new_spend_per_hour: Option<f64>,
    /// One cap per risk axis, in the unit of the plan metric of the same name.
    pub caps: Vec<RiskCap>,
}

/// One risk axis of a [`SafetyAnchor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskCap {
    /// The metric (`expected_interruptions_per_hour`, `worst_pool_loss`, `worst_type_loss`,
    /// `worst_az_loss`, and under placement `worst_group_loss`, `worst_partition_loss`).
    pub axis: RiskAxis,
    /// The reference plan's value.
    pub reference: f64,
    /// The cap the plan was held to: the reference value, or more when the request's own
    /// constraints leave no plan within it (then `relaxed` is true).
    pub limit: f64,
    /// Whether the cap had to be relaxed above the reference value.
    pub relaxed: bool,
}

/// A risk axis a plan reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskAxis {
    /// Expected spot interruptions per hour.
    ExpectedInterruptionsPerHour,
    /// Largest share of the target in one pool.
    WorstPoolLoss,
    /// Largest share of the target in one instance type.
    WorstTypeLoss,
    /// Largest share of the target in one AZ.
    WorstAzLoss,
    /// Largest share of the target in one placement group's racks in one AZ (plans with
    /// placement slots only).
    WorstGroupLoss,
    /// Largest share of the target in one partition (partition placement only).
    WorstPartitionLoss,
}

impl RiskAxis {
    /// Every axis, in the order plans and tables list them.
    pub const ALL: [RiskAxis; 6] = [
        RiskAxis::ExpectedInterruptionsPerHour,
        RiskAxis::WorstPoolLoss,
        RiskAxis::WorstTypeLoss,
        RiskAxis::WorstAzLoss,
        RiskAxis::WorstGroupLoss,
        RiskAxis::WorstPartitionLoss,
    ];

    /// The metric's name.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskAxis::ExpectedInterruptionsPerHour => "expected_interruptions_per_hour",
            RiskAxis::WorstPoolLoss => "worst_pool_loss",
            RiskAxis::WorstTypeLoss => "worst_type_loss",
            RiskAxis::WorstAzLoss => "worst_az_loss",
            RiskAxis::WorstGroupLoss => "worst_group_loss",
            RiskAxis::WorstPartitionLoss => "worst_partition_loss",
        }
    }

    /// The plan's value on this axis; `None` for a placement axis the plan has no domain of
    /// (no placement slots, or no partitions).
    pub fn of(self, metrics: &Metrics) -> Option<f64> {
        match self {
            RiskAxis::ExpectedInterruptionsPerHour => Some(metrics.expected_interruptions_per_hour),
            RiskAxis::WorstPoolLoss => Some(metrics.worst_pool_loss),
            RiskAxis::WorstTypeLoss => Some(metrics.worst_type_loss),
            RiskAxis::WorstAzLoss => Some(metrics.worst_az_loss),
            RiskAxis::WorstGroupLoss => metrics.worst_group_loss,
            RiskAxis::WorstPartitionLoss => metrics.worst_partition_loss,
        }
    }
}

/// How an optimal-mode solve finished (DESIGN §5, §14).
///
/// `objective`, `bound` and `gap` describe the last lexicographic stage (for every strategy but
/// `priceCapacityOptimized` that is USD/hour); `stages` lists each stage in order.
/// `seconds` is wall-clock time and the only non-deterministic field: see
/// [`Plan::without_timing`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolverReport {
    /// `optimal`, `gap_limit` (stopped within the requested MIP gap) or `time_limit`.
    pub status: SolverStatus,
    /// Objective value of the last stage.
    pub objective: f64,
    /// Best proven bound on that objective.
    pub bound: f64,
    /// Relative gap |objective − bound| ÷ max(|objective|, 1e-9); 0 when proven optimal.
    pub gap: f64,
    /// Wall-clock seconds of the whole solve (every stage).
    pub seconds: f64,
    /// Every lexicographic stage, in solve order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<StageReport>,
}

/// One lexicographic stage of an optimal solve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageReport {
    /// What the stage minimised (`cost_per_hour`, `expected_interruptions_per_hour`, …).
    pub objective_name: String,
    /// How the stage finished.
    pub status: SolverStatus,
    /// Objective value found.
    pub objective: f64,
    /// Best proven bound.
    pub bound: f64,
}

/// How a MIP solve finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolverStatus {
    /// Proven optimal.
    Optimal,
    /// Stopped within the requested relative MIP gap.
    GapLimit,
    /// Stopped by the time limit with a feasible plan; see the gap.
    TimeLimit,
}

impl SolverStatus {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SolverStatus::Optimal => "optimal",
            SolverStatus::GapLimit => "gap_limit",
            SolverStatus::TimeLimit => "time_limit",
        }
    }
}

impl Plan {
    /// What the plan adds to the bill, USD/hour: its cost less what commitments already pay
    /// for ([`CommitmentReport::new_spend_per_hour`](crate::commitments::CommitmentReport)),
    /// the whole cost without commitments. What compare's saving and optimal mode's dominance
    /// over the aws-mode plan are measured in.
    pub fn new_spend_per_hour(&self) -> f64 {
        self.commitments
            .as_ref()
            .map_or(self.metrics.cost_per_hour, |c| c.new_spend_per_hour)
    }

    /// The plan with its solver time set to 0, so equal inputs give equal bytes (for snapshots,
    /// caches and diffs). Everything else in a plan is deterministic already.
    pub fn without_timing(mut self) -> Plan {
        if let Some(report) = &mut self.solver {
            report.seconds = 0.0;
        }
        self
    }
}

/// Why a plan delivers less than asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Shortfall {
    /// A `max_total_price` stopped launching: the next instance would have exceeded it.
    Budget {
        /// Which market's budget.
        market: Market,
        /// The budget, USD/hour.
        max_total_price: f64,
    },
    /// Every eligible pool is at its available-instance estimate.
    Availability {
        /// Which market ran out.
        market: Market,
    },
    /// No pool is eligible for a market that has a target (e.g. every spot price is above
    /// the max price).
    NoEligiblePool {
        /// Which market.
        market: Market,
    },
    /// Every AZ with an eligible pool holds what a fixed number of spread groups allows (EC2's
    /// 7 running instances per AZ per group, both markets together).
    SpreadLimit {
        /// Which market fell short.
        market: Market,
        /// The instances one AZ may hold: 7 × the request's spread groups.
        per_az: u32,
    },
    /// `capacity-reservations-only`: every pool with unused open Capacity Reservations holds
    /// what its reservations hold (or its available-instance estimate), and On-Demand may
    /// launch nowhere else.
    Reservations {
        /// The market (On-Demand).
        market: Market,
    },
    /// An instant fleet's `MinTargetCapacity` (all or nothing) is not reached in this market,
    /// so AWS launches no instances at all and the plan holds none.
    MinTargetCapacity {
        /// The market whose minimum is not reached.
        market: Market,
        /// The minimum, in the target's unit.
        min_target_capacity: f64,
        /// What the market would have reached, in the target's unit.
        reached: f64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = include_str!("../../fixtures/plans/prioritized.json");

    #[test]
    fn a_plan_file_reads() {
        let plan = read("prioritized.json", PLAN).unwrap();
        assert_eq!(plan.schema, PLAN_SCHEMA);
        assert_eq!(plan.allocations.len(), 2);
    }

    #[test]
    fn another_schema_is_refused_at_its_field() {
        let text = PLAN.replacen(PLAN_SCHEMA, "fleetopt.plan/v0", 1);
        let error = read("old.json", &text).unwrap_err();
        assert_eq!(
            error.to_string(),
            "old.json: at schema: expected \"fleetopt.plan/v1\", found \"fleetopt.plan/v0\""
        );
        assert_eq!(error.class(), ErrorClass::Input);
    }

    #[test]
    fn shape_errors_name_the_json_path_and_only_the_root_gets_the_hint() {
        let text = PLAN.replacen("\"count\": 4", "\"count\": \"four\"", 1);
        let error = read("broken.json", &text).unwrap_err().to_string();
        assert!(
            error.starts_with(
                "broken.json: at allocations[0].count: not a fleetopt.plan/v1 plan: invalid type"
            ),
            "{error}"
        );
        let error = read("request.json", "7").unwrap_err().to_string();
        assert!(
            error.starts_with(
                "request.json: at .: not a fleetopt.plan/v1 plan (write one with `fleetopt solve \
                 --format json`): invalid type: integer `7`"
            ),
            "{error}"
        );
    }
}
