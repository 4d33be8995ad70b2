//! Facts the verifier derives from the request and the catalogue: the allowed zones, the first
//! matching override, why a type is not a candidate, expected weights, catalogue pools, spot max
//! prices and pool eligibility (see the interpretations in the [module docs](super)). A room
//! because the rule sections share them, and each re-derives the request's meaning without the
//! planners' candidate resolution.

use std::collections::BTreeSet;

use fleetopt_instances::select::{self, Requirements, wildcard_match};
use fleetopt_instances::{CapacityPool, InstanceType, Market, PlacementStrategy, Region, ZoneId};

use super::Verifier;
use super::describe::num;
use crate::placement::rules;
use crate::request::{CapacityUnit, MaxPrice, TypeOverride, ZoneRef};

/// Where a spot max price came from, for messages.
pub(super) struct MaxPriceFact {
    pub(super) price: f64,
    pub(super) source: String,
}

impl<'a> Verifier<'a> {
    pub(super) fn resolve_zone(region: &Region, zone: &ZoneRef) -> Option<ZoneId> {
        match zone {
            ZoneRef::Id(id) => region.has_zone(id.as_str()).then(|| id.clone()),
            ZoneRef::Name(name) => region
                .zones()
                .find(|z| z.name.as_deref() == Some(name.as_str()))
                .map(|z| z.id.clone()),
            // An unmapped subnet's AZ is not known here; `check_subnet_zones` holds its
            // overrides to one AZ.
            ZoneRef::Subnet(_) => None,
        }
    }

    /// The allowed zones, `None` meaning every zone of the region.
    pub(super) fn allowed_zones(&self, region: &Region) -> Option<BTreeSet<ZoneId>> {
        let zones = &self.request.candidates.zones;
        if zones.is_empty() {
            return None;
        }
        Some(
            zones
                .iter()
                .filter_map(|z| Self::resolve_zone(region, z))
                .collect(),
        )
    }

    pub(super) fn zone_allowed(&self, region: &Region, zone: &str) -> bool {
        self.allowed_zones(region)
            .is_none_or(|allowed| allowed.iter().any(|z| z.as_str() == zone))
    }

    fn override_applies(
        region: &Region,
        line: &TypeOverride,
        instance_type: &str,
        zone: &str,
    ) -> bool {
        wildcard_match(&line.pattern, instance_type)
            && match &line.zone {
                None | Some(ZoneRef::Subnet(_)) => true,
                Some(pin) => Self::resolve_zone(region, pin).is_some_and(|id| id.as_str() == zone),
            }
    }

