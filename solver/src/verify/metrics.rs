//! Rule section 9: every metric of the plan recomputed from its allocations, the request and the
//! catalogue (the failure-domain losses by plain sums, not through the planners' graph) and
//! compared within the tolerance.

use std::collections::BTreeMap;

use fleetopt_instances::Market;

use super::describe::num;
use super::plan_facts::pool_id;
use super::tolerance::{at_most, close};
use super::{Check, Verifier};
use crate::plan::{Allocation, RiskAxis};
use crate::request::Mode;

impl<'a> Verifier<'a> {
    pub(super) fn check_metrics(&mut self) {
        let m = &self.plan.metrics;
        let allocations = self.allocations();
        let target = self.request.target.capacity;
        let capacity = self.total_capacity();
        let cost: f64 = allocations.iter().map(Allocation::cost_per_hour).sum();
        let mut vcpus: u64 = 0;
        let mut interruptions = 0.0;
        for a in allocations {
            if let Some(t) = self.catalog.instance_type(a.instance_type.as_str()) {
                vcpus = vcpus.saturating_add(u64::from(a.count).saturating_mul(u64::from(t.vcpus)));
            }
            if let Some(region) = self.region
                && let Some(pool) = self.catalogue_pool(
                    region,
                    a.market,
                    a.availability_zone_id.as_str(),
                    a.instance_type.as_str(),
                )
            {
                interruptions += f64::from(a.count) * self.request.risk.hazard.pool_hazard(pool);
            }
        }
        let instances: u64 = allocations.iter().map(|a| u64::from(a.count)).sum();
        let by_pool = self.capacity_by(pool_id);
        let by_type = self.capacity_by(|a| a.instance_type.as_str());
        let by_zone = self.capacity_by(|a| a.availability_zone_id.as_str());
        let worst = |sums: Vec<f64>| {
            // Largest capacity in one failure domain (NaN wins, so it cannot hide), ÷ target.
            sums.into_iter()
                .reduce(|x, y| if y > x || y.is_nan() { y } else { x })
                .map_or(0.0, |largest| largest / target)
        };
        let mut risks = vec![
            (RiskAxis::ExpectedInterruptionsPerHour, interruptions),
            (
                RiskAxis::WorstPoolLoss,
                worst(by_pool.values().copied().collect()),
            ),
            (
                RiskAxis::WorstTypeLoss,
                worst(by_type.values().copied().collect()),
            ),
            (
                RiskAxis::WorstAzLoss,
                worst(by_zone.values().copied().collect()),
            ),
        ];
        let mut floats: Vec<(&str, f64, f64)> = vec![
            ("capacity", m.capacity, capacity),
            ("target", m.target, target),
            ("overshoot", m.overshoot, capacity - target),
            ("cost_per_hour", m.cost_per_hour, cost),
        ];
        if vcpus > 0 {
            floats.push((
                "cost_per_vcpu_hour",
                m.cost_per_vcpu_hour,
                cost / vcpus as f64,
            ));
        }
        floats.extend([
            (
                "spot_capacity",
                m.spot_capacity,
                self.market_capacity(Market::Spot),
            ),
            (
                "on_demand_capacity",
                m.on_demand_capacity,
                self.market_capacity(Market::OnDemand),
            ),
            (
                "on_demand_target",
                m.on_demand_target,
                self.on_demand_target(),
            ),
            (
                "expected_interruptions_per_hour",
                m.expected_interruptions_per_hour,
                interruptions,
            ),
            (
                "worst_pool_loss",
                m.worst_pool_loss,
                worst(by_pool.values().copied().collect()),
            ),
            (
                "worst_type_loss",
                m.worst_type_loss,
                worst(by_type.values().copied().collect()),
            ),
            (
                "worst_az_loss",
                m.worst_az_loss,
                worst(by_zone.values().copied().collect()),
            ),
        ]);
        // Placement domains: a group's racks in one AZ, and one partition of it.
        let in_group: Vec<&Allocation> = allocations
            .iter()
            .filter(|a| a.placement.is_some())
            .collect();
        let mut by_group: BTreeMap<(&str, &str), f64> = BTreeMap::new();
        let mut by_partition: BTreeMap<(&str, &str, u32), f64> = BTreeMap::new();
        for a in &in_group {
            if let Some(slot) = &a.placement {
                let zone = a.availability_zone_id.as_str();
                *by_group.entry((slot.group.as_str(), zone)).or_insert(0.0) += a.capacity;
                if let Some(partition) = slot.partition {
                    *by_partition
                        .entry((slot.group.as_str(), zone, partition))
                        .or_insert(0.0) += a.capacity;
                }
            }
        }
        let group_sums: Vec<f64> = by_group.values().copied().collect();
        let partition_sums: Vec<f64> = by_partition.values().copied().collect();
        for (axis, sums) in [
            (RiskAxis::WorstGroupLoss, &group_sums),
            (RiskAxis::WorstPartitionLoss, &partition_sums),
        ] {
            if !sums.is_empty() {
                risks.push((axis, worst(sums.clone())));
            }
        }
        self.check_risk_caps(&risks);
        let optional: [(&str, Option<f64>, Vec<f64>); 2] = [
            ("worst_group_loss", m.worst_group_loss, group_sums),
            (
                "worst_partition_loss",
                m.worst_partition_loss,
                partition_sums,
            ),
        ];
        for (field, stated, sums) in optional {
            match (stated, sums.is_empty()) {
                (None, true) => {}
                (Some(stated), false) => floats.push((field, stated, worst(sums))),
                (Some(_), true) => {
                    let message =
                        format!("metrics.{field} is given but the plan has no such domain");
                    self.push(Check::Metrics, message);
                }
                // The placement metrics are optional extras: a plan may leave them out.
                (None, false) => {}
            }
        }
        let counts: [(&str, u64, u64); 5] = [
            ("instances", u64::from(m.instances), instances),
            ("vcpus", m.vcpus, vcpus),
            ("pools", u64::from(m.pools), by_pool.len() as u64),
            ("types", u64::from(m.types), by_type.len() as u64),
            ("azs", u64::from(m.azs), by_zone.len() as u64),
        ];
        if m.unit != self.request.target.unit {
            let message = format!(
                "metrics.unit is {} but the request's unit is {}",
                m.unit, self.request.target.unit
            );
            self.push(Check::Metrics, message);
        }
        for (field, stated, actual) in floats {
            if !close(stated, actual) {
                let source = if matches!(field, "target" | "on_demand_target") {
                    "the request gives"
                } else {
                    "the allocations give"
                };
                let message = format!(
                    "metrics.{field} is {} but {source} {}",
                    num(stated),
                    num(actual)
                );
                self.push(Check::Metrics, message);
            }
        }
        for (field, stated, actual) in counts {
            if stated != actual {
                let message =
                    format!("metrics.{field} is {stated} but the allocations give {actual}");
                self.push(Check::Metrics, message);
            }
        }
    }

