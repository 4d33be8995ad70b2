//! Reads `aws ec2 describe-capacity-reservations` output and produces
//! [`CapacityReservation`]s: On-Demand capacity the account already holds, per instance type,
//! platform, tenancy and AZ, which EC2 Fleet of type `instant` uses first with
//! `UsageStrategy = use-capacity-reservations-first` (aws-semantics §2.2).
//!
//! Shape: `{"CapacityReservations": [{CapacityReservationId, InstanceType, InstancePlatform,
//! AvailabilityZone, AvailabilityZoneId, Tenancy, TotalInstanceCount, AvailableInstanceCount,
//! State, InstanceMatchCriteria, StartDate, EndDate, EndDateType, ReservationType, …}],
//! "NextToken"?}` (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CapacityReservation.html>).
//! Every member of the API shape is accepted, the ones fleetopt does not use (`Tags`, `OwnerId`,
//! `CapacityAllocations`, …) unread; a member that is not in the shape is refused with its path,
//! as the AWS CLI refuses unknown input members. Reservations are kept whatever their state
//! (an expired one is a fact about the account too); [`CapacityReservation::is_usable`] says
//! which can take launches now. The zone is kept by AZ ID when the entry gives one, else by name.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::commitments::{
    CapacityReservation, CapacityReservationState, EndDateType, MatchCriteria, ReservationType,
    Tenancy,
};
use crate::error::LoadError;

/// The AWS structures named in unknown-member messages, by the member holding them.
const SHAPES: &[(&str, &str)] = &[("", "CapacityReservation")];

/// Parses describe-capacity-reservations output; reservations in file order.
pub fn parse(label: &str, text: &str) -> Result<Vec<CapacityReservation>, LoadError> {
    const WHAT: &str = "describe-capacity-reservations output";
    super::check_json_text(label, text, WHAT, true)?;
    super::check_json_object(label, text, WHAT)?;
    super::check_top_level_key(label, text, "CapacityReservations", WHAT)?;
    let output: Output = super::parse_strict(label, text, SHAPES)?;
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut reservations = Vec::with_capacity(output.capacity_reservations.len());
    for (index, entry) in output.capacity_reservations.into_iter().enumerate() {
        let path = format!("CapacityReservations[{index}]");
        if let Some(at) = first.get(&entry.capacity_reservation_id) {
            return Err(LoadError::at_path(
                label,
                format!("{path}.CapacityReservationId"),
                format!(
                    "duplicate CapacityReservationId `{}` (first at CapacityReservations[{at}])",
                    crate::escape::escape_controls(&entry.capacity_reservation_id)
                ),
            ));
        }
        first.insert(entry.capacity_reservation_id.clone(), index);
        let reservation = convert(entry, &path).map_err(|(field, message)| {
            LoadError::at_path(label, format!("{path}{field}"), message)
        })?;
        reservations.push(reservation);
    }
    Ok(reservations)
}

/// Reads and parses a describe-capacity-reservations file.
pub fn load(path: &Path) -> Result<Vec<CapacityReservation>, LoadError> {
    super::load_with(path, parse)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Output {
    capacity_reservations: Vec<Entry>,
    #[allow(
        dead_code,
        reason = "read for strictness; pages are joined by the AWS CLI"
    )]
    next_token: Option<IgnoredAny>,
}

/// The API's `CapacityReservation`, member by member (the CLI's PascalCase spelling).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "members fleetopt does not use are read only for strictness"
)]
struct Entry {
    capacity_reservation_id: String,
    instance_type: String,
    instance_platform: String,
    availability_zone: Option<String>,
    availability_zone_id: Option<String>,
    tenancy: String,
    total_instance_count: i64,
    available_instance_count: i64,
    state: String,
    instance_match_criteria: String,
    start_date: Option<String>,
    end_date: Option<String>,
    end_date_type: Option<String>,
    reservation_type: Option<String>,
    // Accepted, not used.
    owner_id: Option<IgnoredAny>,
    capacity_reservation_arn: Option<IgnoredAny>,
    ebs_optimized: Option<IgnoredAny>,
    ephemeral_storage: Option<IgnoredAny>,
    create_date: Option<IgnoredAny>,
    tags: Option<IgnoredAny>,
    outpost_arn: Option<IgnoredAny>,
    capacity_reservation_fleet_id: Option<IgnoredAny>,
    placement_group_arn: Option<IgnoredAny>,
    capacity_allocations: Option<IgnoredAny>,
    unused_reservation_billing_owner_id: Option<IgnoredAny>,
    commitment_info: Option<IgnoredAny>,
    delivery_preference: Option<IgnoredAny>,
    capacity_block_id: Option<IgnoredAny>,
    interruptible: Option<IgnoredAny>,
    interruptible_capacity_allocation: Option<IgnoredAny>,
    interruption_info: Option<IgnoredAny>,
    adjustment_details: Option<IgnoredAny>,
    adjustment_status: Option<IgnoredAny>,
}

