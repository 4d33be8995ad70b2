//! Rule section 8: placement groups — types support the group's strategy; no slots without a
//! group; a cluster in one AZ and (unless `multiple_types`) one type; spread groups within AWS's
//! per-AZ limit and the request's group count (in aws mode, without slots, 7 per AZ per group
//! over the whole plan); partitions numbered and balanced per (group, AZ), and each pool's
//! instances balanced over them.
//! The limits are AWS's, read from [`crate::placement::rules`].

use std::collections::{BTreeMap, BTreeSet};

use fleetopt_instances::PlacementStrategy;

use super::describe::{label, list};
use super::{Check, Verifier};
use crate::placement::rules::{CLUSTER_ZONES, SPREAD_LIMIT, spread_zone_limit};
use crate::request::{Mode, PlacementSpec};

impl<'a> Verifier<'a> {
    pub(super) fn check_placement(&mut self) {
        let allocations = self.allocations();
        let aws = self.request.mode == Mode::Aws;
        let strategy = self.placement_strategy();
        if let Some(strategy) = strategy {
            for a in allocations {
                if let Some(t) = self.catalog.instance_type(a.instance_type.as_str())
                    && !t.supports_placement(strategy)
                {
                    let message = format!(
                        "{}: {} does not support {strategy} placement groups",
                        label(a),
                        t.name
                    );
                    self.push(Check::Placement, message);
                }
            }
        }
        match self.request.placement {
            PlacementSpec::None => {
                for a in allocations.iter().filter(|a| a.placement.is_some()) {
                    let message = format!(
                        "{}: has a placement slot but the request asks for no placement group",
                        label(a)
                    );
                    self.push(Check::Placement, message);
                }
            }
            PlacementSpec::Cluster { multiple_types } => {
                self.check_no_partitions(strategy);
                let zones: BTreeSet<&str> = allocations
                    .iter()
                    .map(|a| a.availability_zone_id.as_str())
                    .collect();
                if zones.len() > CLUSTER_ZONES {
                    let message = format!(
                        "a cluster placement group is one az, but the plan uses {} ({})",
                        zones.len(),
                        list(&zones)
                    );
                    self.push(Check::Placement, message);
                }
                let types: BTreeSet<&str> = allocations
                    .iter()
                    .map(|a| a.instance_type.as_str())
                    .collect();
                if !multiple_types && types.len() > 1 {
                    let message = format!(
                        "a cluster placement group holds one instance type unless multiple_types is set, but the plan uses {} ({})",
                        types.len(),
                        list(&types)
                    );
                    self.push(Check::Placement, message);
                }
            }
            PlacementSpec::Spread { groups } => {
                self.check_no_partitions(strategy);
                if !aws {
                    for a in allocations.iter().filter(|a| a.placement.is_none()) {
                        let message = format!("{}: has no spread group", label(a));
                        self.push(Check::Placement, message);
                    }
                }
                let mut per_group_zone: BTreeMap<(&str, &str), u64> = BTreeMap::new();
                for a in allocations {
                    if let Some(slot) = &a.placement {
                        *per_group_zone
                            .entry((slot.group.as_str(), a.availability_zone_id.as_str()))
                            .or_insert(0) += u64::from(a.count);
                    }
                }
                for ((group, zone), count) in &per_group_zone {
                    if *count > u64::from(SPREAD_LIMIT) {
                        let message = format!(
                            "spread group {group} holds {count} instances in {zone}; at most {SPREAD_LIMIT} per az per group"
                        );
                        self.push(Check::Placement, message);
                    }
                }
                // aws mode assigns no slots, but EC2's limit still holds per AZ: 7 per group
                // for the request's fixed number of groups, both markets together.
                if aws
                    && allocations.iter().all(|a| a.placement.is_none())
                    && let Some(limit) = spread_zone_limit(self.request.placement)
                {
                    let mut per_zone: BTreeMap<&str, u64> = BTreeMap::new();
                    for a in allocations {
                        *per_zone.entry(a.availability_zone_id.as_str()).or_insert(0) +=
                            u64::from(a.count);
                    }
                    for (zone, count) in per_zone {
                        if count > u64::from(limit) {
                            let message = format!(
                                "{zone} holds {count} instances; {} spread group(s) hold at most {limit} per az ({SPREAD_LIMIT} per az per group)",
                                groups.unwrap_or(0)
                            );
                            self.push(Check::Placement, message);
                        }
                    }
                }
                let used: BTreeSet<&str> = per_group_zone.keys().map(|(g, _)| *g).collect();
                if let Some(limit) = groups
                    && used.len() > limit as usize
                {
                    let message = format!(
                        "the plan uses {} spread groups ({}); the request allows {limit}",
                        used.len(),
                        list(&used)
                    );
                    self.push(Check::Placement, message);
                }
            }
            PlacementSpec::Partition { partitions_per_az } => {
                self.check_partitions(partitions_per_az, aws);
            }
        }
    }

