//! Rule 9's second half: shape constraints AWS cannot be asked for are not enforced in aws mode;
//! each one the resulting plan violates is a [`BrokenConstraint`] with a note saying so and by
//! how much (comparisons use the names to price what the constraints cost).

use std::collections::BTreeMap;

use fleetopt_instances::Market;

use super::fill::EPS;
use crate::plan::{Allocation, Metrics};
use crate::request::FleetRequest;

/// A request constraint an aws-mode plan breaks, because AWS cannot be asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenConstraint {
    /// The request field (`max_pool_share`, `survive_az_loss`, …).
    pub constraint: &'static str,
    /// What the plan does instead, for the plan's notes.
    pub note: String,
}

/// Every shape constraint of the request that `allocations` (with their `metrics`) break, in a
/// fixed order, each with its note.
pub fn broken_constraints(
    request: &FleetRequest,
    allocations: &[Allocation],
    metrics: &Metrics,
) -> Vec<BrokenConstraint> {
    let constraints = &request.constraints;
    let mut notes: Vec<BrokenConstraint> = Vec::new();
    let mut push = |constraint: &'static str, note: String| {
        notes.push(BrokenConstraint { constraint, note });
    };
    let target = metrics.target;
    let pools = largest(allocations, |a| {
        (a.market, &a.availability_zone_id, &a.instance_type)
    });
    let types = largest(allocations, |a| &a.instance_type);
    let zones = largest(allocations, |a| &a.availability_zone_id);

    if let (Some(limit), Some(((market, zone, name), held))) = (constraints.max_pool_share, pools)
        && held > limit * target + EPS
    {
        push(
            "max_pool_share",
            format!(
                "max_pool_share {limit} is not expressible to AWS; this plan puts {} of the target in one pool ({name} {} in {zone})",
                percent(ratio(held, target)),
                market_word(market),
            ),
        );
    }
    if let (Some(limit), Some((name, held))) = (constraints.max_type_share, &types)
        && *held > limit * target + EPS
    {
        push(
            "max_type_share",
            format!(
                "max_type_share {limit} is not expressible to AWS; this plan puts {} of the target in one instance type ({name})",
                percent(ratio(*held, target)),
            ),
        );
    }
    if let (Some(limit), Some((zone, held))) = (constraints.max_az_share, &zones)
        && *held > limit * target + EPS
    {
        push(
            "max_az_share",
            format!(
                "max_az_share {limit} is not expressible to AWS; this plan puts {} of the target in one AZ ({zone})",
                percent(ratio(*held, target)),
            ),
        );
    }
    if let Some(min) = constraints.min_pools
        && metrics.pools < min
    {
        push(
            "min_pools",
            format!(
                "min_pools {min} is not expressible to AWS; this plan uses {} pool{}",
                metrics.pools,
                plural(metrics.pools),
            ),
        );
    }
    if let Some(max) = constraints.max_types
        && metrics.types > max
    {
        push(
            "max_types",
            format!(
                "max_types {max} is not expressible to AWS; this plan uses {} instance types",
                metrics.types,
            ),
        );
    }
    if let Some(keep) = constraints.survive_az_loss {
        // The AZ holding the most is the worst to lose; with no allocation, any AZ is.
        let (zone, held) = match &zones {
            Some((zone, held)) => (zone.to_string(), *held),
            None => ("any AZ".to_owned(), 0.0),
        };
        let left = metrics.capacity - held;
        if left < keep * target - EPS {
            push(
                "survive_az_loss",
                format!(
                    "survive_az_loss {keep} is not expressible to AWS; losing {zone} leaves {} of the target",
                    percent(ratio(left, target)),
                ),
            );
        }
    }
    if let Some(max) = constraints.max_expected_interruptions_per_hour
        && metrics.expected_interruptions_per_hour > max * (1.0 + crate::tolerance::RELATIVE_NOISE)
    {
        push(
            "max_expected_interruptions_per_hour",
            format!(
                "max_expected_interruptions_per_hour {max} is not expressible to AWS; this plan expects {} interruptions per hour",
                num(metrics.expected_interruptions_per_hour),
            ),
        );
    }
    if let Some(max) = constraints.max_overshoot
        && metrics.overshoot > max + EPS
    {
        push(
            "max_overshoot",
            format!(
                "max_overshoot {max} is not expressible to AWS; this plan overshoots by {} {}",
                num(metrics.overshoot),
                request.target.unit,
            ),
        );
    }
    if constraints.single_az && metrics.azs > 1 {
        push(
            "single_az",
            format!(
                "single_az: AWS applies SingleAvailabilityZone to each market separately; this plan's On-Demand and Spot parts use {} AZs",
                metrics.azs
            ),
        );
    }
    if constraints.single_type && metrics.types > 1 {
        push(
            "single_type",
            format!(
                "single_type: AWS applies SingleInstanceType to each market separately; this plan's On-Demand and Spot parts use {} instance types",
                metrics.types
            ),
        );
    }
    notes
}

/// The group holding the most capacity (the first in key order on ties), with its capacity.
fn largest<'a, K: Ord + 'a>(
    allocations: &'a [Allocation],
    key: impl Fn(&'a Allocation) -> K,
) -> Option<(K, f64)> {
    let mut held: BTreeMap<K, f64> = BTreeMap::new();
    for allocation in allocations {
        *held.entry(key(allocation)).or_insert(0.0) += allocation.capacity;
    }
    held.into_iter()
        .fold(None, |best: Option<(K, f64)>, (k, v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((k, v)),
        })
}

/// `spot` / `On-Demand`, for prose.
pub(crate) fn market_word(market: Market) -> &'static str {
    match market {
        Market::Spot => "Spot",
        Market::OnDemand => "On-Demand",
    }
}

/// A number for prose: at most 6 decimals, trailing zeros dropped (`15`, `0.8`); a value too
/// small for 6 decimals but not zero is written in full (`0.0000001`), never as `0`.
pub(crate) fn num(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "0" | "-0" if value != 0.0 => format!("{value}"),
        "-0" => "0".to_owned(),
        _ => text.to_owned(),
    }
}

fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 && whole.is_finite() {
        part / whole
    } else {
        0.0
    }
}

/// A share as a percentage for prose (`100 %`, `37.5 %`).
pub(crate) fn percent(share: f64) -> String {
    let value = share * 100.0;
    if (value - value.round()).abs() < 0.05 {
        format!("{value:.0} %")
    } else {
        format!("{value:.1} %")
    }
}

fn plural(count: u32) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_percentages_read_well() {
        assert_eq!(num(15.0), "15");
        assert_eq!(num(0.8), "0.8");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(-0.0), "0");
        // A price of 1e-7 is not zero and must not read as one (issue 13).
        assert_eq!(num(1e-7), "0.0000001");
        assert_eq!(num(-1e-7), "-0.0000001");
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(percent(0.375), "37.5 %");
    }
}
