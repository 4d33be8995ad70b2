//! How violation messages name things: numbers rounded to 9 decimals, comma lists, an
//! allocation with its slot, a pool. A room so every rule section words them alike, which keeps
//! the messages (pinned by tests and snapshots) consistent.

use std::fmt;

use super::plan_facts::PoolId;
use crate::plan::Allocation;

/// A number for messages: rounded to 9 decimals, no trailing zeros ([`crate::prose::number`]).
pub(super) fn num(x: f64) -> String {
    crate::prose::number(x, 9)
}

pub(super) fn list<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `spot m5.large in use1-az4`, with the placement slot when there is one.
pub(super) fn label(a: &Allocation) -> String {
    let mut text = format!(
        "{} {} in {}",
        a.market, a.instance_type, a.availability_zone_id
    );
    if let Some(slot) = &a.placement {
        text.push_str(&format!(", group {}", slot.group));
        if let Some(partition) = slot.partition {
            text.push_str(&format!(" partition {partition}"));
        }
    }
    text
}

/// `spot m5.large in use1-az4`, for a pool without its slots.
pub(super) fn pool_name((market, zone, instance_type): PoolId<'_>) -> String {
    format!("{market} {instance_type} in {zone}")
}
