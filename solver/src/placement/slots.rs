//! Placement slots after an optimal solve (DESIGN §6): the integer program decides counts per
//! pool; this module assigns them to (group, partition) slots deterministically. It is a room of
//! its own, beside AWS's [rules](super::rules) it fills groups by, because slots are where a
//! plan's instances sit, not how many there are.
//!
//! - **cluster**: one group `pg-1` (the model already keeps one AZ, and one type unless
//!   `multiple_types`).
//! - **spread**: per AZ, instances in allocation order fill `pg-1`, `pg-2`, … seven at a time
//!   (AWS: at most seven running instances per AZ per group). The model bounds each AZ by
//!   7 × groups when the request fixes `groups`; otherwise the plan uses as many groups as its
//!   busiest AZ needs, ⌈count ÷ 7⌉.
//! - **partition**: one group `pg-1`; per AZ, instances in allocation order go round-robin over
//!   partitions 1..=partitions_per_az, continuing where the previous pool stopped, so the
//!   partitions of an AZ differ by at most one instance and losing one partition loses at most
//!   ⌈AZ count ÷ partitions⌉ instances.

use std::collections::BTreeMap;

use crate::plan::{Allocation, PlacementSlot};
use crate::request::PlacementSpec;

use super::rules::{PARTITIONS_PER_AZ, SPREAD_LIMIT};

/// The name of group `n` (1-based).
fn group(n: u32) -> String {
    format!("pg-{n}")
}

/// Splits per-pool allocations (sorted by market, AZ, type) into placement slots and sorts
/// them as plans require.
pub(crate) fn assign(placement: PlacementSpec, pools: Vec<Allocation>) -> Vec<Allocation> {
    let mut out: Vec<Allocation> = match placement {
        PlacementSpec::None => pools,
        PlacementSpec::Cluster { .. } => pools
            .into_iter()
            .map(|mut a| {
                a.placement = Some(PlacementSlot {
                    group: group(1),
                    partition: None,
                });
                a
            })
            .collect(),
        PlacementSpec::Spread { .. } => {
            let mut filled: BTreeMap<String, u32> = BTreeMap::new();
            let mut out = Vec::new();
            for a in pools {
                let used = filled
                    .entry(a.availability_zone_id.to_string())
                    .or_insert(0);
                let mut left = a.count;
                while left > 0 {
                    let g = *used / SPREAD_LIMIT + 1;
                    let room = SPREAD_LIMIT - *used % SPREAD_LIMIT;
                    let take = room.min(left);
                    out.push(slot(&a, take, group(g), None));
                    *used += take;
                    left -= take;
                }
            }
            out
        }
        PlacementSpec::Partition { partitions_per_az } => {
            // A group has at least one partition (AWS's lowest `PartitionCount`).
            let k = partitions_per_az.max(*PARTITIONS_PER_AZ.start());
            let mut next: BTreeMap<String, u32> = BTreeMap::new();
            let mut out = Vec::new();
            for a in pools {
                let start = next.entry(a.availability_zone_id.to_string()).or_insert(0);
                let mut per_partition = vec![0u32; k as usize];
                for i in 0..a.count {
                    per_partition[((*start + i) % k) as usize] += 1;
                }
                *start = (*start + a.count) % k;
                for (j, n) in per_partition.iter().enumerate() {
                    if *n > 0 {
                        out.push(slot(&a, *n, group(1), Some(j as u32 + 1)));
                    }
                }
            }
            out
        }
    };
    out.sort_by(|a, b| key(a).cmp(&key(b)));
    out
}

fn slot(a: &Allocation, count: u32, group: String, partition: Option<u32>) -> Allocation {
    Allocation {
        count,
        capacity: f64::from(count) * a.weight,
        placement: Some(PlacementSlot { group, partition }),
        ..a.clone()
    }
}

type Key<'a> = (
    fleetopt_instances::Market,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<u32>,
);

fn key(a: &Allocation) -> Key<'_> {
    (
        a.market,
        a.availability_zone_id.as_str(),
        a.instance_type.as_str(),
        a.placement.as_ref().map(|s| s.group.as_str()),
        a.placement.as_ref().and_then(|s| s.partition),
    )
}
