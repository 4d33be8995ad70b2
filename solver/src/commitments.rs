//! Capacity the account already holds and pays for: On-Demand Capacity Reservations and
//! Reserved Instances, as a request carries them ([`Owned`]), which candidate pools each can
//! cover (`holdings`), and what a plan's instances make of them ([`bill`]).
//!
//! # What covers what (docs/aws-semantics.md §2.5)
//! - An **open Capacity Reservation** (`active`, capacity left, shared tenancy, the request's
//!   platform) is capacity in one pool: On-Demand instances of its type launched in its AZ run
//!   in it, billed whether or not they do, so up to its available count they cost nothing more.
//!   A `targeted` one takes only launches that name it; fleetopt plans none into it.
//! - A **zonal Reserved Instance** is a discount and a capacity reservation in one AZ: it covers
//!   running instances of its type there, up to its count, whatever launched them. aws mode does
//!   not prefer it when allocating (EC2 Fleet's `use-capacity-reservations-first` names
//!   Capacity Reservations only); it is billing.
//! - A **regional Reserved Instance** is a billing discount on its exact type in any AZ of the
//!   region, up to its count. Size flexibility within the family (normalisation factors) is not
//!   modelled: an RI covers its own type only, so coverage is never overstated.
//!
//! The request's preference ([`ReservationPreference`]) decides whether Capacity Reservations
//! take launches at all (`none`), take matching launches as they come (`open`, EC2's default),
//! are filled first (`first`) or are the only place On-Demand may go (`only`). Reserved
//! Instances are billing: they apply under every preference.
//!
//! # Billing
//! [`bill`] covers a plan's On-Demand instances with the most value the commitments allow:
//! pool commitments (reservations, zonal RIs) first, each in its own pool, then each type's
//! regional RIs over that type's still-uncovered instances, dearest pool first. Pool
//! commitments first loses nothing (a regional RI can cover any instance a pool commitment
//! could, not the other way), and within a type the dearest instances are the most worth
//! covering, so the greedy reaches the maximum coverage value, which is what optimal mode's
//! coverage columns maximise and what the verifier recomputes in closed form.

use std::collections::BTreeMap;

use fleetopt_instances::commitments::{
    CapacityReservation, CapacityReservationState, MatchCriteria, ReservationType,
    ReservedInstance, ReservedInstanceState, ReservedScope, SavingsPlan, SavingsPlanRates,
    SavingsPlanState, SavingsPlanType, Tenancy,
};
use fleetopt_instances::load::ZoneRef;
use fleetopt_instances::{Market, Platform, Region, RegionName, TypeName, ZoneId};
use serde::{Deserialize, Serialize};

use crate::candidates::CandidateSet;
use crate::plan::Allocation;
use crate::request::FleetRequest;

/// Whether and how On-Demand launches use the account's Capacity Reservations: EC2 Fleet's
/// `CapacityReservationOptions.UsageStrategy`, the Auto Scaling group's
/// `CapacityReservationPreference`, a native request's `on_demand.capacity_reservations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReservationPreference {
    /// Never launch into a reservation (ASG `none`).
    None,
    /// Matching launches run in open reservations as they happen; allocation is unchanged (the
    /// default: EC2 Fleet without a usage strategy, ASG `default`).
    #[default]
    Open,
    /// Fill pools with unused reservations first, in the On-Demand strategy's order, then the
    /// rest by the strategy (EC2 Fleet `use-capacity-reservations-first`, ASG
    /// `capacity-reservations-first`).
    First,
    /// Launch On-Demand only into reservations (ASG `capacity-reservations-only`).
    Only,
}

impl ReservationPreference {
    /// Every preference, in the order the native spelling lists them.
    pub const ALL: [ReservationPreference; 4] = [
        ReservationPreference::None,
        ReservationPreference::Open,
        ReservationPreference::First,
        ReservationPreference::Only,
    ];