/// Checks one entry; on failure gives (`.Member` suffix of the path, message).
fn convert(entry: Entry, path: &str) -> Result<CapacityReservation, (&'static str, String)> {
    if !entry.capacity_reservation_id.starts_with("cr-") {
        return Err((
            ".CapacityReservationId",
            format!(
                "expected a Capacity Reservation ID such as `cr-1234abcd56EXAMPLE`, found `{}`",
                crate::escape::escape_controls(&entry.capacity_reservation_id)
            ),
        ));
    }
    let instance_type = super::parse_type_name(&entry.instance_type).map_err(|m| {
        (
            ".InstanceType",
            crate::escape::escape_controls(&m).into_owned(),
        )
    })?;
    let (zone, _) = super::zone_of(
        entry.availability_zone_id.as_deref(),
        entry.availability_zone.as_deref(),
    )
    .map_err(|(member, message)| (member_path(member), message))?
    .ok_or((
        "",
        "expected `AvailabilityZoneId` or `AvailabilityZone`, found neither".to_owned(),
    ))?;
    if entry.instance_platform.trim().is_empty() {
        return Err((
            ".InstancePlatform",
            "expected a platform such as `Linux/UNIX`, found an empty value".to_owned(),
        ));
    }
    // A Capacity Reservation is `default` or `dedicated`; `host` is not a reservation tenancy.
    let tenancy = match Tenancy::parse(&entry.tenancy) {
        Some(tenancy @ (Tenancy::Default | Tenancy::Dedicated)) => tenancy,
        _ => {
            return Err((
                ".Tenancy",
                format!(
                    "unknown tenancy `{}`; expected one of `default`, `dedicated`",
                    crate::escape::escape_controls(&entry.tenancy)
                ),
            ));
        }
    };
    let total =
        super::check_count(entry.total_instance_count).map_err(|m| (".TotalInstanceCount", m))?;
    let available = super::check_count(entry.available_instance_count)
        .map_err(|m| (".AvailableInstanceCount", m))?;
    if available > total {
        return Err((
            ".AvailableInstanceCount",
            format!("expected at most TotalInstanceCount ({total}), found {available}"),
        ));
    }
    let state = super::parse_closed(
        &entry.state,
        "state",
        CapacityReservationState::parse,
        &CapacityReservationState::spellings(),
    )
    .map_err(|m| (".State", m))?;
    let match_criteria = super::parse_closed(
        &entry.instance_match_criteria,
        "instance match criteria",
        MatchCriteria::parse,
        &MatchCriteria::spellings(),
    )
    .map_err(|m| (".InstanceMatchCriteria", m))?;
    let end_date_type = entry
        .end_date_type
        .as_deref()
        .map(|text| {
            super::parse_closed(
                text,
                "end date type",
                EndDateType::parse,
                &EndDateType::spellings(),
            )
        })
        .transpose()
        .map_err(|m| (".EndDateType", m))?;
    let reservation_type = entry
        .reservation_type
        .as_deref()
        .map(|text| {
            super::parse_closed(
                text,
                "reservation type",
                ReservationType::parse,
                &ReservationType::spellings(),
            )
        })
        .transpose()
        .map_err(|m| (".ReservationType", m))?;
    let start_date = entry
        .start_date
        .as_deref()
        .map(super::parse_time)
        .transpose()
        .map_err(|m| (".StartDate", m))?;
    let end_date = entry
        .end_date
        .as_deref()
        .map(super::parse_time)
        .transpose()
        .map_err(|m| (".EndDate", m))?;
    if end_date_type == Some(EndDateType::Limited) && end_date.is_none() {
        return Err((
            ".EndDate",
            "missing: EndDateType `limited` needs an EndDate".to_owned(),
        ));
    }
    Ok(CapacityReservation {
        id: entry.capacity_reservation_id,
        instance_type,
        zone,
        zone_name: entry.availability_zone,
        platform: super::exact_platform(&entry.instance_platform),
        instance_platform: entry.instance_platform,
        tenancy,
        match_criteria,
        total_instances: total,
        available_instances: available,
        state,
        start_date,
        end_date,
        end_date_type,
        reservation_type,
        location: path.to_owned(),
    })
}

