//! The constraint families of the integer program, one function each.
//!
//! Notation (good_lp's habit of stating the algebra beside the code): `P` is the set of model
//! pools, `x_p ∈ ℤ, 0 ≤ x_p ≤ cap_p` the instances of pool `p`, `w_p` its weight (units per
//! instance), `c_p` its price, `T` the target, `P_OD`/`P_S` the pools of a market, `P_k` the
//! pools of instance type `k` and `P_z` those in AZ `z`. Every family adds its rows in a fixed
//! order (pool order, then type or AZ order), so the same request always builds the same model
//! and HiGHS, which is deterministic for a fixed model, returns the same plan.
//!
//! A *covering* row (`≥`) and a *packing* row (`≤`) built through [`Built::row`] get a
//! non-negative slack in elastic mode (see [`super::explain`]); structural rows (linking
//! binaries, the single-AZ/type choice, the On-Demand stop) are always hard.
//!
//! Variables carry names (`x[spot/use1-az1/m5.large]`, `y[…]`, `slot[…/2]`, `t[m5]`, `a[use1-az1]`,
//! `s_max_pool_share`, `slack[max_az_share/use1-az1]`) so [`Built::dump`] reads as the request.

use fleetopt_instances::Market;
use good_lp::{Expression, variable};

use super::model::Built;
use super::prepare::Prepared;
use crate::placement::rules::SPREAD_LIMIT;
use crate::placement::slots::SlotKind;
use crate::plan::RiskAxis;
use crate::request::{FleetRequest, PlacementSpec};
use crate::tolerance;

/// `Σ_{p ∈ S} w_p x_p` over the pools `keep` selects.
fn capacity(m: &Built, prep: &Prepared, keep: impl Fn(usize) -> bool) -> Expression {
    let mut e = Expression::with_capacity(prep.pools.len());
    for (i, p) in prep.pools.iter().enumerate() {
        if keep(i) {
            e.add_mul(p.weight, m.var(m.x[i]));
        }
    }
    e
}

/// `Σ_{p ∈ S} x_p` over the pools `keep` selects (instances, not capacity).
fn instances(m: &Built, prep: &Prepared, keep: impl Fn(usize) -> bool) -> Expression {
    let mut e = Expression::with_capacity(prep.pools.len());
    for (i, _) in prep.pools.iter().enumerate() {
        if keep(i) {
            e.add_mul(1.0, m.var(m.x[i]));
        }
    }
    e
}

/// A capacity row `Σ_{p ∈ S} w_p x_p ≥ rhs` (covering) or `≤ rhs`, tightened by integer
/// rounding when every weight in it is a whole number: with `g = gcd(w_p)`, the integer points
/// of `Σ w_p x_p ≤ rhs` are exactly those of `Σ (w_p ÷ g) x_p ≤ ⌊rhs ÷ g⌋` (covering: `⌈·⌉`),
/// but the relaxation of the second is tighter. A type capped at 1,000 vCPU whose instances
/// have 48 holds 20 of them, not 20.83: the LP that `pricing` reads its bound from then sits
/// at the integer optimum instead of 0.1 % below it (scenario L-spot). Rows with a slack
/// (elastic, relaxing) stay as they are, since the slack is continuous.
struct CapacityRow {
    /// `Σ (w_p ÷ g) x_p`.
    expression: Expression,
    /// The rounded right-hand side.
    rhs: f64,
}

/// How close to a whole number a scaled right-hand side counts as that number (relative; why
/// this value: [`tolerance::ILP_ROW_ROUNDING`]).
const ROUNDING: f64 = tolerance::ILP_ROW_ROUNDING;

