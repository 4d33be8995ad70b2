//! Rule 12: an instant fleet's `MinTargetCapacity` is all or nothing (aws-semantics §1.9): "If
//! this minimum capacity isn't reached, no instances are launched." The text says no
//! instances, not no instances of that market, so fleetopt reads it literally: when a market
//! stays below its minimum the plan holds no instances at all, and says so.

use fleetopt_instances::Market;

use super::fill::EPS;
use super::notes::{market_word, num};
use crate::plan::Shortfall;
use crate::request::{CapacityUnit, FleetRequest};

/// The first market (On-Demand, then Spot, the order they are filled in) whose minimum the
/// run did not reach, as the plan's shortfall.
pub(super) fn unmet(request: &FleetRequest, on_demand: f64, spot: f64) -> Option<Shortfall> {
    [
        (
            Market::OnDemand,
            request.on_demand.min_target_capacity,
            on_demand,
        ),
        (Market::Spot, request.spot.min_target_capacity, spot),
    ]
    .into_iter()
    .find_map(|(market, minimum, reached)| {
        let minimum = minimum?;
        (reached + EPS < minimum).then_some(Shortfall::MinTargetCapacity {
            market,
            min_target_capacity: minimum,
            reached,
        })
    })
}

/// The plan's note for an unmet minimum.
pub(super) fn note(shortfall: &Shortfall, unit: CapacityUnit) -> Option<String> {
    let Shortfall::MinTargetCapacity {
        market,
        min_target_capacity,
        reached,
    } = shortfall
    else {
        return None;
    };
    let options = match market {
        Market::Spot => "SpotOptions",
        Market::OnDemand => "OnDemandOptions",
    };
    Some(format!(
        "{options}.MinTargetCapacity {}: the {} part would reach only {} {unit} (short by {}), so AWS would launch no instances at all (\"If this minimum capacity isn't reached, no instances are launched\", aws-semantics §1.9); the plan is empty",
        num(*min_target_capacity),
        market_word(*market),
        num(*reached),
        num(min_target_capacity - reached),
    ))
}

#[cfg(test)]
mod tests {
    use fleetopt_instances::{CapacityPool, Market};

    use crate::plan::Shortfall;
    use crate::request::{FleetRequest, TypeOverride};
    use crate::solve::{SolveOptions, solve};
    use crate::test_support::{self, itype, region_catalog, zones_of};

    fn capped(zone: &str, available: u32) -> CapacityPool {
        let mut pool = test_support::pool(("m5.large", zone, Market::Spot, 0.04, Some(0)));
        pool.available_instances = Some(available);
        pool
    }

    /// Ten Spot units of one type (`SingleInstanceType`) over two capped pools that hold 7.
    fn request(minimum: f64) -> FleetRequest {
        let mut request = test_support::request(10.0);
        request.candidates.overrides = vec![TypeOverride {
            pattern: "m5.large".to_owned(),
            zone: None,
            weight: None,
            priority: None,
            max_price: None,
        }];
        request.constraints.single_type = true;
        request.spot.min_target_capacity = Some(minimum);
        request
    }

    #[test]
    fn an_unreached_minimum_launches_nothing_and_says_so() {
        let pools = vec![capped("use1-az1", 3), capped("use1-az2", 4)];
        let catalog = region_catalog(vec![itype("m5.large", 2, 8192)], zones_of(&pools), pools);
        // `solve` runs the verifier, which checks the claim and the empty plan.
        let plan = solve(&catalog, &request(8.0), &SolveOptions::default()).unwrap();
        assert!(plan.allocations.is_empty());
        assert_eq!(
            plan.shortfall,
            Some(Shortfall::MinTargetCapacity {
                market: Market::Spot,
                min_target_capacity: 8.0,
                reached: 7.0,
            })
        );
        assert!(
            plan.notes.iter().any(|n| n.starts_with(
                "SpotOptions.MinTargetCapacity 8: the Spot part would reach only 7 units (short by 1), so AWS would launch no instances at all"
            )),
            "{:#?}",
            plan.notes
        );
        // Reached exactly, the fleet launches what it can: 7 instances, an availability
        // shortfall.
        let plan = solve(&catalog, &request(7.0), &SolveOptions::default()).unwrap();
        assert_eq!(plan.metrics.instances, 7);
        assert_eq!(
            plan.shortfall,
            Some(Shortfall::Availability {
                market: Market::Spot
            })
        );
    }

    #[test]
    fn the_verifier_refuses_instances_below_the_minimum_and_false_claims() {
        let pools = vec![capped("use1-az1", 3), capped("use1-az2", 4)];
        let catalog = region_catalog(vec![itype("m5.large", 2, 8192)], zones_of(&pools), pools);
        let reached = solve(&catalog, &request(7.0), &SolveOptions::default()).unwrap();
        // The same 7 instances answering a request whose minimum is 8.
        let violations = crate::verify::verify(&catalog, &request(8.0), &reached);
        assert!(
            violations.iter().any(|v| v.message
                == "spot capacity 7 is below its MinTargetCapacity 8, yet the plan holds instances; AWS launches none when the minimum is not reached"),
            "{violations:#?}"
        );
        let empty = solve(&catalog, &request(8.0), &SolveOptions::default()).unwrap();
        let violations = crate::verify::verify(&catalog, &request(7.0), &empty);
        assert!(
            violations.iter().any(|v| v.message
                == "the plan claims a spot MinTargetCapacity of 8 but the request's is 7"),
            "{violations:#?}"
        );
    }
}
