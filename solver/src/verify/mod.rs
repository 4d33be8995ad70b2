//! The independent verifier: re-checks a plan against its request and the catalogue.
//!
//! It shares no code with the planners (not [`crate::candidates`], not [`crate::aws_mode`], not
//! [`crate::metrics`]): every rule is re-derived here from the request, the plan and the
//! catalogue, written to be obviously correct rather than fast. Only catalogue semantics are
//! borrowed: [`select::matches`] (attribute-based selection) and [`wildcard_match`] (AWS
//! instance-type wildcards), plus the request's own [`FleetRequest::on_demand_target`] and the
//! risk model's [`crate::risk::HazardModel::pool_hazard`].
//!
//! [`verify`] returns every rule the plan breaks, as [`Violation`]s in a fixed order: the
//! sections below run in turn (schema and order, pools, capacity, split, prices, shape,
//! placement, metrics), and within a section allocations are visited in plan order and
//! aggregates in sorted order. An empty list means the plan is valid.
//!
//! Each allocation's stated figures (weight, capacity, price) are checked against the catalogue
//! and the request; the plan-wide checks then use those stated figures, so one wrong field
//! gives one violation at its source rather than a cascade (the plan is invalid either way).
//!
//! Interpretations (the contract is silent or AWS undocumented):
//! - On-Demand is filled first, then spot fills what is left: the spot part is
//!   `target − max(on-demand delivered, on-demand target)`, so On-Demand overshoot counts
//!   towards the total. In aws mode each market stops within one instance of its part
//!   (overshoot < that market's largest weight) and the whole fleet overshoots by less than
//!   its largest weight. Optimal mode is bounded by `max_overshoot` only, because its hard
//!   constraints (`min_pools`, `survive_az_loss`, …) can force more.
//! - A pool's spot max price is the first matching override's `max_price`, else the request's
//!   (per hour, or a percentage of the On-Demand price of the same type, AZ and platform), else
//!   that On-Demand price (AWS's default). Without any of these no cap is known and any price
//!   passes.
//! - A pool is *eligible* for a market when it is a catalogue pool of the request's region,
//!   platform and market, in an allowed zone, of a candidate type sold in that market that
//!   supports the requested placement strategy, and (spot) priced below its max price.
//! - Allocation counts may not exceed a pool's `available_instances` (summed over slots).
//! - A shortfall claim is true when the named market is below its part and no more of it could
//!   be had for that reason: `budget` (the request's budget for that market, and no eligible
//!   pool with instances left has one that fits within it), `availability` (every eligible
//!   pool is at its estimate), `no_eligible_pool` (there is none).
//! - Partition balance is checked per (group, AZ), over partitions 1..=partitions_per_az.
//! - In aws mode `single_az` / `single_type` are hard per market (AWS applies them to its spot
//!   and On-Demand options separately); fleet-wide they must be noted like the constraints AWS
//!   cannot express. A market the request gives no part (On-Demand target 0, or all of it
//!   On-Demand) may hold no allocation.
//! - Aggregates (shares, metrics) are taken per pool = (market, AZ, type), summing slots.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use fleetopt_instances::select::{self, Requirements, wildcard_match};
use fleetopt_instances::{
    CapacityPool, Catalog, InstanceType, Market, PlacementStrategy, Region, ZoneId,
};
use serde::Serialize;

use crate::plan::{Allocation, PLAN_SCHEMA, Plan, Shortfall};
use crate::request::{
    CapacityUnit, FleetRequest, MaxPrice, Mode, PlacementSpec, TypeOverride, ZoneRef,
};

/// The rule a violation breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// Schema tag, mode, counts.
    Schema,
    /// The plan's region.
    Region,
    /// The pool exists in the catalogue (and has instances left).
    Pool,
    /// The type is a candidate of the request.
    Candidate,
    /// The AZ is an allowed zone.
    Zone,
    /// The allocation's market: the type is sold in it and the request asks for capacity there.
    Market,
    /// The price is the catalogue's.
    Price,
    /// Weight and capacity per allocation.
    Weight,
    /// Total capacity, shortfall claims and overshoot.
    Capacity,
    /// The On-Demand / spot split.
    Split,
    /// Spot prices below their max price.
    SpotMaxPrice,
    /// `max_total_price` per market.
    Budget,
    /// Shape constraints.
    Shape,
    /// Placement groups.
    Placement,
    /// Plan metrics.
    Metrics,
    /// Allocation order and duplicate slots.
    Order,
}