fn capacity_row(
    m: &Built,
    prep: &Prepared,
    keep: impl Fn(usize) -> bool,
    covering: bool,
    rhs: f64,
) -> CapacityRow {
    let selected = || prep.pools.iter().enumerate().filter(|(i, _)| keep(*i));
    let divisor = if m.has_slacks() {
        None
    } else {
        whole_divisor(selected().map(|(_, p)| p.weight))
    };
    let Some(g) = divisor else {
        return CapacityRow {
            expression: capacity(m, prep, keep),
            rhs,
        };
    };
    let mut expression = Expression::with_capacity(prep.pools.len());
    for (i, p) in selected() {
        expression.add_mul(p.weight / g, m.var(m.x[i]));
    }
    let scaled = rhs / g;
    // Round-off in `share × T` must not cost a whole instance: 999.9999999 ÷ 1 is 1,000.
    let slack = ROUNDING * scaled.abs().max(1.0);
    let rhs = if covering {
        (scaled - slack).ceil()
    } else {
        (scaled + slack).floor()
    };
    CapacityRow { expression, rhs }
}

/// The greatest common divisor of `weights` when every one is a whole number (and there is
/// one); `None` otherwise.
fn whole_divisor(weights: impl Iterator<Item = f64>) -> Option<f64> {
    const WHOLE: f64 = (1u64 << 52) as f64;
    let mut g: u64 = 0;
    for w in weights {
        if !((1.0..WHOLE).contains(&w) && w.fract() == 0.0) {
            return None;
        }
        let (mut a, mut b) = (g, w as u64);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        g = a;
    }
    (g > 0).then_some(g as f64)
}

/// The instance columns, one per model pool: `0 ≤ x_p ≤ cap_p`, integer.
pub(crate) fn instance_columns(m: &mut Built, prep: &Prepared) {
    for p in &prep.pools {
        let name = format!(
            "x[{}/{}/{}]",
            p.market, prep.zones[p.zone], prep.types[p.type_ix]
        );
        let column = m.add(m.integer(variable().min(0).max(f64::from(p.cap)).name(name)));
        m.x.push(column);
    }
}

/// Commitment coverage (`prepare::CoverageGroup`): per group `g` and member pool `p` a
/// continuous `c_{g,p} ≥ 0`, the instances of `p` that `g` pays for, with
/// `Σ_p a_{g,p} c_{g,p} ≤ limit_g` (a reservation's or RI's count with `a = 1`; a Savings
/// Plan's hourly commitment with `a` its rate) and `Σ_g c_{g,p} ≤ x_p` (only instances the
/// plan holds). The cost stage subtracts `price_p · c_{g,p}` ([`super::model`]), so its
/// objective is new spend. Without Savings Plans, for integer `x` the rows are a
/// transportation polytope with integer data, so the best coverage is whole instances and
/// equals `commitments::bill`'s greedy; a Savings Plan adds a fractional knapsack, whose
/// optimum is the greedy by savings percentage AWS bills by.
/// Structural rows: an explanation never relaxes what a commitment is.
pub(crate) fn commitment_coverage(m: &mut Built, prep: &Prepared) {
    let mut per_pool: std::collections::BTreeMap<usize, Expression> =
        std::collections::BTreeMap::new();
    for (g, group) in prep.coverage.iter().enumerate() {
        let mut covered = Expression::with_capacity(group.members.len());
        for &(pool, weight) in &group.members {
            let p = &prep.pools[pool];
            let name = format!(
                "cover[{g}/{}/{}]",
                prep.zones[p.zone], prep.types[p.type_ix]
            );
            let column = m.add(variable().min(0).name(name));
            covered.add_mul(weight, m.var(column));
            per_pool
                .entry(pool)
                .or_default()
                .add_mul(1.0, m.var(column));
            m.coverage.push((pool, column));
        }
        m.constraints.push(covered.leq(group.limit));
    }
    for (pool, mut expr) in per_pool {
        expr.add_mul(-1.0, m.var(m.x[pool]));
        m.constraints.push(expr.leq(0.0));
    }
}

