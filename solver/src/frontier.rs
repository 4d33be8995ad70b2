//! The exact cost–risk front of one request, by the ε-constraint method (`fleetopt pareto`).
//!
//! A weighted sum of cost and risk only ever finds the points of the front's convex hull; the
//! ε-constraint method finds every non-dominated point. Starting from the cheapest plan (optimal
//! `lowestPrice` without a safety anchor, ties broken towards less risk), each step caps the
//! risk strictly below the last point's and asks for the cheapest plan again:
//!
//! - expected interruptions per hour: `constraints.max_expected_interruptions_per_hour = ε`;
//! - worst AZ loss: `constraints.max_az_share = ε` (an AZ's capacity ÷ target is exactly the
//!   loss when it fails).
//!
//! with `ε = r_k × (1 − STEP)`. Every plan that is cheaper than point `k+1` has risk ≥ `r_k`
//! (else step `k` would have found it), so no non-dominated point lies strictly between two
//! consecutive points; the walk ends when the cap leaves no plan (the last point is the
//! least risky plan there is) or after `max_points` points (then [`Frontier::complete`] is
//! false). Risk values closer than `STEP` relative to each other are one point: that is the
//! stated tolerance, so float noise never decides membership. A final pass drops points that
//! another point matches on cost and beats on risk (a cheapest plan whose risk ties were not
//! broken on this axis).
//!
//! The walk is sequential (each cap depends on the last point); every solve is deterministic,
//! so the front is too.

use fleetopt_instances::Catalog;

use crate::plan::Plan;
use crate::request::{FleetRequest, Mode, SafetyReference, SpotStrategy};
use crate::solve::{SolveError, SolveOptions, solve};

/// Two risk values closer than this, relative to the larger, are the same point; each step
/// caps the risk this far below the last point's.
pub const STEP: f64 = 1e-6;

/// The risk axis of a front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum FrontAxis {
    /// Expected spot interruptions per hour.
    #[default]
    ExpectedInterruptions,
    /// Share of the target lost with the worst AZ.
    WorstAzLoss,
}

impl FrontAxis {
    /// Both axes, in the order outputs list them.
    pub const ALL: [FrontAxis; 2] = [FrontAxis::ExpectedInterruptions, FrontAxis::WorstAzLoss];

    /// The plan metric's name.
    pub fn as_str(self) -> &'static str {
        match self {
            FrontAxis::ExpectedInterruptions => "expected_interruptions_per_hour",
            FrontAxis::WorstAzLoss => "worst_az_loss",
        }
    }

    /// The plan's risk on this axis.
    pub fn of(self, plan: &Plan) -> f64 {
        match self {
            FrontAxis::ExpectedInterruptions => plan.metrics.expected_interruptions_per_hour,
            FrontAxis::WorstAzLoss => plan.metrics.worst_az_loss,
        }
    }

    /// `request` with this axis capped at `cap`.
    fn capped(self, request: &FleetRequest, cap: f64) -> FleetRequest {
        let mut capped = request.clone();
        let c = &mut capped.constraints;
        match self {
            FrontAxis::ExpectedInterruptions => {
                c.max_expected_interruptions_per_hour = Some(
                    c.max_expected_interruptions_per_hour
                        .map_or(cap, |own| own.min(cap)),
                );
            }
            FrontAxis::WorstAzLoss => {
                c.max_az_share = Some(c.max_az_share.map_or(cap, |own| own.min(cap)));
            }
        }
        capped
    }
}

/// The front of one request on one axis.
#[derive(Debug, Clone)]
pub struct Frontier {
    /// The axis.
    pub axis: FrontAxis,
    /// The non-dominated plans, cheapest (and riskiest) first, without solve time.
    pub points: Vec<Plan>,
    /// False when the walk stopped at `max_points` before reaching the least risky plan.
    pub complete: bool,
}

/// Walks the front of `request` on `axis` (see the module docs); at most `max_points` points.
/// The request's own constraints all hold on every point. An error means there is no plan at
/// all (the cheapest solve failed).
pub fn frontier(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
    axis: FrontAxis,
    max_points: usize,
) -> Result<Frontier, SolveError> {
    let options = SolveOptions {
        mode: Some(Mode::Optimal),
        spot_strategy: Some(SpotStrategy::LowestPrice),
        ..options.clone()
    };
    let mut cheapest = request.clone();
    cheapest.spot.pools = None;
    cheapest.constraints.as_safe_as = Some(SafetyReference::None);
    let mut points = vec![solve(catalog, &cheapest, &options)?.without_timing()];
    let mut complete = false;
    while points.len() < max_points.max(1) {
        let last = axis.of(&points[points.len() - 1]);
        if last <= 0.0 {
            complete = true;
            break;
        }
        let capped = axis.capped(&cheapest, last * (1.0 - STEP));
        match solve(catalog, &capped, &options) {
            Ok(plan) => points.push(plan.without_timing()),
            Err(SolveError::Infeasible(_)) => {
                complete = true;
                break;
            }
            // Out of time or a backend failure: the points so far stand, the front is open.
            Err(_) => break,
        }
    }
    let points = non_dominated(points, axis);
    Ok(Frontier {
        axis,
        points,
        complete,
    })
}

