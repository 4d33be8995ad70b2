//! Failure domains: what a plan loses when one thing fails (DESIGN §6, §7).
//!
//! A plan's capacity sits in a hierarchy of things that fail together:
//!
//! ```text
//! region ─┬─ AZ ─┬─ placement group in that AZ ─┬─ partition ─┬─ slot (allocation)
//!         │      │                               └─────────────┘
//!         │      └─ pool (market, AZ, type) ─────────────────────── slot
//!         └─ instance type ─ pool ─ slot
//! ```
//!
//! [`FailureDomains`] holds it as a directed acyclic graph (petgraph): an edge runs from a
//! domain to everything that fails with it, and the leaves are the plan's allocations (one per
//! pool and placement slot) carrying their capacity. The capacity a domain takes down is the sum
//! over the leaves reachable from it, so a domain that sits under two parents (a pool is both in
//! an AZ and of a type) is counted once for each parent's failure and never twice for one.
//!
//! The *blast radius* of a domain kind is the largest such loss over the domains of that kind,
//! as a share of the target ([`BlastRadius`]). Pools, types and AZs always exist; groups and
//! partitions only when the plan has placement slots. A partition is keyed by (group, AZ,
//! partition number), because AWS gives each AZ of a partition group its own partitions
//! (aws-semantics §4: "up to 7 partitions per AZ"); a spread or cluster group in one AZ is keyed
//! by (group, AZ), since a group's racks in different AZs are different hardware.
//!
//! Everything is ordered: nodes are created in sorted key order and sums run over leaves in
//! allocation order, so equal plans give bit-identical results.

use std::collections::BTreeMap;

use fleetopt_instances::Market;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Dfs;

use crate::plan::Allocation;

/// One node of the failure-domain graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Domain {
    /// The whole region (the root).
    Region,
    /// An Availability Zone, by AZ ID.
    Zone(String),
    /// Every pool of one instance type.
    InstanceType(String),
    /// One capacity pool: (market, AZ ID, instance type).
    Pool(Market, String, String),
    /// One placement group's racks in one AZ: (group, AZ ID).
    Group(String, String),
    /// One partition: (group, AZ ID, partition number).
    Partition(String, String, u32),
    /// One allocation of the plan (by its position); the leaves.
    Slot(usize),
}

impl Domain {
    /// The kind of domain, for grouping blast radii.
    pub fn kind(&self) -> DomainKind {
        match self {
            Domain::Region => DomainKind::Region,
            Domain::Zone(_) => DomainKind::Zone,
            Domain::InstanceType(_) => DomainKind::InstanceType,
            Domain::Pool(..) => DomainKind::Pool,
            Domain::Group(..) => DomainKind::Group,
            Domain::Partition(..) => DomainKind::Partition,
            Domain::Slot(_) => DomainKind::Slot,
        }
    }
}

/// Kinds of failure domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DomainKind {
    /// The region.
    Region,
    /// An AZ.
    Zone,
    /// An instance type.
    InstanceType,
    /// A pool.
    Pool,
    /// A placement group in one AZ.
    Group,
    /// A partition.
    Partition,
    /// An allocation.
    Slot,
}

/// The largest share of the target lost when one domain of each kind fails.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BlastRadius {
    /// Worst single pool.
    pub pool: f64,
    /// Worst single instance type (all its pools).
    pub instance_type: f64,
    /// Worst single AZ.
    pub zone: f64,
    /// Worst single placement group in one AZ, when the plan has placement slots.
    pub group: Option<f64>,
    /// Worst single partition, when the plan has partition slots.
    pub partition: Option<f64>,
}

/// The failure-domain graph of a plan's allocations.
#[derive(Debug, Clone)]
pub struct FailureDomains {
    graph: DiGraph<Domain, ()>,
    /// Capacity held by each leaf, by node.
    held: BTreeMap<NodeIndex, f64>,
}

