//! Reads `aws ec2 describe-reserved-instances` output and produces [`ReservedInstance`]s: the
//! account's Reserved Instance purchases, a billing discount on matching On-Demand usage (and,
//! for a zonal RI, a capacity reservation in its AZ). On-Demand `prioritized` exists to use
//! them up first (aws-semantics §2.2).
//!
//! Shape: `{"ReservedInstances": [{ReservedInstancesId, InstanceType, Scope, AvailabilityZone,
//! AvailabilityZoneId, InstanceCount, OfferingClass, OfferingType, ProductDescription,
//! InstanceTenancy, FixedPrice, UsagePrice, RecurringCharges: [{Amount, Frequency}], Duration,
//! Start, End, State, CurrencyCode, Tags}]}`
//! (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReservedInstances.html>). Every
//! member of the API shape is accepted; one that is not in it is refused with its path. Older
//! output has no `Scope`: an RI with an `AvailabilityZone` is then zonal, one without regional.
//! The hourly price of an RI is `UsagePrice` plus its `Hourly` recurring charges, as AWS bills
//! current offerings (`UsagePrice` 0, the rate in `RecurringCharges`).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::commitments::{
    OfferingClass, PurchaseOption, RecurringCharge, ReservedInstance, ReservedInstanceState,
    ReservedScope, Tenancy,
};
use crate::error::LoadError;

/// The AWS structures named in unknown-member messages, by the member holding them.
const SHAPES: &[(&str, &str)] = &[
    ("", "ReservedInstances"),
    ("RecurringCharges", "RecurringCharge"),
];

/// The one `Frequency` AWS lists for a recurring charge.
const HOURLY: &str = "Hourly";

/// Parses describe-reserved-instances output; purchases in file order.
pub fn parse(label: &str, text: &str) -> Result<Vec<ReservedInstance>, LoadError> {
    const WHAT: &str = "describe-reserved-instances output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_json_object(label, text, WHAT)?;
    super::check_top_level_key(label, text, "ReservedInstances", WHAT)?;
    let output: Output = super::parse_strict(label, text, SHAPES)?;
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut purchases = Vec::with_capacity(output.reserved_instances.len());
    for (index, entry) in output.reserved_instances.into_iter().enumerate() {
        let path = format!("ReservedInstances[{index}]");
        if let Some(at) = first.get(&entry.reserved_instances_id) {
            return Err(LoadError::at_path(
                label,
                format!("{path}.ReservedInstancesId"),
                format!(
                    "duplicate ReservedInstancesId `{}` (first at ReservedInstances[{at}])",
                    crate::escape::escape_controls(&entry.reserved_instances_id)
                ),
            ));
        }
        first.insert(entry.reserved_instances_id.clone(), index);
        let purchase = convert(entry, &path).map_err(|(field, message)| {
            LoadError::at_path(label, format!("{path}{field}"), message)
        })?;
        purchases.push(purchase);
    }
    Ok(purchases)
}

