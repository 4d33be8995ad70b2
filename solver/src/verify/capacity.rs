//! Rule section 4: total capacity against the target, every shortfall claim checked to be true
//! (budget, availability, no eligible pool, spread limit, an unmet `MinTargetCapacity` with an
//! empty plan), no aws-mode plan below a market's `MinTargetCapacity` with instances in it, and
//! aws mode's overshoot of less than one instance.

use fleetopt_instances::{CapacityPool, Market};

use super::describe::num;
use super::tolerance::{at_least, at_most, close, lt, slack};
use super::{Check, Verifier};
use crate::placement::rules::spread_zone_limit;
use crate::plan::Shortfall;
use crate::request::Mode;

impl<'a> Verifier<'a> {
    fn min_target_capacity(&self, market: Market) -> Option<f64> {
        match market {
            Market::Spot => self.request.spot.min_target_capacity,
            Market::OnDemand => self.request.on_demand.min_target_capacity,
        }
    }

    fn market_part(&self, market: Market) -> f64 {
        match market {
            Market::OnDemand => self.on_demand_target(),
            Market::Spot => self.spot_part().0,
        }
    }

    pub(super) fn check_capacity(&mut self) {
        let total = self.total_capacity();
        let target = self.request.target.capacity;
        match &self.plan.shortfall {
            None => {
                if !at_least(total, target) {
                    let message = format!(
                        "capacity {} is below target {} and no shortfall is claimed",
                        num(total),
                        num(target)
                    );
                    self.push(Check::Capacity, message);
                }
            }
            Some(shortfall) => self.check_shortfall(shortfall),
        }
        // An instant fleet launches all of a market's minimum or nothing (aws-semantics §1.9).
        if self.request.mode == Mode::Aws && !self.plan.allocations.is_empty() {
            for market in [Market::OnDemand, Market::Spot] {
                let delivered = self.market_capacity(market);
                if let Some(minimum) = self.min_target_capacity(market)
                    && lt(delivered, minimum)
                {
                    let message = format!(
                        "{market} capacity {} is below its MinTargetCapacity {}, yet the plan holds instances; AWS launches none when the minimum is not reached",
                        num(delivered),
                        num(minimum)
                    );
                    self.push(Check::Capacity, message);
                }
            }
        }
        if self.request.mode == Mode::Aws
            && let Some(largest) = self.largest_weight(None)
        {
            let excess = total - target;
            if !lt(excess, largest - slack(largest)) && at_least(total, target) {
                let message = format!(
                    "capacity {} overshoots target {} by {}, at least the largest weight {}; aws stops within one instance",
                    num(total),
                    num(target),
                    num(excess),
                    num(largest)
                );
                self.push(Check::Capacity, message);
            }
        }
    }

