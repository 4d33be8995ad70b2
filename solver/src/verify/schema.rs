//! Rule section 1: the plan's schema tag, mode and counts; its region (the request's, or the one
//! region the request's zones name); and the order of its allocations (sorted, each slot once).

use std::collections::BTreeSet;

use super::describe::{label, list};
use super::plan_facts::slot_key;
use super::{Check, Verifier};
use crate::plan::PLAN_SCHEMA;

impl<'a> Verifier<'a> {
    pub(super) fn check_schema(&mut self) {
        if self.plan.schema != PLAN_SCHEMA {
            let message = format!("plan schema `{}` is not `{PLAN_SCHEMA}`", self.plan.schema);
            self.push(Check::Schema, message);
        }
        if self.plan.mode != self.request.mode {
            let message = format!(
                "plan mode {} does not match the request's mode {}",
                self.plan.mode, self.request.mode
            );
            self.push(Check::Schema, message);
        }
        for a in self.allocations() {
            if a.count == 0 {
                let message = format!(
                    "{}: count is 0; every allocation holds at least 1 instance",
                    label(a)
                );
                self.push(Check::Schema, message);
            }
        }
    }

    pub(super) fn check_region(&mut self) {
        let expected = match &self.request.region {
            Some(name) => match self.catalog.region(name.as_str()) {
                Some(region) => region,
                None => {
                    let message =
                        format!("the catalogue has no region {name}, the request's region");
                    self.push(Check::Region, message);
                    return;
                }
            },
            None => {
                let candidates = &self.request.candidates;
                let named: BTreeSet<&str> = candidates
                    .zones
                    .iter()
                    .chain(candidates.overrides.iter().filter_map(|o| o.zone.as_ref()))
                    .flat_map(|zone| {
                        self.catalog
                            .regions()
                            .filter(move |r| Self::resolve_zone(r, zone).is_some())
                            .map(|r| r.name().as_str())
                    })
                    .collect();
                let only = match named.len() {
                    1 => named
                        .iter()
                        .next()
                        .and_then(|name| self.catalog.region(name)),
                    _ => None,
                };
                match only {
                    Some(region) => region,
                    None => {
                        let message = if named.is_empty() {
                            "the request names no region and no zone of a catalogue region"
                                .to_owned()
                        } else {
                            format!(
                                "the request names no region and its zones span several ({})",
                                list(&named)
                            )
                        };
                        self.push(Check::Region, message);
                        return;
                    }
                }
            }
        };
        if self.plan.region != *expected.name() {
            let message = format!(
                "plan region {} is not the request's region {}",
                self.plan.region,
                expected.name()
            );
            self.push(Check::Region, message);
        }
        self.region = Some(expected);
    }

    pub(super) fn check_order(&mut self) {
        let allocations = self.allocations();
        for pair in allocations.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            match slot_key(a).cmp(&slot_key(b)) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => {
                    let message = format!("{} appears twice; each slot is listed once", label(b));
                    self.push(Check::Order, message);
                }
                std::cmp::Ordering::Greater => {
                    let message = format!(
                        "allocations are not sorted by (market, az id, type, group, partition): {} comes after {}",
                        label(b),
                        label(a)
                    );
                    self.push(Check::Order, message);
                }
            }
        }
    }
}