    /// The native spelling (`none`, `open`, `first`, `only`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReservationPreference::None => "none",
            ReservationPreference::Open => "open",
            ReservationPreference::First => "first",
            ReservationPreference::Only => "only",
        }
    }

    /// Parses the native spelling, exactly.
    pub fn parse(text: &str) -> Option<ReservationPreference> {
        ReservationPreference::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
    }

    /// Whether Capacity Reservations take launches at all.
    pub fn uses_reservations(self) -> bool {
        self != ReservationPreference::None
    }
}

/// The kind of a commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentKind {
    /// An On-Demand Capacity Reservation (`cr-…`).
    CapacityReservation,
    /// A zonal Reserved Instance.
    ZonalReservedInstance,
    /// A regional Reserved Instance.
    RegionalReservedInstance,
}

impl CommitmentKind {
    /// The spelling in plans and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentKind::CapacityReservation => "capacity_reservation",
            CommitmentKind::ZonalReservedInstance => "zonal_reserved_instance",
            CommitmentKind::RegionalReservedInstance => "regional_reserved_instance",
        }
    }

    /// Whether it covers one pool (a reservation or a zonal RI) rather than a type region-wide.
    pub fn is_zonal(self) -> bool {
        self != CommitmentKind::RegionalReservedInstance
    }
}

/// One commitment as planning sees it: what it covers and how many instances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    /// `cr-…` or the `ReservedInstancesId`.
    pub id: String,
    /// Kind.
    pub kind: CommitmentKind,
    /// Instance type.
    pub instance_type: TypeName,
    /// The AZ (by ID, or by name to resolve with the catalogue); `None` for a regional RI.
    pub zone: Option<ZoneRef>,
    /// The platform, when fleetopt models it.
    pub platform: Option<Platform>,
    /// Instances it can cover now: a reservation's available count, an RI's count; 0 when
    /// `unusable`.
    pub count: u32,
    /// Why it covers nothing, whatever the request (state, targeted, tenancy, platform).
    pub unusable: Option<String>,
    /// File and JSON path it came from.
    pub source: String,
}

/// What the account already holds, supplied beside the request
/// (`--capacity-reservations`, `--reserved-instances`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Owned {
    /// Every commitment, in file order (reservations first).
    pub commitments: Vec<Commitment>,
    /// Savings Plans, in file order (`--savings-plans` with `--savings-plan-rates`).
    pub savings_plans: Vec<SavingsPlanHolding>,
}

/// One Savings Plan as planning sees it: an hourly commitment and the rates it bills EC2
/// instance-hours at.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsPlanHolding {
    /// `savingsPlanId`.
    pub id: String,
    /// Compute or EC2 Instance (SageMaker plans cover no EC2 instance: unusable).
    pub plan_type: SavingsPlanType,
    /// USD per hour the account pays whether or not usage takes it.
    pub commitment_per_hour: f64,
    /// Shared-tenancy rates, USD per instance-hour, by (region, type, platform).
    pub rates: BTreeMap<(RegionName, TypeName, Platform), f64>,
    /// Why it covers nothing, whatever the request (state, currency, no rates given).
    pub unusable: Option<String>,
    /// Whether the plan is `active`: its commitment is billed this hour, used or not.
    pub active: bool,
    /// File and JSON path it came from.
    pub source: String,
}

impl SavingsPlanHolding {
    /// AWS applies EC2 Instance Savings Plans before Compute Savings Plans "because Compute
    /// Savings Plans have broader applicability"
    /// (<https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html>).
    fn billing_rank(&self) -> u8 {
        match self.plan_type {
            SavingsPlanType::Ec2Instance => 0,
            SavingsPlanType::Compute | SavingsPlanType::SageMaker => 1,
        }
    }
}

impl Owned {
    /// Whether the request carries no commitment.
    pub fn is_empty(&self) -> bool {
        self.commitments.is_empty() && self.savings_plans.is_empty()
    }

