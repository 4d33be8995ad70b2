//! Rule section 7: the shape constraints (shares, pool and type counts, single AZ / type, AZ-loss
//! survival, overshoot) — hard in optimal mode; in aws mode hard per market for single AZ /
//! type, and otherwise breakable only with a plan note naming the constraint.

use std::collections::BTreeSet;

use fleetopt_instances::Market;

use super::describe::{list, num, pool_name};
use super::plan_facts::pool_id;
use super::tolerance::{at_least, at_most};
use super::{Check, Verifier};
use crate::plan::Allocation;
use crate::request::Mode;

impl<'a> Verifier<'a> {
    /// Every breach of the shape constraints, as (constraint name, description), in field order.
    fn shape_breaches(&self) -> Vec<(&'static str, String)> {
        let c = &self.request.constraints;
        let target = self.request.target.capacity;
        let mut breaches = Vec::new();
        let share_breaches =
            |name: &'static str,
             share: Option<f64>,
             sums: Vec<(String, f64)>,
             breaches: &mut Vec<(&'static str, String)>| {
                let Some(share) = share else { return };
                let limit = share * target;
                for (what, capacity) in sums {
                    if !at_most(capacity, limit) {
                        breaches.push((
                            name,
                            format!(
                                "{name} {}: {what} holds {}, above {} × target {} = {}",
                                num(share),
                                num(capacity),
                                num(share),
                                num(target),
                                num(limit)
                            ),
                        ));
                    }
                }
            };
        let by_pool = self.capacity_by(pool_id);
        let by_type = self.capacity_by(|a| a.instance_type.as_str());
        let by_zone = self.capacity_by(|a| a.availability_zone_id.as_str());
        share_breaches(
            "max_pool_share",
            c.max_pool_share,
            by_pool
                .iter()
                .map(|(id, cap)| (pool_name(*id), *cap))
                .collect(),
            &mut breaches,
        );
        share_breaches(
            "max_type_share",
            c.max_type_share,
            by_type
                .iter()
                .map(|(t, cap)| (format!("type {t}"), *cap))
                .collect(),
            &mut breaches,
        );
        share_breaches(
            "max_az_share",
            c.max_az_share,
            by_zone
                .iter()
                .map(|(z, cap)| (z.to_string(), *cap))
                .collect(),
            &mut breaches,
        );
        if let Some(min) = c.min_pools
            && by_pool.len() < min as usize
        {
            breaches.push((
                "min_pools",
                format!("min_pools {min}: the plan uses {} pools", by_pool.len()),
            ));
        }
        if let Some(max) = c.max_types
            && by_type.len() > max as usize
        {
            breaches.push((
                "max_types",
                format!(
                    "max_types {max}: the plan uses {} types ({})",
                    by_type.len(),
                    list(by_type.keys())
                ),
            ));
        }
        // Optimal mode: the whole fleet. Aws mode: each market, as AWS applies
        // SingleAvailabilityZone / SingleInstanceType to its spot and On-Demand options
        // separately; the fleet as a whole is then a soft constraint that must be noted.
        let scopes: &[(Option<Market>, &str)] = match self.request.mode {
            Mode::Optimal => &[(None, "the plan")],
            Mode::Aws => &[
                (Some(Market::OnDemand), "the on-demand part"),
                (Some(Market::Spot), "the spot part"),
                (None, "the plan"),
            ],
        };
        for &(market, scope) in scopes {
            let hard = market.is_some() || self.request.mode == Mode::Optimal;
            let of_scope = |a: &&Allocation| market.is_none_or(|m| a.market == m);
            let zones: BTreeSet<&str> = self
                .allocations()
                .iter()
                .filter(of_scope)
                .map(|a| a.availability_zone_id.as_str())
                .collect();
            let types: BTreeSet<&str> = self
                .allocations()
                .iter()
                .filter(of_scope)
                .map(|a| a.instance_type.as_str())
                .collect();
            if c.single_az && zones.len() > 1 {
                breaches.push((
                    if hard {
                        "single_az"
                    } else {
                        "fleet-wide single_az"
                    },
                    format!(
                        "single_az: {scope} uses {} azs ({})",
                        zones.len(),
                        list(&zones)
                    ),
                ));
            }
            if c.single_type && types.len() > 1 {
                breaches.push((
                    if hard {
                        "single_type"
                    } else {
                        "fleet-wide single_type"
                    },
                    format!(
                        "single_type: {scope} uses {} types ({})",
                        types.len(),
                        list(&types)
                    ),
                ));
            }
        }
        if let Some(share) = c.survive_az_loss {
            let total = self.total_capacity();
            let needed = share * target;
            let mut zones: BTreeSet<String> = by_zone.keys().map(|z| z.to_string()).collect();
            if let Some(region) = self.region {
                match self.allowed_zones(region) {
                    Some(allowed) => zones.extend(allowed.iter().map(|z| z.to_string())),
                    None => zones.extend(region.zones().map(|z| z.id.to_string())),
                }
            }
            for zone in zones {
                let lost = by_zone.get(zone.as_str()).copied().unwrap_or(0.0);
                let left = total - lost;
                if !at_least(left, needed) {
                    breaches.push((
                        "survive_az_loss",
                        format!(
                            "survive_az_loss {}: losing {zone} leaves {}, below {} × target {} = {}",
                            num(share),
                            num(left),
                            num(share),
                            num(target),
                            num(needed)
                        ),
                    ));
                }
            }
        }
        if let Some(max) = c.max_overshoot {
            let overshoot = self.total_capacity() - target;
            if !at_most(overshoot, max) {
                breaches.push((
                    "max_overshoot",
                    format!(
                        "max_overshoot {}: capacity {} exceeds target {} by {}",
                        num(max),
                        num(self.total_capacity()),
                        num(target),
                        num(overshoot)
                    ),
                ));
            }
        }
        breaches
    }

    pub(super) fn check_shape(&mut self) {
        let breaches = self.shape_breaches();
        match self.request.mode {
            Mode::Optimal => {
                for (_, message) in breaches {
                    self.push(Check::Shape, message);
                }
            }
            Mode::Aws => {
                // AWS can express single AZ / single type per market; the rest it cannot, so
                // the plan must say (in a note naming the constraint) that it breaks them.
                let mut reported = BTreeSet::new();
                for (key, message) in breaches {
                    // A fleet-wide single_az / single_type breach must be noted by its name.
                    let name = key.trim_start_matches("fleet-wide ");
                    if matches!(key, "single_az" | "single_type") {
                        self.push(Check::Shape, message);
                    } else if !self.plan.notes.iter().any(|n| n.contains(name))
                        && reported.insert(key)
                    {
                        self.push(
                            Check::Shape,
                            format!("{message}; aws mode cannot enforce it, but no plan note mentions {name}"),
                        );
                    }
                }
            }
        }
    }
}