/// Target: `Σ_P w_p x_p ≥ T`. Returns the capacity expression for [`overshoot`].
pub(crate) fn target(m: &mut Built, prep: &Prepared, request: &FleetRequest) -> Expression {
    let row = capacity_row(m, prep, |_| true, true, request.target.capacity);
    m.row(row.expression, true, row.rhs, "target", String::new());
    capacity(m, prep, |_| true)
}

/// The On-Demand part: `Σ_{P_OD} w_p x_p ≥ OD`, and, when there is a spot part, the On-Demand
/// stop: AWS fills On-Demand first and stops at the instance that reaches its part, so a plan
/// holds less than `OD + w` On-Demand for some weight `w` of an On-Demand pool it uses (spot
/// strategies cannot dodge their objective by buying On-Demand instead).
///
/// With the distinct eligible On-Demand weights `w_1 < … < w_n`, a binary `u_j` (j ≥ 2) may be
/// 1 only when a pool of weight ≥ `w_j` is used (`u_j ≤ Σ_{P_OD, w_p ≥ w_j} x_p`), so
/// `M = w_1 + Σ_{j≥2} (w_j − w_{j−1}) u_j` is at most the largest weight used, and the row is
/// `Σ_{P_OD} w_p x_p − Σ_{j≥2} (w_j − w_{j−1}) u_j ≤ OD + w_1 − ε`. With one weight this is
/// `Σ_{P_OD} w_p x_p < OD + w_1` and needs no binary.
pub(crate) fn on_demand_part(m: &mut Built, prep: &Prepared) {
    if prep.od_part <= 0.0 {
        return;
    }
    let pools = &prep.pools;
    let on_demand = |i: usize| pools[i].market == Market::OnDemand;
    let row = capacity_row(m, prep, on_demand, true, prep.od_part);
    m.row(
        row.expression,
        true,
        row.rhs,
        "on_demand_target",
        String::new(),
    );
    let od = capacity(m, prep, on_demand);
    if prep.spot_part <= 0.0 {
        return;
    }
    let Some(&smallest) = prep.od_weights.first() else {
        return;
    };
    let mut stop = od;
    for pair in prep.od_weights.windows(2) {
        let (below, weight) = (pair[0], pair[1]);
        let u = m.add(m.binary(variable().name(format!("u_on_demand_weight[{weight}]"))));
        let used = instances(m, prep, |i| {
            pools[i].market == Market::OnDemand && pools[i].weight >= weight
        });
        m.constraints
            .push((Expression::from(m.var(u)) - used).leq(0.0));
        stop.add_mul(-(weight - below), m.var(u));
    }
    let margin = smallest - tolerance::ILP_STRICT_ROW * smallest.max(tolerance::ILP_SCALE_FLOOR);
    m.constraints.push(stop.leq(prep.od_part + margin));
}