    /// The first override that applies to (type, zone), in request order.
    fn first_override(
        &self,
        region: &Region,
        instance_type: &str,
        zone: &str,
    ) -> Option<&'a TypeOverride> {
        self.request
            .candidates
            .overrides
            .iter()
            .find(|line| Self::override_applies(region, line, instance_type, zone))
    }

    /// Why `t` in `zone` is not a candidate, or `None` when it is.
    pub(super) fn not_candidate(
        &self,
        region: &Region,
        t: &InstanceType,
        zone: &str,
    ) -> Option<String> {
        let candidates = &self.request.candidates;
        if candidates.overrides.is_empty() && candidates.requirements.is_empty() {
            return select::mismatch_reason(t, &Requirements::default()).map(|reason| {
                format!(
                    "{} is not a candidate: the request names no types, and AWS's default selection excludes it ({reason})",
                    t.name
                )
            });
        }
        let by_override = self.first_override(region, t.name.as_str(), zone).is_some();
        let by_requirements = candidates
            .requirements
            .iter()
            .any(|r| select::matches(t, r));
        if by_override || by_requirements {
            return None;
        }
        let pinned_elsewhere = candidates
            .overrides
            .iter()
            .any(|line| wildcard_match(&line.pattern, t.name.as_str()));
        Some(if pinned_elsewhere {
            format!(
                "{} is not a candidate in {zone}: its overrides are pinned to other zones",
                t.name
            )
        } else {
            format!(
                "{} is not a candidate: no instance-type override or requirement of the request admits it",
                t.name
            )
        })
    }

    /// Why `t` may not run in `market` by AWS's price protection (aws-semantics §1.10), or
    /// `None`: a type an override admits in `zone` is never dropped; a type only requirement
    /// sets admit must be within the price-protection threshold of at least one of them, each
    /// computed over the types that set matches in the region.
    pub(super) fn price_protected(
        &self,
        region: &Region,
        t: &InstanceType,
        zone: &str,
        market: Market,
    ) -> Option<String> {
        let candidates = &self.request.candidates;
        if candidates.requirements.is_empty()
            || self.first_override(region, t.name.as_str(), zone).is_some()
        {
            return None;
        }
        let protections = self.protections.get_or_init(|| {
            let basis = self.request.target.unit.price_basis();
            candidates
                .requirements
                .iter()
                .map(|requirements| {
                    let matched =
                        select::select(self.catalog, Some(region.name().as_str()), requirements);
                    select::price_protection(
                        self.catalog,
                        region.name().as_str(),
                        &matched,
                        requirements,
                        basis,
                    )
                })
                .collect()
        });
        let mut reason = None;
        for (_, protection) in candidates
            .requirements
            .iter()
            .zip(protections)
            .filter(|(r, _)| select::matches(t, r))
        {
            if protection.is_allowed(t.name.as_str(), market) {
                return None;
            }
            reason = reason.or_else(|| {
                protection
                    .excluded()
                    .find(|e| e.market == market && e.instance_type == t.name)
                    .map(|e| {
                        format!(
                            "{} is not a candidate: {} (aws-semantics §1.10)",
                            t.name,
                            e.reason()
                        )
                    })
            });
        }
        reason
    }

    /// The expected weight of `t` in `zone`, in the request's unit.
    pub(super) fn expected_weight(&self, region: &Region, t: &InstanceType, zone: &str) -> f64 {
        match self.request.target.unit {
            CapacityUnit::Vcpu => f64::from(t.vcpus),
            CapacityUnit::MemoryMib => t.memory_mib as f64,
            CapacityUnit::Units => {
                let name = t.name.as_str();
                let weights = &self.request.candidates.weights;
                self.first_override(region, name, zone)
                    .and_then(|line| line.weight)
                    .or_else(|| weights.get(name).copied())
                    .or_else(|| {
                        weights
                            .iter()
                            .find(|(pattern, _)| wildcard_match(pattern, name))
                            .map(|(_, w)| *w)
                    })
                    .unwrap_or(1.0)
            }
        }
    }

    pub(super) fn catalogue_pool(
        &self,
        region: &'a Region,
        market: Market,
        zone: &str,
        instance_type: &str,
    ) -> Option<&'a CapacityPool> {
        region.pools_of(instance_type).iter().find(|p| {
            p.market == market && p.zone.as_str() == zone && p.platform == self.request.platform
        })
    }

    /// The spot max price of (type, zone), when one is known.
    pub(super) fn spot_max_price(
        &self,
        region: &'a Region,
        instance_type: &str,
        zone: &str,
    ) -> Option<MaxPriceFact> {
        if let Some(price) = self
            .first_override(region, instance_type, zone)
            .and_then(|line| line.max_price)
        {
            return Some(MaxPriceFact {
                price,
                source: "its override's max price".to_owned(),
            });
        }
        let on_demand = self
            .catalogue_pool(region, Market::OnDemand, zone, instance_type)
            .map(|p| p.price_per_hour);
        match self.request.spot.max_price {
            Some(MaxPrice::PerHour(price)) => Some(MaxPriceFact {
                price,
                source: "the request's max price".to_owned(),
            }),
            Some(MaxPrice::PercentOfOnDemand(percent)) => on_demand.map(|od| MaxPriceFact {
                price: od * percent / 100.0,
                source: format!("{}% of the on-demand price {}", num(percent), num(od)),
            }),
            None => on_demand.map(|od| MaxPriceFact {
                price: od,
                source: "the on-demand price (aws default)".to_owned(),
            }),
        }
    }

    /// The strategy of the request's placement group, when it asks for one.
    pub(super) fn placement_strategy(&self) -> Option<PlacementStrategy> {
        rules::group_strategy(self.request.placement)
    }

    /// Whether a catalogue pool could host an instance of this fleet (see the module docs).
    fn eligible(&self, region: &'a Region, pool: &CapacityPool) -> bool {
        if pool.platform != self.request.platform || !self.zone_allowed(region, pool.zone.as_str())
        {
            return false;
        }
        let Some(t) = self.catalog.instance_type(pool.instance_type.as_str()) else {
            return false;
        };
        if !t.supports_market(pool.market)
            || self.not_candidate(region, t, pool.zone.as_str()).is_some()
            || self
                .placement_strategy()
                .is_some_and(|s| !t.supports_placement(s))
        {
            return false;
        }
        match pool.market {
            Market::OnDemand => true,
            Market::Spot => self
                .spot_max_price(region, pool.instance_type.as_str(), pool.zone.as_str())
                .is_none_or(|max| pool.price_per_hour < max.price),
        }
    }

    pub(super) fn eligible_pools(
        &self,
        region: &'a Region,
        market: Market,
    ) -> Vec<&'a CapacityPool> {
        region
            .pools()
            .iter()
            .filter(|p| p.market == market && self.eligible(region, p))
            .collect()
    }
}
