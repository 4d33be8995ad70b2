//! Capacity already owned or offered: the records the commitment loaders produce (Capacity
//! Reservations, Reserved Instances, Savings Plans and their rates, Capacity Block offerings,
//! Price List On-Demand prices and Reserved terms) and the closed enums they are made of.
//!
//! Nothing here reads files; `load::capacity_reservations`, `load::reserved_instances`,
//! `load::savings_plans`, `load::capacity_blocks` and `load::price_list` build these values.
//! They are kept apart from [`crate::Catalog`] on purpose: the catalogue is what can be bought,
//! these are what an account already holds or could commit to, and joining the two is the
//! planner's work. Every enum keeps AWS's own spelling ([`Tenancy`] has one per source, as AWS
//! spells tenancy differently in EC2 and in the Price List). Dates stay text, checked as RFC 3339
//! and written in UTC (`2024-10-23T15:00:24Z`), as the spot price loader keeps its timestamps.

use std::fmt;

use crate::load::ZoneRef;
use crate::model::{Platform, RegionName, TypeName};

/// A closed enum with one AWS spelling per value: `ALL`, `as_str`, an exact `parse` and
/// `Display`. Exact, because these values come from machine output, never typed by hand.
macro_rules! aws_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $spelling:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in the order AWS's API reference lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The AWS spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling,)+
                }
            }

            /// The value AWS spells `text` (exactly), if any.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.as_str() == text)
            }

            /// The accepted spellings as a list for messages: `` `a`, `b`, `c` ``.
            pub fn spellings() -> String {
                let quoted: Vec<String> =
                    $name::ALL.iter().map(|value| format!("`{}`", value.as_str())).collect();
                quoted.join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Where instances run: on shared hardware, on hardware dedicated to the account, or on a
/// Dedicated Host. EC2 (`Tenancy`, `InstanceTenancy`) spells it `default`, `dedicated`,
/// `host`; the Price List (`tenancy`, `Tenancy`) spells it `Shared`, `Dedicated`, `Host`;
/// Savings Plans rates (`tenancy` property) spell it `shared`, `dedicated`, `host`.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Tenancy {
    /// Shared hardware (`default` / `Shared`).
    #[default]
    Default,
    /// Dedicated Instances (`dedicated` / `Dedicated`).
    Dedicated,
    /// A Dedicated Host (`host` / `Host`).
    Host,
}

impl Tenancy {
    /// Every tenancy.
    pub const ALL: [Tenancy; 3] = [Tenancy::Default, Tenancy::Dedicated, Tenancy::Host];

    /// The EC2 spelling (`default`, `dedicated`, `host`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tenancy::Default => "default",
            Tenancy::Dedicated => "dedicated",
            Tenancy::Host => "host",
        }
    }

    /// The Price List spelling (`Shared`, `Dedicated`, `Host`).
    pub fn price_list_str(self) -> &'static str {
        match self {
            Tenancy::Default => "Shared",
            Tenancy::Dedicated => "Dedicated",
            Tenancy::Host => "Host",
        }
    }

    /// The Savings Plans rate spelling (`shared`, `dedicated`, `host`).
    pub fn savings_plans_str(self) -> &'static str {
        match self {
            Tenancy::Default => "shared",
            Tenancy::Dedicated => "dedicated",
            Tenancy::Host => "host",
        }
    }

    /// Whether this is shared tenancy (`default`), what a plan leaves unsaid.
    pub fn is_default(&self) -> bool {
        *self == Tenancy::Default
    }

    /// Parses the EC2 spelling, exactly.
    pub fn parse(text: &str) -> Option<Tenancy> {
        Tenancy::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// Parses the Price List spelling, exactly.
    pub fn parse_price_list(text: &str) -> Option<Tenancy> {
        Tenancy::ALL
            .into_iter()
            .find(|t| t.price_list_str() == text)
    }

    /// Parses the Savings Plans rate spelling, exactly.
    pub fn parse_savings_plans(text: &str) -> Option<Tenancy> {
        Tenancy::ALL
            .into_iter()
            .find(|t| t.savings_plans_str() == text)
    }
}

impl fmt::Display for Tenancy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// Capacity Reservations (describe-capacity-reservations).

