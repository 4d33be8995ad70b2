//! Placement slots (DESIGN §6): a plan decides counts per pool; this module puts them in
//! (group, partition) slots deterministically. It is a room of its own, beside AWS's
//! [rules](super::rules) it fills groups by, because slots are where a plan's instances sit,
//! not how many there are. Both modes use it: aws mode for the slots EC2 would fill, optimal
//! mode when the request holds no cap on a slot's capacity (with one, the integer program
//! chooses the slots and [`from_counts`] writes them out).
//!
//! - **cluster**: one group `pg-1` (one AZ, and one type unless `multiple_types`).
//! - **spread**: per AZ, instances in allocation order fill `pg-1`, `pg-2`, … seven at a time
//!   (AWS: at most seven running instances per AZ per group), and with a cap on a group's
//!   capacity ([`assign`]'s `group_cap`, for as many groups as needed) a group also closes
//!   before the instance that would take it above the cap. With a fixed number of groups the
//!   model bounds each AZ by 7 × groups; otherwise the plan uses as many groups as its busiest
//!   AZ needs.
//! - **partition**: one group `pg-1`; per AZ, instances in allocation order go round-robin over
//!   partitions 1..=partitions_per_az, continuing where the previous pool stopped, so each
//!   AZ's partitions differ by at most one instance and so do each pool's instances in them
//!   (EC2 spreads instances evenly over partitions on a best-effort basis, aws-semantics §4).

use std::collections::BTreeMap;

use crate::plan::{Allocation, PlacementSlot};
use crate::request::PlacementSpec;

use super::rules::{PARTITIONS_PER_AZ, SPREAD_LIMIT};
use crate::tolerance;

/// The name of group `n` (1-based).
fn group(n: u32) -> String {
    format!("pg-{n}")
}

/// What one slot index of [`from_counts`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotKind {
    /// Slot `j` is spread group `pg-(j+1)` in the pool's AZ.
    SpreadGroups(u32),
    /// Slot `j` is partition `j + 1` of group `pg-1` in the pool's AZ.
    Partitions(u32),
}

impl SlotKind {
    /// How many slots each AZ has.
    pub(crate) fn slots(self) -> u32 {
        match self {
            SlotKind::SpreadGroups(n) | SlotKind::Partitions(n) => n,
        }
    }

    fn slot(self, j: u32) -> PlacementSlot {
        match self {
            SlotKind::SpreadGroups(_) => PlacementSlot {
                group: group(j + 1),
                partition: None,
            },
            SlotKind::Partitions(_) => PlacementSlot {
                group: group(1),
                partition: Some(j + 1),
            },
        }
    }
}

/// Per-pool allocations with the instances each puts in each slot (`per_slot[j]`, summing to
/// the count), as sorted placement slots.
pub(crate) fn from_counts(kind: SlotKind, pools: Vec<(Allocation, Vec<u32>)>) -> Vec<Allocation> {
    let mut out = Vec::new();
    for (a, per_slot) in pools {
        for (j, &n) in (0u32..).zip(&per_slot) {
            if n > 0 {
                let PlacementSlot { group, partition } = kind.slot(j);
                out.push(slot(&a, n, group, partition));
            }
        }
    }
    out.sort_by(|a, b| key(a).cmp(&key(b)));
    out
}

/// Splits per-pool allocations (sorted by market, AZ, type) into placement slots and sorts
/// them as plans require. `group_cap` (spread with as many groups as needed only) is the most
/// capacity one spread group may hold in one AZ; no instance weighs more (the model keeps
/// heavier pools out).
pub(crate) fn assign(
    placement: PlacementSpec,
    pools: Vec<Allocation>,
    group_cap: Option<f64>,
) -> Vec<Allocation> {
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
        PlacementSpec::Spread { groups } => {
            // A fixed number of groups is filled seven at a time (the model bounds each AZ by
            // 7 × groups); the cap only closes groups when there may be as many as needed.
            let group_cap = group_cap.filter(|_| groups.is_none());
            // Per AZ: the open group's number, instances and capacity.
            let mut open: BTreeMap<String, (u32, u32, f64)> = BTreeMap::new();
            let mut out = Vec::new();
            for a in pools {
                let (number, held, capacity) = open
                    .entry(a.availability_zone_id.to_string())
                    .or_insert((1, 0, 0.0));
                let fits = |capacity: f64| {
                    group_cap.is_none_or(|cap| {
                        capacity + a.weight <= cap * (1.0 + tolerance::RELATIVE_NOISE)
                    })
                };
                let mut left = a.count;
                while left > 0 {
                    if *held == SPREAD_LIMIT || (*held > 0 && !fits(*capacity)) {
                        (*number, *held, *capacity) = (*number + 1, 0, 0.0);
                    }
                    let mut take = 0;
                    while take < left && *held + take < SPREAD_LIMIT {
                        if take > 0 && !fits(*capacity + f64::from(take) * a.weight) {
                            break;
                        }
                        take += 1;
                    }
                    out.push(slot(&a, take, group(*number), None));
                    *held += take;
                    *capacity += f64::from(take) * a.weight;
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
