//! aws mode against optimal mode for every spot strategy (`fleetopt compare`, DESIGN §10): which
//! solves a comparison runs, the saving rule that says when an optimal plan is cheaper like for
//! like, and the rows with their failure class.
//!
//! A comparison solves the request once per spot strategy of [`SpotStrategy::ALL`] and mode
//! (aws, then optimal), in that order. The aws rows are solved first; optimal solves that would
//! repeat each other (the same stages and the same aws-mode plan to be as safe as: `solve_key`)
//! are solved once and the plan reused, verified, for each strategy. Every solve is independent,
//! so they run in parallel (rayon, order-preserving collect): the rows do not depend on the
//! thread count. Plans in rows carry no solve time ([`Plan::without_timing`]), so a
//! comparison's bytes repeat.
//!
//! Optimal mode's default is the cheapest plan at least as safe as the aws-mode plan (see
//! [`crate::optimal`]), so whenever the aws-mode plan meets its target and the request's
//! constraints, the optimal row's saving is defined and ≥ 0. When the aws-mode plan breaks a
//! constraint AWS cannot be asked for (a pool share, AZ-loss survival, …), keeping it is what
//! may cost money: the optimal row then carries a [`ConstraintCost`] — the constraints, and the
//! dominating plan's cost without them (which is never above the aws-mode plan's) — so the row
//! says which constraints cost how much. A last row is the cheapest plan under the request's own
//! constraints (optimal `lowestPrice` without a safety anchor).
//!
//! A request that is wrong is wrong for every strategy: the first input error (in row order) is
//! the comparison's error. Any other failure (infeasible, time limit, internal) is that row's,
//! and the other rows still stand.

use fleetopt_instances::Catalog;
use rayon::prelude::*;
use serde::{Serialize, Serializer};

use crate::aws_mode;
use crate::error::ErrorClass;
use crate::plan::{Plan, RiskAxis};
use crate::request::{FleetRequest, Mode, SafetyReference, SpotStrategy};
use crate::solve::{SolveError, SolveOptions, effective_request, solve};

/// The modes a comparison solves each strategy in, in row order.
pub(crate) const MODES: [Mode; 2] = [Mode::Aws, Mode::Optimal];

/// How much closer than this two risk figures may be and still count as equal: the metrics are
/// sums of products, so equal plans can differ in the last bits ([`crate::tolerance::RISK_TIE`]).
const RISK_TOLERANCE: f64 = crate::tolerance::RISK_TIE;

/// What a row answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// One spot strategy in one mode.
    Strategy,
    /// The cheapest plan under the request's own constraints, with no safety anchor.
    Cheapest,
}

/// What the request's constraints that the aws-mode plan breaks cost the optimal plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConstraintCost {
    /// The request constraints the aws-mode plan breaks (AWS cannot be asked for them).
    pub constraints: Vec<&'static str>,
    /// The optimal plan's cost without them, USD/hour: the cheapest plan as safe as the
    /// aws-mode plan under only what AWS can express.
    pub cost_without_per_hour: f64,
    /// What keeping them costs: the optimal plan's cost minus `cost_without_per_hour`.
    pub cost_per_hour: f64,
    /// The saving against the aws-mode plan without them (≥ 0).
    pub saving_without: f64,
}

/// One row of a comparison: one spot strategy in one mode.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// What the row answers.
    pub role: Role,
    /// The spot strategy solved.
    pub strategy: SpotStrategy,
    /// The mode solved.
    pub mode: Mode,
    /// The plan (without solve time), or why there is none; never an input error.
    pub outcome: Result<Plan, SolveError>,
    /// optimal rows: the saving against the aws row of the same strategy ([`saving`]), when
    /// comparable.
    pub saving_vs_aws: Option<f64>,
    /// optimal rows whose aws-mode plan breaks request constraints: what keeping them costs.
    pub constraint_cost: Option<ConstraintCost>,
}

impl Comparison {
    /// The plan, when the row has one.
    pub fn plan(&self) -> Option<&Plan> {
        self.outcome.as_ref().ok()
    }