/// Interruption caps: the request's `Σ_P h_p x_p ≤ max_expected_interruptions_per_hour`
/// (hard), and the safety anchor's ([`super::anchor`]): the same row with the reference plan's
/// value, `Σ_{P_k} w_p x_p ≤ L_type` per type and `Σ_{P_z} w_p x_p ≤ L_az` per AZ with a pool,
/// and, while relaxing, `w_p x_p ≤ L_pool` per pool that could exceed it (otherwise the pool
/// cap is a column bound). Hazard rows are scaled by the largest hazard, since hourly hazards
/// (~1e-4) sit near the solver's tolerances.
pub(crate) fn risk_caps(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    let pools = &prep.pools;
    let largest_hazard = pools.iter().map(|p| p.hazard).fold(0.0_f64, f64::max);
    let hazard = |m: &Built| {
        let mut e = Expression::with_capacity(pools.len());
        for (i, p) in pools.iter().enumerate() {
            if p.hazard > 0.0 {
                e.add_mul(p.hazard / largest_hazard, m.var(m.x[i]));
            }
        }
        e
    };
    if largest_hazard > 0.0 {
        if let Some(cap) = request.constraints.max_expected_interruptions_per_hour {
            let e = hazard(m);
            m.row(
                e,
                false,
                cap / largest_hazard,
                "max_expected_interruptions_per_hour",
                String::new(),
            );
        }
        if let Some(cap) = prep.caps.hazard {
            let e = hazard(m);
            m.cap_row(
                e,
                RiskAxis::ExpectedInterruptionsPerHour,
                cap / largest_hazard,
                largest_hazard,
            );
        }
    }
    if let Some(cap) = prep.caps.type_capacity {
        for k in (0..prep.types.len()).filter(|&k| prep.type_rows(k)) {
            let most: f64 = pools
                .iter()
                .filter(|p| p.type_ix == k)
                .map(|p| f64::from(p.cap) * p.weight)
                .sum();
            if most > cap {
                let row = capacity_row(m, prep, |i| pools[i].type_ix == k, false, cap);
                m.cap_row(row.expression, RiskAxis::WorstTypeLoss, row.rhs, 1.0);
            }
        }
    }
    if let Some(cap) = prep.caps.az.filter(|_| m.zone_rows) {
        for z in 0..prep.zones.len() {
            let most: f64 = pools
                .iter()
                .filter(|p| p.zone == z)
                .map(|p| f64::from(p.cap) * p.weight)
                .sum();
            if most > cap {
                let row = capacity_row(m, prep, |i| pools[i].zone == z, false, cap);
                m.cap_row(row.expression, RiskAxis::WorstAzLoss, row.rhs, 1.0);
            }
        }
    }
    if let Some(cap) = prep.caps.pool.filter(|_| prep.relaxing) {
        for (i, p) in pools.iter().enumerate() {
            if f64::from(p.cap) * p.weight > cap {
                let e = capacity(m, prep, |j| j == i);
                m.cap_row(e, RiskAxis::WorstPoolLoss, cap, 1.0);
            }
        }
    }
}

/// Budgets per market: `Σ_{P_m} c_p x_p ≤ max_total_price_m`.
pub(crate) fn budgets(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    for (market, budget) in [
        (Market::Spot, request.spot.max_total_price),
        (Market::OnDemand, request.on_demand.max_total_price),
    ] {
        let Some(budget) = budget else { continue };
        let mut e = Expression::with_capacity(prep.pools.len());
        for (i, p) in prep.pools.iter().enumerate() {
            if p.market == market {
                e.add_mul(p.price, m.var(m.x[i]));
            }
        }
        m.row(e, false, budget, "max_total_price", market.to_string());
    }
}

/// Type shares: for each type `k` with a pool, `Σ_{P_k} w_p x_p ≤ max_type_share × T`.
pub(crate) fn type_shares(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    let Some(share) = request.constraints.max_type_share else {
        return;
    };
    let pools = &prep.pools;
    for (k, name) in prep.types.iter().enumerate() {
        if prep.type_rows(k) && pools.iter().any(|p| p.type_ix == k) {
            let limit = share * request.target.capacity;
            let row = capacity_row(m, prep, |i| pools[i].type_ix == k, false, limit);
            m.row(
                row.expression,
                false,
                row.rhs,
                "max_type_share",
                name.clone(),
            );
        }
    }
}

/// AZ shares: for each AZ `z` with a pool, `Σ_{P_z} w_p x_p ≤ max_az_share × T`.
pub(crate) fn az_shares(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    let Some(share) = request.constraints.max_az_share.filter(|_| m.zone_rows) else {
        return;
    };
    let pools = &prep.pools;
    for (z, name) in prep.zones.iter().enumerate() {
        if pools.iter().any(|p| p.zone == z) {
            let limit = share * request.target.capacity;
            let row = capacity_row(m, prep, |i| pools[i].zone == z, false, limit);
            m.row(row.expression, false, row.rhs, "max_az_share", name.clone());
        }
    }
}