impl FailureDomains {
    /// Builds the graph of `allocations` (capacity = count × weight per allocation).
    pub fn new(allocations: &[Allocation]) -> FailureDomains {
        let mut graph = DiGraph::new();
        let mut nodes: BTreeMap<Domain, NodeIndex> = BTreeMap::new();
        let mut node = |graph: &mut DiGraph<Domain, ()>, domain: Domain| {
            *nodes
                .entry(domain.clone())
                .or_insert_with(|| graph.add_node(domain))
        };
        let mut edges: Vec<(NodeIndex, NodeIndex)> = Vec::new();
        let mut held = BTreeMap::new();
        let region = node(&mut graph, Domain::Region);
        for (position, allocation) in allocations.iter().enumerate() {
            let zone_id = allocation.availability_zone_id.as_str().to_owned();
            let type_name = allocation.instance_type.as_str().to_owned();
            let zone = node(&mut graph, Domain::Zone(zone_id.clone()));
            let instance_type = node(&mut graph, Domain::InstanceType(type_name.clone()));
            let pool = node(
                &mut graph,
                Domain::Pool(allocation.market, zone_id.clone(), type_name),
            );
            let slot = node(&mut graph, Domain::Slot(position));
            held.insert(slot, f64::from(allocation.count) * allocation.weight);
            edges.extend([
                (region, zone),
                (region, instance_type),
                (zone, pool),
                (instance_type, pool),
                (pool, slot),
            ]);
            if let Some(placement) = &allocation.placement {
                let group = node(
                    &mut graph,
                    Domain::Group(placement.group.clone(), zone_id.clone()),
                );
                edges.extend([(zone, group)]);
                match placement.partition {
                    Some(number) => {
                        let partition = node(
                            &mut graph,
                            Domain::Partition(placement.group.clone(), zone_id, number),
                        );
                        edges.extend([(group, partition), (partition, slot)]);
                    }
                    None => edges.push((group, slot)),
                }
            }
        }
        edges.sort();
        edges.dedup();
        for (from, to) in edges {
            graph.add_edge(from, to, ());
        }
        FailureDomains { graph, held }
    }

    /// Capacity lost when `domain` fails (0 when the plan has no such domain); the library
    /// asks [`FailureDomains::blast_radius`], the tests ask per domain.
    #[cfg(test)]
    fn loss(&self, domain: &Domain) -> f64 {
        self.graph
            .node_indices()
            .find(|&i| &self.graph[i] == domain)
            .map_or(0.0, |i| self.loss_at(i))
    }

    fn loss_at(&self, start: NodeIndex) -> f64 {
        let mut reached: Vec<NodeIndex> = Vec::new();
        let mut dfs = Dfs::new(&self.graph, start);
        while let Some(next) = dfs.next(&self.graph) {
            if self.held.contains_key(&next) {
                reached.push(next);
            }
        }
        // Sum in leaf (allocation) order so the result does not depend on traversal order.
        reached.sort();
        reached.iter().map(|i| self.held[i]).sum()
    }

    /// The largest loss among domains of `kind`, or `None` when the plan has none of them.
    pub fn worst(&self, kind: DomainKind) -> Option<f64> {
        self.graph
            .node_indices()
            .filter(|&i| self.graph[i].kind() == kind)
            .map(|i| self.loss_at(i))
            .reduce(f64::max)
    }

    /// Every blast radius as a share of `target` (0 when the target is not positive).
    pub fn blast_radius(&self, target: f64) -> BlastRadius {
        let share = |loss: f64| {
            if target > 0.0 && target.is_finite() {
                loss / target
            } else {
                0.0
            }
        };
        let worst = |kind| self.worst(kind).map(share);
        BlastRadius {
            pool: worst(DomainKind::Pool).unwrap_or(0.0),
            instance_type: worst(DomainKind::InstanceType).unwrap_or(0.0),
            zone: worst(DomainKind::Zone).unwrap_or(0.0),
            group: worst(DomainKind::Group),
            partition: worst(DomainKind::Partition),
        }
    }
}