    /// The class of the row's failure, when it has no plan.
    pub(crate) fn failure_class(&self) -> Option<ErrorClass> {
        self.outcome.as_ref().err().map(SolveError::class)
    }
}

/// Whether `optimal` costs no more than `aws` (in new spend: [`Plan::new_spend_per_hour`]) and is no riskier on any axis a plan reports
/// ([`RiskAxis::ALL`]); figures within [`frontier::STEP`](crate::frontier::STEP) relative count
/// as equal (they are sums of products, so equal plans can differ in the last bits).
pub fn dominates(aws: &Plan, optimal: &Plan) -> bool {
    let step = crate::frontier::STEP;
    let at_most = |o: f64, a: f64| o <= a + step * a.abs().max(o.abs()).max(f64::MIN_POSITIVE);
    at_most(optimal.new_spend_per_hour(), aws.new_spend_per_hour())
        && RiskAxis::ALL.iter().all(|axis| {
            // A placement axis counts when both plans have its domains.
            match (axis.of(&optimal.metrics), axis.of(&aws.metrics)) {
                (Some(o), Some(a)) => at_most(o, a),
                _ => true,
            }
        })
}

/// The aws and optimal rows of each strategy, in row order.
pub fn by_strategy(rows: &[Comparison]) -> Vec<(&Comparison, &Comparison)> {
    rows.windows(2)
        .filter_map(|pair| {
            let (aws, optimal) = (&pair[0], &pair[1]);
            (aws.role == Role::Strategy
                && optimal.role == Role::Strategy
                && aws.mode == Mode::Aws
                && optimal.mode == Mode::Optimal
                && aws.strategy == optimal.strategy)
                .then_some((aws, optimal))
        })
        .collect()
}

/// The JSON of a row: `strategy`, `mode`, then `plan` or `error` (the message) and `error_kind`
/// (the class), then `saving_vs_aws`; absent fields are omitted.
impl Serialize for Comparison {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Row<'a> {
            role: Role,
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
            #[serde(skip_serializing_if = "Option::is_none")]
            constraint_cost: Option<&'a ConstraintCost>,
        }
        Row {
            role: self.role,
            strategy: self.strategy,
            mode: self.mode,
            plan: self.plan(),
            error: self.outcome.as_ref().err().map(ToString::to_string),
            error_kind: self.failure_class().map(ErrorClass::as_str),
            saving_vs_aws: self.saving_vs_aws,
            constraint_cost: self.constraint_cost.as_ref(),
        }
        .serialize(serializer)
    }
}

/// The saving of an optimal plan against the aws plan of the same strategy, as a share of the
/// aws cost, when the optimal plan is at equal or better risk: no more expected interruptions
/// per hour and no larger worst-AZ loss, and the aws plan meets its target (a plan that falls
/// short is not a like-for-like price). `None` when not comparable.
///
/// Cost is new spend ([`Plan::new_spend_per_hour`]): with commitments, what each plan adds to
/// the bill beyond capacity already paid for; without, its cost.
pub fn saving(aws: &Plan, optimal: &Plan) -> Option<f64> {
    let (a, o) = (&aws.metrics, &optimal.metrics);
    let (a_cost, o_cost) = (aws.new_spend_per_hour(), optimal.new_spend_per_hour());
    let comparable = aws.shortfall.is_none()
        && a_cost > 0.0
        && o.expected_interruptions_per_hour <= a.expected_interruptions_per_hour + RISK_TOLERANCE
        && o.worst_az_loss <= a.worst_az_loss + RISK_TOLERANCE;
    comparable.then(|| (a_cost - o_cost) / a_cost)
}

/// The request constraints AWS cannot be asked for, by name, and how to drop one.
const INEXPRESSIBLE: [&str; 8] = [
    "max_pool_share",
    "max_type_share",
    "max_az_share",
    "min_pools",
    "max_types",
    "survive_az_loss",
    "max_overshoot",
    "max_expected_interruptions_per_hour",
];