impl Check {
    /// The rule's name, kebab-case.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Schema => "schema",
            Check::Region => "region",
            Check::Pool => "pool",
            Check::Candidate => "candidate",
            Check::Zone => "zone",
            Check::Market => "market",
            Check::Price => "price",
            Check::Weight => "weight",
            Check::Capacity => "capacity",
            Check::Split => "split",
            Check::SpotMaxPrice => "spot-max-price",
            Check::Budget => "budget",
            Check::Shape => "shape",
            Check::Placement => "placement",
            Check::Metrics => "metrics",
            Check::Order => "order",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Which rule.
    pub check: Check,
    /// What is wrong, lowercase, naming the allocation and the numbers.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Checks `plan` against `request` and `catalog`; empty means valid. Never panics, whatever the
/// plan holds (NaN, unknown types, empty allocations).
pub fn verify(catalog: &Catalog, request: &FleetRequest, plan: &Plan) -> Vec<Violation> {
    let mut verifier = Verifier {
        catalog,
        request,
        plan,
        region: None,
        out: Vec::new(),
    };
    verifier.run();
    verifier.out
}

/// Relative tolerance for sums and shares.
const TOLERANCE: f64 = 1e-9;
/// Absolute tolerance for a price against the catalogue's.
const PRICE_TOLERANCE: f64 = 1e-9;
/// AWS: at most seven running instances per AZ per spread group.
const SPREAD_LIMIT: u64 = 7;

fn slack(reference: f64) -> f64 {
    TOLERANCE * reference.abs().max(1.0)
}

/// `a ≈ b` within the relative tolerance; NaN is never close to anything.
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// `a < b`; false when either is NaN (so `!lt` flags NaN).
fn lt(a: f64, b: f64) -> bool {
    a < b
}

/// `a ≤ b`; false when either is NaN (so `!le` flags NaN).
fn le(a: f64, b: f64) -> bool {
    a <= b
}

/// `a ≥ b` up to the tolerance; false when either is NaN.
fn at_least(a: f64, b: f64) -> bool {
    a >= b || a >= b - slack(b)
}

/// `a ≤ b` up to the tolerance; false when either is NaN.
fn at_most(a: f64, b: f64) -> bool {
    a <= b || a <= b + slack(b)
}

/// A number for messages: rounded to 9 decimals, no trailing zeros.
fn num(x: f64) -> String {
    if !x.is_finite() || x.abs() >= 1e9 {
        return format!("{x}");
    }
    let rounded = (x * 1e9).round() / 1e9;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        format!("{rounded}")
    }
}

fn list<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `spot m5.large in use1-az4`, with the placement slot when there is one.
fn label(a: &Allocation) -> String {
    let mut text = format!(
        "{} {} in {}",
        a.market, a.instance_type, a.availability_zone_id
    );
    if let Some(slot) = &a.placement {
        text.push_str(&format!(", group {}", slot.group));
        if let Some(partition) = slot.partition {
            text.push_str(&format!(" partition {partition}"));
        }
    }
    text
}

/// A pool as the plan uses it: (market, AZ ID, type).
type PoolId<'a> = (Market, &'a str, &'a str);

fn pool_id(a: &Allocation) -> PoolId<'_> {
    (
        a.market,
        a.availability_zone_id.as_str(),
        a.instance_type.as_str(),
    )
}

fn pool_name((market, zone, instance_type): PoolId<'_>) -> String {
    format!("{market} {instance_type} in {zone}")
}

/// The sort key of allocations: (market, AZ ID, type, group, partition).
type SlotKey<'a> = (Market, &'a str, &'a str, Option<&'a str>, Option<u32>);

fn slot_key(a: &Allocation) -> SlotKey<'_> {
    (
        a.market,
        a.availability_zone_id.as_str(),
        a.instance_type.as_str(),
        a.placement.as_ref().map(|s| s.group.as_str()),
        a.placement.as_ref().and_then(|s| s.partition),
    )
}

/// Where a spot max price came from, for messages.
struct MaxPriceFact {
    price: f64,
    source: String,
}

struct Verifier<'a> {
    catalog: &'a Catalog,
    request: &'a FleetRequest,
    plan: &'a Plan,
    /// The request's region, when it resolves in the catalogue.
    region: Option<&'a Region>,
    out: Vec<Violation>,
}

