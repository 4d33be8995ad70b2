//! Reads the two Savings Plans outputs: `aws savingsplans describe-savings-plans`
//! ([`parse`] → [`SavingsPlan`]s: the hourly commitments the account holds) and
//! `aws savingsplans describe-savings-plan-rates --savings-plan-id ID` ([`parse_rates`] →
//! [`SavingsPlanRates`]: what an instance-hour costs under one plan, per instance type, region,
//! tenancy and product description).
//!
//! Shapes (the Savings Plans API spells members in camelCase):
//! - `{"savingsPlans": [{savingsPlanId, savingsPlanArn, offeringId, description, start, end,
//!   state, region, ec2InstanceFamily, savingsPlanType, paymentOption, productTypes, currency,
//!   commitment, upfrontPaymentAmount, recurringPaymentAmount, termDurationInSeconds, tags,
//!   returnableUntil}], "nextToken"?}`
//!   (<https://docs.aws.amazon.com/savingsplans/latest/APIReference/API_SavingsPlan.html>);
//! - `{"savingsPlanId", "searchResults": [{rate, currency, unit, productType, serviceCode,
//!   usageType, operation, properties: [{name, value}]}], "nextToken"?}`
//!   (<https://docs.aws.amazon.com/savingsplans/latest/APIReference/API_SavingsPlanRate.html>),
//!   where `properties` names the `region`, `instanceType`, `instanceFamily`,
//!   `productDescription` and `tenancy` a rate applies to.
//!
//! Money is a decimal string there (`"commitment": "0.500"`). Rates for other products than EC2
//! instances (Fargate, Lambda, SageMaker) are skipped and counted, not refused: a Compute
//! Savings Plan covers them too. Members outside the API shapes are refused with their path.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::commitments::{
    PurchaseOption, SavingsPlan, SavingsPlanRate, SavingsPlanRates, SavingsPlanState,
    SavingsPlanType, Tenancy,
};
use crate::error::LoadError;
use crate::model::{RegionName, TypeName};

/// The AWS structures named in unknown-member messages, by the member holding them.
const PLAN_SHAPES: &[(&str, &str)] = &[("", "SavingsPlan")];
/// The same for the rates.
const RATE_SHAPES: &[(&str, &str)] = &[
    ("", "SavingsPlanRate"),
    ("properties", "SavingsPlanRateProperty"),
];
/// The currencies the API lists.
const CURRENCIES: [&str; 2] = ["USD", "CNY"];
/// The `productType` of EC2 instance rates.
const EC2: &str = "EC2";
/// The `unit` of EC2 instance rates.
const HOURS: &str = "Hrs";

/// Parses describe-savings-plans output; plans in file order.
pub fn parse(label: &str, text: &str) -> Result<Vec<SavingsPlan>, LoadError> {
    const WHAT: &str = "describe-savings-plans output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_json_object(label, text, WHAT)?;
    super::check_top_level_key(label, text, "savingsPlans", WHAT)?;
    let output: PlansOutput = super::parse_strict(label, text, PLAN_SHAPES)?;
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut plans = Vec::with_capacity(output.savings_plans.len());
    for (index, entry) in output.savings_plans.into_iter().enumerate() {
        let path = format!("savingsPlans[{index}]");
        if let Some(at) = first.get(&entry.savings_plan_id) {
            return Err(LoadError::at_path(
                label,
                format!("{path}.savingsPlanId"),
                format!(
                    "duplicate savingsPlanId `{}` (first at savingsPlans[{at}])",
                    crate::escape::escape_controls(&entry.savings_plan_id)
                ),
            ));
        }
        first.insert(entry.savings_plan_id.clone(), index);
        let plan = convert_plan(entry, &path).map_err(|(member, message)| {
            LoadError::at_path(label, format!("{path}.{member}"), message)
        })?;
        plans.push(plan);
    }
    Ok(plans)
}

/// Reads and parses a describe-savings-plans file.
pub fn load(path: &Path) -> Result<Vec<SavingsPlan>, LoadError> {
    super::load_with(path, parse)
}

