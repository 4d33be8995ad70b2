//! AWS price protection for attribute-based selection: after matching, types priced too far
//! above a baseline type are dropped, separately for On-Demand and Spot.
//!
//! Rules (aws-semantics §1.10):
//! * a type's price in a market is its lowest Linux/UNIX pool price in the region and market;
//!   a type without such a pool is absent from that market (neither allowed nor excluded);
//! * the baseline is the lowest-priced *current-generation* C, M or R type among the
//!   candidates; failing that the lowest-priced current-generation type; failing that the
//!   lowest-priced type;
//! * On-Demand threshold = On-Demand baseline × (1 + `on_demand_max_price_percentage_over_lowest_price`/100),
//!   default 20 %;
//! * Spot threshold = Spot baseline × (1 + `spot_max_price_percentage_over_lowest_price`/100),
//!   or, when `max_spot_price_as_percentage_of_optimal_on_demand_price` is set instead,
//!   On-Demand baseline × that/100. When neither is set fleetopt uses 100 % over the lowest
//!   Spot price. AWS's sources differ here: the 2023 user guide says the default is 100 %,
//!   while the 2026 API reference also says AWS then applies an unspecified "optimal price
//!   protection"; 100 % is the only documented number;
//! * a percentage of 999999 or more turns that market's protection off;
//! * only prices strictly above the threshold are excluded.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::catalog::Catalog;
use crate::model::{InstanceType, Market, Platform, TypeName};
use crate::tolerance::THRESHOLD_SLACK;

use super::{PRICE_PROTECTION_OFF, Requirements};

/// AWS's default On-Demand price protection, percent over the baseline.
const DEFAULT_ON_DEMAND_PERCENT: u32 = 20;
/// The documented default Spot price protection, percent over the lowest Spot price.
const DEFAULT_SPOT_PERCENT: u32 = 100;

/// What prices are compared per. AWS compares per vCPU or per MiB when the fleet's target
/// capacity unit is `vcpu` or `memory-mib`, and per instance otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PriceBasis {
    /// USD per instance-hour (`units` target capacity).
    PerInstance,
    /// USD per vCPU-hour (`vcpu` target capacity).
    PerVcpu,
    /// USD per MiB-hour (`memory-mib` target capacity).
    PerMemoryMib,
}

impl PriceBasis {
    /// The unit a price on this basis is in, e.g. `vcpu-hour`.
    pub fn unit(self) -> &'static str {
        match self {
            PriceBasis::PerInstance => "instance-hour",
            PriceBasis::PerVcpu => "vcpu-hour",
            PriceBasis::PerMemoryMib => "mib-hour",
        }
    }

    /// An instance-hour price expressed on this basis.
    pub fn apply(self, price_per_instance_hour: f64, t: &InstanceType) -> f64 {
        // Catalogue types have ≥ 1 vCPU and ≥ 1 MiB; the max(1) guards hand-built values.
        match self {
            PriceBasis::PerInstance => price_per_instance_hour,
            PriceBasis::PerVcpu => price_per_instance_hour / f64::from(t.vcpus.max(1)),
            PriceBasis::PerMemoryMib => price_per_instance_hour / t.memory_mib.max(1) as f64,
        }
    }
}

/// Which candidates the baseline type was chosen from, best tier first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BaselineTier {
    /// Current-generation C, M or R family (Mac families excluded).
    CurrentCmr,
    /// Any current-generation type (no current C/M/R type was priced).
    Current,
    /// Any type (no current-generation type was priced).
    Any,
}

/// The reference type a threshold is derived from.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceBaseline {
    /// The baseline type.
    pub instance_type: TypeName,
    /// The market its price is from.
    pub market: Market,
    /// Its price on the chosen basis.
    pub price: f64,
    /// Which tier of the baseline rule chose it.
    pub tier: BaselineTier,
}