    /// Adds describe-savings-plans records read from `file`, each with its rates from
    /// `rates` (describe-savings-plan-rates outputs, matched by `savingsPlanId`).
    pub fn add_savings_plans(
        &mut self,
        file: &str,
        plans: &[SavingsPlan],
        rates: &[SavingsPlanRates],
    ) {
        for plan in plans {
            let mut table = BTreeMap::new();
            let given = rates.iter().filter(|r| r.savings_plan_id == plan.id);
            let mut any = false;
            for rate in given.flat_map(|r| &r.rates) {
                any = true;
                if let (Tenancy::Default, Some(platform)) = (rate.tenancy, rate.platform) {
                    table
                        .entry((rate.region.clone(), rate.instance_type.clone(), platform))
                        .or_insert(rate.rate);
                }
            }
            let unusable = if plan.state != SavingsPlanState::Active {
                Some(format!("state {}", plan.state))
            } else if plan.plan_type == SavingsPlanType::SageMaker {
                Some("a SageMaker Savings Plan, which covers no EC2 instance".to_owned())
            } else if plan.currency != "USD" {
                Some(format!(
                    "commitment in {}; fleetopt's prices are USD",
                    plan.currency
                ))
            } else if !any {
                Some(format!(
                    "no rates given: add aws savingsplans describe-savings-plan-rates --savings-plan-id {} output with --savings-plan-rates",
                    plan.id
                ))
            } else {
                None
            };
            self.savings_plans.push(SavingsPlanHolding {
                id: plan.id.clone(),
                plan_type: plan.plan_type,
                commitment_per_hour: plan.commitment_per_hour,
                rates: table,
                unusable,
                active: plan.state == SavingsPlanState::Active,
                source: format!("{file}: {}", plan.location),
            });
        }
    }

    /// Adds describe-capacity-reservations records read from `file`.
    pub fn add_capacity_reservations(&mut self, file: &str, records: &[CapacityReservation]) {
        for r in records {
            let unusable = if r.state != CapacityReservationState::Active {
                Some(format!("state {}", r.state))
            } else if r.available_instances == 0 {
                Some("no available instances".to_owned())
            } else if r.reservation_type == Some(ReservationType::CapacityBlock) {
                Some("a Capacity Block, which fleetopt does not plan into".to_owned())
            } else if r.match_criteria == MatchCriteria::Targeted {
                Some(
                    "targeted: only launches that name it use it, and fleetopt plans none that do"
                        .to_owned(),
                )
            } else {
                not_shared_or_modelled(r.tenancy, r.platform, &r.instance_platform)
            };
            self.commitments.push(Commitment {
                id: r.id.clone(),
                kind: CommitmentKind::CapacityReservation,
                instance_type: r.instance_type.clone(),
                zone: Some(r.zone.clone()),
                platform: r.platform,
                count: if unusable.is_some() {
                    0
                } else {
                    r.available_instances
                },
                unusable,
                source: format!("{file}: {}", r.location),
            });
        }
    }

    /// Adds describe-reserved-instances records read from `file`.
    pub fn add_reserved_instances(&mut self, file: &str, records: &[ReservedInstance]) {
        for r in records {
            let unusable = if r.state != ReservedInstanceState::Active {
                Some(format!("state {}", r.state))
            } else {
                not_shared_or_modelled(r.tenancy, r.platform, &r.product_description)
            };
            let (kind, zone) = match (r.scope, &r.zone) {
                (ReservedScope::AvailabilityZone, Some(zone)) => {
                    (CommitmentKind::ZonalReservedInstance, Some(zone.clone()))
                }
                _ => (CommitmentKind::RegionalReservedInstance, None),
            };
            self.commitments.push(Commitment {
                id: r.id.clone(),
                kind,
                instance_type: r.instance_type.clone(),
                zone,
                platform: r.platform,
                count: if unusable.is_some() { 0 } else { r.count },
                unusable,
                source: format!("{file}: {}", r.location),
            });
        }
    }
}

/// Why a commitment of this tenancy and platform covers nothing fleetopt plans, if it does not.
fn not_shared_or_modelled(
    tenancy: Tenancy,
    platform: Option<Platform>,
    spelled: &str,
) -> Option<String> {
    if tenancy != Tenancy::Default {
        return Some(format!(
            "{tenancy} tenancy; fleetopt plans shared-tenancy instances"
        ));
    }
    if platform.is_none() {
        return Some(format!(
            "platform `{spelled}`, which no catalogue pool prices"
        ));
    }
    None
}

