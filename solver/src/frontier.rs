//! The exact cost–risk front of one request, by the ε-constraint method (`fleetopt pareto`).
//!
//! A weighted sum of cost and risk only ever finds the points of the front's convex hull; the
//! ε-constraint method finds every non-dominated point. Each solve asks optimal `lowestPrice`
//! (without a safety anchor) for the cheapest plan whose risk is at most a cap `ε`:
//!
//! - expected interruptions per hour: `constraints.max_expected_interruptions_per_hour = ε`;
//! - worst AZ loss: `constraints.max_az_share = ε` (an AZ's capacity ÷ target is exactly the
//!   loss when it fails),
//!
//! with ties on cost broken towards less risk on the same axis
//! ([`CostTies`](crate::request::CostTies)), so the answer is a point of the front: the
//! cheapest plan under the cap, and the least risky at that cost. Two facts drive the walk:
//!
//! 1. *No front point has a risk in `(r, ε]`* where `r` is the answer's risk: such a plan costs at
//!    least as much (the answer is the cheapest under `ε`) and is riskier.
//! 2. *No plan at all has a risk ≤ `ε`* when the solve is infeasible.
//!
//! The walk keeps the known points (cheapest first) and, below each, the gap of risks where
//! unknown front points may still lie. It starts from the cheapest plan with the gap `(0, r₀)`
//! and repeatedly takes the widest open gap (in shares of the risk and cost ranges found so
//! far): a wide gap is cut at its middle (spreading points over the whole front first), a
//! narrow one capped just below its upper point, `ε = r × (1 − STEP)` (which closes the gap
//! above the next point in one solve). By the two facts every gap only ever shrinks by ranges
//! that hold no front point, so when every gap is closed the points are the whole front
//! ([`Frontier::complete`]); after `max_points` solves the points found are front points, and
//! the front says it is incomplete. Risk values closer than [`STEP`] relative to each other are
//! one point: that is the stated tolerance, so float noise never decides membership. A final
//! pass drops points that another point matches on cost and beats on risk.
//!
//! Every solve is deterministic and the gap chosen is a pure function of the points, so the
//! front is too; [`explore`] runs the axes and the strategy comparison in parallel.

use fleetopt_instances::Catalog;
use rayon::prelude::*;

use crate::compare::{Comparison, compare};

use crate::pareto::RiskAxis;
use crate::plan::Plan;
use crate::request::{FleetRequest, Mode, SafetyReference, SpotStrategy};
use crate::solve::{SolveError, SolveOptions, solve};

/// Two risk values closer than this, relative to the larger, are the same point; a gap is
/// closed when it is this narrow, and a walking step caps the risk this far below a point's
/// ([`crate::tolerance::FRONT_STEP`], where its value is explained).
pub const STEP: f64 = crate::tolerance::FRONT_STEP;

/// `request` with the risk on `axis` capped at `cap` (on top of any cap the request has).
fn capped(axis: RiskAxis, request: &FleetRequest, cap: f64) -> FleetRequest {
    let mut capped = request.clone();
    let c = &mut capped.constraints;
    let slot = match axis {
        RiskAxis::ExpectedInterruptions => &mut c.max_expected_interruptions_per_hour,
        RiskAxis::WorstAzLoss => &mut c.max_az_share,
    };
    *slot = Some(slot.map_or(cap, |own| own.min(cap)));
    capped
}

/// The front of one request on one axis.
#[derive(Debug, Clone)]
pub struct Frontier {
    /// The axis.
    pub axis: RiskAxis,
    /// The non-dominated plans, cheapest (and riskiest) first, without solve time.
    pub points: Vec<Plan>,
    /// False when the walk stopped at `max_points` before reaching the least risky plan.
    pub complete: bool,
}

/// The unknown part of the front just below one known point: plans with a risk in
/// `(low, upper × (1 − STEP))` may still be on it.
#[derive(Debug, Clone, Copy)]
struct Gap {
    low: f64,
}

/// Which solve a gap gets: the cheapest plan under the middle of the gap, which spreads the
/// points out but leaves two gaps to close, while fewer than a quarter of the solves have been
/// spent that way and the gap is wide; otherwise the next point below its upper end, which
/// closes the part above it. A complete walk of a front of `n` points so takes at most
/// `n + max_points / 4 + 1` solves.
fn cap_for(low: f64, high: f64, risk_span: f64, splits: usize, max_points: usize) -> (f64, bool) {
    let budget = max_points.max(1);
    #[allow(clippy::cast_precision_loss, reason = "a count of solves")]
    let narrow = (high - low) <= risk_span / budget as f64;
    if splits < budget / 4 && !narrow {
        (0.5 * (low + high), true)
    } else {
        (high, false)
    }
}