/// AZ-loss survival: for every AZ `z` of the candidate set (with pools or not),
/// `Σ_{P ∖ P_z} w_p x_p ≥ survive_az_loss × T`.
pub(crate) fn az_loss_survival(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    let Some(share) = request.constraints.survive_az_loss.filter(|_| m.zone_rows) else {
        return;
    };
    let pools = &prep.pools;
    for (z, name) in prep.zones.iter().enumerate() {
        let limit = share * request.target.capacity;
        let row = capacity_row(m, prep, |i| pools[i].zone != z, true, limit);
        m.row(
            row.expression,
            true,
            row.rhs,
            "survive_az_loss",
            name.clone(),
        );
    }
}

/// Overshoot: `Σ_P w_p x_p ≤ T + max_overshoot`.
pub(crate) fn overshoot(m: &mut Built, request: &FleetRequest, total: Expression) {
    if let Some(over) = request.constraints.max_overshoot {
        let limit = request.target.capacity + over;
        m.row(total, false, limit, "max_overshoot", String::new());
    }
}

/// The AZs an Auto Scaling request's zone balance spreads the group over, when optimal mode
/// holds it to the balance ([`zone_balance`]): `balance_zones`, not one AZ (`single_az`, a
/// cluster group, which aws mode does not balance), at least two AZs with a model pool, and
/// every one of them with a pool of each market that has a part and no availability estimate
/// (so it can hold the market's whole part). Where an AZ cannot, ASG's `balanced-best-effort`
/// moves what it cannot hold to the other AZs, market by market, which a fixed per-AZ band does
/// not describe; the plan then says the balance was not modelled.
pub(crate) fn balanced_zones(prep: &Prepared, request: &FleetRequest) -> Option<Vec<usize>> {
    let one_az =
        request.constraints.single_az || matches!(request.placement, PlacementSpec::Cluster { .. });
    if !request.balance_zones || one_az {
        return None;
    }
    let pools = &prep.pools;
    let zones: Vec<usize> = (0..prep.zones.len())
        .filter(|&z| pools.iter().any(|p| p.zone == z))
        .collect();
    let parts = [
        (Market::OnDemand, prep.od_part),
        (Market::Spot, prep.spot_part),
    ];
    let holds_alone = |z: usize| {
        parts
            .iter()
            .filter(|(_, part)| *part > 0.0)
            .all(|(market, _)| {
                pools
                    .iter()
                    .any(|p| p.zone == z && p.market == *market && p.available.is_none())
            })
    };
    (zones.len() >= 2 && zones.iter().all(|&z| holds_alone(z))).then_some(zones)
}

/// ASG zone balance (`balance_zones`, an Auto Scaling request; aws-semantics §2.3): the group,
/// both markets together, is balanced evenly over its AZs `Z` ([`balanced_zones`]), each within
/// one instance of its share `s = T ÷ |Z|`: with `W` the largest weight of a model pool,
/// `s − W ≤ Σ_{P_z} w_p x_p ≤ s + W` for every AZ `z`. aws mode's fill keeps it: the On-Demand
/// part is split evenly, then each AZ fills to the running total of its group share and
/// overshoots by less than one instance.
pub(crate) fn zone_balance(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    let Some(zones) = balanced_zones(prep, request) else {
        return;
    };
    let pools = &prep.pools;
    let share = request.target.capacity / zones.len() as f64;
    let largest = pools.iter().map(|p| p.weight).fold(0.0_f64, f64::max);
    for &z in &zones {
        let name = prep.zones[z].clone();
        if share - largest > 0.0 {
            let row = capacity_row(m, prep, |i| pools[i].zone == z, true, share - largest);
            m.row(row.expression, true, row.rhs, "balance_zones", name.clone());
        }
        let row = capacity_row(m, prep, |i| pools[i].zone == z, false, share + largest);
        m.row(row.expression, false, row.rhs, "balance_zones", name);
    }
}

