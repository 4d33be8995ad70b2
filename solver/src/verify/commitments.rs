//! Rule section 10: capacity already paid for. A plan for a request with commitments reports
//! each of them in order with what it could cover and what it covers; the cost splits into
//! committed, new On-Demand and Spot; the coverage is the most the commitments allow, recomputed
//! here in closed form rather than by the planner's greedy; and under
//! `capacity-reservations-only` no On-Demand pool holds more than its open reservations.
//!
//! The closed form, per instance type `t` with On-Demand counts `n_p` and prices `c_p` in its
//! pools: pool commitments (reservations, zonal RIs) with `R_p` instances cover
//! `min(n_p, R_p)` in their pool; the regional RIs of `t`, `K_t` instances in all, then cover
//! the `K_t` dearest of the instances left. Which commitments are applicable is the request's
//! fact (`commitments::not_applicable`), as the On-Demand part is.

use std::collections::BTreeMap;

use fleetopt_instances::{Market, Region};

use super::describe::num;
use super::tolerance::close;
use super::{Check, Verifier};
use crate::commitments::{self, CommitmentKind, ReservationPreference};
use fleetopt_instances::commitments::SavingsPlanType;

/// Per (type, AZ ID): On-Demand instances and their price.
type OnDemandPools<'p> = BTreeMap<(&'p str, &'p str), (u64, f64)>;

/// Per (type, AZ ID): instance-hours still at On-Demand rates, and their price.
type Uncovered<'p> = BTreeMap<(&'p str, &'p str), (f64, f64)>;

impl<'a> Verifier<'a> {
    pub(super) fn check_commitments(&mut self) {
        let owned = &self.request.owned;
        let Some(report) = &self.plan.commitments else {
            if !owned.is_empty() {
                self.push(
                    Check::Commitments,
                    "the request carries commitments but the plan reports none",
                );
            }
            return;
        };
        if owned.is_empty() {
            self.push(
                Check::Commitments,
                "the plan reports commitments the request does not carry",
            );
            return;
        }
        let Some(region) = self.region else { return };
        self.check_commitment_entries(region);
        let pools = self.on_demand_pools();
        let on_demand: f64 = pools.values().map(|(n, c)| *n as f64 * c).sum();
        let spot: f64 = self
            .allocations()
            .iter()
            .filter(|a| a.market == Market::Spot)
            .map(|a| f64::from(a.count) * a.price_per_hour)
            .sum();
        let (covered, ri_value, left) = self.best_coverage(region, &pools);
        let value = ri_value + self.check_savings_plans(region, left);
        let claimed: u64 = report.held.iter().map(|u| u64::from(u.used)).sum();
        if claimed != covered {
            let message = format!(
                "the plan's commitments cover {claimed} instance(s) but the most they can cover is {covered}"
            );
            self.push(Check::Commitments, message);
        }
        let figures = [
            ("committed_per_hour", report.committed_per_hour, value),
            (
                "new_on_demand_per_hour",
                report.new_on_demand_per_hour,
                (on_demand - value).max(0.0),
            ),
            ("spot_per_hour", report.spot_per_hour, spot),
            (
                "new_spend_per_hour",
                report.new_spend_per_hour,
                (on_demand - value).max(0.0) + spot,
            ),
        ];
        for (name, stated, expected) in figures {
            if !close(stated, expected) {
                let message = format!(
                    "commitments.{name} is {} but the plan's allocations give {}",
                    num(stated),
                    num(expected)
                );
                self.push(Check::Commitments, message);
            }
        }
        if self.request.on_demand.capacity_reservations == ReservationPreference::Only {
            let reserved = self.reserved_instances(region);
            for ((instance_type, zone), (count, _)) in &pools {
                let held = reserved.get(&(*instance_type, *zone)).copied().unwrap_or(0);
                if *count > held {
                    let message = format!(
                        "capacity-reservations-only: on-demand {instance_type} in {zone} holds {count} instance(s) but its open capacity reservations hold {held}"
                    );
                    self.push(Check::Commitments, message);
                }
            }
        }
    }

