//! Why a request is infeasible, in the request's own words (DESIGN §7).
//!
//! Two layers. `precheck` runs before any solve and catches the common conflicts with exact
//! arithmetic on the model's pools and their bounds: no eligible pool, capacity caps that cannot
//! reach a part, AZ-loss survival with too few zones, spread groups that hold too few instances,
//! cluster/single-AZ needs larger than the best AZ, share caps that cannot add up to the target,
//! `min_pools` above the pools available, budgets below the cheapest (fractional, so a lower
//! bound) way to reach a part. When none fires but the model is infeasible, `elastic` re-solves
//! with a non-negative slack on every constraint group, minimising total slack (each scaled by
//! its right-hand side), and reports the groups that needed slack and by how much.

use std::fmt;

use fleetopt_instances::Market;
use serde::{Deserialize, Serialize};

use super::model::{self, Goal};
use super::prepare::Prepared;
use super::{Backend, num};
use crate::placement::rules::SPREAD_LIMIT;
use crate::request::{FleetRequest, PlacementSpec};
use crate::tolerance::{self, NOISE};

/// A typed explanation of infeasibility: the conflicts found, each naming its constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Every conflict found, in check order.
    pub conflicts: Vec<Conflict>,
}

/// One conflict between request constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The request fields involved (`target`, `constraints.max_pool_share`, …).
    pub constraints: Vec<String>,
    /// What conflicts and by how much, in plain words.
    pub message: String,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.conflicts.iter().map(|c| c.message.as_str()).collect();
        write!(f, "the request is infeasible: {}", messages.join("; "))
    }
}

fn conflict(constraints: &[&str], message: String) -> Conflict {
    Conflict {
        constraints: constraints.iter().map(|c| (*c).to_owned()).collect(),
        message,
    }
}

fn market_field(market: Market) -> &'static str {
    match market {
        Market::Spot => "spot",
        Market::OnDemand => "on_demand",
    }
}