/// How a market's threshold was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdRule {
    /// Baseline of the same market × (1 + percent/100).
    OverLowest {
        /// The percentage.
        percent: u32,
        /// Whether the percentage is the default rather than requested.
        default: bool,
    },
    /// Spot only: the On-Demand baseline × percent/100
    /// (`max_spot_price_as_percentage_of_optimal_on_demand_price`).
    OfOnDemandBaseline {
        /// The percentage.
        percent: u32,
    },
    /// Protection turned off with a percentage of 999999 or more.
    Disabled {
        /// The percentage given.
        percent: u32,
    },
}

/// A type dropped by price protection in one market.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceExclusion {
    /// The type.
    pub instance_type: TypeName,
    /// The market it was dropped from.
    pub market: Market,
    /// Its price on the chosen basis.
    pub price: f64,
    /// The threshold it exceeded, same basis.
    pub threshold: f64,
    /// The basis of both numbers.
    pub basis: PriceBasis,
}

impl PriceExclusion {
    /// Why, as a lowercase phrase (e.g. `on-demand price 0.5 usd/instance-hour is above the
    /// price-protection threshold 0.24`).
    pub fn reason(&self) -> String {
        format!(
            "{} price {} usd/{} is above the price-protection threshold {}",
            self.market,
            fmt_price(self.price),
            self.basis.unit(),
            fmt_price(self.threshold)
        )
    }
}

impl fmt::Display for PriceExclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.instance_type, self.reason())
    }
}

/// Price protection's outcome in one market.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketPriceProtection {
    /// How the threshold was set.
    pub rule: ThresholdRule,
    /// The type the threshold is derived from (for
    /// [`ThresholdRule::OfOnDemandBaseline`], the On-Demand baseline); `None` when no
    /// candidate has a price in the reference market.
    pub baseline: Option<PriceBaseline>,
    /// The threshold on the chosen basis; `None` when protection is off or there is no
    /// baseline, in which case every priced candidate is allowed.
    pub threshold: Option<f64>,
    /// Candidates priced in this market at or below the threshold.
    pub allowed: BTreeSet<TypeName>,
    /// Candidates priced above the threshold, sorted by type name.
    pub excluded: Vec<PriceExclusion>,
}

/// Price protection's outcome for both markets.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceProtection {
    /// What prices were compared per.
    pub basis: PriceBasis,
    /// One entry per market (always both).
    pub markets: BTreeMap<Market, MarketPriceProtection>,
}

/// Returned by [`PriceProtection::allowed`] for a market without an entry.
static NO_TYPES: BTreeSet<TypeName> = BTreeSet::new();

impl PriceProtection {
    /// The types allowed in a market (empty when none is priced there).
    pub fn allowed(&self, market: Market) -> &BTreeSet<TypeName> {
        self.markets.get(&market).map_or(&NO_TYPES, |m| &m.allowed)
    }

    /// Whether a type survived price protection in a market.
    pub fn is_allowed(&self, instance_type: &str, market: Market) -> bool {
        self.allowed(market).contains(instance_type)
    }

    /// Every exclusion, On-Demand first, then by type name.
    pub fn excluded(&self) -> impl Iterator<Item = &PriceExclusion> {
        self.markets.values().flat_map(|m| m.excluded.iter())
    }
}

