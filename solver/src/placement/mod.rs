//! Placement groups and failure domains (DESIGN §6): what AWS allows, how a plan's instances are
//! put into groups, and what a plan loses when one of its domains fails.
//!
//! One room, because these three answer the same question — where instances sit and what fails
//! together — and each used to live with one consumer (the ILP held the spread limit, optimal
//! mode the slot assignment):
//!
//! - [`rules`] — AWS's placement-group rules as named facts with their AWS sources: spread at
//!   most 7 running instances per AZ per group, partitions 1..=7 per group per AZ, a cluster in
//!   one AZ, and the strategy a request's group has. The planners and the verifier read them.
//! - `slots` — slot assignment after an optimal solve: per-pool counts split into (group,
//!   partition) slots deterministically (crate-internal; optimal mode is its user).
//! - [`domains`] — the failure-domain graph (region → AZ → group → partition → allocation, and
//!   region → type → pool → allocation) and the blast radius per kind of domain; the only user of
//!   petgraph. Plan metrics read their losses from it.
//!
//! The verifier may use [`rules`] (AWS facts) but neither `slots` nor [`domains`]: it re-derives
//! every plan fact on its own.

pub(crate) mod domains;
pub mod rules;
pub(crate) mod slots;