/// Conflicts visible without solving; `None` when none is found.
pub(crate) fn precheck(request: &FleetRequest, prep: &Prepared) -> Option<Explanation> {
    let target = request.target.capacity;
    let unit = request.target.unit;
    let c = &request.constraints;
    let pools = &prep.pools;
    let held = |filter: &dyn Fn(usize) -> bool| -> f64 {
        pools
            .iter()
            .enumerate()
            .filter(|(i, _)| filter(*i))
            .map(|(_, p)| f64::from(p.cap) * p.weight)
            .sum()
    };
    let mut conflicts = Vec::new();
    let caps = cap_sources(request);

    // Per market: an eligible pool, and enough capacity under the pool bounds.
    for (market, part) in [
        (Market::OnDemand, prep.od_part),
        (Market::Spot, prep.spot_part),
    ] {
        if part <= 0.0 {
            continue;
        }
        if !pools.iter().any(|p| p.market == market) {
            let mut why = Vec::new();
            let e = &prep.excluded;
            if market == Market::Spot && e.not_below_max_price > 0 {
                why.push(format!(
                    "{} spot pool(s) are priced at or above their max price",
                    e.not_below_max_price
                ));
            }
            if e.no_placement > 0 {
                why.push(format!(
                    "{} pool(s) have types without the placement strategy",
                    e.no_placement
                ));
            }
            if e.zero_cap > 0 {
                why.push(format!(
                    "{} pool(s) can hold no instance ({})",
                    e.zero_cap,
                    caps.join(", ")
                ));
            }
            let why = if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join("; "))
            };
            conflicts.push(conflict(
                &["target", "candidates"],
                format!(
                    "the {market} part needs {} {unit} but no {market} pool is eligible{why}",
                    num(part)
                ),
            ));
            continue;
        }
    }
    if !conflicts.is_empty() {
        return Some(Explanation { conflicts });
    }
    if let Some(share) = c.max_pool_share {
        let pools_n = pools.len() as f64;
        if pools_n * share < 1.0 - tolerance::ILP_SHARE_SUM {
            conflicts.push(conflict(
                &["constraints.max_pool_share", "target"],
                format!(
                    "max_pool_share {} × {} eligible pools holds at most {}% of the target",
                    num(share),
                    pools.len(),
                    num(pools_n * share * 100.0)
                ),
            ));
        }
    }
    if let Some(share) = c.max_az_share {
        let zones_n = zones_used(prep);
        if zones_n as f64 * share < 1.0 - tolerance::ILP_SHARE_SUM {
            conflicts.push(conflict(
                &["constraints.max_az_share", "target"],
                format!(
                    "max_az_share {} × {zones_n} zone(s) holds at most {}% of the target",
                    num(share),
                    num(zones_n as f64 * share * 100.0)
                ),
            ));
        }
    }
    if let Some(share) = c.max_type_share {
        let mut types: Vec<usize> = pools.iter().map(|p| p.type_ix).collect();
        types.sort_unstable();
        types.dedup();
        if types.len() as f64 * share < 1.0 - tolerance::ILP_SHARE_SUM {
            conflicts.push(conflict(
                &["constraints.max_type_share", "target"],
                format!(
                    "max_type_share {} × {} instance type(s) holds at most {}% of the target",
                    num(share),
                    types.len(),
                    num(types.len() as f64 * share * 100.0)
                ),
            ));
        }
    }
    if !conflicts.is_empty() {
        return Some(Explanation { conflicts });
    }
    for (market, part) in [
        (Market::OnDemand, prep.od_part),
        (Market::Spot, prep.spot_part),
    ] {
        if part <= 0.0 {
            continue;
        }
        let in_market = |i: usize| pools[i].market == market;
        let most = held(&in_market);
        if most < part - NOISE {
            conflicts.push(conflict(
                &["target", "constraints"],
                format!(
                    "the {market} pools hold at most {} {unit} under their bounds ({}); the {market} part needs {}",
                    num(most),
                    caps.join(", "),
                    num(part)
                ),
            ));
        }
    }
    if !conflicts.is_empty() {
        return Some(Explanation { conflicts });
    }
    let total = held(&|_| true);
    if total < target - NOISE {
        conflicts.push(conflict(
            &["target", "constraints"],
            format!(
                "the eligible pools hold at most {} {unit} under their bounds ({}); the target is {}",
                num(total),
                caps.join(", "),
                num(target)
            ),
        ));
    }
    if let Some(share) = c.survive_az_loss
        && share > 0.0
    {
        let zones_n = zones_used(prep);
        if zones_n < 2 {
            conflicts.push(conflict(
                &["constraints.survive_az_loss", "candidates.zones"],
                format!(
                    "survive_az_loss needs at least 2 zones; the eligible pools are in {zones_n}"
                ),
            ));
        } else {
            for (z, name) in prep.zones.iter().enumerate() {
                let outside = held(&|i| pools[i].zone != z);
                if outside < share * target - NOISE {
                    conflicts.push(conflict(
                        &["constraints.survive_az_loss", "target"],
                        format!(
                            "survive_az_loss {}: losing {name} leaves at most {} {unit}; {} × target {} = {} is needed",
                            num(share),
                            num(outside),
                            num(share),
                            num(target),
                            num(share * target)
                        ),
                    ));
                }
            }
        }
    }
    if let PlacementSpec::Spread { groups: Some(g) } = request.placement {
        let zones_n = zones_used(prep) as u64;
        let instances = u64::from(SPREAD_LIMIT) * u64::from(g) * zones_n;
        let largest = pools.iter().map(|p| p.weight).fold(0.0_f64, f64::max);
        let needed = (target / largest - NOISE).ceil();
        if (instances as f64) < needed {
            conflicts.push(conflict(
                &["placement.groups", "target"],
                format!(
                    "spread with {g} group(s) over {zones_n} AZ(s) holds at most {instances} instances (7 per AZ per group); the target needs at least {} (largest weight {})",
                    num(needed),
                    num(largest)
                ),
            ));
        }
    }
    let one_az = c.single_az || matches!(request.placement, PlacementSpec::Cluster { .. });
    if one_az {
        let best = (0..prep.zones.len())
            .map(|z| (held(&|i| pools[i].zone == z), z))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((most, z)) = best
            && most < target - NOISE
        {
            let what = if matches!(request.placement, PlacementSpec::Cluster { .. }) {
                "a cluster placement group"
            } else {
                "single_az"
            };
            conflicts.push(conflict(
                &["placement", "constraints.single_az", "target"],
                format!(
                    "{what} needs {} {unit} in one AZ; the best AZ ({}) holds at most {} ({})",
                    num(target),
                    prep.zones[z],
                    num(most),
                    caps.join(", ")
                ),
            ));
        }
    }
    if let Some(min) = c.min_pools
        && (pools.len() as u64) < u64::from(min)
    {
        conflicts.push(conflict(
            &["constraints.min_pools", "candidates"],
            format!(
                "min_pools {min}, but only {} pools are eligible",
                pools.len()
            ),
        ));
    }
    // On-Demand may overshoot its part by less than its largest weight, and that overshoot
    // counts towards the target, so spot must reach only the spot part less that weight.
    let od_overshoot = if prep.od_part > 0.0 {
        prep.od_weights.last().copied().unwrap_or(0.0)
    } else {
        0.0
    };
    let spot_needed = (prep.spot_part - od_overshoot).max(0.0);
    for (market, part, budget) in [
        (Market::Spot, spot_needed, request.spot.max_total_price),
        (
            Market::OnDemand,
            prep.od_part,
            request.on_demand.max_total_price,
        ),
    ] {
        let Some(budget) = budget else { continue };
        if part <= 0.0 {
            continue;
        }
        if let Some(cheapest) = fractional_cost(prep, market, part)
            && cheapest > budget + NOISE
        {
            conflicts.push(conflict(
                &[
                    &format!("{}.max_total_price", market_field(market)),
                    "target",
                ],
                format!(
                    "the cheapest way to reach {} {unit} of {market} costs at least ${}/h; max_total_price allows ${}/h",
                    num(part),
                    num(cheapest),
                    num(budget)
                ),
            ));
        }
    }
    (!conflicts.is_empty()).then_some(Explanation { conflicts })
}