/// The AZ ID of a commitment's zone in `region`: an ID as given, a name through the
/// catalogue's zone names. `None` for a regional RI, or a name the region does not have.
pub fn zone_in(region: &Region, zone: &ZoneRef) -> Option<ZoneId> {
    match zone {
        ZoneRef::Id(id) => Some(id.clone()),
        ZoneRef::Name(name) => region
            .zones()
            .find(|z| z.name.as_deref() == Some(name.as_str()))
            .map(|z| z.id.clone()),
    }
}

/// Why commitment `c` covers nothing of `request` in `region`, if it does not.
pub fn not_applicable(request: &FleetRequest, region: &Region, c: &Commitment) -> Option<String> {
    if let Some(reason) = &c.unusable {
        return Some(reason.clone());
    }
    if c.kind == CommitmentKind::CapacityReservation
        && !request.on_demand.capacity_reservations.uses_reservations()
    {
        return Some("the request's Capacity Reservation preference is none".to_owned());
    }
    if c.platform != Some(request.platform) {
        return Some(format!(
            "platform {}, the request's is {}",
            c.platform.map_or("unknown", |p| p.as_str()),
            request.platform.as_str()
        ));
    }
    if let Some(zone) = &c.zone
        && zone_in(region, zone).is_none()
    {
        let named = match zone {
            ZoneRef::Id(id) => id.to_string(),
            ZoneRef::Name(name) => name.clone(),
        };
        return Some(format!("AZ {named} is not in {}", region.name()));
    }
    None
}

/// Why Savings Plan `sp` covers nothing of `request` in `region`, if it does not.
pub fn savings_plan_not_applicable(
    request: &FleetRequest,
    region: &Region,
    sp: &SavingsPlanHolding,
) -> Option<String> {
    if let Some(reason) = &sp.unusable {
        return Some(reason.clone());
    }
    let has_rate = sp
        .rates
        .keys()
        .any(|(r, _, platform)| r == region.name() && *platform == request.platform);
    (!has_rate).then(|| {
        format!(
            "its rates name no {} instance in {}",
            request.platform.as_str(),
            region.name()
        )
    })
}

/// One applicable commitment or Savings Plan and the candidate pools it can cover.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Holding {
    /// A Capacity Reservation or RI's kind; `None` for a Savings Plan.
    pub kind: Option<CommitmentKind>,
    /// What it covers at most: instances, or for a Savings Plan its commitment, USD/hour.
    pub limit: f64,
    /// Candidate pool indices (On-Demand, a matching type, and its AZ when zonal).
    pub pools: Vec<usize>,
    /// Per pool, what one covered instance takes of `limit`: 1, or the plan's rate.
    pub weights: Vec<f64>,
}

/// The applicable commitments and Savings Plans of `request` over `candidates`, each with the
/// pools it covers; those that match no candidate pool are left out.
pub(crate) fn holdings(request: &FleetRequest, candidates: &CandidateSet<'_>) -> Vec<Holding> {
    let region = candidates.region;
    let on_demand = || {
        candidates
            .pools
            .iter()
            .enumerate()
            .filter(|(_, p)| p.pool.market == Market::OnDemand)
    };
    let mut out = Vec::new();
    for c in &request.owned.commitments {
        if c.count == 0 || not_applicable(request, region, c).is_some() {
            continue;
        }
        let zone = c.zone.as_ref().and_then(|z| zone_in(region, z));
        let pools: Vec<usize> = on_demand()
            .filter(|(_, p)| {
                p.pool.instance_type == c.instance_type
                    && zone.as_ref().is_none_or(|z| &p.pool.zone == z)
            })
            .map(|(i, _)| i)
            .collect();
        if !pools.is_empty() {
            out.push(Holding {
                kind: Some(c.kind),
                limit: f64::from(c.count),
                weights: vec![1.0; pools.len()],
                pools,
            });
        }
    }
    for sp in &request.owned.savings_plans {
        if savings_plan_not_applicable(request, region, sp).is_some() {
            continue;
        }
        let (pools, weights): (Vec<usize>, Vec<f64>) = on_demand()
            .filter_map(|(i, p)| {
                let key = (
                    region.name().clone(),
                    p.pool.instance_type.clone(),
                    request.platform,
                );
                sp.rates.get(&key).map(|rate| (i, *rate))
            })
            .unzip();
        if !pools.is_empty() {
            out.push(Holding {
                kind: None,
                limit: sp.commitment_per_hour,
                pools,
                weights,
            });
        }
    }
    out
}