/// Drops every point another matches on cost (within [`STEP`]) and beats on risk.
fn non_dominated(points: Vec<Plan>, axis: FrontAxis) -> Vec<Plan> {
    let same = |a: f64, b: f64| (a - b).abs() <= STEP * a.abs().max(b.abs());
    let keep: Vec<bool> = points
        .iter()
        .map(|p| {
            !points.iter().any(|q| {
                let (pc, qc) = (p.metrics.cost_per_hour, q.metrics.cost_per_hour);
                let (pr, qr) = (axis.of(p), axis.of(q));
                (qc < pc || same(qc, pc)) && qr < pr && !same(qr, pr)
            })
        })
        .collect();
    points
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use fleetopt_instances::{Market, ZoneId};

    use super::*;
    use crate::metrics;
    use crate::plan::Allocation;
    use crate::request::CapacityUnit;
    use crate::test_support::{REGION, catalog, itype};

    /// Four spot pools over two AZs with prices falling as risk rises.
    fn fixture() -> Catalog {
        catalog(
            vec![itype("a.large", 2, 8192), itype("b.large", 2, 8192)],
            &[
                ("a.large", "use1-az1", Market::Spot, 0.020, Some(4)),
                ("a.large", "use1-az2", Market::Spot, 0.024, Some(2)),
                ("b.large", "use1-az1", Market::Spot, 0.027, Some(1)),
                ("b.large", "use1-az2", Market::Spot, 0.033, Some(0)),
            ],
        )
    }

    fn request() -> FleetRequest {
        let mut r = FleetRequest::new(REGION, 8.0, Mode::Optimal);
        r.target.unit = CapacityUnit::Vcpu;
        r
    }

    /// (cost, risk) of every plan with 0..=4 instances per pool that meets the target.
    fn every_plan(catalog: &Catalog, request: &FleetRequest, axis: FrontAxis) -> Vec<(f64, f64)> {
        let set = crate::candidates::resolve(catalog, request).unwrap();
        let n = set.pools.len();
        let mut out = Vec::new();
        let mut x = vec![0u32; n];
        loop {
            let allocations: Vec<Allocation> = set
                .pools
                .iter()
                .zip(&x)
                .filter(|(_, c)| **c > 0)
                .map(|(p, &count)| Allocation {
                    instance_type: p.pool.instance_type.clone(),
                    availability_zone_id: ZoneId::new(p.pool.zone.as_str()),
                    market: p.pool.market,
                    count,
                    weight: p.weight,
                    capacity: f64::from(count) * p.weight,
                    price_per_hour: p.pool.price_per_hour,
                    placement: None,
                })
                .collect();
            let m = metrics::compute(
                request,
                set.region,
                set.pools.iter().map(|p| p.instance_type),
                &allocations,
            );
            if m.capacity >= request.target.capacity {
                let risk = match axis {
                    FrontAxis::ExpectedInterruptions => m.expected_interruptions_per_hour,
                    FrontAxis::WorstAzLoss => m.worst_az_loss,
                };
                out.push((m.cost_per_hour, risk));
            }
            let mut i = 0;
            loop {
                if i == n {
                    return out;
                }
                if x[i] < 4 {
                    x[i] += 1;
                    break;
                }
                x[i] = 0;
                i += 1;
            }
        }
    }

    /// The non-dominated (cost, risk) pairs, merged within `STEP`, sorted by cost.
    fn true_front(plans: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let close = |a: f64, b: f64| (a - b).abs() <= STEP * a.abs().max(b.abs()).max(1e-12);
        let mut front: Vec<(f64, f64)> = plans
            .iter()
            .copied()
            .filter(|&(c, r)| {
                !plans.iter().any(|&(c2, r2)| {
                    (c2 <= c || close(c2, c))
                        && (r2 <= r || close(r2, r))
                        && !(close(c2, c) && close(r2, r))
                })
            })
            .collect();
        front.sort_by(|a, b| a.0.total_cmp(&b.0));
        front.dedup_by(|a, b| close(a.0, b.0) && close(a.1, b.1));
        front
    }

    #[test]
    fn the_walk_finds_every_non_dominated_point_on_both_axes() {
        let catalog = fixture();
        let r = request();
        for axis in FrontAxis::ALL {
            let walked = frontier(&catalog, &r, &SolveOptions::default(), axis, 100).unwrap();
            assert!(walked.complete);
            let found: Vec<(f64, f64)> = walked
                .points
                .iter()
                .map(|p| (p.metrics.cost_per_hour, axis.of(p)))
                .collect();
            let expected = true_front(&every_plan(&catalog, &r, axis));
            assert_eq!(
                found.len(),
                expected.len(),
                "{axis:?}: {found:?} vs {expected:?}"
            );
            for ((c, r), (ec, er)) in found.iter().zip(&expected) {
                assert!(
                    (c - ec).abs() < 1e-9 && (r - er).abs() < 1e-12,
                    "{axis:?}: {found:?} vs {expected:?}"
                );
            }
            // A convex-hull method would miss points; this front has more than its two ends.
            assert!(found.len() > 2, "{axis:?}: {found:?}");
        }
    }

    #[test]
    fn a_truncated_walk_says_so() {
        let walked = frontier(
            &fixture(),
            &request(),
            &SolveOptions::default(),
            FrontAxis::ExpectedInterruptions,
            2,
        )
        .unwrap();
        assert_eq!(walked.points.len(), 2);
        assert!(!walked.complete);
    }
}