    fn check_shortfall(&mut self, shortfall: &Shortfall) {
        let (market, reason) = match shortfall {
            Shortfall::Budget { market, .. } => (*market, "budget"),
            Shortfall::Availability { market } => (*market, "availability"),
            Shortfall::NoEligiblePool { market } => (*market, "no eligible pool"),
            Shortfall::SpreadLimit { market, .. } => (*market, "spread limit"),
            Shortfall::MinTargetCapacity { market, .. } => (*market, "min target capacity"),
            Shortfall::Reservations { market } => (*market, "capacity reservations only"),
        };
        let delivered = self.market_capacity(market);
        let part = self.market_part(market);
        if at_least(delivered, part) {
            let message = format!(
                "the plan claims a {market} shortfall ({reason}) but {market} capacity {} meets its part {}",
                num(delivered),
                num(part)
            );
            self.push(Check::Capacity, message);
        }
        let Some(region) = self.region else { return };
        let mut eligible = self.eligible_pools(region, market);
        // `single_az` / `single_type` restrict the market to the AZ / type it uses (aws mode's
        // rule 9): pools elsewhere were never open to it.
        let c = &self.request.constraints;
        let in_market = || self.allocations().iter().filter(|a| a.market == market);
        if c.single_az && in_market().next().is_some() {
            eligible.retain(|p| in_market().any(|a| a.availability_zone_id == p.zone));
        }
        if c.single_type && in_market().next().is_some() {
            eligible.retain(|p| in_market().any(|a| a.instance_type == p.instance_type));
        }
        let counts = self.pool_counts();
        let used = |p: &CapacityPool| {
            counts
                .get(&(p.market, p.zone.as_str(), p.instance_type.as_str()))
                .copied()
                .unwrap_or(0)
        };
        let describe = |p: &CapacityPool| format!("{} {} in {}", p.market, p.instance_type, p.zone);
        match shortfall {
            Shortfall::Budget {
                max_total_price, ..
            } => {
                let budget = match market {
                    Market::Spot => self.request.spot.max_total_price,
                    Market::OnDemand => self.request.on_demand.max_total_price,
                };
                let Some(budget) = budget else {
                    let message = format!(
                        "the plan claims a {market} budget shortfall but the request sets no {market} max_total_price"
                    );
                    self.push(Check::Capacity, message);
                    return;
                };
                if !close(*max_total_price, budget) {
                    let message = format!(
                        "the plan's {market} budget shortfall names max_total_price {} but the request's is {}",
                        num(*max_total_price),
                        num(budget)
                    );
                    self.push(Check::Capacity, message);
                }
                let cost = self.market_cost(market);
                let cheapest = eligible
                    .iter()
                    .filter(|p| p.available_instances.is_none_or(|a| used(p) < u64::from(a)))
                    .min_by(|x, y| x.price_per_hour.total_cmp(&y.price_per_hour));
                if let Some(pool) = cheapest
                    && at_most(cost + pool.price_per_hour, budget)
                {
                    let message = format!(
                        "the plan claims a {market} budget shortfall but one more {} at {} would cost {} per hour, within max_total_price {}",
                        describe(pool),
                        num(pool.price_per_hour),
                        num(cost + pool.price_per_hour),
                        num(budget)
                    );
                    self.push(Check::Capacity, message);
                }
            }
            Shortfall::Availability { .. } => {
                let open = eligible.iter().find_map(|p| match p.available_instances {
                    None => Some(format!("{} has no availability limit", describe(p))),
                    Some(a) if used(p) < u64::from(a) => Some(format!(
                        "{} uses {} of its {a} available instances",
                        describe(p),
                        used(p)
                    )),
                    Some(_) => None,
                });
                if let Some(open) = open {
                    let message = format!(
                        "the plan claims every eligible {market} pool is exhausted but {open}"
                    );
                    self.push(Check::Capacity, message);
                }
            }
            Shortfall::SpreadLimit { per_az, .. } => {
                let Some(limit) = spread_zone_limit(self.request.placement) else {
                    let message = format!(
                        "the plan claims a {market} spread-limit shortfall but the request asks for no fixed number of spread groups"
                    );
                    self.push(Check::Capacity, message);
                    return;
                };
                if *per_az != limit {
                    let message = format!(
                        "the plan's spread-limit shortfall names {per_az} instances per az but the request's groups allow {limit}"
                    );
                    self.push(Check::Capacity, message);
                }
                let mut in_zone: std::collections::BTreeMap<&str, u64> =
                    std::collections::BTreeMap::new();
                for a in self.allocations() {
                    *in_zone.entry(a.availability_zone_id.as_str()).or_insert(0) +=
                        u64::from(a.count);
                }
                let open = eligible.iter().find_map(|p| {
                    let held = in_zone.get(p.zone.as_str()).copied().unwrap_or(0);
                    let room = held < u64::from(limit);
                    let left = p.available_instances.is_none_or(|a| used(p) < u64::from(a));
                    (room && left).then(|| {
                        format!("{} has room: its az holds {held} of {limit}", describe(p))
                    })
                });
                if let Some(open) = open {
                    let message = format!(
                        "the plan claims every eligible {market} pool is at the spread limit but {open}"
                    );
                    self.push(Check::Capacity, message);
                }
            }
            Shortfall::MinTargetCapacity {
                min_target_capacity,
                reached,
                ..
            } => {
                let minimum = self.min_target_capacity(market);
                if minimum.is_none_or(|m| !close(m, *min_target_capacity)) {
                    let message = format!(
                        "the plan claims a {market} MinTargetCapacity of {} but the request's is {}",
                        num(*min_target_capacity),
                        minimum.map_or("not set".to_owned(), num)
                    );
                    self.push(Check::Capacity, message);
                }
                if !lt(*reached, *min_target_capacity) {
                    let message = format!(
                        "the plan claims the {market} part reaches only {} but that meets its MinTargetCapacity {}",
                        num(*reached),
                        num(*min_target_capacity)
                    );
                    self.push(Check::Capacity, message);
                }
                if !self.plan.allocations.is_empty() {
                    let message = format!(
                        "the plan claims an unmet {market} MinTargetCapacity but holds instances; AWS launches none when the minimum is not reached"
                    );
                    self.push(Check::Capacity, message);
                }
            }
            Shortfall::Reservations { .. } => {
                if market != Market::OnDemand
                    || self.request.on_demand.capacity_reservations
                        != crate::commitments::ReservationPreference::Only
                {
                    let message = format!(
                        "the plan claims a {market} capacity-reservations-only shortfall but the request's On-Demand preference is not only"
                    );
                    self.push(Check::Capacity, message);
                    return;
                }
                if self.request.on_demand.max_total_price.is_some() {
                    // A budget may be what stopped the reserved pools; section 6 checks it.
                    return;
                }
                let reserved = self.reserved_instances(region);
                let open = eligible.iter().find_map(|p| {
                    let held = reserved
                        .get(&(p.instance_type.as_str(), p.zone.as_str()))
                        .copied()
                        .unwrap_or(0);
                    let room = p
                        .available_instances
                        .map_or(held, |a| held.min(u64::from(a)));
                    (used(p) < room).then(|| {
                        format!(
                            "{} uses {} of its {room} reserved instances",
                            describe(p),
                            used(p)
                        )
                    })
                });
                if let Some(open) = open {
                    let message =
                        format!("the plan claims every reserved {market} pool is full but {open}");
                    self.push(Check::Capacity, message);
                }
            }
            Shortfall::NoEligiblePool { .. } => {
                if let Some(pool) = eligible.first() {
                    let message = format!(
                        "the plan claims no {market} pool is eligible but {} is",
                        describe(pool)
                    );
                    self.push(Check::Capacity, message);
                }
            }
        }
    }
}