fn zones_used(prep: &Prepared) -> usize {
    let mut zones: Vec<usize> = prep.pools.iter().map(|p| p.zone).collect();
    zones.sort_unstable();
    zones.dedup();
    zones.len()
}

/// What bounds the pools, for messages.
fn cap_sources(request: &FleetRequest) -> Vec<String> {
    let mut caps = Vec::new();
    if let Some(share) = request.constraints.max_pool_share {
        caps.push(format!("max_pool_share {}", num(share)));
    }
    if let Some(over) = request.constraints.max_overshoot {
        caps.push(format!("max_overshoot {}", num(over)));
    }
    if let PlacementSpec::Spread { groups: Some(g) } = request.placement {
        caps.push(format!("spread {g} group(s)"));
    }
    caps.push("available-instance estimates".to_owned());
    caps
}

/// The least cost of `part` units in `market` when instances could be fractional (a lower
/// bound on any plan's cost): cheapest per unit first, within pool bounds.
fn fractional_cost(prep: &Prepared, market: Market, part: f64) -> Option<f64> {
    let mut pools: Vec<_> = prep.pools.iter().filter(|p| p.market == market).collect();
    pools.sort_by(|a, b| (a.price / a.weight).total_cmp(&(b.price / b.weight)));
    let mut left = part;
    let mut cost = 0.0;
    for p in pools {
        if left <= 0.0 {
            break;
        }
        let take = (f64::from(p.cap) * p.weight).min(left);
        cost += take * p.price / p.weight;
        left -= take;
    }
    (left <= NOISE).then_some(cost)
}

/// The elastic re-solve: which constraint groups need slack, and how much.
pub(crate) fn elastic(
    request: &FleetRequest,
    prep: &Prepared,
    backend: Backend,
    time_limit: f64,
) -> Explanation {
    let unit = request.target.unit;
    let built = model::build(request, prep, &[], Goal::Elastic);
    let groups = built.slacks.clone();
    let solved = match model::solve(built, backend, time_limit, 0.0) {
        Ok(solved) => solved,
        Err(_) => {
            return Explanation {
                conflicts: vec![conflict(
                    &["placement", "constraints.single_az", "constraints.single_type"],
                    "no plan exists even with every capacity, share, budget and count constraint relaxed: the one-AZ / one-type choices (single_az, single_type, cluster) leave no usable pool".to_owned(),
                )],
            };
        }
    };
    let mut conflicts = Vec::new();
    for group in &groups {
        let slack = solved.slack(group);
        if slack <= tolerance::ILP_ELASTIC_SLACK * group.limit.abs().max(1.0) {
            continue;
        }
        let scope = if group.scope.is_empty() {
            String::new()
        } else {
            format!(" ({})", group.scope)
        };
        let amount = if group.constraint == "max_total_price" {
            format!("${}/h", num(slack))
        } else if matches!(group.constraint, "min_pools" | "max_types") {
            format!("{} pool(s)/type(s)", num(slack))
        } else if group.constraint == "placement.groups" {
            format!("{} instance(s)", num(slack))
        } else {
            format!("{} {unit}", num(slack))
        };
        let message = if group.covering {
            format!(
                "{}{scope} can only be met {amount} short of its requirement {}",
                group.constraint,
                num(group.limit)
            )
        } else {
            format!(
                "{}{scope} would have to allow {amount} more than its limit {}",
                group.constraint,
                num(group.limit)
            )
        };
        conflicts.push(conflict(&[group.constraint], message));
    }
    if conflicts.is_empty() {
        conflicts.push(conflict(
            &["constraints"],
            "the solver proved the constraints cannot all hold, but the elastic re-solve found a plan within tolerances; the request is at the edge of feasibility".to_owned(),
        ));
    }
    Explanation { conflicts }
}