/// Applies AWS price protection to `candidates` (normally the output of
/// [`select`](super::select) for the same region) in `region`, comparing prices on `basis`.
///
/// See the module docs for the rules. An unknown region has no prices, so both markets come
/// back empty. Duplicate candidates count once. If `req` sets both Spot fields (which
/// [`Requirements::validate`] rejects), `spot_max_price_percentage_over_lowest_price` wins.
pub fn price_protection(
    catalog: &Catalog,
    region: &str,
    candidates: &[&InstanceType],
    req: &Requirements,
    basis: PriceBasis,
) -> PriceProtection {
    let unique: BTreeMap<&TypeName, &InstanceType> =
        candidates.iter().map(|t| (&t.name, *t)).collect();
    let mut priced: BTreeMap<Market, Vec<Priced<'_>>> = BTreeMap::new();
    if let Some(region) = catalog.region(region) {
        for t in unique.values() {
            let mut lowest: BTreeMap<Market, f64> = BTreeMap::new();
            for pool in region.pools_of(t.name.as_str()) {
                if pool.platform != Platform::LinuxUnix {
                    continue;
                }
                let entry = lowest.entry(pool.market).or_insert(pool.price_per_hour);
                *entry = entry.min(pool.price_per_hour);
            }
            for (market, price) in lowest {
                priced.entry(market).or_default().push(Priced {
                    t,
                    price: basis.apply(price, t),
                });
            }
        }
    }
    let on_demand_prices = priced.remove(&Market::OnDemand).unwrap_or_default();
    let spot_prices = priced.remove(&Market::Spot).unwrap_or_default();
    let on_demand_baseline = baseline(&on_demand_prices, Market::OnDemand);

    let on_demand_rule = over_lowest(
        req.on_demand_max_price_percentage_over_lowest_price,
        DEFAULT_ON_DEMAND_PERCENT,
    );
    let spot_rule = match (
        req.spot_max_price_percentage_over_lowest_price,
        req.max_spot_price_as_percentage_of_optimal_on_demand_price,
    ) {
        (Some(percent), _) => over_lowest(Some(percent), DEFAULT_SPOT_PERCENT),
        (None, Some(percent)) if percent >= PRICE_PROTECTION_OFF => {
            ThresholdRule::Disabled { percent }
        }
        (None, Some(percent)) => ThresholdRule::OfOnDemandBaseline { percent },
        (None, None) => over_lowest(None, DEFAULT_SPOT_PERCENT),
    };
    let spot_baseline = match spot_rule {
        ThresholdRule::OfOnDemandBaseline { .. } => on_demand_baseline.clone(),
        _ => baseline(&spot_prices, Market::Spot),
    };

    let mut markets = BTreeMap::new();
    markets.insert(
        Market::OnDemand,
        classify(
            Market::OnDemand,
            &on_demand_prices,
            on_demand_rule,
            on_demand_baseline,
            basis,
        ),
    );
    markets.insert(
        Market::Spot,
        classify(Market::Spot, &spot_prices, spot_rule, spot_baseline, basis),
    );
    PriceProtection { basis, markets }
}

/// A candidate and its lowest price in one market, on the chosen basis.
struct Priced<'a> {
    t: &'a InstanceType,
    price: f64,
}

fn over_lowest(requested: Option<u32>, default: u32) -> ThresholdRule {
    match requested {
        Some(percent) if percent >= PRICE_PROTECTION_OFF => ThresholdRule::Disabled { percent },
        Some(percent) => ThresholdRule::OverLowest {
            percent,
            default: false,
        },
        None => ThresholdRule::OverLowest {
            percent: default,
            default: true,
        },
    }
}

/// Whether a family counts as C, M or R for the baseline. Mac families (`mac1`, `mac2-m2pro`)
/// start with `m` but are not general-purpose M types.
fn is_cmr_family(family: &str) -> bool {
    !family.starts_with("mac") && matches!(family.chars().next(), Some('c' | 'm' | 'r'))
}

impl BaselineTier {
    /// Whether a type may be the baseline at this tier.
    fn admits(self, t: &InstanceType) -> bool {
        match self {
            BaselineTier::CurrentCmr => t.current_generation && is_cmr_family(t.family()),
            BaselineTier::Current => t.current_generation,
            BaselineTier::Any => true,
        }
    }
}

