//! The independent verifier: re-checks a plan against its request and the catalogue.
//!
//! It shares no code with the planners (not [`crate::candidates`], not [`crate::aws_mode`], not
//! [`crate::optimal`], not [`crate::metrics`], not the slot assignment or failure-domain graph of
//! [`crate::placement`]): every rule is re-derived here from the request, the plan and the
//! catalogue, written to be obviously correct rather than fast. Only catalogue semantics and
//! AWS's facts are borrowed: [`select::matches`](fleetopt_instances::select::matches)
//! (attribute-based selection) and [`wildcard_match`](fleetopt_instances::select::wildcard_match)
//! (AWS instance-type wildcards), AWS's placement-group limits in [`crate::placement::rules`],
//! plus the request's own [`FleetRequest::on_demand_target`] and the risk model's
//! [`crate::risk::HazardModel::pool_hazard`].
//!
//! [`verify`] returns every rule the plan breaks, as [`Violation`]s in a fixed order: the
//! sections run in turn, one file each, and within a section allocations are visited in plan
//! order and aggregates in sorted order. An empty list means the plan is valid.
//!
//! | § | rule section | file |
//! |---|---|---|
//! | 1 | schema tag, mode and counts; the region; allocation order and duplicate slots | `schema.rs` |
//! | 2–3 | per allocation: pool, price, candidate, zone, market, weight; availability caps | `allocations.rs` |
//! | 4 | total capacity, shortfall claims, aws-mode overshoot | `capacity.rs` |
//! | 5 | the On-Demand / spot split | `split.rs` |
//! | 6 | spot max prices and `max_total_price` budgets | `prices.rs` |
//! | 7 | shape constraints | `shape.rs` |
//! | 8 | placement groups | `placement.rs` |
//! | 9 | plan metrics | `metrics.rs` |
//! | 10 | commitments: coverage, the cost split, capacity-reservations-only | `commitments.rs` |
//!
//! What the sections share has its own file: `plan_facts.rs` (sums and keys read off the plan),
//! `request_facts.rs` (zones, overrides, candidates, weights, catalogue pools, max prices and
//! eligibility read off the request and catalogue), `tolerance.rs` (how numbers are compared)
//! and `describe.rs` (how messages name numbers, allocations and pools).
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

mod allocations;
mod capacity;
mod commitments;
mod describe;
mod metrics;
mod placement;
mod plan_facts;
mod prices;
mod request_facts;
mod schema;
mod shape;
mod split;
mod tolerance;

use std::fmt;

use fleetopt_instances::{Catalog, Region};
use serde::Serialize;

use crate::plan::Plan;
use crate::request::FleetRequest;

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
    /// Capacity already paid for: coverage and the cost split.
    Commitments,
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
            Check::Commitments => "commitments",
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
    // A Dedicated request is checked against the prices it is planned at (`crate::tenancy`).
    let priced = match crate::tenancy::priced(catalog, request) {
        Ok(priced) => priced,
        Err(error) => {
            return vec![Violation {
                check: Check::Price,
                message: error.to_string(),
            }];
        }
    };
    let catalog = priced.as_ref();
    let mut verifier = Verifier {
        catalog,
        request,
        plan,
        region: None,
        protections: std::cell::OnceCell::new(),
        out: Vec::new(),
    };
    verifier.run();
    if plan.tenancy != request.tenancy {
        verifier.push(
            Check::Price,
            format!(
                "the plan is priced for {} tenancy but the request asks for {}",
                plan.tenancy.as_str(),
                request.tenancy.as_str()
            ),
        );
    }
    verifier.out
}

/// One verification in progress: its inputs, the request's region once section 1 has resolved
/// it, and the violations found so far. Each rule section adds its methods from its own file.
struct Verifier<'a> {
    catalog: &'a Catalog,
    request: &'a FleetRequest,
    plan: &'a Plan,
    /// The request's region, when it resolves in the catalogue.
    region: Option<&'a Region>,
    /// AWS's price protection of each of the request's `InstanceRequirements`, in request
    /// order, computed once on first use (see `request_facts::price_protected`).
    protections: std::cell::OnceCell<Vec<fleetopt_instances::select::PriceProtection>>,
    out: Vec<Violation>,
}

impl<'a> Verifier<'a> {
    fn push(&mut self, check: Check, message: impl Into<String>) {
        self.out.push(Violation {
            check,
            message: message.into(),
        });
    }

    /// The sections in their fixed order, which is the order of the violations.
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
        self.check_commitments();
    }
}

#[cfg(test)]
mod tests;