aws_enum!(
    /// `InstanceMatchCriteria`: which launches a reservation takes.
    MatchCriteria {
        /// Any launch with matching attributes runs in it automatically.
        Open = "open",
        /// Only launches that name it (or its resource group).
        Targeted = "targeted",
    }
);

aws_enum!(
    /// A Capacity Reservation's `State`
    /// (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CapacityReservation.html>).
    CapacityReservationState {
        /// The capacity is available for use.
        Active = "active",
        /// Ended at its end date.
        Expired = "expired",
        /// Cancelled.
        Cancelled = "cancelled",
        /// Provisioning is pending.
        Pending = "pending",
        /// The request failed.
        Failed = "failed",
        /// A future-dated reservation, approved and scheduled.
        Scheduled = "scheduled",
        /// A Capacity Block whose upfront payment is not processed yet.
        PaymentPending = "payment-pending",
        /// A Capacity Block whose payment failed (released).
        PaymentFailed = "payment-failed",
        /// A future-dated request being assessed.
        Assessing = "assessing",
        /// A future-dated reservation that EC2 cannot deliver on time.
        Delayed = "delayed",
        /// A future-dated request EC2 cannot support.
        Unsupported = "unsupported",
    }
);

aws_enum!(
    /// `EndDateType`: whether a reservation ends by itself.
    EndDateType {
        /// Active until cancelled.
        Unlimited = "unlimited",
        /// Ends at `EndDate`.
        Limited = "limited",
    }
);

aws_enum!(
    /// `ReservationType`: an On-Demand Capacity Reservation or a Capacity Block.
    ReservationType {
        /// An On-Demand Capacity Reservation.
        Default = "default",
        /// A Capacity Block for ML.
        CapacityBlock = "capacity-block",
    }
);

/// One Capacity Reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapacityReservation {
    /// `cr-…`.
    pub id: String,
    /// Instance type.
    pub instance_type: TypeName,
    /// The AZ ID when the entry gives `AvailabilityZoneId`, else the AZ name.
    pub zone: ZoneRef,
    /// The AZ name, when given (kept even when the ID is known).
    pub zone_name: Option<String>,
    /// `InstancePlatform` as AWS spells it (`Linux/UNIX`, `Windows with SQL Server`, …).
    pub instance_platform: String,
    /// The platform fleetopt models, when `InstancePlatform` is one (`None` for the licensed
    /// variants such as `Windows with SQL Server`, which no catalogue pool prices).
    pub platform: Option<Platform>,
    /// `default` or `dedicated` (a Capacity Reservation cannot be on a Dedicated Host).
    pub tenancy: Tenancy,
    /// `open` or `targeted`.
    pub match_criteria: MatchCriteria,
    /// `TotalInstanceCount`.
    pub total_instances: u32,
    /// `AvailableInstanceCount` (≤ total).
    pub available_instances: u32,
    /// `State`.
    pub state: CapacityReservationState,
    /// `StartDate`, RFC 3339 in UTC, when given.
    pub start_date: Option<String>,
    /// `EndDate`, RFC 3339 in UTC, when given (absent for `unlimited`).
    pub end_date: Option<String>,
    /// `EndDateType`, when given.
    pub end_date_type: Option<EndDateType>,
    /// `ReservationType`, when given (older output has none: an On-Demand reservation).
    pub reservation_type: Option<ReservationType>,
    /// The entry's JSON path (`CapacityReservations[2]`), for later messages.
    pub location: String,
}

impl CapacityReservation {
    /// Whether launches can use it now: `active` with capacity left.
    pub fn is_usable(&self) -> bool {
        self.state == CapacityReservationState::Active && self.available_instances > 0
    }
}

// ---------------------------------------------------------------------------------------------
// Reserved Instances (describe-reserved-instances).

aws_enum!(
    /// A Reserved Instance's `Scope`.
    ReservedScope {
        /// A regional RI: a billing discount in any AZ of the region, no capacity reserved.
        Region = "Region",
        /// A zonal RI: a discount and a capacity reservation in one AZ.
        AvailabilityZone = "Availability Zone",
    }
);

aws_enum!(
    /// `OfferingClass` of a Reserved Instance (and a Price List Reserved term).
    OfferingClass {
        /// Standard: cannot be exchanged.
        Standard = "standard",
        /// Convertible: can be exchanged for another configuration.
        Convertible = "convertible",
    }
);

