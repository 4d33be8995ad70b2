//! aws mode against optimal mode for every spot strategy (`fleetopt compare`, DESIGN §10): which
//! solves a comparison runs, the saving rule that says when an optimal plan is cheaper like for
//! like, and the rows with their failure class.
//!
//! A comparison solves the request once per spot strategy of [`SpotStrategy::ALL`] and mode
//! (aws, then optimal), in that order. Every solve is independent, so they run in parallel (rayon,
//! order-preserving collect): the rows do not depend on the thread count. Plans in rows carry no
//! solve time ([`Plan::without_timing`]), so a comparison's bytes repeat.
//!
//! A request that is wrong is wrong for every strategy: the first input error (in row order) is
//! the comparison's error. Any other failure (infeasible, time limit, internal) is that row's,
//! and the other rows still stand.

use fleetopt_instances::Catalog;
use rayon::prelude::*;
use serde::{Serialize, Serializer};

use crate::error::ErrorClass;
use crate::plan::Plan;
use crate::request::{FleetRequest, Mode, SpotStrategy};
use crate::solve::{SolveError, SolveOptions, solve};

/// The modes a comparison solves each strategy in, in row order.
pub const MODES: [Mode; 2] = [Mode::Aws, Mode::Optimal];

/// How much closer than this two risk figures may be and still count as equal: the metrics are
/// sums of products, so equal plans can differ in the last bits.
const RISK_TOLERANCE: f64 = 1e-12;

/// One row of a comparison: one spot strategy in one mode.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The spot strategy solved.
    pub strategy: SpotStrategy,
    /// The mode solved.
    pub mode: Mode,
    /// The plan (without solve time), or why there is none; never an input error.
    pub outcome: Result<Plan, SolveError>,
    /// optimal rows: the saving against the aws row of the same strategy ([`saving`]), when
    /// comparable.
    pub saving_vs_aws: Option<f64>,
}

impl Comparison {
    /// The plan, when the row has one.
    pub fn plan(&self) -> Option<&Plan> {
        self.outcome.as_ref().ok()
    }

    /// The class of the row's failure, when it has no plan.
    pub fn failure_class(&self) -> Option<ErrorClass> {
        self.outcome.as_ref().err().map(SolveError::class)
    }
}

/// The JSON of a row: `strategy`, `mode`, then `plan` or `error` (the message) and `error_kind`
/// (the class), then `saving_vs_aws`; absent fields are omitted.
impl Serialize for Comparison {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Row<'a> {
            strategy: SpotStrategy,
            mode: Mode,
            #[serde(skip_serializing_if = "Option::is_none")]
            plan: Option<&'a Plan>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error_kind: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            saving_vs_aws: Option<f64>,
        }
        Row {
            strategy: self.strategy,
            mode: self.mode,
            plan: self.plan(),
            error: self.outcome.as_ref().err().map(ToString::to_string),
            error_kind: self.failure_class().map(ErrorClass::as_str),
            saving_vs_aws: self.saving_vs_aws,
        }
        .serialize(serializer)
    }
}

/// The saving of an optimal plan against the aws plan of the same strategy, as a share of the
/// aws cost, when the optimal plan is at equal or better risk: no more expected interruptions
/// per hour and no larger worst-AZ loss, and the aws plan meets its target (a plan that falls
/// short is not a like-for-like price). `None` when not comparable.
pub fn saving(aws: &Plan, optimal: &Plan) -> Option<f64> {
    let (a, o) = (&aws.metrics, &optimal.metrics);
    let comparable = aws.shortfall.is_none()
        && a.cost_per_hour > 0.0
        && o.expected_interruptions_per_hour <= a.expected_interruptions_per_hour + RISK_TOLERANCE
        && o.worst_az_loss <= a.worst_az_loss + RISK_TOLERANCE;
    comparable.then(|| (a.cost_per_hour - o.cost_per_hour) / a.cost_per_hour)
}