    /// Each reported commitment is the request's, in order, with its count, a use within it,
    /// and a reason exactly when it covers nothing of this request.
    fn check_commitment_entries(&mut self, region: &Region) {
        let (Some(report), owned) = (&self.plan.commitments, &self.request.owned) else {
            return;
        };
        if report.held.len() != owned.commitments.len() {
            let message = format!(
                "the plan reports {} commitment(s) but the request carries {}",
                report.held.len(),
                owned.commitments.len()
            );
            self.push(Check::Commitments, message);
            return;
        }
        let mut problems = Vec::new();
        for (i, (u, c)) in report.held.iter().zip(&owned.commitments).enumerate() {
            let at = format!("commitments.held[{i}] ({})", u.id);
            if u.id != c.id || u.kind != c.kind || u.instance_type != c.instance_type {
                problems.push(format!(
                    "{at} is not the request's commitment {} ({} {})",
                    c.id,
                    c.kind.as_str(),
                    c.instance_type
                ));
                continue;
            }
            if u.available != c.count || u.used > u.available || u.unused != u.available - u.used {
                problems.push(format!(
                    "{at}: available {}, used {}, unused {} do not add up to its {} instance(s)",
                    u.available, u.used, u.unused, c.count
                ));
            }
            let reason = commitments::not_applicable(self.request, region, c);
            if reason.is_some() != u.not_applicable.is_some() || (reason.is_some() && u.used > 0) {
                problems.push(format!(
                    "{at}: {} but the plan says {}",
                    reason.map_or("it applies to the request".to_owned(), |r| format!(
                        "it covers nothing ({r})"
                    )),
                    u.not_applicable
                        .as_deref()
                        .map_or(format!("it covers {}", u.used), |r| format!(
                            "it does not apply ({r})"
                        ))
                ));
            }
        }
        for message in problems {
            self.push(Check::Commitments, message);
        }
    }