fn baseline(prices: &[Priced<'_>], market: Market) -> Option<PriceBaseline> {
    [
        BaselineTier::CurrentCmr,
        BaselineTier::Current,
        BaselineTier::Any,
    ]
    .into_iter()
    .find_map(|tier| {
        prices
            .iter()
            .filter(|p| tier.admits(p.t))
            // Ties on price go to the smaller name so the baseline is deterministic.
            .min_by(|a, b| {
                a.price
                    .total_cmp(&b.price)
                    .then_with(|| a.t.name.cmp(&b.t.name))
            })
            .map(|p| PriceBaseline {
                instance_type: p.t.name.clone(),
                market,
                price: p.price,
                tier,
            })
    })
}

fn classify(
    market: Market,
    prices: &[Priced<'_>],
    rule: ThresholdRule,
    baseline: Option<PriceBaseline>,
    basis: PriceBasis,
) -> MarketPriceProtection {
    let threshold = baseline.as_ref().and_then(|b| match rule {
        ThresholdRule::OverLowest { percent, .. } => {
            Some(b.price * (1.0 + f64::from(percent) / 100.0))
        }
        ThresholdRule::OfOnDemandBaseline { percent } => Some(b.price * f64::from(percent) / 100.0),
        ThresholdRule::Disabled { .. } => None,
    });
    let mut allowed = BTreeSet::new();
    let mut excluded = Vec::new();
    for p in prices {
        match threshold {
            Some(threshold) if p.price > threshold * (1.0 + THRESHOLD_SLACK) => {
                excluded.push(PriceExclusion {
                    instance_type: p.t.name.clone(),
                    market,
                    price: p.price,
                    threshold,
                    basis,
                });
            }
            _ => {
                allowed.insert(p.t.name.clone());
            }
        }
    }
    excluded.sort_by(|a, b| a.instance_type.cmp(&b.instance_type));
    MarketPriceProtection {
        rule,
        baseline,
        threshold,
        allowed,
        excluded,
    }
}

/// A price with about six significant digits and no trailing zeros, readable for both
/// per-instance prices (0.192) and per-MiB prices (0.0000234).
fn fmt_price(price: f64) -> String {
    if !price.is_finite() || price == 0.0 {
        return price.to_string();
    }
    let magnitude = price.abs().log10().floor();
    // Clamped so absurd inputs cannot ask for thousands of digits.
    let decimals = (5.0 - magnitude).clamp(0.0, 15.0) as usize;
    let text = format!("{price:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CapacityPool;
    use crate::select::tests::{REGION, catalog, itype, pool};

    fn od(name: &str, price: f64) -> CapacityPool {
        pool(
            name,
            "use1-az1",
            Platform::LinuxUnix,
            Market::OnDemand,
            price,
        )
    }

    fn spot(name: &str, price: f64) -> CapacityPool {
        pool(name, "use1-az1", Platform::LinuxUnix, Market::Spot, price)
    }

    fn previous(mut t: InstanceType) -> InstanceType {
        t.current_generation = false;
        t
    }

    /// Runs price protection over every type of the catalogue.
    fn protect(catalog: &Catalog, req: &Requirements, basis: PriceBasis) -> PriceProtection {
        let candidates: Vec<&InstanceType> = catalog.instance_types().collect();
        price_protection(catalog, REGION, &candidates, req, basis)
    }

    fn market(protection: &PriceProtection, market: Market) -> &MarketPriceProtection {
        match protection.markets.get(&market) {
            Some(m) => m,
            None => panic!("no {market} entry"),
        }
    }

    fn allowed(protection: &PriceProtection, m: Market) -> Vec<&str> {
        protection.allowed(m).iter().map(|t| t.as_str()).collect()
    }

    fn excluded(protection: &PriceProtection, m: Market) -> Vec<&str> {
        market(protection, m)
            .excluded
            .iter()
            .map(|e| e.instance_type.as_str())
            .collect()
    }

    fn baseline_of(protection: &PriceProtection, m: Market) -> Option<(&str, BaselineTier)> {
        market(protection, m)
            .baseline
            .as_ref()
            .map(|b| (b.instance_type.as_str(), b.tier))
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn price_protection_baseline_is_cheapest_current_cmr() {
        let mut t3 = itype("t3.large", 2, 8192);
        t3.burstable = true;
        let mut mac = itype("mac1.metal", 12, 32_768);
        mac.cpu_manufacturer = None;
        let catalog = catalog(
            vec![
                t3,
                mac,
                previous(itype("m5.large", 2, 8192)),
                itype("c7i.large", 2, 4096),
                itype("m7i.large", 2, 8192),
                itype("r7i.large", 2, 16_384),
            ],
            vec![
                od("t3.large", 0.05),
                od("mac1.metal", 0.01),
                od("m5.large", 0.06),
                od("c7i.large", 0.10),
                od("m7i.large", 0.11),
                od("r7i.large", 0.13),
            ],
        );
        let p = protect(&catalog, &Requirements::default(), PriceBasis::PerInstance);
        // t3 (not C/M/R), mac1 (a Mac, although it starts with m) and m5 (previous
        // generation) are all cheaper, yet c7i.large is the baseline.
        assert_eq!(
            baseline_of(&p, Market::OnDemand),
            Some(("c7i.large", BaselineTier::CurrentCmr))
        );
        let on_demand = market(&p, Market::OnDemand);
        assert_eq!(
            on_demand.rule,
            ThresholdRule::OverLowest {
                percent: 20,
                default: true
            }
        );
        assert!(on_demand.threshold.is_some_and(|t| close(t, 0.12)));
        assert_eq!(
            allowed(&p, Market::OnDemand),
            [
                "c7i.large",
                "m5.large",
                "m7i.large",
                "mac1.metal",
                "t3.large"
            ]
        );
        assert_eq!(excluded(&p, Market::OnDemand), ["r7i.large"]);
        let exclusion = &on_demand.excluded[0];
        assert_eq!(exclusion.market, Market::OnDemand);
        assert!(close(exclusion.price, 0.13));
        assert!(close(exclusion.threshold, 0.12));
        assert_eq!(
            exclusion.to_string(),
            "r7i.large: on-demand price 0.13 usd/instance-hour is above the price-protection threshold 0.12"
        );
        // No spot pools: the spot market is empty, not an error.
        assert!(p.allowed(Market::Spot).is_empty());
        assert_eq!(market(&p, Market::Spot).baseline, None);
        assert_eq!(market(&p, Market::Spot).threshold, None);
    }

    #[test]
    fn price_protection_baseline_falls_back_to_current_then_any_generation() {
        let mut t3 = itype("t3.large", 2, 8192);
        t3.burstable = true;
        let catalog = catalog(
            vec![t3, previous(itype("m5.large", 2, 8192))],
            vec![od("t3.large", 0.10), od("m5.large", 0.05)],
        );
        let p = protect(&catalog, &Requirements::default(), PriceBasis::PerInstance);
        assert_eq!(
            baseline_of(&p, Market::OnDemand),
            Some(("t3.large", BaselineTier::Current))
        );

        let catalog = crate::select::tests::catalog(
            vec![
                previous(itype("m5.large", 2, 8192)),
                previous(itype("c4.large", 2, 3840)),
            ],
            vec![od("m5.large", 0.096), od("c4.large", 0.10)],
        );
        let p = protect(&catalog, &Requirements::default(), PriceBasis::PerInstance);
        assert_eq!(
            baseline_of(&p, Market::OnDemand),
            Some(("m5.large", BaselineTier::Any))
        );
        assert_eq!(allowed(&p, Market::OnDemand), ["c4.large", "m5.large"]);
    }

    #[test]
    fn price_protection_per_vcpu_with_vcpu_units() {
        let catalog = catalog(
            vec![
                itype("c7i.large", 2, 4096),
                itype("c7i.xlarge", 4, 8192),
                itype("m7i.2xlarge", 8, 32_768),
                itype("r7i.xlarge", 4, 32_768),
            ],
            vec![
                od("c7i.large", 0.10),   // 0.05 per vCPU
                od("c7i.xlarge", 0.20),  // 0.05 per vCPU
                od("m7i.2xlarge", 0.48), // 0.06 per vCPU: exactly at the threshold
                od("r7i.xlarge", 0.28),  // 0.07 per vCPU
            ],
        );
        let per_instance = protect(&catalog, &Requirements::default(), PriceBasis::PerInstance);
        assert_eq!(allowed(&per_instance, Market::OnDemand), ["c7i.large"]);
        assert_eq!(
            excluded(&per_instance, Market::OnDemand),
            ["c7i.xlarge", "m7i.2xlarge", "r7i.xlarge"]
        );

        let per_vcpu = protect(&catalog, &Requirements::default(), PriceBasis::PerVcpu);
        // c7i.large and c7i.xlarge tie at 0.05/vCPU; the smaller name wins.
        assert_eq!(
            baseline_of(&per_vcpu, Market::OnDemand),
            Some(("c7i.large", BaselineTier::CurrentCmr))
        );
        assert!(
            market(&per_vcpu, Market::OnDemand)
                .threshold
                .is_some_and(|t| close(t, 0.06))
        );
        assert_eq!(
            allowed(&per_vcpu, Market::OnDemand),
            ["c7i.large", "c7i.xlarge", "m7i.2xlarge"]
        );
        assert_eq!(excluded(&per_vcpu, Market::OnDemand), ["r7i.xlarge"]);
        let exclusion = &market(&per_vcpu, Market::OnDemand).excluded[0];
        assert!(close(exclusion.price, 0.07));
        assert_eq!(
            exclusion.reason(),
            "on-demand price 0.07 usd/vcpu-hour is above the price-protection threshold 0.06"
        );
    }

    #[test]
    fn price_protection_per_memory_mib_with_memory_units() {
        let catalog = catalog(
            vec![itype("c7i.large", 2, 4096), itype("r7i.large", 2, 16_384)],
            vec![od("c7i.large", 0.10), od("r7i.large", 0.13)],
        );
        let p = protect(&catalog, &Requirements::default(), PriceBasis::PerMemoryMib);
        // Per MiB the memory-optimised type is far cheaper: 0.13/16384 vs 0.10/4096.
        assert_eq!(
            baseline_of(&p, Market::OnDemand),
            Some(("r7i.large", BaselineTier::CurrentCmr))
        );
        assert_eq!(allowed(&p, Market::OnDemand), ["r7i.large"]);
        assert_eq!(excluded(&p, Market::OnDemand), ["c7i.large"]);
        let exclusion = &market(&p, Market::OnDemand).excluded[0];
        assert!(close(exclusion.price, 0.10 / 4096.0));
        assert!(close(exclusion.threshold, 0.13 / 16_384.0 * 1.2));
        assert_eq!(
            exclusion.reason(),
            "on-demand price 0.0000244141 usd/mib-hour is above the price-protection threshold 0.00000952148"
        );
    }

    fn spot_catalog() -> Catalog {
        catalog(
            vec![
                itype("c7i.large", 2, 4096),
                itype("m7i.large", 2, 8192),
                itype("r7i.large", 2, 16_384),
            ],
            vec![
                od("c7i.large", 0.10),
                od("m7i.large", 0.11),
                od("r7i.large", 0.13),
                spot("c7i.large", 0.03),
                spot("m7i.large", 0.06),
                spot("r7i.large", 0.07),
            ],
        )
    }

    #[test]
    fn spot_protection_against_on_demand_percentage() {
        let req = Requirements {
            max_spot_price_as_percentage_of_optimal_on_demand_price: Some(50),
            ..Requirements::default()
        };
        let p = protect(&spot_catalog(), &req, PriceBasis::PerInstance);
        let spot = market(&p, Market::Spot);
        assert_eq!(spot.rule, ThresholdRule::OfOnDemandBaseline { percent: 50 });
        // The reference is the On-Demand baseline (c7i.large at 0.10), so 0.05.
        assert_eq!(
            spot.baseline
                .as_ref()
                .map(|b| (b.instance_type.as_str(), b.market)),
            Some(("c7i.large", Market::OnDemand))
        );
        assert!(spot.threshold.is_some_and(|t| close(t, 0.05)));
        assert_eq!(allowed(&p, Market::Spot), ["c7i.large"]);
        assert_eq!(excluded(&p, Market::Spot), ["m7i.large", "r7i.large"]);
        // On-Demand keeps its own default 20 % rule.
        assert_eq!(allowed(&p, Market::OnDemand), ["c7i.large", "m7i.large"]);
    }

    #[test]
    fn spot_protection_defaults_to_100_percent_over_lowest_spot_price() {
        let p = protect(
            &spot_catalog(),
            &Requirements::default(),
            PriceBasis::PerInstance,
        );
        let spot = market(&p, Market::Spot);
        assert_eq!(
            spot.rule,
            ThresholdRule::OverLowest {
                percent: 100,
                default: true
            }
        );
        assert_eq!(
            spot.baseline
                .as_ref()
                .map(|b| (b.instance_type.as_str(), b.market)),
            Some(("c7i.large", Market::Spot))
        );
        assert!(spot.threshold.is_some_and(|t| close(t, 0.06)));
        // m7i.large sits exactly at 2 × 0.03 and stays; only strictly above is excluded.
        assert_eq!(allowed(&p, Market::Spot), ["c7i.large", "m7i.large"]);
        assert_eq!(excluded(&p, Market::Spot), ["r7i.large"]);
    }

    #[test]
    fn spot_protection_over_lowest_spot_price_uses_the_requested_percentage() {
        let req = Requirements {
            spot_max_price_percentage_over_lowest_price: Some(10),
            ..Requirements::default()
        };
        let p = protect(&spot_catalog(), &req, PriceBasis::PerInstance);
        assert!(
            market(&p, Market::Spot)
                .threshold
                .is_some_and(|t| close(t, 0.033))
        );
        assert_eq!(allowed(&p, Market::Spot), ["c7i.large"]);
        assert!(p.is_allowed("c7i.large", Market::Spot));
        assert!(!p.is_allowed("m7i.large", Market::Spot));
    }

    #[test]
    fn on_demand_percentage_is_configurable() {
        let req = Requirements {
            on_demand_max_price_percentage_over_lowest_price: Some(0),
            ..Requirements::default()
        };
        let p = protect(&spot_catalog(), &req, PriceBasis::PerInstance);
        assert_eq!(allowed(&p, Market::OnDemand), ["c7i.large"]);
        let req = Requirements {
            on_demand_max_price_percentage_over_lowest_price: Some(30),
            ..Requirements::default()
        };
        let p = protect(&spot_catalog(), &req, PriceBasis::PerInstance);
        assert_eq!(
            allowed(&p, Market::OnDemand),
            ["c7i.large", "m7i.large", "r7i.large"]
        );
    }

    #[test]
    fn percentage_of_999999_disables_protection() {
        let req = Requirements {
            on_demand_max_price_percentage_over_lowest_price: Some(999_999),
            max_spot_price_as_percentage_of_optimal_on_demand_price: Some(999_999),
            ..Requirements::default()
        };
        let p = protect(&spot_catalog(), &req, PriceBasis::PerInstance);
        for m in [Market::OnDemand, Market::Spot] {
            assert_eq!(
                market(&p, m).rule,
                ThresholdRule::Disabled { percent: 999_999 }
            );
            assert_eq!(market(&p, m).threshold, None);
            assert_eq!(allowed(&p, m), ["c7i.large", "m7i.large", "r7i.large"]);
        }
        assert_eq!(p.excluded().count(), 0);
    }

    #[test]
    fn price_is_the_lowest_linux_pool_and_unpriced_markets_are_absent() {
        let catalog = catalog(
            vec![itype("c7i.large", 2, 4096), itype("m7i.large", 2, 8192)],
            vec![
                pool(
                    "c7i.large",
                    "use1-az1",
                    Platform::LinuxUnix,
                    Market::OnDemand,
                    0.12,
                ),
                pool(
                    "c7i.large",
                    "use1-az2",
                    Platform::LinuxUnix,
                    Market::OnDemand,
                    0.10,
                ),
                // Windows pools are never the price, however cheap.
                pool(
                    "m7i.large",
                    "use1-az1",
                    Platform::Windows,
                    Market::OnDemand,
                    0.01,
                ),
                pool(
                    "m7i.large",
                    "use1-az1",
                    Platform::LinuxUnix,
                    Market::OnDemand,
                    0.125,
                ),
                pool(
                    "m7i.large",
                    "use1-az2",
                    Platform::LinuxUnix,
                    Market::Spot,
                    0.04,
                ),
            ],
        );
        let p = protect(&catalog, &Requirements::default(), PriceBasis::PerInstance);
        assert!(
            market(&p, Market::OnDemand)
                .baseline
                .as_ref()
                .is_some_and(|b| b.instance_type.as_str() == "c7i.large" && close(b.price, 0.10))
        );
        assert_eq!(allowed(&p, Market::OnDemand), ["c7i.large"]);
        assert_eq!(excluded(&p, Market::OnDemand), ["m7i.large"]);
        // c7i.large has no spot pool: neither allowed nor excluded there.
        assert_eq!(allowed(&p, Market::Spot), ["m7i.large"]);
        assert!(excluded(&p, Market::Spot).is_empty());
    }

    #[test]
    fn only_candidates_are_considered_and_duplicates_count_once() {
        let catalog = spot_catalog();
        let (Some(m), Some(r)) = (
            catalog.instance_type("m7i.large"),
            catalog.instance_type("r7i.large"),
        ) else {
            panic!("types missing");
        };
        // Without c7i.large among the candidates, m7i.large becomes the baseline.
        let p = price_protection(
            &catalog,
            REGION,
            &[r, m, r],
            &Requirements::default(),
            PriceBasis::PerInstance,
        );
        assert_eq!(
            baseline_of(&p, Market::OnDemand),
            Some(("m7i.large", BaselineTier::CurrentCmr))
        );
        assert_eq!(allowed(&p, Market::OnDemand), ["m7i.large", "r7i.large"]);
        assert_eq!(p.excluded().count(), 0);
    }

    #[test]
    fn unknown_region_has_no_prices() {
        let catalog = spot_catalog();
        let candidates: Vec<&InstanceType> = catalog.instance_types().collect();
        let p = price_protection(
            &catalog,
            "eu-west-1",
            &candidates,
            &Requirements::default(),
            PriceBasis::PerInstance,
        );
        assert_eq!(p.markets.len(), 2);
        assert!(p.allowed(Market::OnDemand).is_empty());
        assert!(p.allowed(Market::Spot).is_empty());
        assert_eq!(p.excluded().count(), 0);
    }

    #[test]
    fn mac_families_are_not_m_families() {
        assert!(is_cmr_family("c7i"));
        assert!(is_cmr_family("m7g"));
        assert!(is_cmr_family("r8g"));
        assert!(!is_cmr_family("mac1"));
        assert!(!is_cmr_family("mac2-m2pro"));
        assert!(!is_cmr_family("t3"));
        assert!(!is_cmr_family(""));
    }

    #[test]
    fn prices_are_printed_with_six_significant_digits() {
        assert_eq!(fmt_price(0.12), "0.12");
        assert_eq!(fmt_price(0.12000000000000001), "0.12");
        assert_eq!(fmt_price(1.5), "1.5");
        assert_eq!(fmt_price(32.77), "32.77");
        assert_eq!(fmt_price(0.000012), "0.000012");
        assert_eq!(fmt_price(0.0), "0");
    }
}