/// What an optimal-mode solve depends on that can differ between spot strategies, when that is
/// all it depends on: under the aws-mode anchor, the stages and the aws-mode plan the caps come
/// from (the strategy itself enters only through them). Strategies with the same key get the
/// same plan but for its strategy, so a comparison solves it once: EC2 hands capacityOptimized
/// and priceCapacityOptimized the same plan whenever the lowest-risk pools are also the
/// cheapest of them (scenarios M and L-spot). `None`: solve it on its own.
fn solve_key(effective: &FleetRequest, aws: Option<&Plan>) -> Option<String> {
    if effective.safety_reference() != SafetyReference::Aws {
        return None;
    }
    let aws = aws?;
    let stages: Vec<&str> = crate::optimal::stages(effective)
        .iter()
        .map(|s| s.name())
        .collect();
    let reference = serde_json::to_string(&(&aws.allocations, &aws.shortfall)).ok()?;
    // `spot.pools` stays only on lowestPrice requests, and an optimal plan notes it.
    Some(format!(
        "{}|{:?}|{reference}",
        stages.join(","),
        effective.spot.pools
    ))
}

/// `request` without the named constraints.
fn without(request: &FleetRequest, names: &[&str]) -> FleetRequest {
    let mut free = request.clone();
    let c = &mut free.constraints;
    for name in names {
        match *name {
            "max_pool_share" => c.max_pool_share = None,
            "max_type_share" => c.max_type_share = None,
            "max_az_share" => c.max_az_share = None,
            "min_pools" => c.min_pools = None,
            "max_types" => c.max_types = None,
            "survive_az_loss" => c.survive_az_loss = None,
            "max_overshoot" => c.max_overshoot = None,
            "max_expected_interruptions_per_hour" => c.max_expected_interruptions_per_hour = None,
            _ => {}
        }
    }
    free
}

