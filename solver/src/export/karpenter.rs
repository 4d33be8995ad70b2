//! `karpenter`: a Karpenter `NodePool` (`apiVersion: karpenter.sh/v1`) that lets Karpenter
//! launch only what the plan uses.
//!
//! Karpenter decides counts itself, one NodeClaim per pod batch, and sends EC2 Fleet
//! `instant` requests with `price-capacity-optimized` (aws-semantics §8.1), so a
//! NodePool can only constrain the choice, not carry counts or weights:
//! - `spec.template.spec.requirements`: `node.kubernetes.io/instance-type` In the plan's types,
//!   `topology.k8s.aws/zone-id` In the plan's AZ IDs (a well-known Karpenter AWS label, account
//!   independent), `topology.kubernetes.io/zone` In their AZ names when the catalogue knows them
//!   all (names are account specific; the note says so), and `karpenter.sh/capacity-type` In
//!   the plan's markets (`spot`, `on-demand`);
//! - `spec.limits.cpu` = the plan's vCPUs, so Karpenter stops at the plan's size;
//! - `spec.template.spec.nodeClassRef` names the `EC2NodeClass` ([`ExportOptions::node_class_name`]).
//!
//! Placement groups are selected on the `EC2NodeClass` (`placementGroupSelector`,
//! aws-semantics §8.2), not the NodePool, so a placed plan gets a note.

use std::collections::BTreeSet;

use fleetopt_instances::{Catalog, Market};
use serde_json::json;

use super::{Export, ExportError, ExportOptions, Facts};

pub(crate) fn export(
    mut facts: Facts<'_>,
    catalog: &Catalog,
    options: &ExportOptions,
) -> Result<Export, ExportError> {
    let plan = facts.plan;
    let types: BTreeSet<&str> = plan
        .allocations
        .iter()
        .map(|a| a.instance_type.as_str())
        .collect();
    let zones: BTreeSet<&str> = plan
        .allocations
        .iter()
        .map(|a| a.availability_zone_id.as_str())
        .collect();
    let markets: Vec<&str> = [Market::Spot, Market::OnDemand]
        .into_iter()
        .filter(|m| plan.allocations.iter().any(|a| a.market == *m))
        .map(Market::as_str)
        .collect();
    let requirement =
        |key: &str, values: Vec<&str>| json!({ "key": key, "operator": "In", "values": values });
    let mut requirements = vec![
        requirement(
            "node.kubernetes.io/instance-type",
            types.into_iter().collect(),
        ),
        requirement("topology.k8s.aws/zone-id", zones.iter().copied().collect()),
    ];
    let region = catalog.region(plan.region.as_str());
    let names: Option<Vec<String>> = zones
        .iter()
        .map(|id| {
            region
                .and_then(|r| r.zones().find(|z| z.id.as_str() == *id))
                .and_then(|z| z.name.clone())
        })
        .collect();
    match names {
        Some(names) => {
            requirements.push(requirement(
                "topology.kubernetes.io/zone",
                names.iter().map(String::as_str).collect(),
            ));
            facts.notes.push(
                "topology.kubernetes.io/zone lists the catalogue's AZ names for the plan's AZ \
                 IDs; AZ names differ per account, so drop that requirement if yours differ \
                 (topology.k8s.aws/zone-id already pins the AZs)"
                    .to_owned(),
            );
        }
        None => facts.notes.push(
            "the catalogue lacks some AZ names, so only topology.k8s.aws/zone-id pins the AZs"
                .to_owned(),
        ),
    }
    requirements.push(requirement("karpenter.sh/capacity-type", markets));
    let groups = facts.groups();
    if !groups.is_empty() {
        let listed: Vec<&str> = groups.into_iter().collect();
        facts.notes.push(format!(
            "the plan uses placement group(s) {}; Karpenter selects a placement group on the \
             EC2NodeClass (placementGroupSelector), not on the NodePool",
            listed.join(", ")
        ));
    }
    facts.notes.push(
        "a NodePool constrains what Karpenter may launch; Karpenter chooses counts per pod \
         batch (EC2 Fleet instant, price-capacity-optimized), so per-pool counts, weights and \
         the on-demand split are not carried"
            .to_owned(),
    );
    let document = json!({
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": { "name": options.node_pool_name },
        "spec": {
            "template": {
                "spec": {
                    "nodeClassRef": {
                        "group": "karpenter.k8s.aws",
                        "kind": "EC2NodeClass",
                        "name": options.node_class_name,
                    },
                    "requirements": requirements,
                }
            },
            "limits": { "cpu": plan.metrics.vcpus },
        }
    });
    Ok(Export {
        document,
        notes: facts.notes,
    })
}