/// Walks the front of `request` on `axis` (see the module docs) with at most `max_points`
/// solves. The request's own constraints all hold on every point. An error means there is no
/// plan at all (the cheapest solve failed).
pub fn frontier(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
    axis: RiskAxis,
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
    // Each point is the least risky plan on this axis at its cost, so a plateau of equal cost
    // is one point, not one per instance moved.
    cheapest.solver.cost_ties = axis.cost_ties();
    let first = solve(catalog, &cheapest, &options)?.without_timing();
    let top = axis.of(&first);
    // Known points by risk, highest first (cheapest first); each with the gap below it.
    let close = |gap: Gap, upper: f64| (gap.low < upper * (1.0 - STEP)).then_some(gap);
    let mut points: Vec<(Plan, Option<Gap>)> = vec![(first, close(Gap { low: 0.0 }, top))];
    let mut solves = 1;
    let mut splits = 0;
    let mut stopped = false;
    while solves < max_points.max(1) {
        let least = axis.of(&points[points.len() - 1].0);
        let risk_span = (top - least).max(top * STEP).max(f64::MIN_POSITIVE);
        let cost_span = {
            let c = |k: usize| points[k].0.metrics.cost_per_hour;
            (c(points.len() - 1) - c(0)).max(f64::MIN_POSITIVE)
        };
        // The widest open gap, in shares of the spans walked so far; the first wins ties.
        let widest = (0..points.len())
            .filter_map(|k| {
                let gap = points[k].1?;
                let upper = axis.of(&points[k].0);
                let risk_part = (upper - gap.low) / risk_span;
                let cost_part = points.get(k + 1).map_or(1.0, |(next, _)| {
                    (next.metrics.cost_per_hour - points[k].0.metrics.cost_per_hour) / cost_span
                });
                Some((k, risk_part + cost_part))
            })
            .fold(None, |best: Option<(usize, f64)>, (k, width)| match best {
                Some((_, w)) if w >= width => best,
                _ => Some((k, width)),
            });
        let Some((k, _)) = widest else { break };
        let Some(gap) = points[k].1 else { break };
        let upper = axis.of(&points[k].0);
        let high = upper * (1.0 - STEP);
        let (cap, split) = cap_for(gap.low, high, risk_span, splits, max_points);
        splits += usize::from(split);
        solves += 1;
        match solve(catalog, &capped(axis, &cheapest, cap), &options) {
            Ok(plan) => {
                let plan = plan.without_timing();
                let risk = axis.of(&plan);
                let next = points.get(k + 1).map(|(next, _)| axis.of(next));
                if next.is_some_and(|n| same(n, risk)) {
                    // The next known point again: nothing on the front in (next, cap].
                    points[k].1 = close(Gap { low: cap }, upper);
                    if plan.metrics.cost_per_hour < points[k + 1].0.metrics.cost_per_hour {
                        points[k + 1].0 = plan;
                    }
                } else {
                    // A new point: nothing in (risk, cap] (it is the cheapest there), and the
                    // old gap's lower part is now below the new point.
                    points[k].1 = close(Gap { low: cap }, upper);
                    let below = close(gap, risk);
                    points.insert(k + 1, (plan, below));
                }
            }
            // No plan at all at or below the cap: nothing on the front in (low, cap].
            Err(SolveError::Infeasible(_)) => points[k].1 = close(Gap { low: cap }, upper),
            // Out of time or a backend failure: the points so far stand, the front is open.
            Err(_) => {
                stopped = true;
                break;
            }
        }
    }
    let complete = !stopped && points.iter().all(|(_, gap)| gap.is_none());
    let points = non_dominated(points.into_iter().map(|(p, _)| p).collect(), axis);
    Ok(Frontier {
        axis,
        points,
        complete,
    })
}

/// Two risk values within [`STEP`] of each other, relative to the larger.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= STEP * a.abs().max(b.abs())
}

/// What `fleetopt pareto` shows: the front on each axis asked for, and every spot strategy's
/// aws-mode plan beside the optimal plan that dominates it (a [`compare`] of the request).
#[derive(Debug, Clone)]
pub struct Exploration {
    /// One front per axis, in the order asked for.
    pub fronts: Vec<Frontier>,
    /// The comparison rows of the request ([`compare`]): per strategy the aws-mode plan and the
    /// cheapest plan at least as safe on every axis, then the cheapest row.
    pub comparison: Vec<Comparison>,
}

/// Walks the front of `request` on each of `axes` and compares its strategies; the walks and
/// the comparison are independent and run in parallel (rayon), each deterministic, so the result
/// does not depend on the thread count. Fails when the request has no plan at all or is wrong.
pub fn explore(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
    axes: &[RiskAxis],
    max_points: usize,
) -> Result<Exploration, SolveError> {
    let (fronts, comparison) = rayon::join(
        || {
            axes.par_iter()
                .map(|&axis| frontier(catalog, request, options, axis, max_points))
                .collect::<Result<Vec<_>, _>>()
        },
        || compare(catalog, request, options),
    );
    Ok(Exploration {
        comparison: comparison?,
        fronts: fronts?,
    })
}

/// Drops every point another matches on cost (within [`STEP`]) and beats on risk.
fn non_dominated(points: Vec<Plan>, axis: RiskAxis) -> Vec<Plan> {
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
    fn every_plan(catalog: &Catalog, request: &FleetRequest, axis: RiskAxis) -> Vec<(f64, f64)> {
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
                    RiskAxis::ExpectedInterruptions => m.expected_interruptions_per_hour,
                    RiskAxis::WorstAzLoss => m.worst_az_loss,
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
        for axis in RiskAxis::ALL {
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
            RiskAxis::ExpectedInterruptions,
            2,
        )
        .unwrap();
        assert_eq!(walked.points.len(), 2);
        assert!(!walked.complete);
    }
}
