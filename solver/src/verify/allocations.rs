//! Rule sections 2–3: each allocation on its own — its pool exists in the catalogue at the
//! catalogue's price, its type is a candidate in an allowed zone, its market is sold and asked
//! for, its weight and capacity are right — the overrides of one unmapped subnet share one AZ, and
//! no pool holds more than its available instances.

use std::collections::{BTreeMap, BTreeSet};

use fleetopt_instances::Market;
use fleetopt_instances::select::{self, wildcard_match};

use super::describe::{label, list, num, pool_name};
use super::tolerance::{PRICE_TOLERANCE, close, le};
use super::{Check, Verifier};
use crate::plan::Allocation;
use crate::request::ZoneRef;

impl<'a> Verifier<'a> {
    pub(super) fn check_allocations(&mut self) {
        let allocations = self.allocations();
        for a in allocations {
            self.check_allocation(a);
        }
        self.check_subnet_zones();
    }

    /// A subnet no mapping resolved (`ZoneRef::Subnet`) is one AZ: the allocations of the types
    /// that only that subnet's overrides admit (no other override, no requirement) lie in one
    /// AZ. Types that other overrides admit too are not attributed to a subnet here.
    fn check_subnet_zones(&mut self) {
        let candidates = &self.request.candidates;
        let mut subnets: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for a in self.plan.allocations.iter() {
            let name = a.instance_type.as_str();
            let mut admitting = candidates
                .overrides
                .iter()
                .filter(|o| wildcard_match(&o.pattern, name))
                .map(|o| match &o.zone {
                    Some(ZoneRef::Subnet(subnet)) => Some(subnet.as_str()),
                    _ => None,
                });
            let Some(Some(subnet)) = admitting.next() else {
                continue;
            };
            let requirements = self.catalog.instance_type(name).is_some_and(|t| {
                candidates
                    .requirements
                    .iter()
                    .any(|r| select::matches(t, r))
            });
            if admitting.all(|other| other == Some(subnet)) && !requirements {
                subnets
                    .entry(subnet)
                    .or_default()
                    .insert(a.availability_zone_id.as_str());
            }
        }
        for (subnet, zones) in subnets {
            if zones.len() > 1 {
                let zones: Vec<&str> = zones.into_iter().collect();
                let message = format!(
                    "subnet {subnet} is one AZ, but the types only its overrides admit are in {}",
                    zones.join(", ")
                );
                self.push(Check::Zone, message);
            }
        }
    }

    fn check_allocation(&mut self, a: &'a Allocation) {
        let name = label(a);
        let zone = a.availability_zone_id.as_str();
        let t = self.catalog.instance_type(a.instance_type.as_str());
        if let Some(region) = self.region {
            match t {
                None => {
                    let message = format!(
                        "{name}: instance type {} is not in the catalogue",
                        a.instance_type
                    );
                    self.push(Check::Pool, message);
                }
                Some(_) => {
                    match self.catalogue_pool(region, a.market, zone, a.instance_type.as_str()) {
                        None => {
                            let message = format!(
                                "{name}: the catalogue has no {} {} pool of {} in {zone} ({})",
                                self.request.platform,
                                a.market,
                                a.instance_type,
                                region.name()
                            );
                            self.push(Check::Pool, message);
                        }
                        Some(pool) => {
                            let delta = (a.price_per_hour - pool.price_per_hour).abs();
                            if !le(delta, PRICE_TOLERANCE) {
                                let message = format!(
                                    "{name}: price {} per hour differs from the catalogue's {}",
                                    num(a.price_per_hour),
                                    num(pool.price_per_hour)
                                );
                                self.push(Check::Price, message);
                            }
                        }
                    }
                }
            }
            if let Some(t) = t {
                if let Some(reason) = self.not_candidate(region, t, zone) {
                    self.push(Check::Candidate, format!("{name}: {reason}"));
                } else if let Some(reason) = self.price_protected(region, t, zone, a.market) {
                    self.push(Check::Candidate, format!("{name}: {reason}"));
                }
                if !self.zone_allowed(region, zone) {
                    let allowed = self.allowed_zones(region).unwrap_or_default();
                    let message = format!(
                        "{name}: {zone} is not an allowed zone of the request ({})",
                        list(&allowed)
                    );
                    self.push(Check::Zone, message);
                }
                if !t.supports_market(a.market) {
                    // Unreachable with a validated catalogue; kept so the check stands alone.
                    let message = format!("{name}: {} is not sold as {}", t.name, a.market);
                    self.push(Check::Market, message);
                }
                let expected = self.expected_weight(region, t, zone);
                if !close(a.weight, expected) {
                    let message = format!(
                        "{name}: weight {} should be {} ({})",
                        num(a.weight),
                        num(expected),
                        self.request.target.unit
                    );
                    self.push(Check::Weight, message);
                }
            }
        }
        // A market the request gives no part gets no instances (AWS launches each market's
        // part only; a zero part launches nothing there).
        let requested = match a.market {
            Market::OnDemand => self.on_demand_target(),
            Market::Spot => self.request.target.capacity - self.on_demand_target(),
        };
        if requested <= 0.0 {
            let message = format!("{name}: the request asks for no {} capacity", a.market);
            self.push(Check::Market, message);
        }
        let product = f64::from(a.count) * a.weight;
        if !close(a.capacity, product) {
            let message = format!(
                "{name}: capacity {} is not count {} × weight {} = {}",
                num(a.capacity),
                a.count,
                num(a.weight),
                num(product)
            );
            self.push(Check::Weight, message);
        }
    }

    pub(super) fn check_availability_caps(&mut self) {
        let Some(region) = self.region else { return };
        for (id, used) in self.pool_counts() {
            let (market, zone, instance_type) = id;
            let Some(pool) = self.catalogue_pool(region, market, zone, instance_type) else {
                continue;
            };
            if let Some(available) = pool.available_instances
                && used > u64::from(available)
            {
                let message = format!(
                    "{}: {used} instances exceed the pool's {available} available instances",
                    pool_name(id)
                );
                self.push(Check::Pool, message);
            }
        }
    }
}