/// Spread with a fixed number of groups `g`: for each AZ `z` with a pool,
/// `Σ_{P_z} x_p ≤ 7 g` (AWS's seven running instances per AZ per group).
pub(crate) fn spread_groups(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    let PlacementSpec::Spread { groups: Some(g) } = request.placement else {
        return;
    };
    let pools = &prep.pools;
    for (z, name) in prep.zones.iter().enumerate() {
        if pools.iter().any(|p| p.zone == z) {
            let e = instances(m, prep, |i| pools[i].zone == z);
            let limit = f64::from(SPREAD_LIMIT) * f64::from(g);
            m.row(e, false, limit, "placement.groups", name.clone());
        }
    }
}

/// The anchor's placement caps ([`super::anchor`]): the capacity of one placement group's
/// racks in one AZ at most `L_group`, of one partition at most `L_part`.
///
/// - **cluster, partition**: the plan has one group, so its racks in an AZ hold the AZ's
///   capacity: `Σ_{P_z} w_p x_p ≤ L_group` per AZ.
/// - **spread, as many groups as needed**: a group can hold any one instance alone, so the cap
///   holds exactly when no pool used weighs more than `L_group`: a column bound in `prepare`,
///   and while relaxing a binary `v_p ≥ x_p ÷ cap_p` with `w_p v_p ≤ L_group + σ` per heavier
///   pool. Groups then close before the instance that would take them above the cap
///   ([`crate::placement::slots::assign`]).
/// - **spread with `g` groups, partition with `k` partitions per AZ** ([`SlotKind`]): slot
///   columns `y_{p,j} ∈ ℤ, y ≥ 0` for slots `j = 1..g` (or `k`) of pool `p`'s AZ, with
///   `Σ_j y_{p,j} = x_p` and `Σ_{P_z} w_p y_{p,j} ≤ L` per AZ `z` and slot `j`; spread adds
///   `Σ_{P_z} y_{p,j} ≤ 7` (AWS's limit per group per AZ). Partitions add EC2's even
///   distribution as fleetopt models it (the round-robin of `slots::assign` keeps both): integers
///   `r_p` and `q_z` with `r_p ≤ y_{p,j} ≤ r_p + 1` (each pool within one instance over its AZ's
///   partitions) and `q_z ≤ Σ_{P_z} y_{p,j} ≤ q_z + 1` (each AZ's partitions within one instance).
///
/// The slot columns, per pool and slot, go to [`Built::slots`] for the plan's slots.
pub(crate) fn placement_caps(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    let pools = &prep.pools;
    let zones_used = |z: usize| pools.iter().any(|p| p.zone == z);
    if let Some(cap) = prep.caps.group {
        match request.placement {
            PlacementSpec::Cluster { .. } | PlacementSpec::Partition { .. } => {
                for z in (0..prep.zones.len()).filter(|&z| zones_used(z)) {
                    let row = capacity_row(m, prep, |i| pools[i].zone == z, false, cap);
                    m.cap_row(row.expression, RiskAxis::WorstGroupLoss, row.rhs, 1.0);
                }
            }
            PlacementSpec::Spread { groups: None } if prep.relaxing => {
                for (i, p) in pools.iter().enumerate().filter(|(_, p)| p.weight > cap) {
                    let name = format!(
                        "v[{}/{}/{}]",
                        p.market, prep.zones[p.zone], prep.types[p.type_ix]
                    );
                    let v = m.add(m.binary(variable().name(name)));
                    let x = m.var(m.x[i]);
                    m.constraints
                        .push((Expression::from(x) - f64::from(p.cap) * m.var(v)).leq(0.0));
                    let e = Expression::from(m.var(v)) * p.weight;
                    m.cap_row(e, RiskAxis::WorstGroupLoss, cap, 1.0);
                }
            }
            _ => {}
        }
    }
    let Some(kind) = prep.slots else { return };
    let (axis, cap) = match kind {
        SlotKind::SpreadGroups(_) => (RiskAxis::WorstGroupLoss, prep.caps.group),
        SlotKind::Partitions(_) => (RiskAxis::WorstPartitionLoss, prep.caps.partition),
    };
    let slots = kind.slots();
    let mut columns: Vec<Vec<usize>> = Vec::with_capacity(pools.len());
    for (i, p) in pools.iter().enumerate() {
        let mut split = Expression::from(m.var(m.x[i]));
        let mut own = Vec::with_capacity(slots as usize);
        for j in 1..=slots {
            let name = format!(
                "slot[{}/{}/{}/{j}]",
                p.market, prep.zones[p.zone], prep.types[p.type_ix]
            );
            let y = m.add(m.integer(variable().min(0).max(f64::from(p.cap)).name(name)));
            split.add_mul(-1.0, m.var(y));
            own.push(y);
        }
        m.constraints.push(split.eq(0.0));
        if let SlotKind::Partitions(_) = kind {
            let name = format!(
                "r[{}/{}/{}]",
                p.market, prep.zones[p.zone], prep.types[p.type_ix]
            );
            let r = m.add(m.integer(variable().min(0).name(name)));
            for &y in &own {
                let spread = Expression::from(m.var(y)) - m.var(r);
                m.constraints.push(spread.clone().geq(0.0));
                m.constraints.push(spread.leq(1.0));
            }
        }
        columns.push(own);
    }
    for z in (0..prep.zones.len()).filter(|&z| zones_used(z)) {
        let balance = match kind {
            SlotKind::Partitions(_) => {
                let name = format!("q[{}]", prep.zones[z]);
                Some(m.add(m.integer(variable().min(0).name(name))))
            }
            SlotKind::SpreadGroups(_) => None,
        };
        // Per slot of the AZ: its instances and its capacity.
        let empty = || Expression::with_capacity(pools.len());
        let mut held: Vec<Expression> = (0..slots).map(|_| empty()).collect();
        let mut capacities: Vec<Expression> = (0..slots).map(|_| empty()).collect();
        for (i, p) in pools.iter().enumerate().filter(|(_, p)| p.zone == z) {
            for ((h, c), &y) in held.iter_mut().zip(&mut capacities).zip(&columns[i]) {
                h.add_mul(1.0, m.var(y));
                c.add_mul(p.weight, m.var(y));
            }
        }
        for (held, capacity) in held.into_iter().zip(capacities) {
            match balance {
                Some(q) => {
                    let even = held - m.var(q);
                    m.constraints.push(even.clone().geq(0.0));
                    m.constraints.push(even.leq(1.0));
                }
                None => m.constraints.push(held.leq(f64::from(SPREAD_LIMIT))),
            }
            if let Some(cap) = cap {
                m.cap_row(capacity, axis, cap, 1.0);
            }
        }
    }
    m.slots = Some(columns);
}

