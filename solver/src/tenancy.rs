//! Tenancy: the catalogue a request is planned against. Shared tenancy (`default`) is the
//! catalogue as it is. Dedicated Instances (`tenancy = "dedicated"`, `Placement.Tenancy
//! dedicated`) are the same On-Demand pools at the region's Dedicated Instance prices, which a
//! catalogue built with `--price-list` holds (AWS's Price List, `tenancy` `Dedicated`); a type
//! without a Dedicated price is an unpriced offering, never planned at its shared price.
//!
//! fleetopt plans Dedicated Instances On-Demand only: the catalogue holds no Dedicated Spot
//! prices, so a request with a Spot part is refused rather than planned on shared Spot pools.
//! AWS also bills a Dedicated per-region fee for every hour any Dedicated Instance runs in a
//! region (<https://aws.amazon.com/ec2/pricing/dedicated-instances/>); it does not depend on
//! the plan, so plans leave it out and say so.
//!
//! Both the planner ([`crate::solve::solve`]) and the verifier price a request through
//! [`priced`], so a plan and its check see the same prices.

use std::borrow::Cow;
use std::collections::BTreeMap;

use fleetopt_instances::catalog::RegionParts;
use fleetopt_instances::{Catalog, Market, PriceSource, Tenancy, UnpricedOffering};

use crate::request::FleetRequest;

/// Why a request cannot be priced at its tenancy (bad input: exit 2).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TenancyError {
    /// Dedicated tenancy with a Spot part.
    #[error(
        "tenancy dedicated: fleetopt plans Dedicated Instances On-Demand only (the catalogue holds no Dedicated Spot prices), but the request has a Spot part of {spot}; make the whole target On-Demand"
    )]
    DedicatedSpot {
        /// The Spot part, in the target's unit.
        spot: f64,
    },
    /// The catalogue has no Dedicated Instance price in the region.
    #[error(
        "tenancy dedicated: the catalogue has no Dedicated Instance prices for {region}; build one with `fleetopt catalog build --price-list FILE` (AWS's Price List offer file for EC2)"
    )]
    NoDedicatedPrices {
        /// The region.
        region: String,
    },
    /// The repriced catalogue did not validate (cannot happen for a valid catalogue).
    #[error("tenancy dedicated: {0}")]
    Catalog(String),
}

/// The catalogue `request` is planned against at its tenancy (see the module docs).
pub fn priced<'c>(
    catalog: &'c Catalog,
    request: &FleetRequest,
) -> Result<Cow<'c, Catalog>, TenancyError> {
    if request.tenancy != Tenancy::Dedicated {
        return Ok(Cow::Borrowed(catalog));
    }
    let spot = request.target.capacity - request.on_demand_target();
    if spot > crate::tolerance::NOISE {
        return Err(TenancyError::DedicatedSpot { spot });
    }
    if let Some(region) = &request.region
        && catalog
            .region(region.as_str())
            .is_some_and(|r| r.dedicated_prices().next().is_none())
    {
        return Err(TenancyError::NoDedicatedPrices {
            region: region.to_string(),
        });
    }
    let mut regions = BTreeMap::new();
    for region in catalog.regions() {
        let mut parts = RegionParts {
            zones: region.zones().cloned().collect(),
            unpriced: region.unpriced().to_vec(),
            dedicated: region.dedicated_prices().collect(),
            ..RegionParts::default()
        };
        for pool in region.pools() {
            if pool.market != Market::OnDemand {
                continue;
            }
            match region.dedicated_price(&pool.instance_type, pool.platform) {
                Some(price) => {
                    let mut dedicated = pool.clone();
                    dedicated.price_per_hour = price;
                    dedicated.price_source = PriceSource::Published;
                    parts.pools.push(dedicated);
                }
                None => parts.unpriced.push(UnpricedOffering {
                    instance_type: pool.instance_type.clone(),
                    zone: pool.zone.clone(),
                    market: Market::OnDemand,
                }),
            }
        }
        regions.insert(region.name().clone(), parts);
    }
    Catalog::new(
        "the catalogue at Dedicated prices",
        catalog.info().clone(),
        catalog.instance_types().cloned().collect(),
        regions,
    )
    .map(Cow::Owned)
    .map_err(|e| TenancyError::Catalog(e.to_string()))
}