/// Per candidate pool, the open Capacity Reservation instances it holds (the pools aws mode
/// fills first, and the only On-Demand pools under `only`).
pub(crate) fn reserved_pools(holdings: &[Holding]) -> BTreeMap<usize, u32> {
    let mut reserved: BTreeMap<usize, u32> = BTreeMap::new();
    for h in holdings
        .iter()
        .filter(|h| h.kind == Some(CommitmentKind::CapacityReservation))
    {
        for &pool in &h.pools {
            let entry = reserved.entry(pool).or_insert(0);
            // Reservation counts are whole numbers held in an f64 limit.
            *entry = entry.saturating_add(h.limit as u32);
        }
    }
    reserved
}

/// A plan's cost split by what is already paid for, and each commitment's use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentReport {
    /// USD/hour at list price of the On-Demand instances commitments cover: paid already.
    pub committed_per_hour: f64,
    /// USD/hour of the On-Demand instances no commitment covers.
    pub new_on_demand_per_hour: f64,
    /// USD/hour of Spot.
    pub spot_per_hour: f64,
    /// What the plan adds to the bill: new On-Demand plus Spot.
    pub new_spend_per_hour: f64,
    /// Every commitment the request carries, in its order.
    pub held: Vec<CommitmentUse>,
    /// Every Savings Plan the request carries, in its order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub savings_plans: Vec<SavingsPlanUse>,
}

/// What a plan makes of one Savings Plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavingsPlanUse {
    /// `savingsPlanId`.
    pub id: String,
    /// `Compute` or `EC2Instance`.
    pub plan_type: String,
    /// The hourly commitment, USD.
    pub commitment_per_hour: f64,
    /// What the plan's usage takes of it, USD/hour at the plan's rates.
    pub used_per_hour: f64,
    /// Paid for and idle, USD/hour.
    pub unused_per_hour: f64,
    /// Instance-hours per hour it covers (fractional: a commitment can run out part-way
    /// through an instance).
    pub covered_instance_hours: f64,
    /// Why it covers nothing of this request, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
}