/// Pools used: a binary `y_p` per pool with `x_p ≤ cap_p y_p` and `x_p ≥ y_p` (so `y_p = 1`
/// exactly when the pool is used), and `Σ_P y_p ≥ min_pools`.
pub(crate) fn pools_used(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    let Some(min) = request.constraints.min_pools.filter(|&n| n > 0) else {
        return;
    };
    let mut used = Expression::with_capacity(prep.pools.len());
    for (i, p) in prep.pools.iter().enumerate() {
        let name = format!(
            "y[{}/{}/{}]",
            p.market, prep.zones[p.zone], prep.types[p.type_ix]
        );
        let y = m.add(m.binary(variable().name(name)));
        let x = m.var(m.x[i]);
        m.constraints
            .push((Expression::from(x) - f64::from(p.cap) * m.var(y)).leq(0.0));
        m.constraints
            .push((Expression::from(x) - m.var(y)).geq(0.0));
        used.add_mul(1.0, m.var(y));
    }
    m.row(used, true, f64::from(min), "min_pools", String::new());
}

/// Types used: a binary `t_k` per type with a pool, `x_p ≤ cap_p t_k` for `p ∈ P_k`, and
/// `Σ_k t_k ≤ max_types` — or `≤ 1`, hard, for `single_type` and a single-type cluster.
pub(crate) fn types_used(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    let c = &request.constraints;
    let single_type_cluster = matches!(
        request.placement,
        PlacementSpec::Cluster {
            multiple_types: false
        }
    );
    let single = c.single_type || single_type_cluster;
    let Some(limit) = [c.max_types, single.then_some(1)]
        .into_iter()
        .flatten()
        .min()
    else {
        return;
    };
    let pools = &prep.pools;
    let mut used = Expression::with_capacity(prep.types.len());
    for (k, type_name) in prep.types.iter().enumerate() {
        if !pools.iter().any(|p| p.type_ix == k) {
            continue;
        }
        let t = m.add(m.binary(variable().name(format!("t[{type_name}]"))));
        for (i, p) in pools.iter().enumerate() {
            if p.type_ix == k {
                let x = m.var(m.x[i]);
                m.constraints
                    .push((Expression::from(x) - f64::from(p.cap) * m.var(t)).leq(0.0));
            }
        }
        used.add_mul(1.0, m.var(t));
    }
    if single {
        m.constraints.push(used.leq(1.0));
    } else {
        m.row(used, false, f64::from(limit), "max_types", String::new());
    }
}

