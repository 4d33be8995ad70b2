//! Cost against risk: the Pareto front of a set of plans, and the risk-weight sweep that traces
//! it (DESIGN §10; `fleetopt compare --plot`, `fleetopt pareto`).
//!
//! A plan is one point: USD/hour against a risk measure ([`RiskAxis`]: expected spot
//! interruptions per hour, or the share of the target lost with the worst AZ). Lower is better on
//! both axes. A point is on the *front* when no other point is at least as good on both axes and
//! strictly better on one; equal points are all kept (they are the same trade-off).
//!
//! [`sweep`] traces the front of one request in optimal mode. priceCapacityOptimized in optimal
//! mode minimises Σ count × (price + hazard × `interruption_loss_hours` × price) (DESIGN §5), so
//! `interruption_loss_hours` is exactly the weight of risk against cost: 0 is the cheapest plan,
//! large values buy fewer interruptions. Each weight is an independent solve; they run in
//! parallel (rayon, order-preserving), so the result does not depend on the thread count.

use fleetopt_instances::Catalog;
use rayon::prelude::*;
use serde::Serialize;

use crate::plan::Plan;
use crate::request::{FleetRequest, Mode, SpotStrategy};
use crate::solve::{SolveError, SolveOptions, solve};

/// Which risk measure the trade-off uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskAxis {
    /// Expected spot interruptions per hour.
    #[default]
    ExpectedInterruptions,
    /// Share of the target lost if the worst AZ fails.
    WorstAzLoss,
}

impl RiskAxis {
    /// The risk of `plan` on this axis.
    pub fn of(self, plan: &Plan) -> f64 {
        match self {
            RiskAxis::ExpectedInterruptions => plan.metrics.expected_interruptions_per_hour,
            RiskAxis::WorstAzLoss => plan.metrics.worst_az_loss,
        }
    }

    /// Axis title.
    pub fn title(self) -> &'static str {
        match self {
            RiskAxis::ExpectedInterruptions => "expected interruptions per hour",
            RiskAxis::WorstAzLoss => "worst AZ loss (share of target)",
        }
    }
}

/// One plan as a point of the trade-off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TradeOff {
    /// What the point is (e.g. `optimal priceCapacityOptimized`, `loss 2h`).
    pub label: String,
    /// The mode that made the plan.
    pub mode: Mode,
    /// USD/hour.
    pub cost_per_hour: f64,
    /// Risk on the chosen axis.
    pub risk: f64,
}

impl TradeOff {
    /// The point of `plan` on `axis`.
    pub fn of(label: impl Into<String>, plan: &Plan, axis: RiskAxis) -> TradeOff {
        TradeOff {
            label: label.into(),
            mode: plan.mode,
            cost_per_hour: plan.metrics.cost_per_hour,
            risk: axis.of(plan),
        }
    }

    /// `self` is at least as good on both axes and strictly better on one.
    fn dominates(&self, other: &TradeOff) -> bool {
        self.cost_per_hour <= other.cost_per_hour
            && self.risk <= other.risk
            && (self.cost_per_hour < other.cost_per_hour || self.risk < other.risk)
    }
}

/// Indices of the points on the Pareto front, ordered by risk then cost then label (so the
/// front reads left to right on a plot). Points with a NaN coordinate are never on it.
pub fn front(points: &[TradeOff]) -> Vec<usize> {
    let usable = |p: &TradeOff| !p.cost_per_hour.is_nan() && !p.risk.is_nan();
    let mut on_front: Vec<usize> = (0..points.len())
        .filter(|&i| usable(&points[i]))
        .filter(|&i| {
            !points
                .iter()
                .any(|other| usable(other) && other.dominates(&points[i]))
        })
        .collect();
    on_front.sort_by(|&a, &b| {
        let (a, b) = (&points[a], &points[b]);
        a.risk
            .total_cmp(&b.risk)
            .then(a.cost_per_hour.total_cmp(&b.cost_per_hour))
            .then_with(|| a.label.cmp(&b.label))
    });
    on_front
}

/// The risk weights `fleetopt pareto` sweeps by default: hours of an instance's price lost per
/// interruption, 0 ("risk is free") and then powers of 4 up to about a million hours. Spot
/// hazards are small (a bucket-4 pool, > 20 % a month, is about 0.0004 interruptions an hour), so
/// only large weights make a cheap risky pool cost more than a dear safe one; the geometric grid
/// reaches from the cheapest plan to (practically) the safest.
pub const DEFAULT_LOSS_HOURS: [f64; 12] = [
    0.0, 1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0,
];

/// One solve of the sweep.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// The `interruption_loss_hours` used.
    pub loss_hours: f64,
    /// The plan, or why there is none.
    pub outcome: Result<Plan, SolveError>,
}

/// Solves `request` in optimal mode with priceCapacityOptimized once per weight of
/// `loss_hours`, in parallel; results come back in the order of `loss_hours`.
pub fn sweep(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
    loss_hours: &[f64],
) -> Vec<SweepPoint> {
    let options = SolveOptions {
        mode: Some(Mode::Optimal),
        spot_strategy: Some(SpotStrategy::PriceCapacityOptimized),
        ..options.clone()
    };
    loss_hours
        .par_iter()
        .map(|&hours| {
            let mut weighted = request.clone();
            weighted.risk.interruption_loss_hours = hours;
            SweepPoint {
                loss_hours: hours,
                outcome: solve(catalog, &weighted, &options),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(label: &str, cost: f64, risk: f64) -> TradeOff {
        TradeOff {
            label: label.to_owned(),
            mode: Mode::Aws,
            cost_per_hour: cost,
            risk,
        }
    }

    #[test]
    fn the_front_keeps_only_undominated_points_ordered_by_risk() {
        let points = [
            point("cheap-risky", 1.0, 0.9),
            point("dominated", 2.0, 0.9),
            point("middle", 1.5, 0.5),
            point("safe", 3.0, 0.1),
            point("worse-than-middle", 1.6, 0.6),
            point("nan", f64::NAN, 0.0),
        ];
        assert_eq!(front(&points), [3, 2, 0]);
    }

    #[test]
    fn equal_points_are_all_on_the_front() {
        let points = [point("b", 1.0, 1.0), point("a", 1.0, 1.0)];
        assert_eq!(front(&points), [1, 0]);
        assert!(front(&[]).is_empty());
    }
}