/// Parses describe-savings-plan-rates output: the EC2 instance rates, sorted by (region, type,
/// tenancy, product description); a rate listed twice must be the same both times.
pub fn parse_rates(label: &str, text: &str) -> Result<SavingsPlanRates, LoadError> {
    const WHAT: &str = "describe-savings-plan-rates output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_json_object(label, text, WHAT)?;
    super::check_top_level_key(label, text, "searchResults", WHAT)?;
    let output: RatesOutput = super::parse_strict(label, text, RATE_SHAPES)?;
    let mut skipped = 0;
    let mut seen: HashMap<(RegionName, TypeName, Tenancy, String), (f64, usize)> = HashMap::new();
    let mut rates = Vec::new();
    for (index, result) in output.search_results.into_iter().enumerate() {
        let path = format!("searchResults[{index}]");
        // Fargate, Lambda and SageMaker rates: not instance-hours, not fleetopt's.
        if result.product_type.as_deref() != Some(EC2) {
            skipped += 1;
            continue;
        }
        let rate = convert_rate(result, &path).map_err(|(member, message)| {
            LoadError::at_path(label, format!("{path}{member}"), message)
        })?;
        let key = (
            rate.region.clone(),
            rate.instance_type.clone(),
            rate.tenancy,
            rate.product_description.clone(),
        );
        match seen.get(&key) {
            Some((first, _)) if *first == rate.rate => continue,
            Some((first, at)) => {
                return Err(LoadError::at_path(
                    label,
                    format!("{path}.rate"),
                    format!(
                        "conflicting rates for {} in {} ({}, {}): {} here, {first} at \
                         searchResults[{at}]",
                        rate.instance_type,
                        rate.region,
                        rate.tenancy,
                        rate.product_description,
                        rate.rate
                    ),
                ));
            }
            None => {
                seen.insert(key, (rate.rate, index));
                rates.push(rate);
            }
        }
    }
    rates.sort_by(|a, b| {
        (
            &a.region,
            &a.instance_type,
            a.tenancy,
            &a.product_description,
        )
            .cmp(&(
                &b.region,
                &b.instance_type,
                b.tenancy,
                &b.product_description,
            ))
    });
    Ok(SavingsPlanRates {
        savings_plan_id: output.savings_plan_id,
        rates,
        skipped,
    })
}

/// Reads and parses a describe-savings-plan-rates file.
pub fn load_rates(path: &Path) -> Result<SavingsPlanRates, LoadError> {
    super::load_with(path, parse_rates)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PlansOutput {
    savings_plans: Vec<PlanEntry>,
    #[allow(
        dead_code,
        reason = "read for strictness; pages are joined by the AWS CLI"
    )]
    next_token: Option<IgnoredAny>,
}

/// The API's `SavingsPlan`, member by member.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "members fleetopt does not use are read only for strictness"
)]
struct PlanEntry {
    savings_plan_id: String,
    savings_plan_type: String,
    state: String,
    commitment: String,
    currency: String,
    start: String,
    end: String,
    region: Option<String>,
    ec2_instance_family: Option<String>,
    payment_option: Option<String>,
    term_duration_in_seconds: Option<i64>,
    upfront_payment_amount: Option<String>,
    recurring_payment_amount: Option<String>,
    #[serde(default)]
    product_types: Vec<String>,
    // Accepted, not used.
    savings_plan_arn: Option<IgnoredAny>,
    offering_id: Option<IgnoredAny>,
    description: Option<IgnoredAny>,
    tags: Option<IgnoredAny>,
    returnable_until: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RatesOutput {
    savings_plan_id: String,
    search_results: Vec<RateEntry>,
    #[allow(
        dead_code,
        reason = "read for strictness; pages are joined by the AWS CLI"
    )]
    next_token: Option<IgnoredAny>,
}

/// The API's `SavingsPlanRate`, member by member.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RateEntry {
    rate: String,
    currency: Option<String>,
    unit: Option<String>,
    product_type: Option<String>,
    #[allow(
        dead_code,
        reason = "read for strictness; `productType` tells EC2 rates"
    )]
    service_code: Option<IgnoredAny>,
    usage_type: Option<String>,
    operation: Option<String>,
    #[serde(default)]
    properties: Vec<Property>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Property {
    name: String,
    value: String,
}