    /// The plan's On-Demand instances per (type, AZ ID), summed over slots, with the price.
    fn on_demand_pools(&self) -> OnDemandPools<'a> {
        let mut pools: OnDemandPools<'a> = BTreeMap::new();
        for a in self.plan.allocations.iter() {
            if a.market == Market::OnDemand {
                let entry = pools
                    .entry((a.instance_type.as_str(), a.availability_zone_id.as_str()))
                    .or_insert((0, a.price_per_hour));
                entry.0 += u64::from(a.count);
            }
        }
        pools
    }

    /// The most instances the request's applicable commitments can cover among `pools`, and
    /// the list value of the best such coverage (the closed form of the module docs).
    fn best_coverage<'p>(
        &self,
        region: &Region,
        pools: &OnDemandPools<'p>,
    ) -> (u64, f64, Uncovered<'p>) {
        let mut zonal: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut regional: BTreeMap<String, u64> = BTreeMap::new();
        for c in &self.request.owned.commitments {
            if commitments::not_applicable(self.request, region, c).is_some() {
                continue;
            }
            if c.kind == CommitmentKind::RegionalReservedInstance {
                *regional.entry(c.instance_type.to_string()).or_insert(0) += u64::from(c.count);
            } else if let Some(zone) = c
                .zone
                .as_ref()
                .and_then(|z| commitments::zone_in(region, z))
            {
                *zonal
                    .entry((c.instance_type.to_string(), zone.to_string()))
                    .or_insert(0) += u64::from(c.count);
            }
        }
        let mut covered = 0;
        let mut value = 0.0;
        // Per type, the instances pool commitments leave uncovered: (price, count, zone).
        let mut left: BTreeMap<&str, Vec<(f64, u64, &str)>> = BTreeMap::new();
        for ((instance_type, zone), (count, price)) in pools {
            let held = zonal
                .get(&(instance_type.to_string(), zone.to_string()))
                .copied()
                .unwrap_or(0);
            let here = held.min(*count);
            covered += here;
            value += here as f64 * price;
            left.entry(instance_type)
                .or_default()
                .push((*price, count - here, zone));
        }
        let mut uncovered = Uncovered::new();
        for (instance_type, mut rest) in left {
            let mut budget = regional.get(instance_type).copied().unwrap_or(0);
            rest.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (price, count, zone) in rest {
                let take = budget.min(count);
                budget -= take;
                covered += take;
                value += take as f64 * price;
                uncovered.insert((instance_type, zone), ((count - take) as f64, price));
            }
        }
        (covered, value, uncovered)
    }

    /// Applies the request's Savings Plans to the instance-hours `left` after every RI, in
    /// AWS's order (EC2 Instance plans, then Compute plans; within one, the highest savings
    /// percentage first, then the lower rate), checks each plan's reported use, and returns
    /// the list value they cover.
    fn check_savings_plans(&mut self, region: &Region, mut left: Uncovered<'_>) -> f64 {
        let Some(report) = &self.plan.commitments else {
            return 0.0;
        };
        let plans = &self.request.owned.savings_plans;
        if report.savings_plans.len() != plans.len() {
            let message = format!(
                "the plan reports {} Savings Plan(s) but the request carries {}",
                report.savings_plans.len(),
                plans.len()
            );
            self.push(Check::Commitments, message);
            return 0.0;
        }
        let mut order: Vec<usize> = (0..plans.len()).collect();
        order.sort_by_key(|&i| u8::from(plans[i].plan_type != SavingsPlanType::Ec2Instance));
        let mut value = 0.0;
        let mut problems = Vec::new();
        for i in order {
            let (sp, stated) = (&plans[i], &report.savings_plans[i]);
            let reason = commitments::savings_plan_not_applicable(self.request, region, sp);
            let mut budget = if reason.is_some() {
                0.0
            } else {
                sp.commitment_per_hour
            };
            let mut hours = 0.0;
            let mut usages: Vec<(f64, f64, (&str, &str))> = left
                .iter()
                .filter_map(|(&(t, z), &(_, price))| {
                    let key = (
                        region.name().clone(),
                        fleetopt_instances::TypeName::new(t),
                        self.request.platform,
                    );
                    sp.rates.get(&key).map(|&rate| (price, rate, (t, z)))
                })
                .collect();
            usages.sort_by(|a, b| {
                ((b.0 - b.1) / b.0)
                    .total_cmp(&((a.0 - a.1) / a.0))
                    .then(a.1.total_cmp(&b.1))
                    .then(a.2.cmp(&b.2))
            });
            for (price, rate, key) in usages {
                let Some(entry) = left.get_mut(&key) else {
                    continue;
                };
                let take = if rate > 0.0 {
                    entry.0.min(budget / rate)
                } else {
                    entry.0
                };
                if take > 0.0 {
                    entry.0 -= take;
                    budget = (budget - take * rate).max(0.0);
                    hours += take;
                    value += take * price;
                }
            }
            let spent = if reason.is_some() {
                0.0
            } else {
                sp.commitment_per_hour - budget
            };
            if stated.id != sp.id
                || reason.is_some() != stated.not_applicable.is_some()
                || !close(stated.used_per_hour, spent)
                || !close(stated.covered_instance_hours, hours)
            {
                problems.push(format!(
                    "commitments.savings_plans[{i}] ({}) says it uses ${}/h for {} instance-hours; AWS's order gives ${}/h for {}{}",
                    stated.id,
                    num(stated.used_per_hour),
                    num(stated.covered_instance_hours),
                    num(spent),
                    num(hours),
                    reason.map_or(String::new(), |r| format!(" (it covers nothing: {r})"))
                ));
            }
        }
        for message in problems {
            self.push(Check::Commitments, message);
        }
        value
    }

    /// Per (type, AZ ID), the instances the request's applicable open Capacity Reservations
    /// hold.
    pub(super) fn reserved_instances(
        &self,
        region: &'a Region,
    ) -> BTreeMap<(&'a str, &'a str), u64> {
        let mut reserved = BTreeMap::new();
        for c in &self.request.owned.commitments {
            if c.kind != CommitmentKind::CapacityReservation
                || commitments::not_applicable(self.request, region, c).is_some()
            {
                continue;
            }
            let Some(zone) = c
                .zone
                .as_ref()
                .and_then(|z| commitments::zone_in(region, z))
            else {
                continue;
            };
            // Keyed by the region's own zone text, so the borrow outlives this loop.
            let Some(zone) = region.zones().find(|z| z.id == zone).map(|z| z.id.as_str()) else {
                continue;
            };
            *reserved
                .entry((c.instance_type.as_str(), zone))
                .or_insert(0) += u64::from(c.count);
        }
        reserved
    }
}