aws_enum!(
    /// `OfferingType` of a Reserved Instance, and the Price List's `PurchaseOption`.
    PurchaseOption {
        /// Nothing up front, everything hourly.
        NoUpfront = "No Upfront",
        /// Part up front, the rest hourly.
        PartialUpfront = "Partial Upfront",
        /// Everything up front.
        AllUpfront = "All Upfront",
        /// Legacy (before 2014) utilization offerings, still listed for old RIs.
        HeavyUtilization = "Heavy Utilization",
        /// Legacy.
        MediumUtilization = "Medium Utilization",
        /// Legacy.
        LightUtilization = "Light Utilization",
    }
);

aws_enum!(
    /// A Reserved Instance's `State`.
    ReservedInstanceState {
        /// Bought, payment not processed yet.
        PaymentPending = "payment-pending",
        /// In force.
        Active = "active",
        /// Payment failed.
        PaymentFailed = "payment-failed",
        /// Ended.
        Retired = "retired",
        /// A queued purchase.
        Queued = "queued",
        /// A queued purchase deleted before it started.
        QueuedDeleted = "queued-deleted",
    }
);

/// One recurring charge of a Reserved Instance (`RecurringCharges[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct RecurringCharge {
    /// USD per `frequency` (≥ 0).
    pub amount: f64,
    /// `Hourly`, the one frequency AWS lists.
    pub frequency: String,
}

/// One Reserved Instance purchase.
#[derive(Debug, Clone, PartialEq)]
pub struct ReservedInstance {
    /// `ReservedInstancesId`.
    pub id: String,
    /// Instance type.
    pub instance_type: TypeName,
    /// Regional or zonal.
    pub scope: ReservedScope,
    /// For a zonal RI, its AZ (the ID when `AvailabilityZoneId` is given, else the name).
    pub zone: Option<ZoneRef>,
    /// The AZ name, when given.
    pub zone_name: Option<String>,
    /// `InstanceCount`.
    pub count: u32,
    /// `OfferingClass`.
    pub offering_class: OfferingClass,
    /// `OfferingType`.
    pub offering_type: PurchaseOption,
    /// `ProductDescription` as AWS spells it (`Linux/UNIX (Amazon VPC)`).
    pub product_description: String,
    /// The platform fleetopt models, when the product description is one.
    pub platform: Option<Platform>,
    /// `InstanceTenancy`.
    pub tenancy: Tenancy,
    /// `FixedPrice`, USD paid once (≥ 0).
    pub fixed_price: f64,
    /// `UsagePrice`, USD per hour (≥ 0; 0 for the current offering types).
    pub usage_price: f64,
    /// `RecurringCharges`.
    pub recurring_charges: Vec<RecurringCharge>,
    /// `UsagePrice` plus the hourly recurring charges: what an hour of one instance costs.
    pub hourly_price: f64,
    /// `Duration`, seconds.
    pub duration_seconds: u64,
    /// `Start`, RFC 3339 in UTC.
    pub start: String,
    /// `End`, RFC 3339 in UTC, when given.
    pub end: Option<String>,
    /// `State`.
    pub state: ReservedInstanceState,
    /// `CurrencyCode`, when given (`USD`).
    pub currency: Option<String>,
    /// The entry's JSON path (`ReservedInstances[0]`).
    pub location: String,
}

// ---------------------------------------------------------------------------------------------
// Savings Plans (describe-savings-plans, describe-savings-plan-rates).

aws_enum!(
    /// `savingsPlanType`.
    SavingsPlanType {
        /// Compute Savings Plans: any family, region, OS, tenancy; also Fargate and Lambda.
        Compute = "Compute",
        /// EC2 Instance Savings Plans: one instance family in one region.
        Ec2Instance = "EC2Instance",
        /// SageMaker Savings Plans.
        SageMaker = "SageMaker",
    }
);

aws_enum!(
    /// A Savings Plan's `state`.
    SavingsPlanState {
        /// Bought, payment not processed yet.
        PaymentPending = "payment-pending",
        /// Payment failed.
        PaymentFailed = "payment-failed",
        /// In force.
        Active = "active",
        /// Ended.
        Retired = "retired",
        /// A queued purchase.
        Queued = "queued",
        /// A queued purchase deleted.
        QueuedDeleted = "queued-deleted",
        /// A return requested.
        PendingReturn = "pending-return",
        /// Returned.
        Returned = "returned",
    }
);