/// Checks one plan; on failure gives (member, message).
fn convert_plan(entry: PlanEntry, path: &str) -> Result<SavingsPlan, (&'static str, String)> {
    let escape = |text: &str| crate::escape::escape_controls(text).into_owned();
    let plan_type = super::parse_closed(
        &entry.savings_plan_type,
        "Savings Plan type",
        SavingsPlanType::parse,
        &SavingsPlanType::spellings(),
    )
    .map_err(|m| ("savingsPlanType", m))?;
    let state = super::parse_closed(
        &entry.state,
        "state",
        SavingsPlanState::parse,
        &SavingsPlanState::spellings(),
    )
    .map_err(|m| ("state", m))?;
    let commitment_per_hour = super::parse_price(&entry.commitment).map_err(|m| {
        (
            "commitment",
            m.replace("a price in USD per hour", "an hourly commitment"),
        )
    })?;
    if !CURRENCIES.contains(&entry.currency.as_str()) {
        return Err((
            "currency",
            format!(
                "unknown currency `{}`; expected one of `USD`, `CNY`",
                escape(&entry.currency)
            ),
        ));
    }
    let start = super::parse_time(&entry.start).map_err(|m| ("start", m))?;
    let end = super::parse_time(&entry.end).map_err(|m| ("end", m))?;
    // A Compute Savings Plan gives `region` and `ec2InstanceFamily` as empty strings: absent.
    let region = entry
        .region
        .as_deref()
        .filter(|text| !text.is_empty())
        .map(super::parse_known_region)
        .transpose()
        .map_err(|m| ("region", escape(&m)))?;
    // An EC2 Instance Savings Plan is for one family in one region; the others name neither.
    if plan_type == SavingsPlanType::Ec2Instance {
        if region.is_none() {
            return Err((
                "region",
                "missing: an EC2Instance Savings Plan applies in one region".to_owned(),
            ));
        }
        if entry
            .ec2_instance_family
            .as_deref()
            .is_none_or(|family| family.trim().is_empty())
        {
            return Err((
                "ec2InstanceFamily",
                "missing: an EC2Instance Savings Plan applies to one instance family".to_owned(),
            ));
        }
    }
    let payment_option = entry
        .payment_option
        .as_deref()
        .map(|text| {
            super::parse_closed(
                text,
                "payment option",
                PurchaseOption::parse,
                "`All Upfront`, `Partial Upfront`, `No Upfront`",
            )
        })
        .transpose()
        .map_err(|m| ("paymentOption", m))?;
    let term_seconds = entry
        .term_duration_in_seconds
        .map(|seconds| {
            u64::try_from(seconds)
                .ok()
                .filter(|&s| s > 0)
                .ok_or_else(|| format!("expected a duration in seconds above 0, found `{seconds}`"))
        })
        .transpose()
        .map_err(|m| ("termDurationInSeconds", m))?;
    let upfront_payment = entry
        .upfront_payment_amount
        .as_deref()
        .map(super::parse_amount)
        .transpose()
        .map_err(|m| ("upfrontPaymentAmount", m))?;
    let recurring_payment = entry
        .recurring_payment_amount
        .as_deref()
        .map(super::parse_amount)
        .transpose()
        .map_err(|m| ("recurringPaymentAmount", m))?;
    Ok(SavingsPlan {
        id: entry.savings_plan_id,
        plan_type,
        state,
        commitment_per_hour,
        currency: entry.currency,
        start,
        end,
        region,
        instance_family: entry
            .ec2_instance_family
            .filter(|family| !family.is_empty()),
        payment_option,
        term_seconds,
        upfront_payment,
        recurring_payment,
        product_types: entry.product_types,
        location: path.to_owned(),
    })
}