    fn check_no_partitions(&mut self, strategy: Option<PlacementStrategy>) {
        let Some(strategy) = strategy else { return };
        for a in self.allocations() {
            if let Some(partition) = a.placement.as_ref().and_then(|s| s.partition) {
                let message = format!(
                    "{}: partition {partition} is set but the request asks for a {strategy} group",
                    label(a)
                );
                self.push(Check::Placement, message);
            }
        }
    }

    fn check_partitions(&mut self, partitions_per_az: u32, aws: bool) {
        // (group, zone) → partition → instances; `None` when some allocation of it has no
        // usable partition number (balance cannot be judged).
        let mut totals: BTreeMap<(&str, &str), Option<BTreeMap<u32, u64>>> = BTreeMap::new();
        for a in self.allocations() {
            let name = label(a);
            let Some(slot) = &a.placement else {
                if !aws {
                    self.push(
                        Check::Placement,
                        format!("{name}: has no partition group slot"),
                    );
                }
                continue;
            };
            let key = (slot.group.as_str(), a.availability_zone_id.as_str());
            let entry = totals.entry(key).or_insert_with(|| Some(BTreeMap::new()));
            match slot.partition {
                Some(p) if (1..=partitions_per_az).contains(&p) => {
                    if let Some(map) = entry {
                        *map.entry(p).or_insert(0) += u64::from(a.count);
                    }
                }
                Some(p) => {
                    *entry = None;
                    let message =
                        format!("{name}: partition {p} is outside 1..={partitions_per_az}");
                    self.push(Check::Placement, message);
                }
                None => {
                    *entry = None;
                    if !aws {
                        self.push(Check::Placement, format!("{name}: has no partition number"));
                    }
                }
            }
        }
        // Each pool's instances over its AZ's partitions, within one instance too: round-robin
        // dealing keeps it, and so must any other even distribution.
        let mut per_pool: BTreeMap<(&str, &str, &str, String), BTreeMap<u32, u64>> =
            BTreeMap::new();
        for a in self.allocations() {
            if let Some(slot) = &a.placement
                && let Some(p) = slot
                    .partition
                    .filter(|p| (1..=partitions_per_az).contains(p))
            {
                let key = (
                    slot.group.as_str(),
                    a.availability_zone_id.as_str(),
                    a.instance_type.as_str(),
                    a.market.to_string(),
                );
                *per_pool.entry(key).or_default().entry(p).or_insert(0) += u64::from(a.count);
            }
        }
        for ((group, zone, instance_type, market), map) in &per_pool {
            let max = map.values().copied().max().unwrap_or(0);
            let min = if (map.len() as u64) < u64::from(partitions_per_az) {
                0
            } else {
                map.values().copied().min().unwrap_or(0)
            };
            if max - min > 1 {
                let message = format!(
                    "{market} {instance_type} in {zone}: its instances in partition group {group} are uneven, {min} to {max} per partition; each pool's instances may differ by at most 1 over the {partitions_per_az} partitions"
                );
                self.push(Check::Placement, message);
            }
        }
        for ((group, zone), map) in totals {
            let Some(map) = map else { continue };
            let max = map.values().copied().max().unwrap_or(0);
            let min = if (map.len() as u64) < u64::from(partitions_per_az) {
                0
            } else {
                map.values().copied().min().unwrap_or(0)
            };
            if max - min > 1 {
                let held = list(map.iter().map(|(p, n)| format!("partition {p}: {n}")));
                let message = format!(
                    "partition group {group} in {zone} is unbalanced: its {partitions_per_az} partitions hold {min} to {max} instances ({held}); they may differ by at most 1"
                );
                self.push(Check::Placement, message);
            }
        }
    }
}