#[cfg(test)]
mod tests {
    use fleetopt_instances::{TypeName, ZoneId};

    use super::*;
    use crate::plan::PlacementSlot;

    fn slot(
        name: &str,
        zone: &str,
        market: Market,
        count: u32,
        placement: Option<(&str, Option<u32>)>,
    ) -> Allocation {
        Allocation {
            instance_type: TypeName::new(name),
            availability_zone_id: ZoneId::new(zone),
            market,
            count,
            weight: 2.0,
            capacity: f64::from(count) * 2.0,
            price_per_hour: 0.1,
            placement: placement.map(|(group, partition)| PlacementSlot {
                group: group.to_owned(),
                partition,
            }),
        }
    }

    #[test]
    fn pools_types_and_zones_sum_their_slots() {
        let plan = [
            slot("a.large", "use1-az1", Market::OnDemand, 1, None),
            slot("a.large", "use1-az1", Market::Spot, 3, None),
            slot("a.large", "use1-az2", Market::Spot, 2, None),
            slot("b.large", "use1-az2", Market::Spot, 4, None),
        ];
        let domains = FailureDomains::new(&plan);
        assert_eq!(domains.loss(&Domain::Region), 20.0);
        assert_eq!(domains.loss(&Domain::Zone("use1-az2".into())), 12.0);
        assert_eq!(domains.loss(&Domain::InstanceType("a.large".into())), 12.0);
        assert_eq!(
            domains.loss(&Domain::Pool(
                Market::Spot,
                "use1-az1".into(),
                "a.large".into()
            )),
            6.0
        );
        let radius = domains.blast_radius(20.0);
        assert_eq!(radius.pool, 0.4);
        assert_eq!(radius.instance_type, 0.6);
        assert_eq!(radius.zone, 0.6);
        assert_eq!(radius.group, None);
        assert_eq!(radius.partition, None);
    }

    #[test]
    fn partitions_are_per_group_and_zone() {
        // Partition 1 exists in two AZs: they are different racks, so different domains.
        let plan = [
            slot(
                "a.large",
                "use1-az1",
                Market::Spot,
                3,
                Some(("pg-1", Some(1))),
            ),
            slot(
                "a.large",
                "use1-az1",
                Market::Spot,
                2,
                Some(("pg-1", Some(2))),
            ),
            slot(
                "a.large",
                "use1-az2",
                Market::Spot,
                2,
                Some(("pg-1", Some(1))),
            ),
            slot(
                "b.large",
                "use1-az1",
                Market::Spot,
                1,
                Some(("pg-1", Some(1))),
            ),
        ];
        let domains = FailureDomains::new(&plan);
        assert_eq!(
            domains.loss(&Domain::Partition("pg-1".into(), "use1-az1".into(), 1)),
            8.0
        );
        assert_eq!(
            domains.loss(&Domain::Group("pg-1".into(), "use1-az1".into())),
            12.0
        );
        let radius = domains.blast_radius(16.0);
        assert_eq!(radius.partition, Some(0.5));
        assert_eq!(radius.group, Some(0.75));
        assert_eq!(radius.zone, 0.75);
    }

    #[test]
    fn spread_groups_have_no_partitions() {
        let plan = [
            slot("a.large", "use1-az1", Market::Spot, 7, Some(("pg-1", None))),
            slot("a.large", "use1-az1", Market::Spot, 3, Some(("pg-2", None))),
        ];
        let radius = FailureDomains::new(&plan).blast_radius(20.0);
        assert_eq!(radius.group, Some(0.7));
        assert_eq!(radius.partition, None);
        assert_eq!(radius.pool, 1.0);
    }

    #[test]
    fn an_empty_plan_loses_nothing() {
        let radius = FailureDomains::new(&[]).blast_radius(10.0);
        assert_eq!(radius, BlastRadius::default());
        assert_eq!(FailureDomains::new(&[]).blast_radius(0.0).zone, 0.0);
    }
}