/// One AZ (`single_az`, or any cluster group): a binary `a_z` per AZ, `x_p ≤ cap_p a_z` for
/// `p ∈ P_z`, and `Σ_z a_z ≤ 1`.
pub(crate) fn single_az(m: &mut Built, prep: &Prepared, request: &FleetRequest) {
    if !(request.constraints.single_az
        || matches!(request.placement, PlacementSpec::Cluster { .. }))
    {
        return;
    }
    let mut used = Expression::with_capacity(prep.zones.len());
    for (z, zone) in prep.zones.iter().enumerate() {
        let a = m.add(m.binary(variable().name(format!("a[{zone}]"))));
        for (i, p) in prep.pools.iter().enumerate() {
            if p.zone == z {
                let x = m.var(m.x[i]);
                m.constraints
                    .push((Expression::from(x) - f64::from(p.cap) * m.var(a)).leq(0.0));
            }
        }
        used.add_mul(1.0, m.var(a));
    }
    m.constraints.push(used.leq(1.0));
}

/// The largest AZ's capacity (both markets), for the worst-AZ-loss stage: a column `z` with
///
/// ```text
/// Σ_{p in AZ a} w_p · x_p − z ≤ 0        for every AZ a
/// ```
///
/// so minimising `z` minimises the capacity lost with the worst AZ.
pub(crate) fn largest_az_capacity(m: &mut Built, prep: &Prepared) -> usize {
    let z = m.add(variable().min(0).name("z_largest_az"));
    for zone in 0..prep.zones.len() {
        let mut e = Expression::with_capacity(prep.pools.len() + 1);
        for (i, p) in prep.pools.iter().enumerate() {
            if p.zone == zone {
                e.add_mul(p.weight, m.var(m.x[i]));
            }
        }
        e.add_mul(-1.0, m.var(z));
        m.constraints.push(e.leq(0.0));
    }
    z
}

/// The largest spot-pool share (`diversified`): a column `s ≥ 0` in capacity units with
/// `w_p x_p ≤ s` for every spot pool. Returns its column.
pub(crate) fn largest_spot_share(m: &mut Built, prep: &Prepared) -> usize {
    let s = m.add(variable().min(0).name("s_max_pool_share"));
    for (i, p) in prep.pools.iter().enumerate() {
        if p.market == Market::Spot {
            let x = m.var(m.x[i]);
            m.constraints.push((p.weight * x - m.var(s)).leq(0.0));
        }
    }
    s
}