impl<'a> Verifier<'a> {
    fn push(&mut self, check: Check, message: impl Into<String>) {
        self.out.push(Violation {
            check,
            message: message.into(),
        });
    }

    fn run(&mut self) {
        self.check_schema();
        self.check_region();
        self.check_order();
        self.check_allocations();
        self.check_availability_caps();
        self.check_capacity();
        self.check_split();
        self.check_prices();
        self.check_shape();
        self.check_placement();
        self.check_metrics();
    }

    // ---- facts derived from the plan -------------------------------------------------------

    fn allocations(&self) -> &'a [Allocation] {
        &self.plan.allocations
    }

    fn market_capacity(&self, market: Market) -> f64 {
        self.allocations()
            .iter()
            .filter(|a| a.market == market)
            .map(|a| a.capacity)
            .sum()
    }

    fn market_cost(&self, market: Market) -> f64 {
        self.allocations()
            .iter()
            .filter(|a| a.market == market)
            .map(Allocation::cost_per_hour)
            .sum()
    }

    fn total_capacity(&self) -> f64 {
        self.allocations().iter().map(|a| a.capacity).sum()
    }

    fn largest_weight(&self, market: Option<Market>) -> Option<f64> {
        self.allocations()
            .iter()
            .filter(|a| market.is_none_or(|m| a.market == m))
            .map(|a| a.weight)
            .reduce(|x, y| if y > x || y.is_nan() { y } else { x })
    }

    /// Instances per pool, summed over placement slots.
    fn pool_counts(&self) -> BTreeMap<PoolId<'a>, u64> {
        let mut counts = BTreeMap::new();
        for a in self.allocations() {
            *counts.entry(pool_id(a)).or_insert(0u64) += u64::from(a.count);
        }
        counts
    }

    /// Capacity per key, summed.
    fn capacity_by<K: Ord>(&self, key: impl Fn(&'a Allocation) -> K) -> BTreeMap<K, f64> {
        let mut sums = BTreeMap::new();
        for a in self.allocations() {
            *sums.entry(key(a)).or_insert(0.0) += a.capacity;
        }
        sums
    }

    fn on_demand_target(&self) -> f64 {
        self.request.on_demand_target()
    }

    /// What spot must deliver: the rest of the target once On-Demand is filled (at least its
    /// part; more when it overshot).
    fn spot_part(&self) -> (f64, f64) {
        let on_demand = self
            .market_capacity(Market::OnDemand)
            .max(self.on_demand_target());
        (
            (self.request.target.capacity - on_demand).max(0.0),
            on_demand,
        )
    }

    fn shortfall_market(&self) -> Option<Market> {
        self.plan.shortfall.as_ref().map(|s| match s {
            Shortfall::Budget { market, .. }
            | Shortfall::Availability { market }
            | Shortfall::NoEligiblePool { market } => *market,
        })
    }

    // ---- facts derived from the request and catalogue ---------------------------------------

    fn resolve_zone(region: &Region, zone: &ZoneRef) -> Option<ZoneId> {
        match zone {
            ZoneRef::Id(id) => region.has_zone(id.as_str()).then(|| id.clone()),
            ZoneRef::Name(name) => region
                .zones()
                .find(|z| z.name.as_deref() == Some(name.as_str()))
                .map(|z| z.id.clone()),
        }
    }

    /// The allowed zones, `None` meaning every zone of the region.
    fn allowed_zones(&self, region: &Region) -> Option<BTreeSet<ZoneId>> {
        let zones = &self.request.candidates.zones;
        if zones.is_empty() {
            return None;
        }
        Some(
            zones
                .iter()
                .filter_map(|z| Self::resolve_zone(region, z))
                .collect(),
        )
    }

    fn zone_allowed(&self, region: &Region, zone: &str) -> bool {
        self.allowed_zones(region)
            .is_none_or(|allowed| allowed.iter().any(|z| z.as_str() == zone))
    }

    fn override_applies(
        region: &Region,
        line: &TypeOverride,
        instance_type: &str,
        zone: &str,
    ) -> bool {
        wildcard_match(&line.pattern, instance_type)
            && match &line.zone {
                None => true,
                Some(pin) => Self::resolve_zone(region, pin).is_some_and(|id| id.as_str() == zone),
            }
    }

    /// The first override that applies to (type, zone), in request order.
    fn first_override(
        &self,
        region: &Region,
        instance_type: &str,
        zone: &str,
    ) -> Option<&'a TypeOverride> {
        self.request
            .candidates
            .overrides
            .iter()
            .find(|line| Self::override_applies(region, line, instance_type, zone))
    }

    /// Why `t` in `zone` is not a candidate, or `None` when it is.
    fn not_candidate(&self, region: &Region, t: &InstanceType, zone: &str) -> Option<String> {
        let candidates = &self.request.candidates;
        if candidates.overrides.is_empty() && candidates.requirements.is_empty() {
            return select::mismatch_reason(t, &Requirements::default()).map(|reason| {
                format!(
                    "{} is not a candidate: the request names no types, and AWS's default selection excludes it ({reason})",
                    t.name
                )
            });
        }
        let by_override = self.first_override(region, t.name.as_str(), zone).is_some();
        let by_requirements = candidates
            .requirements
            .iter()
            .any(|r| select::matches(t, r));
        if by_override || by_requirements {
            return None;
        }
        let pinned_elsewhere = candidates
            .overrides
            .iter()
            .any(|line| wildcard_match(&line.pattern, t.name.as_str()));
        Some(if pinned_elsewhere {
            format!(
                "{} is not a candidate in {zone}: its overrides are pinned to other zones",
                t.name
            )
        } else {
            format!(
                "{} is not a candidate: no instance-type override or requirement of the request admits it",
                t.name
            )
        })
    }

    /// The expected weight of `t` in `zone`, in the request's unit.
    fn expected_weight(&self, region: &Region, t: &InstanceType, zone: &str) -> f64 {
        match self.request.target.unit {
            CapacityUnit::Vcpu => f64::from(t.vcpus),
            CapacityUnit::MemoryMib => t.memory_mib as f64,
            CapacityUnit::Units => {
                let name = t.name.as_str();
                let weights = &self.request.candidates.weights;
                self.first_override(region, name, zone)
                    .and_then(|line| line.weight)
                    .or_else(|| weights.get(name).copied())
                    .or_else(|| {
                        weights
                            .iter()
                            .find(|(pattern, _)| wildcard_match(pattern, name))
                            .map(|(_, w)| *w)
                    })
                    .unwrap_or(1.0)
            }
        }
    }

    fn catalogue_pool(
        &self,
        region: &'a Region,
        market: Market,
        zone: &str,
        instance_type: &str,
    ) -> Option<&'a CapacityPool> {
        region.pools_of(instance_type).iter().find(|p| {
            p.market == market && p.zone.as_str() == zone && p.platform == self.request.platform
        })
    }

    /// The spot max price of (type, zone), when one is known.
    fn spot_max_price(
        &self,
        region: &'a Region,
        instance_type: &str,
        zone: &str,
    ) -> Option<MaxPriceFact> {
        if let Some(price) = self
            .first_override(region, instance_type, zone)
            .and_then(|line| line.max_price)
        {
            return Some(MaxPriceFact {
                price,
                source: "its override's max price".to_owned(),
            });
        }
        let on_demand = self
            .catalogue_pool(region, Market::OnDemand, zone, instance_type)
            .map(|p| p.price_per_hour);
        match self.request.spot.max_price {
            Some(MaxPrice::PerHour(price)) => Some(MaxPriceFact {
                price,
                source: "the request's max price".to_owned(),
            }),
            Some(MaxPrice::PercentOfOnDemand(percent)) => on_demand.map(|od| MaxPriceFact {
                price: od * percent / 100.0,
                source: format!("{}% of the on-demand price {}", num(percent), num(od)),
            }),
            None => on_demand.map(|od| MaxPriceFact {
                price: od,
                source: "the on-demand price (aws default)".to_owned(),
            }),
        }
    }

    fn placement_strategy(&self) -> Option<PlacementStrategy> {
        match self.request.placement {
            PlacementSpec::None => None,
            PlacementSpec::Cluster { .. } => Some(PlacementStrategy::Cluster),
            PlacementSpec::Spread { .. } => Some(PlacementStrategy::Spread),
            PlacementSpec::Partition { .. } => Some(PlacementStrategy::Partition),
        }
    }

    /// Whether a catalogue pool could host an instance of this fleet (see the module docs).
    fn eligible(&self, region: &'a Region, pool: &CapacityPool) -> bool {
        if pool.platform != self.request.platform || !self.zone_allowed(region, pool.zone.as_str())
        {
            return false;
        }
        let Some(t) = self.catalog.instance_type(pool.instance_type.as_str()) else {
            return false;
        };
        if !t.supports_market(pool.market)
            || self.not_candidate(region, t, pool.zone.as_str()).is_some()
            || self
                .placement_strategy()
                .is_some_and(|s| !t.supports_placement(s))
        {
            return false;
        }
        match pool.market {
            Market::OnDemand => true,
            Market::Spot => self
                .spot_max_price(region, pool.instance_type.as_str(), pool.zone.as_str())
                .is_none_or(|max| pool.price_per_hour < max.price),
        }
    }

    fn eligible_pools(&self, region: &'a Region, market: Market) -> Vec<&'a CapacityPool> {
        region
            .pools()
            .iter()
            .filter(|p| p.market == market && self.eligible(region, p))
            .collect()
    }

    // ---- 1. schema, region, order -----------------------------------------------------------

    fn check_schema(&mut self) {
        if self.plan.schema != PLAN_SCHEMA {
            let message = format!("plan schema `{}` is not `{PLAN_SCHEMA}`", self.plan.schema);
            self.push(Check::Schema, message);
        }
        if self.plan.mode != self.request.mode {
            let message = format!(
                "plan mode {} does not match the request's mode {}",
                self.plan.mode, self.request.mode
            );
            self.push(Check::Schema, message);
        }
        for a in self.allocations() {
            if a.count == 0 {
                let message = format!(
                    "{}: count is 0; every allocation holds at least 1 instance",
                    label(a)
                );
                self.push(Check::Schema, message);
            }
        }
    }

    fn check_region(&mut self) {
        let expected = match &self.request.region {
            Some(name) => match self.catalog.region(name.as_str()) {
                Some(region) => region,
                None => {
                    let message =
                        format!("the catalogue has no region {name}, the request's region");
                    self.push(Check::Region, message);
                    return;
                }
            },
            None => {
                let candidates = &self.request.candidates;
                let named: BTreeSet<&str> = candidates
                    .zones
                    .iter()
                    .chain(candidates.overrides.iter().filter_map(|o| o.zone.as_ref()))
                    .flat_map(|zone| {
                        self.catalog
                            .regions()
                            .filter(move |r| Self::resolve_zone(r, zone).is_some())
                            .map(|r| r.name().as_str())
                    })
                    .collect();
                let only = match named.len() {
                    1 => named
                        .iter()
                        .next()
                        .and_then(|name| self.catalog.region(name)),
                    _ => None,
                };
                match only {
                    Some(region) => region,
                    None => {
                        let message = if named.is_empty() {
                            "the request names no region and no zone of a catalogue region"
                                .to_owned()
                        } else {
                            format!(
                                "the request names no region and its zones span several ({})",
                                list(&named)
                            )
                        };
                        self.push(Check::Region, message);
                        return;
                    }
                }
            }
        };
        if self.plan.region != *expected.name() {
            let message = format!(
                "plan region {} is not the request's region {}",
                self.plan.region,
                expected.name()
            );
            self.push(Check::Region, message);
        }
        self.region = Some(expected);
    }

    fn check_order(&mut self) {
        let allocations = self.allocations();
        for pair in allocations.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            match slot_key(a).cmp(&slot_key(b)) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => {
                    let message = format!("{} appears twice; each slot is listed once", label(b));
                    self.push(Check::Order, message);
                }
                std::cmp::Ordering::Greater => {
                    let message = format!(
                        "allocations are not sorted by (market, az id, type, group, partition): {} comes after {}",
                        label(b),
                        label(a)
                    );
                    self.push(Check::Order, message);
                }
            }
        }
    }

    // ---- 2–3. pools, prices, candidates, zones, markets, weights ----------------------------

    fn check_allocations(&mut self) {
        let allocations = self.allocations();
        for a in allocations {
            self.check_allocation(a);
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

    fn check_availability_caps(&mut self) {
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

    // ---- 4. capacity, shortfall, overshoot ---------------------------------------------------

    fn market_part(&self, market: Market) -> f64 {
        match market {
            Market::OnDemand => self.on_demand_target(),
            Market::Spot => self.spot_part().0,
        }
    }

    fn check_capacity(&mut self) {
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
        let eligible = self.eligible_pools(region, market);
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

    // ---- 5. split ----------------------------------------------------------------------------

    fn check_split(&mut self) {
        let short = self.shortfall_market();
        let target = self.request.target.capacity;
        let on_demand_target = self.on_demand_target();
        let on_demand = self.market_capacity(Market::OnDemand);
        let spot = self.market_capacity(Market::Spot);
        let (spot_part, on_demand_filled) = self.spot_part();
        if short != Some(Market::OnDemand) && !at_least(on_demand, on_demand_target) {
            let message = format!(
                "on-demand capacity {} is below the on-demand target {} and no on-demand shortfall is claimed",
                num(on_demand),
                num(on_demand_target)
            );
            self.push(Check::Split, message);
        }
        if short != Some(Market::Spot) && !at_least(spot, spot_part) {
            let message = format!(
                "spot capacity {} is below the spot part {} (target {} − on-demand {}) and no spot shortfall is claimed",
                num(spot),
                num(spot_part),
                num(target),
                num(on_demand_filled)
            );
            self.push(Check::Split, message);
        }
        if self.request.mode != Mode::Aws {
            return;
        }
        for (market, delivered, part) in [
            (Market::OnDemand, on_demand, on_demand_target),
            (Market::Spot, spot, spot_part),
        ] {
            let Some(largest) = self.largest_weight(Some(market)) else {
                continue;
            };
            let excess = delivered - part;
            if !lt(excess, largest - slack(largest)) {
                let message = format!(
                    "{market} capacity {} exceeds its part {} by {}, at least its largest weight {}; aws stops within one instance",
                    num(delivered),
                    num(part),
                    num(excess),
                    num(largest)
                );
                self.push(Check::Split, message);
            }
        }
    }

    // ---- 6. prices ---------------------------------------------------------------------------

    fn check_prices(&mut self) {
        if let Some(region) = self.region {
            for a in self.allocations() {
                if a.market != Market::Spot {
                    continue;
                }
                let zone = a.availability_zone_id.as_str();
                if let Some(max) = self.spot_max_price(region, a.instance_type.as_str(), zone)
                    && !lt(a.price_per_hour, max.price)
                {
                    let message = format!(
                        "{}: price {} is not below its max price {} ({})",
                        label(a),
                        num(a.price_per_hour),
                        num(max.price),
                        max.source
                    );
                    self.push(Check::SpotMaxPrice, message);
                }
            }
        }
        for (market, budget) in [
            (Market::OnDemand, self.request.on_demand.max_total_price),
            (Market::Spot, self.request.spot.max_total_price),
        ] {
            let Some(budget) = budget else { continue };
            let cost = self.market_cost(market);
            if !at_most(cost, budget) {
                let message = format!(
                    "{market} cost {} per hour exceeds its max_total_price {}",
                    num(cost),
                    num(budget)
                );
                self.push(Check::Budget, message);
            }
        }
    }

    // ---- 7. shape ----------------------------------------------------------------------------

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

    fn check_shape(&mut self) {
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

    // ---- 8. placement ------------------------------------------------------------------------

    fn check_placement(&mut self) {
        let allocations = self.allocations();
        let aws = self.request.mode == Mode::Aws;
        let strategy = self.placement_strategy();
        if let Some(strategy) = strategy {
            for a in allocations {
                if let Some(t) = self.catalog.instance_type(a.instance_type.as_str())
                    && !t.supports_placement(strategy)
                {
                    let message = format!(
                        "{}: {} does not support {strategy} placement groups",
                        label(a),
                        t.name
                    );
                    self.push(Check::Placement, message);
                }
            }
        }
        match self.request.placement {
            PlacementSpec::None => {
                for a in allocations.iter().filter(|a| a.placement.is_some()) {
                    let message = format!(
                        "{}: has a placement slot but the request asks for no placement group",
                        label(a)
                    );
                    self.push(Check::Placement, message);
                }
            }
            PlacementSpec::Cluster { multiple_types } => {
                self.check_no_partitions(strategy);
                let zones: BTreeSet<&str> = allocations
                    .iter()
                    .map(|a| a.availability_zone_id.as_str())
                    .collect();
                if zones.len() > 1 {
                    let message = format!(
                        "a cluster placement group is one az, but the plan uses {} ({})",
                        zones.len(),
                        list(&zones)
                    );
                    self.push(Check::Placement, message);
                }
                let types: BTreeSet<&str> = allocations
                    .iter()
                    .map(|a| a.instance_type.as_str())
                    .collect();
                if !multiple_types && types.len() > 1 {
                    let message = format!(
                        "a cluster placement group holds one instance type unless multiple_types is set, but the plan uses {} ({})",
                        types.len(),
                        list(&types)
                    );
                    self.push(Check::Placement, message);
                }
            }
            PlacementSpec::Spread { groups } => {
                self.check_no_partitions(strategy);
                if !aws {
                    for a in allocations.iter().filter(|a| a.placement.is_none()) {
                        let message = format!("{}: has no spread group", label(a));
                        self.push(Check::Placement, message);
                    }
                }
                let mut per_group_zone: BTreeMap<(&str, &str), u64> = BTreeMap::new();
                for a in allocations {
                    if let Some(slot) = &a.placement {
                        *per_group_zone
                            .entry((slot.group.as_str(), a.availability_zone_id.as_str()))
                            .or_insert(0) += u64::from(a.count);
                    }
                }
                for ((group, zone), count) in &per_group_zone {
                    if *count > SPREAD_LIMIT {
                        let message = format!(
                            "spread group {group} holds {count} instances in {zone}; at most {SPREAD_LIMIT} per az per group"
                        );
                        self.push(Check::Placement, message);
                    }
                }
                let used: BTreeSet<&str> = per_group_zone.keys().map(|(g, _)| *g).collect();
                if let Some(limit) = groups
                    && used.len() > limit as usize
                {
                    let message = format!(
                        "the plan uses {} spread groups ({}); the request allows {limit}",
                        used.len(),
                        list(&used)
                    );
                    self.push(Check::Placement, message);
                }
            }
            PlacementSpec::Partition { partitions_per_az } => {
                self.check_partitions(partitions_per_az, aws);
            }
        }
    }

    fn check_no_partitions(&mut self, strategy: Option<PlacementStrategy>) {
        let Some(strategy) = strategy else { return };
        for a in self.allocations() {
            if let Some(partition) = a.placement.as_ref().and_then(|s| s.partition) {
                let message = format!(
                    "{}: partition {partition} is set but the request asks for a {strategy} group",
                    label(a)
                );
                self.push(Check::Placement, message);
            }
        }
    }

    fn check_partitions(&mut self, partitions_per_az: u32, aws: bool) {
        // (group, zone) → partition → instances; `None` when some allocation of it has no
        // usable partition number (balance cannot be judged).
        let mut totals: BTreeMap<(&str, &str), Option<BTreeMap<u32, u64>>> = BTreeMap::new();
        for a in self.allocations() {
            let name = label(a);
            let Some(slot) = &a.placement else {
                if !aws {
                    self.push(
                        Check::Placement,
                        format!("{name}: has no partition group slot"),
                    );
                }
                continue;
            };
            let key = (slot.group.as_str(), a.availability_zone_id.as_str());
            let entry = totals.entry(key).or_insert_with(|| Some(BTreeMap::new()));
            match slot.partition {
                Some(p) if (1..=partitions_per_az).contains(&p) => {
                    if let Some(map) = entry {
                        *map.entry(p).or_insert(0) += u64::from(a.count);
                    }
                }
                Some(p) => {
                    *entry = None;
                    let message =
                        format!("{name}: partition {p} is outside 1..={partitions_per_az}");
                    self.push(Check::Placement, message);
                }
                None => {
                    *entry = None;
                    if !aws {
                        self.push(Check::Placement, format!("{name}: has no partition number"));
                    }
                }
            }
        }
        for ((group, zone), map) in totals {
            let Some(map) = map else { continue };
            let max = map.values().copied().max().unwrap_or(0);
            let min = if (map.len() as u64) < u64::from(partitions_per_az) {
                0
            } else {
                map.values().copied().min().unwrap_or(0)
            };
            if max - min > 1 {
                let held = list(map.iter().map(|(p, n)| format!("partition {p}: {n}")));
                let message = format!(
                    "partition group {group} in {zone} is unbalanced: its {partitions_per_az} partitions hold {min} to {max} instances ({held}); they may differ by at most 1"
                );
                self.push(Check::Placement, message);
            }
        }
    }

    // ---- 9. metrics --------------------------------------------------------------------------

    fn check_metrics(&mut self) {
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
        let optional: [(&str, Option<f64>, Vec<f64>); 2] = [
            (
                "worst_group_loss",
                m.worst_group_loss,
                by_group.values().copied().collect(),
            ),
            (
                "worst_partition_loss",
                m.worst_partition_loss,
                by_partition.values().copied().collect(),
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
}

#[cfg(test)]
mod tests;