/// One Savings Plan.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsPlan {
    /// `savingsPlanId`.
    pub id: String,
    /// `savingsPlanType`.
    pub plan_type: SavingsPlanType,
    /// `state`.
    pub state: SavingsPlanState,
    /// `commitment`: the hourly commitment in `currency` (> 0).
    pub commitment_per_hour: f64,
    /// `currency` (`USD` or `CNY`).
    pub currency: String,
    /// `start`, RFC 3339 in UTC.
    pub start: String,
    /// `end`, RFC 3339 in UTC.
    pub end: String,
    /// `region`, for an EC2 Instance Savings Plan.
    pub region: Option<RegionName>,
    /// `ec2InstanceFamily` (`m5`), for an EC2 Instance Savings Plan.
    pub instance_family: Option<String>,
    /// `paymentOption`, when given.
    pub payment_option: Option<PurchaseOption>,
    /// `termDurationInSeconds`, when given.
    pub term_seconds: Option<u64>,
    /// `upfrontPaymentAmount`, when given (≥ 0).
    pub upfront_payment: Option<f64>,
    /// `recurringPaymentAmount`, when given (≥ 0).
    pub recurring_payment: Option<f64>,
    /// `productTypes` (`EC2`, `Fargate`, `Lambda`, `SageMaker`).
    pub product_types: Vec<String>,
    /// The entry's JSON path (`savingsPlans[0]`).
    pub location: String,
}

/// One EC2 rate of a Savings Plan: what an instance-hour costs under the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsPlanRate {
    /// Instance type (property `instanceType`).
    pub instance_type: TypeName,
    /// Region (property `region`).
    pub region: RegionName,
    /// Tenancy (property `tenancy`).
    pub tenancy: Tenancy,
    /// Property `productDescription` as AWS spells it.
    pub product_description: String,
    /// The platform fleetopt models, when the product description is one.
    pub platform: Option<Platform>,
    /// `rate`, in `currency` per `unit` (`Hrs`), ≥ 0.
    pub rate: f64,
    /// `currency`.
    pub currency: String,
    /// `usageType` (`USE1-BoxUsage:m5.large`).
    pub usage_type: String,
    /// `operation` (`RunInstances`).
    pub operation: String,
    /// The entry's JSON path (`searchResults[3]`).
    pub location: String,
}

/// The EC2 rates of one Savings Plan (describe-savings-plan-rates).
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsPlanRates {
    /// `savingsPlanId`.
    pub savings_plan_id: String,
    /// The EC2 instance rates, sorted by (region, type, tenancy, product description).
    pub rates: Vec<SavingsPlanRate>,
    /// How many results were not EC2 instance-hours (Fargate, Lambda, SageMaker), skipped.
    pub skipped: usize,
}

// ---------------------------------------------------------------------------------------------
// Capacity Blocks (describe-capacity-block-offerings).

/// One Capacity Block offering: capacity that could be bought for a fixed window.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityBlockOffering {
    /// `CapacityBlockOfferingId`.
    pub id: String,
    /// Instance type.
    pub instance_type: TypeName,
    /// `AvailabilityZone`: the account's AZ name (the offering gives no AZ ID).
    pub zone_name: String,
    /// `InstanceCount` (> 0).
    pub instance_count: u32,
    /// `StartDate`, RFC 3339 in UTC.
    pub start_date: String,
    /// `EndDate`, RFC 3339 in UTC.
    pub end_date: String,
    /// `CapacityBlockDurationHours`.
    pub duration_hours: u32,
    /// `CapacityBlockDurationMinutes`, when given.
    pub duration_minutes: Option<u32>,
    /// `UpfrontFee`, the whole block's price (> 0).
    pub upfront_fee: f64,
    /// `CurrencyCode`.
    pub currency: String,
    /// `Tenancy`.
    pub tenancy: Tenancy,
    /// The entry's JSON path (`CapacityBlockOfferings[0]`).
    pub location: String,
}

// ---------------------------------------------------------------------------------------------
// The Price List (AmazonEC2 offer file).

