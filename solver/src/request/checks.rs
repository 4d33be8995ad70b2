//! The field checks both request readers apply, so a native request and an AWS form reject a
//! value in the same words: positive and non-negative numbers, target capacities, spot max
//! prices, capacity units, instance type names and Availability Zones (by ID or by name).
//!
//! A check names the file and the field it was given, and returns the value it accepted.

use fleetopt_instances::ZoneId;
use fleetopt_instances::regions::looks_like_zone_id;

use super::{CapacityUnit, RequestError, ZoneRef};

/// The largest target capacity fleetopt plans for (any unit).
pub const MAX_CAPACITY: f64 = 10_000_000.0;

/// The smallest spot max price AWS accepts is "more than USD $0.001".
const MIN_MAX_PRICE: f64 = 0.001;

/// `value` must be finite and > 0.
pub(super) fn check_positive(label: &str, field: &str, value: f64) -> Result<f64, RequestError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(RequestError::new(
            label,
            field,
            format!("expected a number > 0, found {value}"),
        ))
    }
}

/// `value` must be finite and ≥ 0.
pub(super) fn check_non_negative(
    label: &str,
    field: &str,
    value: f64,
) -> Result<f64, RequestError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(RequestError::new(
            label,
            field,
            format!("expected a number ≥ 0, found {value}"),
        ))
    }
}

/// A target capacity: finite, > 0 and at most [`MAX_CAPACITY`].
pub(super) fn check_capacity(label: &str, field: &str, value: f64) -> Result<f64, RequestError> {
    check_positive(label, field, value)?;
    if value > MAX_CAPACITY {
        return Err(RequestError::new(
            label,
            field,
            format!("expected at most 10000000, found {value}"),
        ));
    }
    Ok(value)
}

/// A spot max price: more than USD 0.001, as AWS requires.
pub(super) fn check_max_price(label: &str, field: &str, value: f64) -> Result<f64, RequestError> {
    if value.is_finite() && value > MIN_MAX_PRICE {
        Ok(value)
    } else {
        Err(RequestError::new(
            label,
            field,
            format!("expected a price above USD 0.001 per hour, found {value}"),
        ))
    }
}

/// Parses `units`, `vcpu`, `memory-mib`.
pub(super) fn parse_unit(
    label: &str,
    field: &str,
    text: &str,
) -> Result<CapacityUnit, RequestError> {
    [
        CapacityUnit::Units,
        CapacityUnit::Vcpu,
        CapacityUnit::MemoryMib,
    ]
    .into_iter()
    .find(|u| u.as_str() == text)
    .ok_or_else(|| {
        RequestError::new(
            label,
            field,
            format!("expected units, vcpu or memory-mib, found `{text}`"),
        )
    })
}

/// An instance type name (or, with `allow_wildcard`, an AWS wildcard pattern): lowercase
/// letters, digits, `.`, `-` (and `*`).
pub(super) fn check_type_name(
    label: &str,
    field: &str,
    text: &str,
    allow_wildcard: bool,
) -> Result<(), RequestError> {
    if text.is_empty() {
        return Err(RequestError::new(
            label,
            field,
            "expected an instance type, found an empty string",
        ));
    }
    if !allow_wildcard && text.contains('*') {
        return Err(RequestError::new(
            label,
            field,
            format!("expected an instance type name, found the wildcard pattern `{text}`"),
        ));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '*' | '-')))
    {
        return Err(RequestError::new(
            label,
            field,
            format!(
                "`{text}` contains {bad:?}; instance types use only lowercase letters, digits, \
                 `.` and `-`{}",
                if allow_wildcard {
                    " (and the wildcard `*`)"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(())
}

/// An AZ given as an ID (`use1-az4`) or a name (`us-east-1a`).
pub(super) fn parse_zone(label: &str, field: &str, text: &str) -> Result<ZoneRef, RequestError> {
    let trimmed = text.trim();
    if looks_like_zone_id(trimmed) {
        return Ok(ZoneRef::Id(ZoneId::new(trimmed)));
    }
    if trimmed.ends_with(|c: char| c.is_ascii_lowercase()) && trimmed.contains('-') {
        return Ok(ZoneRef::Name(trimmed.to_owned()));
    }
    Err(RequestError::new(
        label,
        field,
        format!(
            "expected an Availability Zone ID (`use1-az4`) or name (`us-east-1a`), found `{text}`"
        ),
    ))
}

/// An AZ that must be an ID (`AvailabilityZoneId`).
pub(super) fn parse_zone_id(label: &str, field: &str, text: &str) -> Result<ZoneRef, RequestError> {
    let trimmed = text.trim();
    if looks_like_zone_id(trimmed) {
        Ok(ZoneRef::Id(ZoneId::new(trimmed)))
    } else {
        Err(RequestError::new(
            label,
            field,
            format!("expected an Availability Zone ID such as `use1-az4`, found `{text}`"),
        ))
    }
}

/// An AZ that must be a name (`AvailabilityZone`).
pub(super) fn parse_zone_name(
    label: &str,
    field: &str,
    text: &str,
) -> Result<ZoneRef, RequestError> {
    match parse_zone(label, field, text)? {
        ZoneRef::Name(name) => Ok(ZoneRef::Name(name)),
        subnet @ ZoneRef::Subnet(_) => Ok(subnet),
        ZoneRef::Id(id) => Err(RequestError::new(
            label,
            field,
            format!(
                "expected an Availability Zone name such as `us-east-1a`, found the AZ ID `{id}` \
                 (give it as AvailabilityZoneId)"
            ),
        )),
    }
}