/// Solves `request` for every spot strategy in aws and optimal mode (the `mode` and
/// `spot_strategy` of `options` are replaced; the rest applies to every solve), then prices the
/// constraints each aws-mode plan breaks, then adds the cheapest plan. Rows come in the order
/// of [`SpotStrategy::ALL`] × [`MODES`], then the cheapest row; the error is the first input
/// error.
pub fn compare(
    catalog: &Catalog,
    request: &FleetRequest,
    options: &SolveOptions,
) -> Result<Vec<Comparison>, SolveError> {
    let options_for = |mode: Mode, strategy: SpotStrategy| SolveOptions {
        mode: Some(mode),
        spot_strategy: Some(strategy),
        ..options.clone()
    };
    let mut cheapest = request.clone();
    cheapest.spot.pools = None;
    cheapest.constraints.as_safe_as = Some(SafetyReference::None);
    // The aws rows first (fast), so the optimal solves that would repeat each other are known.
    let aws: Vec<Result<Plan, SolveError>> = SpotStrategy::ALL
        .par_iter()
        .map(|&strategy| solve(catalog, request, &options_for(Mode::Aws, strategy)))
        .collect();
    let keys: Vec<Option<String>> = SpotStrategy::ALL
        .iter()
        .zip(&aws)
        .map(|(&strategy, aws)| {
            let effective = effective_request(request, &options_for(Mode::Optimal, strategy));
            solve_key(&effective, aws.as_ref().ok())
        })
        .collect();
    // Each distinct optimal solve once (the first strategy with its key), and the cheapest row:
    // `jobs` are the strategies solved, `job_of[i]` the job strategy `i` takes its plan from.
    let mut jobs: Vec<usize> = Vec::new();
    let mut job_of: Vec<usize> = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let same = key
            .as_ref()
            .and_then(|key| keys[..i].iter().position(|k| k.as_ref() == Some(key)));
        match same {
            Some(earlier) => job_of.push(job_of[earlier]),
            None => {
                jobs.push(i);
                job_of.push(jobs.len() - 1);
            }
        }
    }
    let (solved, cheapest_outcome): (Vec<Result<Plan, SolveError>>, _) = rayon::join(
        || {
            jobs.par_iter()
                .map(|&i| {
                    solve(
                        catalog,
                        request,
                        &options_for(Mode::Optimal, SpotStrategy::ALL[i]),
                    )
                })
                .collect()
        },
        || {
            solve(
                catalog,
                &cheapest,
                &options_for(Mode::Optimal, SpotStrategy::LowestPrice),
            )
        },
    );
    let optimal: Vec<Result<Plan, SolveError>> = job_of
        .iter()
        .enumerate()
        .map(|(i, &job)| match &solved[job] {
            Ok(plan) if jobs[job] != i => crate::solve::reuse(
                catalog,
                request,
                &options_for(Mode::Optimal, SpotStrategy::ALL[i]),
                plan,
            ),
            outcome => outcome.clone(),
        })
        .collect();
    let mut cases: Vec<(Role, SpotStrategy, Mode)> = SpotStrategy::ALL
        .into_iter()
        .flat_map(|strategy| MODES.map(|mode| (Role::Strategy, strategy, mode)))
        .collect();
    cases.push((Role::Cheapest, SpotStrategy::LowestPrice, Mode::Optimal));
    let mut outcomes: Vec<Result<Plan, SolveError>> = Vec::with_capacity(cases.len());
    for (aws, optimal) in aws.into_iter().zip(optimal) {
        outcomes.push(aws);
        outcomes.push(optimal);
    }
    outcomes.push(cheapest_outcome);
    let mut rows: Vec<Comparison> = Vec::with_capacity(cases.len());
    for ((role, strategy, mode), outcome) in cases.into_iter().zip(outcomes) {
        let outcome = match outcome {
            Err(error) if error.class() == ErrorClass::Input => return Err(error),
            outcome => outcome.map(Plan::without_timing),
        };
        // The aws row of the same strategy is the one just before an optimal row.
        let saving_vs_aws = match (role, mode, rows.last(), &outcome) {
            (Role::Strategy, Mode::Optimal, Some(aws), Ok(optimal)) if aws.strategy == strategy => {
                aws.plan().and_then(|aws| saving(aws, optimal))
            }
            _ => None,
        };
        rows.push(Comparison {
            role,
            strategy,
            mode,
            outcome,
            saving_vs_aws,
            constraint_cost: None,
        });
    }
    // What the constraints each aws-mode plan breaks cost: one more solve per such strategy.
    let priced: Vec<(usize, Vec<&'static str>, FleetRequest)> = rows
        .windows(2)
        .enumerate()
        .filter_map(|(i, pair)| {
            let (aws, optimal) = (&pair[0], &pair[1]);
            if aws.mode != Mode::Aws || optimal.mode != Mode::Optimal || optimal.plan().is_none() {
                return None;
            }
            let plan = aws.plan().filter(|p| p.shortfall.is_none())?;
            let effective = effective_request(request, &options_for(Mode::Optimal, aws.strategy));
            let broken: Vec<&'static str> =
                aws_mode::broken_constraints(&effective, &plan.allocations, &plan.metrics)
                    .into_iter()
                    .map(|b| b.constraint)
                    .filter(|name| INEXPRESSIBLE.contains(name))
                    .collect();
            (!broken.is_empty()).then(|| (i + 1, broken.clone(), without(request, &broken)))
        })
        .collect();
    let freed: Vec<Result<Plan, SolveError>> = priced
        .par_iter()
        .map(|(i, _, free)| {
            solve(
                catalog,
                free,
                &options_for(Mode::Optimal, rows[*i].strategy),
            )
        })
        .collect();
    for ((i, constraints, _), free) in priced.into_iter().zip(freed) {
        let (Ok(free), Some(optimal), Some(aws)) = (free, rows[i].plan(), rows[i - 1].plan())
        else {
            continue;
        };
        let (a, o, f) = (
            aws.new_spend_per_hour(),
            optimal.new_spend_per_hour(),
            free.new_spend_per_hour(),
        );
        if a <= 0.0 {
            continue;
        }
        rows[i].constraint_cost = Some(ConstraintCost {
            constraints,
            cost_without_per_hour: f,
            cost_per_hour: o - f,
            saving_without: (a - f) / a,
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
    fn a_shared_optimal_solve_gives_each_strategy_the_plan_its_own_solve_gives() {
        let (catalog, request) = (catalog(), request());
        let rows = compare(&catalog, &request, &SolveOptions::default()).unwrap();
        for row in rows.iter().filter(|r| r.role == Role::Strategy) {
            let options = SolveOptions {
                mode: Some(row.mode),
                spot_strategy: Some(row.strategy),
                ..SolveOptions::default()
            };
            let alone = solve(&catalog, &request, &options)
                .unwrap()
                .without_timing();
            assert_eq!(
                row.plan(),
                Some(&alone),
                "{:?} {:?}",
                row.strategy,
                row.mode
            );
        }
        // The sharing is exercised: priceCapacityOptimized and capacityOptimized get the same
        // aws-mode plan here, so their optimal rows come from one solve.
        let key = |strategy| {
            let effective = effective_request(
                &request,
                &SolveOptions {
                    mode: Some(Mode::Optimal),
                    spot_strategy: Some(strategy),
                    ..SolveOptions::default()
                },
            );
            let aws = solve(
                &catalog,
                &request,
                &SolveOptions {
                    mode: Some(Mode::Aws),
                    spot_strategy: Some(strategy),
                    ..SolveOptions::default()
                },
            )
            .unwrap();
            solve_key(&effective, Some(&aws))
        };
        let shared = key(SpotStrategy::PriceCapacityOptimized);
        assert!(shared.is_some());
        assert_eq!(shared, key(SpotStrategy::CapacityOptimized));
        assert_ne!(shared, key(SpotStrategy::CapacityOptimizedPrioritized));
        assert_eq!(key(SpotStrategy::LowestPrice), None);
    }

    #[test]
    fn rows_are_every_strategy_in_aws_then_optimal_mode() {
        let rows = compare(&catalog(), &request(), &SolveOptions::default()).unwrap();
        let order: Vec<(Role, SpotStrategy, Mode)> =
            rows.iter().map(|r| (r.role, r.strategy, r.mode)).collect();
        let mut expected: Vec<(Role, SpotStrategy, Mode)> = SpotStrategy::ALL
            .into_iter()
            .flat_map(|s| {
                [
                    (Role::Strategy, s, Mode::Aws),
                    (Role::Strategy, s, Mode::Optimal),
                ]
            })
            .collect();
        expected.push((Role::Cheapest, SpotStrategy::LowestPrice, Mode::Optimal));
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
    fn every_optimal_row_dominates_its_aws_row_and_saves_when_aws_meets_the_request() {
        let rows = compare(&catalog(), &request(), &SolveOptions::default()).unwrap();
        for pair in rows.chunks(2).filter(|p| p.len() == 2) {
            let (aws, optimal) = (pair[0].plan().unwrap(), pair[1].plan().unwrap());
            let saving = pair[1]
                .saving_vs_aws
                .expect("defined when aws meets the request");
            assert!(saving >= -1e-12, "{}: {saving}", pair[0].strategy);
            assert!(optimal.metrics.cost_per_hour <= aws.metrics.cost_per_hour + 1e-12);
            assert_eq!(pair[1].constraint_cost, None);
        }
        // The cheapest row is no dearer than any optimal row.
        let cheapest = rows.last().unwrap().plan().unwrap().metrics.cost_per_hour;
        assert!(
            rows.iter()
                .filter_map(Comparison::plan)
                .all(|p| cheapest <= p.metrics.cost_per_hour + 1e-12)
        );
    }

    #[test]
    fn a_constraint_the_aws_plan_breaks_is_priced() {
        // aws lowestPrice with pools = 1 puts all in one pool; the request's pool share of 0.5
        // makes the optimal plan split, and the row says what the share costs.
        let mut request = request();
        request.constraints.max_pool_share = Some(0.5);
        let rows = compare(&catalog(), &request, &SolveOptions::default()).unwrap();
        let row = rows
            .iter()
            .find(|r| r.mode == Mode::Optimal && r.strategy == SpotStrategy::CapacityOptimized)
            .unwrap();
        let cost = row
            .constraint_cost
            .as_ref()
            .expect("the aws plan breaks max_pool_share");
        assert_eq!(cost.constraints, ["max_pool_share"]);
        let optimal = row.plan().unwrap().metrics.cost_per_hour;
        assert!((cost.cost_per_hour - (optimal - cost.cost_without_per_hour)).abs() < 1e-12);
        assert!(cost.saving_without >= -1e-12);
        assert!(cost.cost_per_hour >= -1e-12);
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