/// The key a Price List price is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PriceKey {
    /// `regionCode`.
    pub region: RegionName,
    /// `instanceType`.
    pub instance_type: TypeName,
    /// `tenancy`.
    pub tenancy: Tenancy,
    /// `operatingSystem` mapped to fleetopt's platform.
    pub platform: Platform,
}

/// One On-Demand price from the Price List.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceListEntry {
    /// What it prices.
    pub key: PriceKey,
    /// The product's SKU.
    pub sku: String,
    /// USD per instance-hour (≥ 0: an instance on a Dedicated Host is listed at 0, the host
    /// being what is billed).
    pub price_per_hour: f64,
}

/// `LeaseContractLength` of a Reserved term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LeaseLength {
    /// `1yr`.
    OneYear,
    /// `3yr`.
    ThreeYears,
}

impl LeaseLength {
    /// Every length.
    pub const ALL: [LeaseLength; 2] = [LeaseLength::OneYear, LeaseLength::ThreeYears];

    /// The Price List spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LeaseLength::OneYear => "1yr",
            LeaseLength::ThreeYears => "3yr",
        }
    }

    /// Parses the Price List spelling.
    pub fn parse(text: &str) -> Option<LeaseLength> {
        LeaseLength::ALL.into_iter().find(|l| l.as_str() == text)
    }

    /// Whole years.
    pub fn years(self) -> u32 {
        match self {
            LeaseLength::OneYear => 1,
            LeaseLength::ThreeYears => 3,
        }
    }
}

impl fmt::Display for LeaseLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Reserved term of the Price List: what an RI of one configuration costs.
#[derive(Debug, Clone, PartialEq)]
pub struct ReservedTerm {
    /// What it prices.
    pub key: PriceKey,
    /// The product's SKU.
    pub sku: String,
    /// `offerTermCode`.
    pub offer_term_code: String,
    /// `LeaseContractLength`.
    pub lease: LeaseLength,
    /// `PurchaseOption`.
    pub purchase_option: PurchaseOption,
    /// `OfferingClass`.
    pub offering_class: OfferingClass,
    /// The `Upfront Fee` (unit `Quantity`), USD; 0 when the term has none.
    pub upfront_fee: f64,
    /// The hourly price (unit `Hrs`), USD; 0 for All Upfront.
    pub hourly: f64,
}

/// What a Price List offer file gives fleetopt.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceList {
    /// `offerCode` (`AmazonEC2`).
    pub offer_code: String,
    /// `version` (`20250912225308`).
    pub version: String,
    /// `publicationDate`, RFC 3339 in UTC.
    pub publication_date: String,
    /// On-Demand prices, sorted by key.
    pub on_demand: Vec<PriceListEntry>,
    /// Reserved terms, sorted by (key, lease, offering class, purchase option).
    pub reserved: Vec<ReservedTerm>,
    /// Region codes of instance products skipped because fleetopt does not know the region
    /// (a region newer than its table), sorted.
    pub skipped_regions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenancy_spellings_round_trip_per_source() {
        for tenancy in Tenancy::ALL {
            assert_eq!(Tenancy::parse(tenancy.as_str()), Some(tenancy));
            assert_eq!(
                Tenancy::parse_price_list(tenancy.price_list_str()),
                Some(tenancy)
            );
            assert_eq!(
                Tenancy::parse_savings_plans(tenancy.savings_plans_str()),
                Some(tenancy)
            );
        }
        assert_eq!(Tenancy::parse("Shared"), None);
        assert_eq!(Tenancy::parse_price_list("default"), None);
        assert_eq!(Tenancy::parse("Default"), None);
    }

    #[test]
    fn enum_spellings_are_exact_and_listed() {
        assert_eq!(
            CapacityReservationState::parse("payment-pending"),
            Some(CapacityReservationState::PaymentPending)
        );
        assert_eq!(CapacityReservationState::parse("Active"), None);
        assert_eq!(CapacityReservationState::ALL.len(), 11);
        assert_eq!(MatchCriteria::spellings(), "`open`, `targeted`");
        assert_eq!(
            ReservedScope::parse("Availability Zone"),
            Some(ReservedScope::AvailabilityZone)
        );
        assert_eq!(LeaseLength::parse("3yr").map(LeaseLength::years), Some(3));
    }
}