/// Solves `request` for every spot strategy in aws and optimal mode (the `mode` and
/// `spot_strategy` of `options` are replaced; the rest applies to every solve). Rows come in the
/// order of [`SpotStrategy::ALL`] × [`MODES`]; the error is the first input error.
pub fn compare(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
) -> Result<Vec<Comparison>, SolveError> {
    let cases: Vec<(SpotStrategy, Mode)> = SpotStrategy::ALL
        .into_iter()
        .flat_map(|strategy| MODES.map(|mode| (strategy, mode)))
        .collect();
    let outcomes: Vec<Result<Plan, SolveError>> = cases
        .par_iter()
        .map(|&(strategy, mode)| {
            let options = SolveOptions {
                mode: Some(mode),
                spot_strategy: Some(strategy),
                ..options.clone()
            };
            solve(catalog, request, &options)
        })
        .collect();
    let mut rows: Vec<Comparison> = Vec::with_capacity(cases.len());
    for ((strategy, mode), outcome) in cases.into_iter().zip(outcomes) {
        let outcome = match outcome {
            Err(error) if error.class() == ErrorClass::Input => return Err(error),
            outcome => outcome.map(Plan::without_timing),
        };
        // The aws row of the same strategy is the one just before an optimal row.
        let saving_vs_aws = match (mode, rows.last(), &outcome) {
            (Mode::Optimal, Some(aws), Ok(optimal)) if aws.strategy == strategy => {
                aws.plan().and_then(|aws| saving(aws, optimal))
            }
            _ => None,
        };
        rows.push(Comparison {
            strategy,
            mode,
            outcome,
            saving_vs_aws,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use fleetopt_instances::Market;

    use super::*;
    use crate::request::TypeOverride;
    use crate::test_support::{self, PoolRow, itype};

    /// Two types in two AZs: `a.large` cheap and risky on spot, `b.large` dearer and safe.
    fn catalog() -> Catalog {
        let rows: Vec<PoolRow<'_>> = ["use1-az1", "use1-az2"]
            .into_iter()
            .flat_map(|zone| {
                [
                    ("a.large", zone, Market::Spot, 0.03, Some(4)),
                    ("a.large", zone, Market::OnDemand, 0.10, None),
                    ("b.large", zone, Market::Spot, 0.04, Some(0)),
                    ("b.large", zone, Market::OnDemand, 0.11, None),
                ]
            })
            .collect();
        test_support::catalog(
            vec![itype("a.large", 2, 8192), itype("b.large", 2, 8192)],
            &rows,
        )
    }

    fn request() -> FleetRequest {
        let mut request = test_support::request(6.0);
        request.candidates.overrides = ["a.large", "b.large"]
            .into_iter()
            .map(|name| TypeOverride {
                pattern: name.to_owned(),
                zone: None,
                weight: None,
                priority: None,
                max_price: None,
            })
            .collect();
        request
    }

    #[test]
    fn rows_are_every_strategy_in_aws_then_optimal_mode() {
        let rows = compare(&catalog(), &request(), &SolveOptions::default()).unwrap();
        let order: Vec<(SpotStrategy, Mode)> = rows.iter().map(|r| (r.strategy, r.mode)).collect();
        let expected: Vec<(SpotStrategy, Mode)> = SpotStrategy::ALL
            .into_iter()
            .flat_map(|s| [(s, Mode::Aws), (s, Mode::Optimal)])
            .collect();
        assert_eq!(order, expected);
        for row in &rows {
            let plan = row.plan().unwrap();
            assert_eq!((plan.mode, plan.strategy.spot), (row.mode, row.strategy));
            assert!(plan.solver.as_ref().is_none_or(|s| s.seconds == 0.0));
            if row.mode == Mode::Aws {
                assert_eq!(row.saving_vs_aws, None);
            }
        }
    }

    #[test]
    fn an_input_error_is_the_comparisons_error() {
        let mut request = request();
        request.region = Some("eu-west-1".into());
        let error = compare(&catalog(), &request, &SolveOptions::default()).unwrap_err();
        assert_eq!(error.class(), ErrorClass::Input);
    }

    #[test]
    fn saving_needs_equal_or_better_risk_and_an_aws_plan_that_meets_its_target() {
        let aws = solve(&catalog(), &request(), &SolveOptions::default()).unwrap();
        let mut optimal = aws.clone();
        optimal.metrics.cost_per_hour = aws.metrics.cost_per_hour * 0.5;
        assert_eq!(saving(&aws, &optimal), Some(0.5));
        optimal.metrics.expected_interruptions_per_hour += 1e-6;
        assert_eq!(saving(&aws, &optimal), None);
        optimal.metrics.expected_interruptions_per_hour =
            aws.metrics.expected_interruptions_per_hour;
        optimal.metrics.worst_az_loss += 0.1;
        assert_eq!(saving(&aws, &optimal), None);
        optimal.metrics.worst_az_loss = aws.metrics.worst_az_loss;
        let mut short = aws.clone();
        short.shortfall = Some(crate::plan::Shortfall::NoEligiblePool {
            market: Market::Spot,
        });
        assert_eq!(saving(&short, &optimal), None);
    }
}
