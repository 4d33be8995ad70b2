//! AWS's placement-group rules as named facts (DESIGN §6, aws-semantics §4).
//!
//! These are AWS's limits, not fleetopt's choices, so every planner and the verifier read them
//! from here: the integer program bounds spread groups with [`SPREAD_LIMIT`], slot assignment
//! fills groups by it, and the verifier checks plans against it. Each fact carries the AWS text
//! it comes from: the EC2 User Guide page on placement groups, `[UG:placement-groups]` in
//! aws-semantics (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-groups.html>),
//! unless another source is named.

use std::ops::RangeInclusive;

use fleetopt_instances::PlacementStrategy;

use crate::request::PlacementSpec;

/// A spread group holds at most seven running instances per AZ.
///
/// AWS, rack-level spread: "a maximum of seven running instances per Availability Zone per
/// group"; an eighth instance in one AZ "will not launch" [UG:placement-groups].
pub const SPREAD_LIMIT: u32 = 7;

/// A partition group has 1 to 7 partitions in each AZ.
///
/// AWS: up to seven partitions per Availability Zone, each with its own racks ("No two
/// partitions within a placement group share the same racks"); the count is the group's
/// `PartitionCount`, set at creation [UG:placement-groups; API:CreatePlacementGroupRequest].
pub const PARTITIONS_PER_AZ: RangeInclusive<u32> = 1..=7;

/// A cluster group lives in one AZ.
///
/// AWS: a cluster placement group "can't span multiple Availability Zones" [UG:placement-groups];
/// for Auto Scaling, "You cannot specify multiple Availability Zones and a cluster placement
/// group" [ASGAPI:CreateAutoScalingGroupType].
pub(crate) const CLUSTER_ZONES: usize = 1;

/// The most running instances one AZ can hold for a request's spread groups: [`SPREAD_LIMIT`]
/// per group, when the request fixes the number of groups; `None` for any other request (no
/// spread group, or as many groups as needed).
pub(crate) fn spread_zone_limit(placement: PlacementSpec) -> Option<u32> {
    match placement {
        PlacementSpec::Spread {
            groups: Some(groups),
        } => Some(SPREAD_LIMIT.saturating_mul(groups)),
        _ => None,
    }
}

/// The strategy a request's placement group has, `None` when it asks for no group.
///
/// A group admits only the instance types whose `PlacementGroupInfo.SupportedStrategies` lists
/// this strategy (see [`fleetopt_instances::InstanceType::supports_placement`]); AWS documents,
/// for example, that burstable (T) types cannot join a cluster group and that `t2.micro` lists
/// `["partition","spread"]` [UG:placement-groups; CLI:describe-instance-types].
pub(crate) fn group_strategy(placement: PlacementSpec) -> Option<PlacementStrategy> {
    match placement {
        PlacementSpec::None => None,
        PlacementSpec::Cluster { .. } => Some(PlacementStrategy::Cluster),
        PlacementSpec::Spread { .. } => Some(PlacementStrategy::Spread),
        PlacementSpec::Partition { .. } => Some(PlacementStrategy::Partition),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_request_group_has_its_aws_strategy() {
        assert_eq!(group_strategy(PlacementSpec::None), None);
        assert_eq!(
            group_strategy(PlacementSpec::Cluster {
                multiple_types: true
            }),
            Some(PlacementStrategy::Cluster)
        );
        assert_eq!(
            group_strategy(PlacementSpec::Spread { groups: None }),
            Some(PlacementStrategy::Spread)
        );
        assert_eq!(
            group_strategy(PlacementSpec::Partition {
                partitions_per_az: 3
            }),
            Some(PlacementStrategy::Partition)
        );
    }

    #[test]
    fn a_fixed_number_of_spread_groups_holds_seven_per_az_each() {
        assert_eq!(
            spread_zone_limit(PlacementSpec::Spread { groups: Some(1) }),
            Some(7)
        );
        assert_eq!(
            spread_zone_limit(PlacementSpec::Spread { groups: Some(3) }),
            Some(21)
        );
        assert_eq!(
            spread_zone_limit(PlacementSpec::Spread { groups: None }),
            None
        );
        assert_eq!(spread_zone_limit(PlacementSpec::None), None);
        assert_eq!(
            spread_zone_limit(PlacementSpec::Partition {
                partitions_per_az: 7
            }),
            None
        );
    }

    #[test]
    fn the_limits_are_awss() {
        assert_eq!(SPREAD_LIMIT, 7);
        assert_eq!(PARTITIONS_PER_AZ, 1..=7);
        assert_eq!(CLUSTER_ZONES, 1);
    }
}
