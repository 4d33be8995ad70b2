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

use crate::error::{Classified, ErrorClass};
use crate::plan::Plan;
use crate::request::{CostTies, FleetRequest, Mode, SafetyReference, SpotStrategy};
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
    /// Every axis, in the order the CLI lists them.
    pub const ALL: [RiskAxis; 2] = [RiskAxis::ExpectedInterruptions, RiskAxis::WorstAzLoss];

    /// The risk of `plan` on this axis.
    pub fn of(self, plan: &Plan) -> f64 {
        match self {
            RiskAxis::ExpectedInterruptions => plan.metrics.expected_interruptions_per_hour,
            RiskAxis::WorstAzLoss => plan.metrics.worst_az_loss,
        }
    }

    /// The name of the plan metric this axis reads (as in `fleetopt.plan/v1`'s `metrics`).
    pub fn metric(self) -> &'static str {
        match self {
            RiskAxis::ExpectedInterruptions => "expected_interruptions_per_hour",
            RiskAxis::WorstAzLoss => "worst_az_loss",
        }
    }

    /// The optimal-mode tie-break that makes each cheapest plan the least risky on this axis.
    pub fn cost_ties(self) -> CostTies {
        match self {
            RiskAxis::ExpectedInterruptions => CostTies::ExpectedInterruptions,
            RiskAxis::WorstAzLoss => CostTies::WorstAzLoss,
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

/// Why a sweep cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// A weight is negative, infinite or not a number.
    #[error("{0} is not a number of hours ≥ 0")]
    LossHours(f64),
}

impl SweepError {
    /// Every sweep error is bad input.
    pub fn class(&self) -> ErrorClass {
        ErrorClass::Input
    }
}

impl Classified for SweepError {
    fn class(&self) -> ErrorClass {
        SweepError::class(self)
    }
}

/// Solves `request` in optimal mode with priceCapacityOptimized once per weight of
/// `loss_hours`, in parallel; results come back in the order of `loss_hours`. Every weight must
/// be a finite number ≥ 0.
pub fn sweep(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
    loss_hours: &[f64],
) -> Result<Vec<SweepPoint>, SweepError> {
    if let Some(&bad) = loss_hours.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
        return Err(SweepError::LossHours(bad));
    }
    let options = SolveOptions {
        mode: Some(Mode::Optimal),
        spot_strategy: Some(SpotStrategy::PriceCapacityOptimized),
        ..options.clone()
    };
    Ok(loss_hours
        .par_iter()
        .map(|&hours| {
            let mut weighted = request.clone();
            weighted.risk.interruption_loss_hours = hours;
            // The weighted objective is an explicit choice, not the default anchor.
            weighted.constraints.as_safe_as = Some(SafetyReference::None);
            SweepPoint {
                loss_hours: hours,
                outcome: solve(catalog, &weighted, &options),
            }
        })
        .collect())
}

/// The failure of the whole sweep: when no weight gave a plan, the request is wrong (or
/// infeasible) whatever the weight, and the first point's error says why. `None` when any point
/// has a plan (or there are no points).
pub fn common_failure(points: &[SweepPoint]) -> Option<&SolveError> {
    if points.iter().all(|p| p.outcome.is_err()) {
        points.first().and_then(|p| p.outcome.as_ref().err())
    } else {
        None
    }
}

/// For each point of a sweep, whether its plan is on the cost–risk front ([`front`]) of the
/// solved points on `axis`; a point without a plan never is.
pub fn on_front(points: &[SweepPoint], axis: RiskAxis) -> Vec<bool> {
    let (solved, trade_offs): (Vec<usize>, Vec<TradeOff>) = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let plan = p.outcome.as_ref().ok()?;
            Some((i, TradeOff::of(String::new(), plan, axis)))
        })
        .unzip();
    let mut flags = vec![false; points.len()];
    for k in front(&trade_offs) {
        flags[solved[k]] = true;
    }
    flags
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

    /// An aws plan of two types; tests change its metrics.
    fn plan() -> Plan {
        use fleetopt_instances::Market;

        use crate::request::TypeOverride;
        use crate::test_support::{self, itype};

        let catalog = test_support::catalog(
            vec![itype("a.large", 2, 8192)],
            &[
                ("a.large", "use1-az1", Market::Spot, 0.03, Some(1)),
                ("a.large", "use1-az1", Market::OnDemand, 0.1, None),
            ],
        );
        let mut request = test_support::request(4.0);
        request.candidates.overrides = vec![TypeOverride {
            pattern: "a.large".to_owned(),
            zone: None,
            weight: None,
            priority: None,
            max_price: None,
        }];
        match solve(&catalog, &request, &SolveOptions::default()) {
            Ok(plan) => plan,
            Err(e) => panic!("the test request solves: {e}"),
        }
    }

    fn solved(loss_hours: f64, cost: f64, risk: f64) -> SweepPoint {
        let mut plan = plan();
        plan.metrics.cost_per_hour = cost;
        plan.metrics.expected_interruptions_per_hour = risk;
        SweepPoint {
            loss_hours,
            outcome: Ok(plan),
        }
    }

    fn failed(loss_hours: f64) -> SweepPoint {
        SweepPoint {
            loss_hours,
            outcome: Err(SolveError::TimeLimit(1.0)),
        }
    }

    #[test]
    fn sweep_points_on_the_front_are_flagged_and_failures_never_are() {
        let points = [
            solved(0.0, 1.0, 0.9),
            failed(1.0),
            solved(4.0, 2.0, 0.9),
            solved(16.0, 3.0, 0.1),
        ];
        let axis = RiskAxis::ExpectedInterruptions;
        assert_eq!(on_front(&points, axis), [true, false, false, true]);
        assert!(common_failure(&points).is_none());
        assert_eq!(
            common_failure(&[failed(0.0), failed(1.0)]),
            Some(&SolveError::TimeLimit(1.0))
        );
        assert!(common_failure(&[]).is_none());
    }

    #[test]
    fn a_sweep_refuses_weights_that_are_not_hours() {
        let catalog = crate::test_support::catalog(Vec::new(), &[]);
        let request = crate::test_support::request(1.0);
        for bad in [-1.0, f64::INFINITY, f64::NAN] {
            let Err(error) = sweep(&catalog, &request, &SolveOptions::default(), &[1.0, bad])
            else {
                panic!("{bad} must be refused");
            };
            assert_eq!(error.class(), ErrorClass::Input);
            assert_eq!(
                error.to_string(),
                format!("{bad} is not a number of hours ≥ 0")
            );
        }
    }

    #[test]
    fn equal_points_are_all_on_the_front() {
        let points = [point("b", 1.0, 1.0), point("a", 1.0, 1.0)];
        assert_eq!(front(&points), [1, 0]);
        assert!(front(&[]).is_empty());
    }
}