/// `.AvailabilityZoneId` for `AvailabilityZoneId`.
fn member_path(member: &'static str) -> &'static str {
    match member {
        "AvailabilityZoneId" => ".AvailabilityZoneId",
        _ => ".AvailabilityZone",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::ZoneRef;
    use crate::model::{Platform, ZoneId};

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/aws/commitments/describe-capacity-reservations.json"
    );

    fn fixture() -> Vec<CapacityReservation> {
        match load(Path::new(FIXTURE)) {
            Ok(reservations) => reservations,
            Err(e) => panic!("{e}"),
        }
    }

    fn error_of(text: &str) -> String {
        match parse("cr.json", text) {
            Ok(reservations) => panic!("expected an error, got {reservations:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// One valid entry with `member` replaced by `value` (raw JSON), or added when new.
    fn with(member: &str, value: &str) -> String {
        let mut fields = vec![
            (
                "CapacityReservationId",
                r#""cr-0123456789abcdef0""#.to_owned(),
            ),
            ("InstanceType", r#""c5.large""#.to_owned()),
            ("InstancePlatform", r#""Linux/UNIX""#.to_owned()),
            ("AvailabilityZone", r#""us-east-1a""#.to_owned()),
            ("Tenancy", r#""default""#.to_owned()),
            ("TotalInstanceCount", "3".to_owned()),
            ("AvailableInstanceCount", "3".to_owned()),
            ("State", r#""active""#.to_owned()),
            ("InstanceMatchCriteria", r#""open""#.to_owned()),
        ];
        match fields.iter_mut().find(|(name, _)| *name == member) {
            Some(field) => field.1 = value.to_owned(),
            None => fields.push((member, value.to_owned())),
        }
        let body: Vec<String> = fields
            .iter()
            .map(|(name, value)| format!(r#""{name}": {value}"#))
            .collect();
        format!(r#"{{"CapacityReservations": [{{{}}}]}}"#, body.join(", "))
    }

    #[test]
    fn fixture_holds_the_instant_fleet_example_and_two_others() {
        let reservations = fixture();
        assert_eq!(reservations.len(), 4);
        let usable: Vec<(&str, u32)> = reservations
            .iter()
            .filter(|r| r.is_usable() && r.match_criteria == MatchCriteria::Open)
            .map(|r| (r.instance_type.as_str(), r.available_instances))
            .collect();
        // aws-semantics §2.2, Example 10: c5.large × 3 and m5.large × 3, open, in us-east-1a.
        assert_eq!(usable, [("c5.large", 3), ("m5.large", 3)]);
        let c5 = &reservations[0];
        assert_eq!(c5.id, "cr-0c5a1b2c3d4e5f601");
        assert_eq!(c5.zone, ZoneRef::Name("us-east-1a".to_owned()));
        assert_eq!(c5.platform, Some(Platform::LinuxUnix));
        assert_eq!(c5.tenancy, Tenancy::Default);
        assert_eq!(c5.total_instances, 3);
        assert_eq!(c5.state, CapacityReservationState::Active);
        assert_eq!(c5.end_date_type, Some(EndDateType::Unlimited));
        assert_eq!(c5.start_date.as_deref(), Some("2026-11-02T09:00:00Z"));
        let expired = &reservations[2];
        assert_eq!(expired.state, CapacityReservationState::Expired);
        assert_eq!(expired.zone, ZoneRef::Id(ZoneId::new("use1-az6")));
        assert_eq!(expired.end_date.as_deref(), Some("2026-11-30T23:59:59Z"));
        assert!(!expired.is_usable());
        let targeted = &reservations[3];
        assert_eq!(targeted.match_criteria, MatchCriteria::Targeted);
        assert_eq!(targeted.tenancy, Tenancy::Dedicated);
        assert_eq!(targeted.available_instances, 1);
        assert_eq!(targeted.reservation_type, Some(ReservationType::Default));
    }

    #[test]
    fn unused_members_are_accepted_and_unknown_ones_refused_with_their_path() {
        assert!(
            parse(
                "cr.json",
                &with("Tags", r#"[{"Key": "team", "Value": "ml"}]"#)
            )
            .is_ok()
        );
        assert!(parse("cr.json", &with("CapacityAllocations", "[]")).is_ok());
        assert_eq!(
            error_of(&with("InstanceCount", "3")),
            "cr.json: at CapacityReservations[0].InstanceCount (line 1, column 315): unknown \
             member `InstanceCount`: not in the AWS CapacityReservation shape"
        );
        assert_eq!(
            error_of(&with("Tenansy", r#""default""#)),
            "cr.json: at CapacityReservations[0].Tenansy (line 1, column 309): unknown member \
             `Tenansy`: not in the AWS CapacityReservation shape (did you mean `Tenancy`?)"
        );
    }

    #[test]
    fn bad_values_name_the_member() {
        assert_eq!(
            error_of(&with("TotalInstanceCount", r#""3""#)),
            "cr.json: at CapacityReservations[0].TotalInstanceCount (line 1, column 219): \
             invalid type: string \"3\", expected a whole number"
        );
        assert_eq!(
            error_of(&with("AvailableInstanceCount", "-1")),
            "cr.json: at CapacityReservations[0].AvailableInstanceCount: expected a count of 0 \
             or more, found `-1`"
        );
        assert_eq!(
            error_of(&with("AvailableInstanceCount", "4")),
            "cr.json: at CapacityReservations[0].AvailableInstanceCount: expected at most \
             TotalInstanceCount (3), found 4"
        );
        assert_eq!(
            error_of(&with("Tenancy", r#""Shared""#)),
            "cr.json: at CapacityReservations[0].Tenancy: unknown tenancy `Shared`; expected \
             one of `default`, `dedicated`"
        );
        assert_eq!(
            error_of(&with("State", r#""running""#)),
            "cr.json: at CapacityReservations[0].State: unknown state `running`; expected one of \
             `active`, `expired`, `cancelled`, `pending`, `failed`, `scheduled`, \
             `payment-pending`, `payment-failed`, `assessing`, `delayed`, `unsupported`"
        );
        assert_eq!(
            error_of(&with("InstanceMatchCriteria", r#""Open""#)),
            "cr.json: at CapacityReservations[0].InstanceMatchCriteria: unknown instance match \
             criteria `Open`; expected one of `open`, `targeted`"
        );
        assert_eq!(
            error_of(&with("EndDate", r#""tomorrow""#)),
            "cr.json: at CapacityReservations[0].EndDate: expected an RFC 3339 time such as \
             `2024-10-23T15:00:24+00:00`, found `tomorrow`"
        );
        assert_eq!(
            error_of(&with("AvailabilityZoneId", r#""us-east-1a""#)),
            "cr.json: at CapacityReservations[0].AvailabilityZoneId: expected an AZ ID such as \
             `use1-az4`, found `us-east-1a`"
        );
        assert_eq!(
            error_of(&with("State", "\"\\u001b[31m\"")),
            "cr.json: at CapacityReservations[0].State: unknown state `\\u{1b}[31m`; expected \
             one of `active`, `expired`, `cancelled`, `pending`, `failed`, `scheduled`, \
             `payment-pending`, `payment-failed`, `assessing`, `delayed`, `unsupported`"
        );
    }

    #[test]
    fn wrong_documents_are_named() {
        assert_eq!(
            error_of("[]"),
            "cr.json: in the file: expected describe-capacity-reservations output as a JSON \
             object, found an array"
        );
        assert_eq!(
            error_of(r#"{"ReservedInstances": []}"#),
            "cr.json: in the file: expected describe-capacity-reservations output (top-level \
             `CapacityReservations`), found describe-reserved-instances output (top-level \
             `ReservedInstances`)"
        );
        assert_eq!(
            error_of(r#"{"CapacityReservations": [], "CapacityReservations": []}"#),
            "cr.json: at CapacityReservations (line 1, column 51): duplicate key \
             `CapacityReservations` (a JSON object may name a key once; TOML and YAML refuse it \
             too)"
        );
        let twice = with("Tags", "[]").replace(
            "}]}",
            r#"}, {"CapacityReservationId": "cr-0123456789abcdef0", "InstanceType": "m5.large", "InstancePlatform": "Linux/UNIX", "AvailabilityZone": "us-east-1a", "Tenancy": "default", "TotalInstanceCount": 1, "AvailableInstanceCount": 1, "State": "active", "InstanceMatchCriteria": "open"}]}"#,
        );
        assert_eq!(
            error_of(&twice),
            "cr.json: at CapacityReservations[1].CapacityReservationId: duplicate \
             CapacityReservationId `cr-0123456789abcdef0` (first at CapacityReservations[0])"
        );
        assert_eq!(
            parse("cr.json", r#"{"CapacityReservations": []}"#),
            Ok(Vec::new())
        );
    }

    #[test]
    fn truncated_input_never_panics() {
        let text = match std::fs::read_to_string(FIXTURE) {
            Ok(text) => text,
            Err(e) => panic!("{e}"),
        };
        super::super::assert_no_panic_on_truncation(&text, |t| parse("cr.json", t));
    }
}