/// The note a Dedicated plan carries.
pub(crate) fn note(request: &FleetRequest) -> Option<String> {
    (request.tenancy == Tenancy::Dedicated).then(|| {
        "tenancy dedicated: every instance is a Dedicated Instance priced at the catalogue's Dedicated On-Demand price (AWS's Price List); AWS also bills a Dedicated per-region fee for each hour any Dedicated Instance runs in the region, the same whatever the plan, so it is not in these figures; the launch template must set Placement.Tenancy dedicated (docs/aws-semantics.md §2.5)".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use fleetopt_instances::catalog::{DedicatedPrice, RegionParts};
    use fleetopt_instances::{CatalogInfo, Platform, RegionName, TypeName};

    use super::*;
    use crate::request::{Mode, OnDemandSplit};
    use crate::solve::{SolveError, SolveOptions, solve};
    use crate::test_support::{REGION, itype, pool, zones_of};

    /// m5.large and c5.large On-Demand (and m5.large Spot) in two AZs; only m5.large has a
    /// Dedicated price ($0.106 against $0.096 shared).
    fn catalog(dedicated: bool) -> Catalog {
        let pools = vec![
            pool(("m5.large", "use1-az1", Market::OnDemand, 0.096, None)),
            pool(("m5.large", "use1-az2", Market::OnDemand, 0.096, None)),
            pool(("m5.large", "use1-az1", Market::Spot, 0.04, Some(1))),
            pool(("c5.large", "use1-az1", Market::OnDemand, 0.085, None)),
        ];
        let parts = RegionParts {
            zones: zones_of(&pools),
            pools,
            unpriced: Vec::new(),
            dedicated: if dedicated {
                vec![DedicatedPrice {
                    instance_type: TypeName::new("m5.large"),
                    platform: Platform::LinuxUnix,
                    price: 0.106,
                }]
            } else {
                Vec::new()
            },
        };
        Catalog::new(
            "test",
            CatalogInfo::default(),
            vec![itype("m5.large", 2, 8192), itype("c5.large", 2, 4096)],
            BTreeMap::from([(RegionName::new(REGION), parts)]),
        )
        .unwrap()
    }

    fn dedicated_request(capacity: f64, mode: Mode) -> FleetRequest {
        let mut r = FleetRequest::new(REGION, capacity, mode);
        r.target.on_demand = OnDemandSplit::Target(capacity);
        r.tenancy = Tenancy::Dedicated;
        r
    }

    #[test]
    fn dedicated_plans_use_dedicated_prices_and_never_a_shared_one() {
        let catalog = catalog(true);
        for mode in Mode::ALL {
            let r = dedicated_request(4.0, mode);
            let plan = solve(&catalog, &r, &SolveOptions::default()).unwrap();
            // c5.large is cheaper shared but has no Dedicated price: it is not planned.
            assert!(
                plan.allocations
                    .iter()
                    .all(|a| a.instance_type.as_str() == "m5.large" && a.price_per_hour == 0.106),
                "{mode:?}: {:?}",
                plan.allocations
            );
            assert!((plan.metrics.cost_per_hour - 4.0 * 0.106).abs() < 1e-9);
            assert_eq!(plan.tenancy, Tenancy::Dedicated);
            assert!(
                plan.notes
                    .iter()
                    .any(|n| n.starts_with("tenancy dedicated"))
            );
            // The verifier prices the request the same way; checked against shared prices
            // the plan is wrong.
            assert!(crate::verify::verify(&catalog, &r, &plan).is_empty());
            let mut shared = r.clone();
            shared.tenancy = Tenancy::Default;
            assert!(!crate::verify::verify(&catalog, &shared, &plan).is_empty());
        }
    }

    #[test]
    fn dedicated_without_prices_or_with_a_spot_part_is_refused() {
        let r = dedicated_request(4.0, Mode::Aws);
        let error = solve(&catalog(false), &r, &SolveOptions::default()).unwrap_err();
        assert!(matches!(
            error,
            SolveError::Tenancy(TenancyError::NoDedicatedPrices { .. })
        ));
        assert_eq!(error.class(), crate::ErrorClass::Input);
        let mut spot = r.clone();
        spot.target.on_demand = OnDemandSplit::Target(2.0);
        let error = solve(&catalog(true), &spot, &SolveOptions::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "tenancy dedicated: fleetopt plans Dedicated Instances On-Demand only (the catalogue holds no Dedicated Spot prices), but the request has a Spot part of 2; make the whole target On-Demand"
        );
    }
}
