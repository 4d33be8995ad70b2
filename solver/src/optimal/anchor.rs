//! The safety anchor: risk caps an optimal plan must keep, taken from the plan EC2 would hand
//! you (the aws-mode plan for the same request), and their relaxation when the request's own
//! constraints leave no plan within them.
//!
//! # Caps
//! From the reference plan `A` with target `T` ([`RiskCaps::of_plan`]):
//! - `H = Σ_A count × hazard` (expected interruptions per hour): a row `Σ_P h_p x_p ≤ H`;
//! - `L_pool = worst_pool_loss(A) × T`: a column bound `x_p ≤ ⌊L_pool ÷ w_p⌋` on every pool;
//! - `L_type = worst_type_loss(A) × T`: a row `Σ_{P_k} w_p x_p ≤ L_type` per type `k`;
//! - `L_az = worst_az_loss(A) × T`: a row `Σ_{P_z} w_p x_p ≤ L_az` per AZ `z`;
//! - under placement, `L_group = worst_group_loss(A) × T` and `L_part = worst_partition_loss(A) ×
//!   T`: rows on the capacity of each placement slot ([`super::rows::placement_caps`]: a
//!   cluster or partition group's racks in one AZ are the AZ's capacity; spread groups and
//!   partitions get slot columns).
//!
//! Each is exactly the plan metric of the same name (the metrics count both markets; the
//! hazard counts spot only, On-Demand pools having hazard 0), so a plan meeting the caps has
//! every risk metric ≤ `A`'s. A request's own `max_expected_interruptions_per_hour` is a
//! separate, hard row.
//!
//! # Relaxation
//! When the request's constraints and the caps admit no plan (the reference breaks a
//! constraint AWS cannot express — a pool share, AZ-loss survival — or falls short of the
//! target), each axis gets one non-negative slack `σ_a` shared by all its rows (the pool bound
//! becomes the row `w_p x_p ≤ L_pool + σ_pool`), and the model minimises `Σ_a σ_a ÷ cap_a` with
//! every request constraint hard. The caps in force are then `cap_a + σ_a`: every cap the
//! request allows is kept exactly, and a relaxed one is loosened by the least relative amount
//! the request forces. The plan's [`SafetyAnchor`] states each cap, the reference value and
//! whether it was relaxed.

use crate::plan::{Plan, RiskAxis, RiskCap, SafetyAnchor};
use crate::request::SafetyReference;
use crate::tolerance;

/// The caps in force, in model units: interruptions per hour, capacity for the losses.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct RiskCaps {
    /// `Σ h_p x_p ≤` this.
    pub hazard: Option<f64>,
    /// `w_p x_p ≤` this, every pool.
    pub pool: Option<f64>,
    /// `Σ_{P_k} w_p x_p ≤` this, every type.
    pub type_capacity: Option<f64>,
    /// `Σ_{P_z} w_p x_p ≤` this, every AZ.
    pub az: Option<f64>,
    /// The capacity of one placement group's racks in one AZ ≤ this.
    pub group: Option<f64>,
    /// The capacity of one partition ≤ this.
    pub partition: Option<f64>,
}

/// How many risk axes there are ([`RiskAxis::ALL`]): the length of per-axis arrays.
pub(crate) const AXES: usize = RiskAxis::ALL.len();

impl RiskCaps {
    /// The caps of a reference plan (see the module docs).
    pub(crate) fn of_plan(reference: &Plan) -> RiskCaps {
        let m = &reference.metrics;
        let target = m.target;
        RiskCaps {
            hazard: Some(m.expected_interruptions_per_hour),
            pool: Some(m.worst_pool_loss * target),
            type_capacity: Some(m.worst_type_loss * target),
            az: Some(m.worst_az_loss * target),
            group: m.worst_group_loss.map(|loss| loss * target),
            partition: m.worst_partition_loss.map(|loss| loss * target),
        }
    }

    /// Whether any cap is set.
    pub(crate) fn any(&self) -> bool {
        self.hazard.is_some()
            || self.pool.is_some()
            || self.type_capacity.is_some()
            || self.az.is_some()
            || self.group.is_some()
            || self.partition.is_some()
    }

    /// The cap of one axis.
    pub(crate) fn get(&self, axis: RiskAxis) -> Option<f64> {
        match axis {
            RiskAxis::ExpectedInterruptionsPerHour => self.hazard,
            RiskAxis::WorstPoolLoss => self.pool,
            RiskAxis::WorstTypeLoss => self.type_capacity,
            RiskAxis::WorstAzLoss => self.az,
            RiskAxis::WorstGroupLoss => self.group,
            RiskAxis::WorstPartitionLoss => self.partition,
        }
    }

    /// The caps loosened by the slacks of a relaxation, per axis in [`RiskAxis::ALL`] order.
    /// A slack within round-off of 0 keeps its cap exactly.
    pub(crate) fn loosened(&self, slacks: [f64; AXES]) -> RiskCaps {
        let grow = |cap: Option<f64>, slack: f64| {
            cap.map(|c| {
                let scale = c.abs().max(f64::MIN_POSITIVE);
                if slack <= tolerance::ILP_RELAXATION_NOISE * scale.max(1.0) {
                    c
                } else {
                    // A hair above the slack, so the re-solve is not refused by round-off.
                    c + slack * (1.0 + tolerance::ILP_RELAXATION_MARGIN)
                }
            })
        };
        RiskCaps {
            hazard: grow(self.hazard, slacks[0]),
            pool: grow(self.pool, slacks[1]),
            type_capacity: grow(self.type_capacity, slacks[2]),
            az: grow(self.az, slacks[3]),
            group: grow(self.group, slacks[4]),
            partition: grow(self.partition, slacks[5]),
        }
    }
}

/// The plan's statement of its anchor: per axis the reference value, the cap in force, and
/// whether it was relaxed. Losses are reported as shares of the target, like the metrics.
pub(crate) fn statement(
    reference: &Plan,
    reference_caps: &RiskCaps,
    in_force: &RiskCaps,
) -> SafetyAnchor {
    let target = reference.metrics.target;
    let caps = RiskAxis::ALL
        .iter()
        .filter_map(|&axis| {
            let relaxed = in_force.get(axis)? > reference_caps.get(axis)?;
            let reference_value = axis.of(&reference.metrics)?;
            let limit = match (relaxed, axis) {
                (false, _) => reference_value,
                (true, RiskAxis::ExpectedInterruptionsPerHour) => in_force.get(axis)?,
                // Losses are capacities in the model and shares of the target in plans.
                (true, _) => in_force.get(axis)? / target,
            };
            Some(RiskCap {
                axis,
                reference: reference_value,
                limit,
                relaxed,
            })
        })
        .collect();
    SafetyAnchor {
        reference: SafetyReference::Aws,
        reference_cost_per_hour: reference.metrics.cost_per_hour,
        reference_new_spend_per_hour: reference.commitments.as_ref().map(|c| c.new_spend_per_hour),
        caps,
    }
}

/// One note per relaxed cap, saying by how much and why.
pub(crate) fn relaxation_notes(anchor: &SafetyAnchor) -> Vec<String> {
    anchor
        .caps
        .iter()
        .filter(|c| c.relaxed)
        .map(|c| {
            format!(
                "as_safe_as aws: {} relaxed from the aws-mode plan's {} to {}: the request's own constraints leave no plan within it",
                c.axis.as_str(),
                metrics_number(c.reference),
                metrics_number(c.limit),
            )
        })
        .collect()
}

fn metrics_number(x: f64) -> String {
    super::num(x)
}