    /// The risk caps an optimal plan is held to, on the recomputed risks: the request's
    /// `max_expected_interruptions_per_hour` (hard in optimal mode; aws mode notes it) and every
    /// cap of the plan's own `as_safe_as` statement (its limit, relaxed or not, never below the
    /// reference value unless relaxed).
    fn check_risk_caps(&mut self, risks: &[(RiskAxis, f64)]) {
        let interruptions = risks[0].1;
        if self.request.mode == Mode::Optimal
            && let Some(cap) = self.request.constraints.max_expected_interruptions_per_hour
            && !at_most(interruptions, cap)
        {
            let message = format!(
                "expected interruptions per hour {} exceed constraints.max_expected_interruptions_per_hour {}",
                num(interruptions),
                num(cap)
            );
            self.push(Check::Shape, message);
        }
        let Some(anchor) = &self.plan.as_safe_as else {
            return;
        };
        let mut messages = Vec::new();
        for cap in &anchor.caps {
            let Some(&(_, value)) = risks.iter().find(|(axis, _)| *axis == cap.axis) else {
                continue;
            };
            if !cap.relaxed && !close(cap.limit, cap.reference) {
                messages.push(format!(
                    "as_safe_as: the {} cap {} differs from the reference value {} but is not marked relaxed",
                    cap.axis.as_str(),
                    num(cap.limit),
                    num(cap.reference)
                ));
            }
            if !at_most(value, cap.limit) {
                messages.push(format!(
                    "as_safe_as: {} is {}, above the plan's own cap {}",
                    cap.axis.as_str(),
                    num(value),
                    num(cap.limit)
                ));
            }
        }
        for message in messages {
            self.push(Check::Metrics, message);
        }
    }
}