/// Reads and parses a describe-reserved-instances file.
pub fn load(path: &Path) -> Result<Vec<ReservedInstance>, LoadError> {
    super::load_with(path, parse)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Output {
    reserved_instances: Vec<Entry>,
}

/// The API's `ReservedInstances`, member by member.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "members fleetopt does not use are read only for strictness"
)]
struct Entry {
    reserved_instances_id: String,
    instance_type: String,
    scope: Option<String>,
    availability_zone: Option<String>,
    availability_zone_id: Option<String>,
    instance_count: i64,
    offering_class: String,
    offering_type: String,
    product_description: String,
    instance_tenancy: String,
    fixed_price: f64,
    usage_price: f64,
    #[serde(default)]
    recurring_charges: Vec<Charge>,
    duration: i64,
    start: String,
    end: Option<String>,
    state: String,
    currency_code: Option<String>,
    // Accepted, not used.
    tags: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Charge {
    amount: f64,
    frequency: String,
}

/// Checks one entry; on failure gives (`.Member` suffix of the path, message).
fn convert(entry: Entry, path: &str) -> Result<ReservedInstance, (String, String)> {
    let at = |member: &str| format!(".{member}");
    if entry.reserved_instances_id.trim().is_empty() {
        return Err((
            at("ReservedInstancesId"),
            "expected a Reserved Instances ID, found an empty value".to_owned(),
        ));
    }
    let instance_type = super::parse_type_name(&entry.instance_type).map_err(|m| {
        (
            at("InstanceType"),
            crate::escape::escape_controls(&m).into_owned(),
        )
    })?;
    let zone = super::zone_of(
        entry.availability_zone_id.as_deref(),
        entry.availability_zone.as_deref(),
    )
    .map_err(|(member, message)| (at(member), message))?;
    let scope = match entry.scope.as_deref() {
        Some(text) => super::parse_closed(
            text,
            "scope",
            ReservedScope::parse,
            &ReservedScope::spellings(),
        )
        .map_err(|m| (at("Scope"), m))?,
        // Output from before regional RIs (2016) has no Scope: every RI was zonal then.
        None if zone.is_some() => ReservedScope::AvailabilityZone,
        None => ReservedScope::Region,
    };
    let zone = match (scope, zone) {
        (ReservedScope::AvailabilityZone, None) => {
            return Err((
                String::new(),
                "a zonal Reserved Instance (Scope `Availability Zone`) needs \
                 `AvailabilityZoneId` or `AvailabilityZone`, found neither"
                    .to_owned(),
            ));
        }
        (ReservedScope::Region, Some((_, member))) => {
            return Err((
                at(member),
                "a regional Reserved Instance (Scope `Region`) has no Availability Zone".to_owned(),
            ));
        }
        (_, zone) => zone.map(|(zone, _)| zone),
    };
    let count = super::check_count(entry.instance_count).map_err(|m| (at("InstanceCount"), m))?;
    let offering_class = super::parse_closed(
        &entry.offering_class,
        "offering class",
        OfferingClass::parse,
        &OfferingClass::spellings(),
    )
    .map_err(|m| (at("OfferingClass"), m))?;
    let offering_type = super::parse_closed(
        &entry.offering_type,
        "offering type",
        PurchaseOption::parse,
        &PurchaseOption::spellings(),
    )
    .map_err(|m| (at("OfferingType"), m))?;
    if entry.product_description.trim().is_empty() {
        return Err((
            at("ProductDescription"),
            "expected a product description such as `Linux/UNIX`, found an empty value".to_owned(),
        ));
    }
    let tenancy = super::parse_closed(
        &entry.instance_tenancy,
        "tenancy",
        Tenancy::parse,
        "`default`, `dedicated`, `host`",
    )
    .map_err(|m| (at("InstanceTenancy"), m))?;
    let fixed_price = super::check_amount(entry.fixed_price, &entry.fixed_price.to_string())
        .map_err(|m| (at("FixedPrice"), m))?;
    let usage_price = super::check_amount(entry.usage_price, &entry.usage_price.to_string())
        .map_err(|m| (at("UsagePrice"), m))?;
    let mut hourly_price = usage_price;
    let mut recurring_charges = Vec::with_capacity(entry.recurring_charges.len());
    for (index, charge) in entry.recurring_charges.into_iter().enumerate() {
        let member = |field: &str| format!(".RecurringCharges[{index}].{field}");
        let amount = super::check_amount(charge.amount, &charge.amount.to_string())
            .map_err(|m| (member("Amount"), m))?;
        if charge.frequency != HOURLY {
            return Err((
                member("Frequency"),
                format!(
                    "unknown frequency `{}`; expected `{HOURLY}`",
                    crate::escape::escape_controls(&charge.frequency)
                ),
            ));
        }
        hourly_price += amount;
        recurring_charges.push(RecurringCharge {
            amount,
            frequency: charge.frequency,
        });
    }
    let duration_seconds = u64::try_from(entry.duration)
        .ok()
        .filter(|&seconds| seconds > 0)
        .ok_or_else(|| {
            (
                at("Duration"),
                format!(
                    "expected a duration in seconds above 0, found `{}`",
                    entry.duration
                ),
            )
        })?;
    let start = super::parse_time(&entry.start).map_err(|m| (at("Start"), m))?;
    let end = entry
        .end
        .as_deref()
        .map(super::parse_time)
        .transpose()
        .map_err(|m| (at("End"), m))?;
    let state = super::parse_closed(
        &entry.state,
        "state",
        ReservedInstanceState::parse,
        &ReservedInstanceState::spellings(),
    )
    .map_err(|m| (at("State"), m))?;
    Ok(ReservedInstance {
        id: entry.reserved_instances_id,
        instance_type,
        scope,
        zone,
        zone_name: entry.availability_zone,
        count,
        offering_class,
        offering_type,
        platform: super::exact_platform(&entry.product_description),
        product_description: entry.product_description,
        tenancy,
        fixed_price,
        usage_price,
        recurring_charges,
        hourly_price,
        duration_seconds,
        start,
        end,
        state,
        currency: entry.currency_code,
        location: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::ZoneRef;
    use crate::model::{Platform, ZoneId};
    use crate::tolerance::THRESHOLD_SLACK;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/aws/commitments/describe-reserved-instances.json"
    );

    fn fixture() -> Vec<ReservedInstance> {
        match load(Path::new(FIXTURE)) {
            Ok(purchases) => purchases,
            Err(e) => panic!("{e}"),
        }
    }

    fn error_of(text: &str) -> String {
        match parse("ri.json", text) {
            Ok(purchases) => panic!("expected an error, got {purchases:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// One valid regional entry with `member` replaced by `value` (raw JSON), or added.
    fn with(member: &str, value: &str) -> String {
        let mut fields = vec![
            (
                "ReservedInstancesId",
                r#""9d5152a0-1a2b-4c3d-8e9f-0a1b2c3d4e5f""#.to_owned(),
            ),
            ("InstanceType", r#""m5.large""#.to_owned()),
            ("Scope", r#""Region""#.to_owned()),
            ("InstanceCount", "2".to_owned()),
            ("OfferingClass", r#""standard""#.to_owned()),
            ("OfferingType", r#""No Upfront""#.to_owned()),
            ("ProductDescription", r#""Linux/UNIX""#.to_owned()),
            ("InstanceTenancy", r#""default""#.to_owned()),
            ("FixedPrice", "0.0".to_owned()),
            ("UsagePrice", "0.0".to_owned()),
            ("Duration", "31536000".to_owned()),
            ("Start", r#""2026-01-01T00:00:00.000Z""#.to_owned()),
            ("State", r#""active""#.to_owned()),
        ];
        match fields.iter_mut().find(|(name, _)| *name == member) {
            Some(field) => field.1 = value.to_owned(),
            None => fields.push((member, value.to_owned())),
        }
        let body: Vec<String> = fields
            .iter()
            .map(|(name, value)| format!(r#""{name}": {value}"#))
            .collect();
        format!(r#"{{"ReservedInstances": [{{{}}}]}}"#, body.join(", "))
    }

    #[test]
    fn fixture_reads_regional_and_zonal_purchases() {
        let purchases = fixture();
        assert_eq!(purchases.len(), 4);
        let regional = &purchases[0];
        assert_eq!(regional.instance_type.as_str(), "m5.large");
        assert_eq!(regional.scope, ReservedScope::Region);
        assert_eq!(regional.zone, None);
        assert_eq!(regional.count, 4);
        assert_eq!(regional.offering_class, OfferingClass::Standard);
        assert_eq!(regional.offering_type, PurchaseOption::NoUpfront);
        assert_eq!(regional.platform, Some(Platform::LinuxUnix));
        assert!((regional.hourly_price - 0.062).abs() <= THRESHOLD_SLACK);
        assert_eq!(regional.duration_seconds, 31_536_000);
        assert_eq!(regional.start, "2026-01-01T00:00:00Z");
        assert_eq!(regional.state, ReservedInstanceState::Active);
        let zonal = &purchases[1];
        assert_eq!(zonal.scope, ReservedScope::AvailabilityZone);
        assert_eq!(zonal.zone, Some(ZoneRef::Id(ZoneId::new("use1-az4"))));
        assert_eq!(zonal.zone_name.as_deref(), Some("us-east-1a"));
        assert_eq!(zonal.offering_type, PurchaseOption::PartialUpfront);
        assert_eq!(zonal.product_description, "Linux/UNIX (Amazon VPC)");
        assert_eq!(zonal.platform, Some(Platform::LinuxUnix));
        assert!((zonal.fixed_price - 260.0).abs() <= THRESHOLD_SLACK);
        let convertible = &purchases[2];
        assert_eq!(convertible.offering_class, OfferingClass::Convertible);
        assert_eq!(convertible.offering_type, PurchaseOption::AllUpfront);
        assert_eq!(convertible.hourly_price, 0.0);
        assert_eq!(convertible.platform, Some(Platform::Windows));
        assert_eq!(convertible.tenancy, Tenancy::Dedicated);
        let retired = &purchases[3];
        assert_eq!(retired.state, ReservedInstanceState::Retired);
        // No Scope (older output) and an AZ name only: zonal, by name, not guessed into an ID.
        assert_eq!(retired.scope, ReservedScope::AvailabilityZone);
        assert_eq!(retired.zone, Some(ZoneRef::Name("us-east-1b".to_owned())));
    }

    #[test]
    fn members_are_checked_against_the_api_shape() {
        assert!(parse("ri.json", &with("Tags", "[]")).is_ok());
        assert!(parse("ri.json", &with("CurrencyCode", r#""USD""#)).is_ok());
        assert_eq!(
            error_of(&with("Region", r#""us-east-1""#)),
            "ri.json: at ReservedInstances[0].Region (line 1, column 403): unknown member \
             `Region`: not in the AWS ReservedInstances shape"
        );
        assert_eq!(
            error_of(&with(
                "RecurringCharges",
                r#"[{"Amount": 0.05, "Frequency": "Hourly", "Currency": "USD"}]"#
            )),
            "ri.json: at ReservedInstances[0].RecurringCharges[0].Currency (line 1, column 466): \
             unknown member `Currency`: not in the AWS RecurringCharge shape"
        );
    }

    #[test]
    fn bad_values_name_the_member() {
        assert_eq!(
            error_of(&with("InstanceCount", "-2")),
            "ri.json: at ReservedInstances[0].InstanceCount: expected a count of 0 or more, \
             found `-2`"
        );
        assert_eq!(
            error_of(&with("InstanceCount", r#""2""#)),
            "ri.json: at ReservedInstances[0].InstanceCount (line 1, column 154): invalid type: \
             string \"2\", expected a whole number"
        );
        assert_eq!(
            error_of(&with("InstanceTenancy", r#""Shared""#)),
            "ri.json: at ReservedInstances[0].InstanceTenancy: unknown tenancy `Shared`; expected \
             one of `default`, `dedicated`, `host`"
        );
        assert_eq!(
            error_of(&with("State", r#""expired""#)),
            "ri.json: at ReservedInstances[0].State: unknown state `expired`; expected one of \
             `payment-pending`, `active`, `payment-failed`, `retired`, `queued`, \
             `queued-deleted`"
        );
        assert_eq!(
            error_of(&with("Scope", r#""Zone""#)),
            "ri.json: at ReservedInstances[0].Scope: unknown scope `Zone`; expected one of \
             `Region`, `Availability Zone`"
        );
        assert_eq!(
            error_of(&with("Scope", r#""Availability Zone""#)),
            "ri.json: at ReservedInstances[0]: a zonal Reserved Instance (Scope `Availability \
             Zone`) needs `AvailabilityZoneId` or `AvailabilityZone`, found neither"
        );
        assert_eq!(
            error_of(&with("AvailabilityZone", r#""us-east-1a""#)),
            "ri.json: at ReservedInstances[0].AvailabilityZone: a regional Reserved Instance \
             (Scope `Region`) has no Availability Zone"
        );
        assert_eq!(
            error_of(&with("FixedPrice", "-1.5")),
            "ri.json: at ReservedInstances[0].FixedPrice: expected an amount of 0 or more, found \
             `-1.5`"
        );
        assert_eq!(
            error_of(&with(
                "RecurringCharges",
                r#"[{"Amount": 0.05, "Frequency": "Monthly"}]"#
            )),
            "ri.json: at ReservedInstances[0].RecurringCharges[0].Frequency: unknown frequency \
             `Monthly`; expected `Hourly`"
        );
        assert_eq!(
            error_of(&with("Duration", "0")),
            "ri.json: at ReservedInstances[0].Duration: expected a duration in seconds above 0, \
             found `0`"
        );
        assert_eq!(
            error_of(&with("Start", r#""2026-01-01""#)),
            "ri.json: at ReservedInstances[0].Start: expected an RFC 3339 time such as \
             `2024-10-23T15:00:24+00:00`, found `2026-01-01`"
        );
    }

    #[test]
    fn wrong_documents_are_named() {
        assert_eq!(
            error_of("\"ReservedInstances\""),
            "ri.json: in the file: expected describe-reserved-instances output as a JSON \
             object, found a string"
        );
        assert_eq!(
            error_of(r#"{"ReservedInstances": [], "ReservedInstances": []}"#),
            "ri.json: at ReservedInstances (line 1, column 45): duplicate key `ReservedInstances` \
             (a JSON object may name a key once; TOML and YAML refuse it too)"
        );
        assert_eq!(
            parse("ri.json", r#"{"ReservedInstances": []}"#),
            Ok(Vec::new())
        );
    }

    #[test]
    fn truncated_input_never_panics() {
        let text = match std::fs::read_to_string(FIXTURE) {
            Ok(text) => text,
            Err(e) => panic!("{e}"),
        };
        super::super::assert_no_panic_on_truncation(&text, |t| parse("ri.json", t));
    }
}