/// Checks one EC2 rate; on failure gives (`.member` suffix of the path, message).
fn convert_rate(entry: RateEntry, path: &str) -> Result<SavingsPlanRate, (String, String)> {
    let escape = |text: &str| crate::escape::escape_controls(text).into_owned();
    let rate = super::parse_amount(&entry.rate).map_err(|m| (".rate".to_owned(), m))?;
    if entry.unit.as_deref() != Some(HOURS) {
        return Err((
            ".unit".to_owned(),
            format!(
                "expected `{HOURS}` for an EC2 rate, found {}",
                entry
                    .unit
                    .as_deref()
                    .map_or("none".to_owned(), |u| format!("`{}`", escape(u)))
            ),
        ));
    }
    let mut instance_type = None;
    let mut region = None;
    let mut tenancy = None;
    let mut product_description = None;
    for (index, property) in entry.properties.iter().enumerate() {
        let at = format!(".properties[{index}].value");
        match property.name.as_str() {
            "instanceType" => {
                instance_type =
                    Some(super::parse_type_name(&property.value).map_err(|m| (at, escape(&m)))?);
            }
            "region" => {
                region =
                    Some(super::parse_known_region(&property.value).map_err(|m| (at, escape(&m)))?);
            }
            "tenancy" => {
                tenancy = Some(
                    super::parse_closed(
                        &property.value,
                        "tenancy",
                        Tenancy::parse_savings_plans,
                        "`shared`, `dedicated`, `host`",
                    )
                    .map_err(|m| (at, m))?,
                );
            }
            "productDescription" => product_description = Some(property.value.clone()),
            // The family is implied by the instance type.
            "instanceFamily" => {}
            other => {
                return Err((
                    format!(".properties[{index}].name"),
                    format!(
                        "unknown property `{}`; expected one of `region`, `instanceType`, \
                         `instanceFamily`, `productDescription`, `tenancy`",
                        escape(other)
                    ),
                ));
            }
        }
    }
    let missing = |name: &str| {
        (
            ".properties".to_owned(),
            format!("missing property `{name}`: an EC2 rate names its {name}"),
        )
    };
    let instance_type = instance_type.ok_or_else(|| missing("instanceType"))?;
    let region = region.ok_or_else(|| missing("region"))?;
    let tenancy = tenancy.ok_or_else(|| missing("tenancy"))?;
    let product_description = product_description.ok_or_else(|| missing("productDescription"))?;
    Ok(SavingsPlanRate {
        instance_type,
        region,
        tenancy,
        platform: super::exact_platform(&product_description),
        product_description,
        rate,
        currency: entry.currency.unwrap_or_else(|| "USD".to_owned()),
        usage_type: entry.usage_type.unwrap_or_default(),
        operation: entry.operation.unwrap_or_default(),
        location: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Platform;
    use crate::tolerance::THRESHOLD_SLACK;

    fn fixture_path(name: &str) -> String {
        format!(
            "{}/../fixtures/aws/commitments/{name}",
            env!("CARGO_MANIFEST_DIR")
        )
    }

    fn plans_error(text: &str) -> String {
        match parse("sp.json", text) {
            Ok(plans) => panic!("expected an error, got {plans:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn rates_error(text: &str) -> String {
        match parse_rates("rates.json", text) {
            Ok(rates) => panic!("expected an error, got {rates:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// One valid Compute plan with `member` replaced by `value` (raw JSON), or added.
    fn plan_with(member: &str, value: &str) -> String {
        let mut fields = vec![
            (
                "savingsPlanId",
                r#""3f2a1b0c-1111-4222-8333-944455556666""#.to_owned(),
            ),
            ("savingsPlanType", r#""Compute""#.to_owned()),
            ("state", r#""active""#.to_owned()),
            ("commitment", r#""0.5""#.to_owned()),
            ("currency", r#""USD""#.to_owned()),
            ("start", r#""2026-01-01T00:00:00.000Z""#.to_owned()),
            ("end", r#""2027-01-01T00:00:00.000Z""#.to_owned()),
        ];
        match fields.iter_mut().find(|(name, _)| *name == member) {
            Some(field) => field.1 = value.to_owned(),
            None => fields.push((member, value.to_owned())),
        }
        let body: Vec<String> = fields
            .iter()
            .map(|(name, value)| format!(r#""{name}": {value}"#))
            .collect();
        format!(r#"{{"savingsPlans": [{{{}}}]}}"#, body.join(", "))
    }

    /// One EC2 rate with the given properties (raw JSON list).
    fn rate_with(rate: &str, properties: &str) -> String {
        format!(
            r#"{{"savingsPlanId": "sp-1", "searchResults": [{{"rate": {rate}, "currency": "USD",
               "unit": "Hrs", "productType": "EC2", "serviceCode": "AmazonEC2",
               "usageType": "BoxUsage:m5.large", "operation": "RunInstances",
               "properties": {properties}}}]}}"#
        )
    }

    const M5: &str = r#"[{"name": "region", "value": "us-east-1"},
        {"name": "instanceType", "value": "m5.large"}, {"name": "tenancy", "value": "shared"},
        {"name": "productDescription", "value": "Linux/UNIX"}]"#;

    #[test]
    fn plans_fixture() {
        let plans = match load(Path::new(&fixture_path("describe-savings-plans.json"))) {
            Ok(plans) => plans,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(plans.len(), 3);
        let compute = &plans[0];
        assert_eq!(compute.plan_type, SavingsPlanType::Compute);
        assert_eq!(compute.state, SavingsPlanState::Active);
        assert!((compute.commitment_per_hour - 1.25).abs() <= THRESHOLD_SLACK);
        assert_eq!(compute.region, None);
        assert_eq!(compute.start, "2026-01-01T00:00:00Z");
        assert_eq!(compute.payment_option, Some(PurchaseOption::NoUpfront));
        assert_eq!(compute.term_seconds, Some(94_608_000));
        assert_eq!(compute.product_types, ["EC2", "Fargate", "Lambda"]);
        let family = &plans[1];
        assert_eq!(family.plan_type, SavingsPlanType::Ec2Instance);
        assert_eq!(
            family.region.as_ref().map(RegionName::as_str),
            Some("us-east-1")
        );
        assert_eq!(family.instance_family.as_deref(), Some("m5"));
        assert_eq!(family.upfront_payment, Some(2628.0));
        assert_eq!(plans[2].state, SavingsPlanState::Retired);
    }

    #[test]
    fn rates_fixture() {
        let rates = match load_rates(Path::new(&fixture_path("describe-savings-plan-rates.json"))) {
            Ok(rates) => rates,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            rates.savings_plan_id,
            "3f2a1b0c-1111-4222-8333-944455556666"
        );
        // Fargate and Lambda rates are skipped.
        assert_eq!(rates.skipped, 2);
        let keys: Vec<(&str, Tenancy, &str)> = rates
            .rates
            .iter()
            .map(|r| {
                (
                    r.instance_type.as_str(),
                    r.tenancy,
                    r.product_description.as_str(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("c5.large", Tenancy::Default, "Linux/UNIX"),
                ("m5.large", Tenancy::Default, "Linux/UNIX"),
                ("m5.large", Tenancy::Default, "Windows"),
                ("m5.large", Tenancy::Dedicated, "Linux/UNIX"),
            ]
        );
        let m5 = &rates.rates[1];
        assert!((m5.rate - 0.068).abs() <= THRESHOLD_SLACK);
        assert_eq!(m5.platform, Some(Platform::LinuxUnix));
        assert_eq!(m5.usage_type, "USE1-BoxUsage:m5.large");
        assert_eq!(rates.rates[2].platform, Some(Platform::Windows));
    }

    #[test]
    fn bad_plans_name_the_member() {
        assert!(parse("sp.json", &plan_with("tags", r#"{"team": "web"}"#)).is_ok());
        assert_eq!(
            plans_error(&plan_with("savingsPlanType", r#""EC2""#)),
            "sp.json: at savingsPlans[0].savingsPlanType: unknown Savings Plan type `EC2`; \
             expected one of `Compute`, `EC2Instance`, `SageMaker`"
        );
        assert_eq!(
            plans_error(&plan_with("state", r#""expired""#)),
            "sp.json: at savingsPlans[0].state: unknown state `expired`; expected one of \
             `payment-pending`, `payment-failed`, `active`, `retired`, `queued`, \
             `queued-deleted`, `pending-return`, `returned`"
        );
        assert_eq!(
            plans_error(&plan_with("commitment", r#""-0.5""#)),
            "sp.json: at savingsPlans[0].commitment: expected a price above 0, found `-0.5`"
        );
        assert_eq!(
            plans_error(&plan_with("commitment", "0.5")),
            "sp.json: at savingsPlans[0].commitment (line 1, column 142): invalid type: floating \
             point `0.5`, expected a string"
        );
        assert_eq!(
            plans_error(&plan_with("savingsPlanType", r#""EC2Instance""#)),
            "sp.json: at savingsPlans[0].region: missing: an EC2Instance Savings Plan applies in \
             one region"
        );
        assert_eq!(
            plans_error(&plan_with("SavingsPlanId", r#""x""#)),
            "sp.json: at savingsPlans[0].SavingsPlanId (line 1, column 252): unknown member \
             `SavingsPlanId`: not in the AWS SavingsPlan shape (did you mean `savingsPlanId`?)"
        );
        assert_eq!(
            plans_error("[]"),
            "sp.json: in the file: expected describe-savings-plans output as a JSON object, \
             found an array"
        );
        assert_eq!(
            plans_error(r#"{"savingsPlans": [], "savingsPlans": []}"#),
            "sp.json: at savingsPlans (line 1, column 35): duplicate key `savingsPlans` (a JSON \
             object may name a key once; TOML and YAML refuse it too)"
        );
    }

    #[test]
    fn bad_rates_name_the_member() {
        assert!(parse_rates("rates.json", &rate_with(r#""0.068""#, M5)).is_ok());
        assert_eq!(
            rates_error(&rate_with(r#""-0.068""#, M5)),
            "rates.json: at searchResults[0].rate: expected an amount of 0 or more, found \
             `-0.068`"
        );
        assert_eq!(
            rates_error(&rate_with(r#""0.068""#, &M5.replace("shared", "default"))),
            "rates.json: at searchResults[0].properties[2].value: unknown tenancy `default`; \
             expected one of `shared`, `dedicated`, `host`"
        );
        assert_eq!(
            rates_error(&rate_with(
                r#""0.068""#,
                r#"[{"name": "region", "value": "us-east-1"}]"#
            )),
            "rates.json: at searchResults[0].properties: missing property `instanceType`: an EC2 \
             rate names its instanceType"
        );
        assert_eq!(
            rates_error(&rate_with(
                r#""0.068""#,
                r#"[{"name": "region", "value": "us-east-1", "key": "x"}]"#
            )),
            "rates.json: at searchResults[0].properties[0].key (line 4, column 76): unknown \
             member `key`: not in the AWS SavingsPlanRateProperty shape"
        );
        let one = rate_with(r#""0.068""#, M5);
        let twice = format!(
            r#"{}, {{"rate": "0.07", "unit": "Hrs", "productType": "EC2", "properties": {M5}}}]}}"#,
            one.strip_suffix("]}").unwrap_or(&one)
        );
        assert_eq!(
            rates_error(&twice),
            "rates.json: at searchResults[1].rate: conflicting rates for m5.large in us-east-1 \
             (default, Linux/UNIX): 0.07 here, 0.068 at searchResults[0]"
        );
    }

    #[test]
    fn truncated_input_never_panics() {
        for (name, rates) in [
            ("describe-savings-plans.json", false),
            ("describe-savings-plan-rates.json", true),
        ] {
            let text = match std::fs::read_to_string(fixture_path(name)) {
                Ok(text) => text,
                Err(e) => panic!("{e}"),
            };
            super::super::assert_no_panic_on_truncation(&text, |t| {
                if rates {
                    parse_rates("r.json", t).is_ok()
                } else {
                    parse("p.json", t).is_ok()
                }
            });
        }
    }
}
