//! Rule 3: On-Demand strategies (aws-semantics §2.2, §2.3).
//!
//! - `lowestPrice`: "uses price to determine the order, launching the lowest price first": the
//!   cheapest pool per unit-hour (ties: type name, then AZ ID), filled; the next only when
//!   capped by `available_instances` or stopped by the budget. With ASG zone balancing this is
//!   "the lowest priced instance type in each Availability Zone".
//! - `prioritized`: overrides "in priority order, highest (lowest number) first"; pools without a
//!   priority come last ("If no number is set, the launch template override has the lowest
//!   priority"); equal priorities fall back to price per unit, type, AZ. AWS's example: m5.large
//!   at priority 1 goes before the cheaper m4.large at priority 2.
//!
//! Every On-Demand pool with a usable price and weight is eligible.

use fleetopt_instances::Market;

use super::fill::FillRule;
use super::rank::Ranking;
use super::usable;
use crate::candidates::CandidateSet;
use crate::request::{FleetRequest, OnDemandStrategy};

/// The On-Demand pools a request may launch into.
pub(crate) fn eligible(candidates: &CandidateSet<'_>) -> Vec<usize> {
    candidates
        .pools
        .iter()
        .enumerate()
        .filter(|(_, c)| c.pool.market == Market::OnDemand && usable(c))
        .map(|(i, _)| i)
        .collect()
}

/// The ranking and fill pattern of the request's On-Demand strategy.
pub(crate) fn plan(request: &FleetRequest) -> (Ranking, FillRule) {
    match request.on_demand.strategy {
        OnDemandStrategy::LowestPrice => (Ranking::Price, FillRule::InOrder),
        OnDemandStrategy::Prioritized => (Ranking::Priority, FillRule::InOrder),
    }
}