/// One Savings Plan over the instance-hours `left` at On-Demand rates (AWS's rule: "applied to
/// your highest savings percentage first"; equal percentages, the lower Savings Plans rate
/// first; then type and AZ ID for a total order), until its commitment runs out. Returns what
/// it spent of the commitment, the instance-hours it covered and their list value; `left`
/// loses what it covered.
fn apply_savings_plan(
    sp: &SavingsPlanHolding,
    region: &RegionName,
    platform: Platform,
    held: &BTreeMap<(TypeName, ZoneId), (u32, f64)>,
    left: &mut BTreeMap<(TypeName, ZoneId), f64>,
) -> (f64, f64, f64) {
    let mut usages: Vec<((TypeName, ZoneId), f64, f64)> = held
        .iter()
        .filter_map(|(key, (_, price))| {
            let rate = sp.rates.get(&(region.clone(), key.0.clone(), platform))?;
            Some((key.clone(), *price, *rate))
        })
        .collect();
    let saving = |price: f64, rate: f64| (price - rate) / price;
    usages.sort_by(|a, b| {
        saving(b.1, b.2)
            .total_cmp(&saving(a.1, a.2))
            .then(a.2.total_cmp(&b.2))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut budget = sp.commitment_per_hour;
    let (mut hours, mut value) = (0.0, 0.0);
    for (key, price, rate) in usages {
        let Some(remaining) = left.get_mut(&key) else {
            continue;
        };
        let take = if rate > 0.0 {
            remaining.min(budget / rate)
        } else {
            *remaining
        };
        if take <= 0.0 {
            continue;
        }
        *remaining -= take;
        budget = (budget - take * rate).max(0.0);
        hours += take;
        value += take * price;
    }
    (sp.commitment_per_hour - budget, hours, value)
}

/// What a plan makes of one commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentUse {
    /// `cr-…` or the `ReservedInstancesId`.
    pub id: String,
    /// Kind.
    pub kind: CommitmentKind,
    /// Instance type.
    pub instance_type: TypeName,
    /// Its AZ ID (absent for a regional RI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone_id: Option<ZoneId>,
    /// Instances it could cover.
    pub available: u32,
    /// Instances of the plan it covers.
    pub used: u32,
    /// `available − used`: paid for and idle.
    pub unused: u32,
    /// Why it covers nothing of this request, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
}

/// The commitment report of `allocations` for `request` in `region`, `None` when the request
/// carries no commitment (see the module docs for the greedy and why it is the maximum).
pub fn bill(
    request: &FleetRequest,
    region: &Region,
    allocations: &[Allocation],
) -> Option<CommitmentReport> {
    if request.owned.is_empty() {
        return None;
    }
    // On-Demand instances per (type, AZ) and their price.
    let mut held: BTreeMap<(TypeName, ZoneId), (u32, f64)> = BTreeMap::new();
    let mut spot = 0.0;
    let mut on_demand = 0.0;
    for a in allocations {
        let cost = f64::from(a.count) * a.price_per_hour;
        match a.market {
            Market::Spot => spot += cost,
            Market::OnDemand => {
                on_demand += cost;
                let entry = held
                    .entry((a.instance_type.clone(), a.availability_zone_id.clone()))
                    .or_insert((0, a.price_per_hour));
                entry.0 = entry.0.saturating_add(a.count);
            }
        }
    }
    let mut uncovered: BTreeMap<(TypeName, ZoneId), u32> =
        held.iter().map(|(k, (n, _))| (k.clone(), *n)).collect();
    let commitments = &request.owned.commitments;
    let mut used = vec![0_u32; commitments.len()];
    let mut committed = 0.0;
    let reasons: Vec<Option<String>> = commitments
        .iter()
        .map(|c| not_applicable(request, region, c))
        .collect();
    // Pool commitments: reservations, then zonal RIs, each in file order.
    for kind in [
        CommitmentKind::CapacityReservation,
        CommitmentKind::ZonalReservedInstance,
    ] {
        for (i, c) in commitments.iter().enumerate() {
            if c.kind != kind || reasons[i].is_some() {
                continue;
            }
            let Some(zone) = c.zone.as_ref().and_then(|z| zone_in(region, z)) else {
                continue;
            };
            let key = (c.instance_type.clone(), zone);
            if let (Some(left), Some((_, price))) = (uncovered.get_mut(&key), held.get(&key)) {
                let take = (*left).min(c.count);
                *left -= take;
                used[i] = take;
                committed += f64::from(take) * price;
            }
        }
    }
    // Regional RIs: their type's uncovered instances, dearest pool first (then AZ ID).
    for (i, c) in commitments.iter().enumerate() {
        if c.kind != CommitmentKind::RegionalReservedInstance || reasons[i].is_some() {
            continue;
        }
        let mut pools: Vec<(&(TypeName, ZoneId), f64)> = held
            .iter()
            .filter(|((t, _), _)| t == &c.instance_type)
            .map(|(k, (_, price))| (k, *price))
            .collect();
        pools.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut capacity = c.count;
        for (key, price) in pools {
            let Some(left) = uncovered.get_mut(key) else {
                continue;
            };
            let take = (*left).min(capacity);
            *left -= take;
            capacity -= take;
            used[i] += take;
            committed += f64::from(take) * price;
        }
    }
    let uses = commitments
        .iter()
        .zip(used)
        .zip(reasons)
        .map(|((c, used), reason)| CommitmentUse {
            id: c.id.clone(),
            kind: c.kind,
            instance_type: c.instance_type.clone(),
            availability_zone_id: c.zone.as_ref().and_then(|z| zone_in(region, z)),
            available: c.count,
            used,
            unused: c.count - used,
            not_applicable: reason,
        })
        .collect();
    // Savings Plans, after every RI (AWS's order): EC2 Instance plans, then Compute plans,
    // each over the instance-hours still at On-Demand rates.
    let mut left: BTreeMap<(TypeName, ZoneId), f64> = uncovered
        .iter()
        .map(|(k, n)| (k.clone(), f64::from(*n)))
        .collect();
    let mut order: Vec<usize> = (0..request.owned.savings_plans.len()).collect();
    order.sort_by_key(|&i| request.owned.savings_plans[i].billing_rank());
    let mut plan_uses: Vec<Option<SavingsPlanUse>> = vec![None; order.len()];
    for i in order {
        let sp = &request.owned.savings_plans[i];
        let reason = savings_plan_not_applicable(request, region, sp);
        let (spent, hours, value) = if reason.is_none() {
            apply_savings_plan(sp, region.name(), request.platform, &held, &mut left)
        } else {
            (0.0, 0.0, 0.0)
        };
        committed += value;
        plan_uses[i] = Some(SavingsPlanUse {
            id: sp.id.clone(),
            plan_type: sp.plan_type.as_str().to_owned(),
            commitment_per_hour: sp.commitment_per_hour,
            used_per_hour: spent,
            // An inactive plan bills nothing; an active one bills its commitment, used or not.
            unused_per_hour: if sp.active {
                (sp.commitment_per_hour - spent).max(0.0)
            } else {
                0.0
            },
            covered_instance_hours: hours,
            not_applicable: reason,
        });
    }
    // Coverage is summed in another order than the On-Demand cost, so a fully covered plan can
    // differ from zero by round-off.
    let new_on_demand = if on_demand - committed <= crate::tolerance::NOISE * on_demand.max(1.0) {
        0.0
    } else {
        on_demand - committed
    };
    Some(CommitmentReport {
        savings_plans: plan_uses.into_iter().flatten().collect(),
        committed_per_hour: committed,
        new_on_demand_per_hour: new_on_demand,
        spot_per_hour: spot,
        new_spend_per_hour: new_on_demand + spot,
        held: uses,
    })
}

/// The notes a plan with commitments carries: how its cost splits and what stays unused.
pub(crate) fn notes(report: &CommitmentReport) -> Vec<String> {
    let num = |x: f64| crate::prose::number(x, 6);
    let used: u32 = report.held.iter().map(|u| u.used).sum();
    let hours: f64 = report
        .savings_plans
        .iter()
        .map(|p| p.covered_instance_hours)
        .sum();
    let savings = if hours > 0.0 {
        format!(" and {} instance-hour(s) under Savings Plans", num(hours))
    } else {
        String::new()
    };
    let idle: Vec<String> = report
        .held
        .iter()
        .filter(|u| u.unused > 0)
        .map(|u| format!("{} ({} of {})", u.id, u.unused, u.available))
        .collect();
    let mut notes = vec![format!(
        "commitments: {used} instance(s){savings} run on capacity already paid for (${}/h at list price); new spend ${}/h = new On-Demand ${}/h + Spot ${}/h (docs/aws-semantics.md §2.5)",
        num(report.committed_per_hour),
        num(report.new_spend_per_hour),
        num(report.new_on_demand_per_hour),
        num(report.spot_per_hour)
    )];
    if !idle.is_empty() {
        notes.push(format!(
            "commitments left unused (paid for, idle): {}",
            idle.join(", ")
        ));
    }
    for u in &report.held {
        if let Some(reason) = &u.not_applicable {
            notes.push(format!("commitment {} covers nothing: {reason}", u.id));
        }
    }
    for sp in &report.savings_plans {
        match &sp.not_applicable {
            Some(reason) => notes.push(format!(
                "Savings Plan {} covers nothing: {reason}",
                sp.id
            )),
            None => notes.push(format!(
                "Savings Plan {} ({}): ${}/h of its ${}/h commitment covers {} instance-hours per hour, highest savings percentage first, after the Reserved Instances (AWS's order, docs/aws-semantics.md §2.5); ${}/h idle",
                sp.id,
                sp.plan_type,
                num(sp.used_per_hour),
                num(sp.commitment_per_hour),
                num(sp.covered_instance_hours),
                num(sp.unused_per_hour)
            )),
        }
    }
    notes
}
