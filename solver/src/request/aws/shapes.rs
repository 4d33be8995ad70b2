//! The AWS API input shapes of the three request forms, member by member, and the strict walk
//! over a request that the AWS CLI makes before it sends anything: a member that is not in its
//! shape is refused (the CLI says "Unknown parameter in input"), with the member's AWS path and
//! the closest member of that shape (aws-semantics §5.8).
//!
//! Every member says how fleetopt treats it: read into the request (the form's reader checks its
//! value), or accepted but not modelled, with a note saying what it would change. The member
//! lists follow the botocore service models named in aws-semantics §Sources (`ec2/2016-11-15`:
//! `CreateFleet`, `RequestSpotFleet`; `autoscaling/2011-01-01`: `CreateAutoScalingGroup`).
//! `InstanceRequirements` is not walked here: its own reader is strict with a suggestion
//! already.

use fleetopt_instances::suggest::{self, Case};
use serde_json::{Map, Value};

use super::AwsKind;
use crate::request::{RequestError, RequestErrorKind, UnknownMember};

/// What a member's value holds, for the walk.
#[derive(Debug, Clone, Copy)]
enum Child {
    /// A scalar, a list of scalars, or a structure another check owns.
    Leaf,
    /// A structure of this shape.
    Object(&'static Shape),
    /// A list of structures of this shape.
    List(&'static Shape),
}

/// How fleetopt treats a member.
#[derive(Debug, Clone, Copy)]
enum Use {
    /// Read into the request, or an identifier with no bearing on a plan (names, tokens, roles).
    Read,
    /// Accepted but not modelled: the note says what it would change.
    Noted(&'static str),
}

/// One member of a shape.
#[derive(Debug)]
struct Member {
    name: &'static str,
    child: Child,
    usage: Use,
}

/// An AWS API structure: its name (as the API reference spells it) and its members.
#[derive(Debug)]
pub(super) struct Shape {
    name: &'static str,
    members: &'static [Member],
}

const fn read(name: &'static str) -> Member {
    Member {
        name,
        child: Child::Leaf,
        usage: Use::Read,
    }
}

const fn read_object(name: &'static str, shape: &'static Shape) -> Member {
    Member {
        name,
        child: Child::Object(shape),
        usage: Use::Read,
    }
}

const fn read_list(name: &'static str, shape: &'static Shape) -> Member {
    Member {
        name,
        child: Child::List(shape),
        usage: Use::Read,
    }
}

const fn noted(name: &'static str, note: &'static str) -> Member {
    Member {
        name,
        child: Child::Leaf,
        usage: Use::Noted(note),
    }
}

const fn noted_object(name: &'static str, shape: &'static Shape, note: &'static str) -> Member {
    Member {
        name,
        child: Child::Object(shape),
        usage: Use::Noted(note),
    }
}

const fn noted_list(name: &'static str, shape: &'static Shape, note: &'static str) -> Member {
    Member {
        name,
        child: Child::List(shape),
        usage: Use::Noted(note),
    }
}

// --- Notes shared by several members ------------------------------------------------------

const TAGS: &str = "tags are not modelled; they label resources and change no pool, count or price";
const CONTEXT: &str = "reserved by AWS; it changes nothing fleetopt plans";
const EXCESS: &str = "not modelled; it decides what a maintain fleet terminates when its target \
     is lowered, not what it launches first";
const EXPIRY: &str = "not modelled; the request's validity period decides when AWS stops \
     launching, not which pools it uses";
const UNHEALTHY: &str = "not modelled; a maintain fleet replaces unhealthy instances in the \
     same way as interrupted ones, after launch";
const INTERRUPTION: &str = "not modelled; whether an interrupted Spot Instance is terminated, \
     stopped or hibernated changes what happens after an interruption, not the plan \
     (aws-semantics §3.3)";
const REBALANCE: &str = "Capacity Rebalancing is not modelled; with it AWS launches a \
     replacement when an instance gets a rebalance recommendation, up to twice the target \
     (aws-semantics §3.4); the plan is the fleet at launch";
const LAUNCH_SETTING: &str = "a launch setting, not modelled; it does not change which pools are \
     eligible or what they cost";
const IMAGE: &str = "the AMI is not read; fleetopt plans for the request's platform \
     (Linux/UNIX), so an AMI of another operating system would change every price";
const PLACEMENT_HOST: &str = "Dedicated Hosts, partitions and spread domains are not modelled \
     from AWS requests; plan placement with a native request's [placement] table";
const LOAD_BALANCING: &str = "load balancing is not modelled; it changes where traffic goes, \
     not which pools or how many instances";
const HEALTH: &str = "health checks are not modelled; they decide when an instance is \
     replaced, not the plan";
const SCALE_IN: &str = "not modelled; it decides which instances go first on scale-in, not \
     what the group launches";

// --- Shared structures ----------------------------------------------------------------------

static LAUNCH_TEMPLATE_SPECIFICATION: Shape = Shape {
    name: "LaunchTemplateSpecification",
    members: &[
        read("LaunchTemplateId"),
        read("LaunchTemplateName"),
        read("Version"),
    ],
};

static TAG: Shape = Shape {
    name: "Tag",
    members: &[read("Key"), read("Value")],
};

static TAG_SPECIFICATION: Shape = Shape {
    name: "TagSpecification",
    members: &[read("ResourceType"), read_list("Tags", &TAG)],
};

static CAPACITY_REBALANCE: Shape = Shape {
    name: "FleetSpotCapacityRebalanceRequest",
    members: &[read("ReplacementStrategy"), read("TerminationDelay")],
};

static SPOT_MAINTENANCE_STRATEGIES: Shape = Shape {
    name: "FleetSpotMaintenanceStrategiesRequest",
    members: &[read_object("CapacityRebalance", &CAPACITY_REBALANCE)],
};

static IAM_INSTANCE_PROFILE: Shape = Shape {
    name: "IamInstanceProfileSpecification",
    members: &[read("Arn"), read("Name")],
};

// --- EC2 Fleet: CreateFleet -----------------------------------------------------------------

static CREATE_FLEET: Shape = Shape {
    name: "CreateFleet",
    members: &[
        read("DryRun"),
        read("ClientToken"),
        read_object("SpotOptions", &SPOT_OPTIONS_REQUEST),
        read_object("OnDemandOptions", &ON_DEMAND_OPTIONS_REQUEST),
        noted("ExcessCapacityTerminationPolicy", EXCESS),
        read_list("LaunchTemplateConfigs", &FLEET_LAUNCH_TEMPLATE_CONFIG),
        read_object(
            "TargetCapacitySpecification",
            &TARGET_CAPACITY_SPECIFICATION,
        ),
        noted(
            "TerminateInstancesWithExpiration",
            "not modelled; it decides whether instances outlive the request, not the plan",
        ),
        read("Type"),
        noted("ValidFrom", EXPIRY),
        noted("ValidUntil", EXPIRY),
        noted("ReplaceUnhealthyInstances", UNHEALTHY),
        noted_list("TagSpecifications", &TAG_SPECIFICATION, TAGS),
        noted("Context", CONTEXT),
    ],
};

static SPOT_OPTIONS_REQUEST: Shape = Shape {
    name: "SpotOptionsRequest",
    members: &[
        read("AllocationStrategy"),
        noted_object(
            "MaintenanceStrategies",
            &SPOT_MAINTENANCE_STRATEGIES,
            REBALANCE,
        ),
        noted("InstanceInterruptionBehavior", INTERRUPTION),
        read("InstancePoolsToUseCount"),
        read("SingleInstanceType"),
        read("SingleAvailabilityZone"),
        read("MinTargetCapacity"),
        read("MaxTotalPrice"),
    ],
};

static CAPACITY_RESERVATION_OPTIONS: Shape = Shape {
    name: "CapacityReservationOptionsRequest",
    members: &[read("UsageStrategy")],
};

static ON_DEMAND_OPTIONS_REQUEST: Shape = Shape {
    name: "OnDemandOptionsRequest",
    members: &[
        read("AllocationStrategy"),
        read_object("CapacityReservationOptions", &CAPACITY_RESERVATION_OPTIONS),
        read("SingleInstanceType"),
        read("SingleAvailabilityZone"),
        read("MinTargetCapacity"),
        read("MaxTotalPrice"),
    ],
};

static FLEET_LAUNCH_TEMPLATE_CONFIG: Shape = Shape {
    name: "FleetLaunchTemplateConfigRequest",
    members: &[
        read_object(
            "LaunchTemplateSpecification",
            &LAUNCH_TEMPLATE_SPECIFICATION,
        ),
        read_list("Overrides", &FLEET_OVERRIDES),
    ],
};

static FLEET_OVERRIDES: Shape = Shape {
    name: "FleetLaunchTemplateOverridesRequest",
    members: &[
        read("InstanceType"),
        read("MaxPrice"),
        read("SubnetId"),
        read("AvailabilityZone"),
        read("AvailabilityZoneId"),
        read("WeightedCapacity"),
        read("Priority"),
        read_object("Placement", &PLACEMENT),
        read("InstanceRequirements"),
        noted("ImageId", IMAGE),
        noted("KeyName", LAUNCH_SETTING),
        noted("BlockDeviceMappings", LAUNCH_SETTING),
        noted_object("IamInstanceProfile", &IAM_INSTANCE_PROFILE, LAUNCH_SETTING),
        noted("MetadataOptions", LAUNCH_SETTING),
    ],
};

/// The EC2 `Placement` structure, as an EC2 Fleet override carries it.
static PLACEMENT: Shape = Shape {
    name: "Placement",
    members: &[
        read("AvailabilityZone"),
        read("AvailabilityZoneId"),
        read("GroupName"),
        read("GroupId"),
        noted("Affinity", PLACEMENT_HOST),
        noted("PartitionNumber", PLACEMENT_HOST),
        noted("HostId", PLACEMENT_HOST),
        noted("HostResourceGroupArn", PLACEMENT_HOST),
        noted("SpreadDomain", PLACEMENT_HOST),
        read("Tenancy"),
    ],
};

static TARGET_CAPACITY_SPECIFICATION: Shape = Shape {
    name: "TargetCapacitySpecificationRequest",
    members: &[
        read("TotalTargetCapacity"),
        read("OnDemandTargetCapacity"),
        read("SpotTargetCapacity"),
        read("DefaultTargetCapacityType"),
        read("TargetCapacityUnitType"),
    ],
};

// --- Spot Fleet: RequestSpotFleet -----------------------------------------------------------

static REQUEST_SPOT_FLEET: Shape = Shape {
    name: "RequestSpotFleet",
    members: &[
        read("DryRun"),
        read_object("SpotFleetRequestConfig", &SPOT_FLEET_REQUEST_CONFIG),
    ],
};

static SPOT_MAINTENANCE: Shape = Shape {
    name: "SpotMaintenanceStrategies",
    members: &[read_object("CapacityRebalance", &SPOT_CAPACITY_REBALANCE)],
};

static SPOT_CAPACITY_REBALANCE: Shape = Shape {
    name: "SpotCapacityRebalance",
    members: &[read("ReplacementStrategy"), read("TerminationDelay")],
};

static SPOT_FLEET_REQUEST_CONFIG: Shape = Shape {
    name: "SpotFleetRequestConfigData",
    members: &[
        read("AllocationStrategy"),
        read("OnDemandAllocationStrategy"),
        noted_object("SpotMaintenanceStrategies", &SPOT_MAINTENANCE, REBALANCE),
        read("ClientToken"),
        noted("ExcessCapacityTerminationPolicy", EXCESS),
        noted(
            "FulfilledCapacity",
            "AWS fills it in on a running fleet; fleetopt plans the whole target",
        ),
        noted(
            "OnDemandFulfilledCapacity",
            "AWS fills it in on a running fleet; fleetopt plans the whole target",
        ),
        read("IamFleetRole"),
        read_list("LaunchSpecifications", &SPOT_FLEET_LAUNCH_SPECIFICATION),
        read_list("LaunchTemplateConfigs", &SPOT_LAUNCH_TEMPLATE_CONFIG),
        read("SpotPrice"),
        read("TargetCapacity"),
        read("OnDemandTargetCapacity"),
        read("OnDemandMaxTotalPrice"),
        read("SpotMaxTotalPrice"),
        noted(
            "TerminateInstancesWithExpiration",
            "not modelled; it decides whether instances outlive the request, not the plan",
        ),
        read("Type"),
        noted("ValidFrom", EXPIRY),
        noted("ValidUntil", EXPIRY),
        noted("ReplaceUnhealthyInstances", UNHEALTHY),
        noted("InstanceInterruptionBehavior", INTERRUPTION),
        noted("LoadBalancersConfig", LOAD_BALANCING),
        read("InstancePoolsToUseCount"),
        noted("Context", CONTEXT),
        read("TargetCapacityUnitType"),
        noted_list("TagSpecifications", &TAG_SPECIFICATION, TAGS),
    ],
};

static SPOT_LAUNCH_TEMPLATE_CONFIG: Shape = Shape {
    name: "LaunchTemplateConfig",
    members: &[
        read_object(
            "LaunchTemplateSpecification",
            &LAUNCH_TEMPLATE_SPECIFICATION,
        ),
        read_list("Overrides", &SPOT_OVERRIDES),
    ],
};

static SPOT_OVERRIDES: Shape = Shape {
    name: "LaunchTemplateOverrides",
    members: &[
        read("InstanceType"),
        read("SpotPrice"),
        read("SubnetId"),
        read("AvailabilityZone"),
        read("AvailabilityZoneId"),
        read("WeightedCapacity"),
        read("Priority"),
        read("InstanceRequirements"),
    ],
};

static GROUP_IDENTIFIER: Shape = Shape {
    name: "GroupIdentifier",
    members: &[read("GroupName"), read("GroupId")],
};

static MONITORING: Shape = Shape {
    name: "SpotFleetMonitoring",
    members: &[read("Enabled")],
};

static SPOT_PLACEMENT: Shape = Shape {
    name: "SpotPlacement",
    members: &[
        read("AvailabilityZone"),
        read("AvailabilityZoneId"),
        read("GroupName"),
        read("Tenancy"),
    ],
};

static SPOT_FLEET_TAG_SPECIFICATION: Shape = Shape {
    name: "SpotFleetTagSpecification",
    members: &[read("ResourceType"), read_list("Tags", &TAG)],
};

static SPOT_FLEET_LAUNCH_SPECIFICATION: Shape = Shape {
    name: "SpotFleetLaunchSpecification",
    members: &[
        noted_list("SecurityGroups", &GROUP_IDENTIFIER, LAUNCH_SETTING),
        noted("AddressingType", LAUNCH_SETTING),
        noted("BlockDeviceMappings", LAUNCH_SETTING),
        noted("EbsOptimized", LAUNCH_SETTING),
        noted_object("IamInstanceProfile", &IAM_INSTANCE_PROFILE, LAUNCH_SETTING),
        noted("ImageId", IMAGE),
        read("InstanceType"),
        noted("KernelId", LAUNCH_SETTING),
        noted("KeyName", LAUNCH_SETTING),
        noted_object("Monitoring", &MONITORING, LAUNCH_SETTING),
        noted("NetworkInterfaces", LAUNCH_SETTING),
        read_object("Placement", &SPOT_PLACEMENT),
        noted("RamdiskId", LAUNCH_SETTING),
        read("SpotPrice"),
        read("SubnetId"),
        noted("UserData", LAUNCH_SETTING),
        read("WeightedCapacity"),
        noted_list("TagSpecifications", &SPOT_FLEET_TAG_SPECIFICATION, TAGS),
        read("InstanceRequirements"),
    ],
};

// --- Auto Scaling: CreateAutoScalingGroup ---------------------------------------------------

static ASG_TAG: Shape = Shape {
    name: "Tag",
    members: &[
        read("ResourceId"),
        read("ResourceType"),
        read("Key"),
        read("Value"),
        read("PropagateAtLaunch"),
    ],
};

static LIFECYCLE_HOOK: Shape = Shape {
    name: "LifecycleHookSpecification",
    members: &[
        read("LifecycleHookName"),
        read("LifecycleTransition"),
        read("NotificationMetadata"),
        read("HeartbeatTimeout"),
        read("DefaultResult"),
        read("NotificationTargetARN"),
        read("RoleARN"),
    ],
};

static TRAFFIC_SOURCE: Shape = Shape {
    name: "TrafficSourceIdentifier",
    members: &[read("Identifier"), read("Type")],
};

static INSTANCE_MAINTENANCE_POLICY: Shape = Shape {
    name: "InstanceMaintenancePolicy",
    members: &[read("MinHealthyPercentage"), read("MaxHealthyPercentage")],
};

static AZ_DISTRIBUTION: Shape = Shape {
    name: "AvailabilityZoneDistribution",
    members: &[read("CapacityDistributionStrategy")],
};

static AZ_IMPAIRMENT_POLICY: Shape = Shape {
    name: "AvailabilityZoneImpairmentPolicy",
    members: &[
        read("ZonalShiftEnabled"),
        read("ImpairedZoneHealthCheckBehavior"),
    ],
};

static CAPACITY_RESERVATION_TARGET: Shape = Shape {
    name: "CapacityReservationTarget",
    members: &[
        read("CapacityReservationIds"),
        read("CapacityReservationResourceGroupArns"),
    ],
};

static CAPACITY_RESERVATION_SPECIFICATION: Shape = Shape {
    name: "CapacityReservationSpecification",
    members: &[
        read("CapacityReservationPreference"),
        read_object("CapacityReservationTarget", &CAPACITY_RESERVATION_TARGET),
    ],
};

static WARM_POOL: Shape = Shape {
    name: "PutWarmPool",
    members: &[
        read("MaxGroupPreparedCapacity"),
        read("MinSize"),
        read("PoolState"),
        read_object("InstanceReusePolicy", &INSTANCE_REUSE_POLICY),
    ],
};

static INSTANCE_REUSE_POLICY: Shape = Shape {
    name: "InstanceReusePolicy",
    members: &[read("ReuseOnScaleIn")],
};

static CREATE_AUTO_SCALING_GROUP: Shape = Shape {
    name: "CreateAutoScalingGroup",
    members: &[
        read("AutoScalingGroupName"),
        read("LaunchConfigurationName"),
        read_object("LaunchTemplate", &LAUNCH_TEMPLATE_SPECIFICATION),
        read_object("MixedInstancesPolicy", &MIXED_INSTANCES_POLICY),
        read("InstanceId"),
        read("MinSize"),
        read("MaxSize"),
        read("DesiredCapacity"),
        noted(
            "DefaultCooldown",
            "scaling cooldowns are not modelled; fleetopt plans DesiredCapacity",
        ),
        read("AvailabilityZones"),
        read("AvailabilityZoneIds"),
        noted("LoadBalancerNames", LOAD_BALANCING),
        noted("TargetGroupARNs", LOAD_BALANCING),
        noted("HealthCheckType", HEALTH),
        noted("HealthCheckGracePeriod", HEALTH),
        noted(
            "PlacementGroup",
            "placement groups are not modelled from AWS requests (a cluster group would keep \
             the group in one AZ, a spread group to 7 instances per AZ); plan placement with a \
             native request's [placement] table",
        ),
        read("VPCZoneIdentifier"),
        noted("TerminationPolicies", SCALE_IN),
        noted("NewInstancesProtectedFromScaleIn", SCALE_IN),
        noted("CapacityRebalance", REBALANCE),
        noted_list(
            "LifecycleHookSpecificationList",
            &LIFECYCLE_HOOK,
            "lifecycle hooks are not modelled; they delay an instance's entry into service, \
             not which pools the group uses",
        ),
        noted_list("Tags", &ASG_TAG, TAGS),
        read("ServiceLinkedRoleARN"),
        noted(
            "MaxInstanceLifetime",
            "not modelled; instances are replaced after this many seconds, with the same \
             allocation rules",
        ),
        noted("Context", CONTEXT),
        read("DesiredCapacityType"),
        noted(
            "DefaultInstanceWarmup",
            "not modelled; warm-up delays metrics, not the plan",
        ),
        noted_list("TrafficSources", &TRAFFIC_SOURCE, LOAD_BALANCING),
        noted_object(
            "InstanceMaintenancePolicy",
            &INSTANCE_MAINTENANCE_POLICY,
            "not modelled; it bounds how far the group may go above or below DesiredCapacity \
             while it replaces instances, not the plan of DesiredCapacity",
        ),
        read_object("AvailabilityZoneDistribution", &AZ_DISTRIBUTION),
        noted_object(
            "AvailabilityZoneImpairmentPolicy",
            &AZ_IMPAIRMENT_POLICY,
            "not modelled; it decides what the group does when an AZ is impaired, after launch",
        ),
        noted(
            "SkipZonalShiftValidation",
            "not modelled; it changes a validation AWS makes, not the plan",
        ),
        read_object(
            "CapacityReservationSpecification",
            &CAPACITY_RESERVATION_SPECIFICATION,
        ),
        noted_object(
            "WarmPool",
            &WARM_POOL,
            "not a member of CreateAutoScalingGroup (AWS sets a warm pool with \
             put-warm-pool); accepted because tools write it beside the group: a warm pool's \
             pre-initialised instances are stopped or hibernated and do not count towards \
             DesiredCapacity, so the plan is unchanged",
        ),
    ],
};

static MIXED_INSTANCES_POLICY: Shape = Shape {
    name: "MixedInstancesPolicy",
    members: &[
        read_object("LaunchTemplate", &ASG_LAUNCH_TEMPLATE),
        read_object("InstancesDistribution", &INSTANCES_DISTRIBUTION),
    ],
};

static ASG_LAUNCH_TEMPLATE: Shape = Shape {
    name: "LaunchTemplate",
    members: &[
        read_object(
            "LaunchTemplateSpecification",
            &LAUNCH_TEMPLATE_SPECIFICATION,
        ),
        read_list("Overrides", &ASG_OVERRIDES),
    ],
};

static ASG_OVERRIDES: Shape = Shape {
    name: "LaunchTemplateOverrides",
    members: &[
        read("InstanceType"),
        read("InstanceRequirements"),
        noted_object(
            "LaunchTemplateSpecification",
            &LAUNCH_TEMPLATE_SPECIFICATION,
            "a launch template of this override's own; its launch settings are not read and \
             do not change which pools are eligible",
        ),
        read("WeightedCapacity"),
        noted("ImageId", IMAGE),
    ],
};

static INSTANCES_DISTRIBUTION: Shape = Shape {
    name: "InstancesDistribution",
    members: &[
        read("OnDemandAllocationStrategy"),
        read("OnDemandBaseCapacity"),
        read("OnDemandPercentageAboveBaseCapacity"),
        read("SpotAllocationStrategy"),
        read("SpotInstancePools"),
        read("SpotMaxPrice"),
    ],
};

/// The root shape of a form; `wrapped` is a Spot Fleet given as `{"SpotFleetRequestConfig": …}`.
fn root(kind: AwsKind, wrapped: bool) -> &'static Shape {
    match kind {
        AwsKind::Ec2Fleet => &CREATE_FLEET,
        AwsKind::SpotFleet if wrapped => &REQUEST_SPOT_FLEET,
        AwsKind::SpotFleet => &SPOT_FLEET_REQUEST_CONFIG,
        AwsKind::AutoScalingGroup => &CREATE_AUTO_SCALING_GROUP,
    }
}

/// Walks a whole request of `kind`: the first member (in the file's key order, depth first)
/// that its shape does not have is an error; every accepted member fleetopt does not model adds
/// a note naming its path. JSON `null` counts as absent, as the readers take it; values of the
/// wrong kind are left to the readers, which say what they expected.
///
/// Returns whether the request asks for Dedicated Instances (`Placement.Tenancy dedicated`
/// anywhere); one that names both `dedicated` and `default` is refused, since one plan has one
/// tenancy.
pub(super) fn check(
    label: &str,
    object: &Map<String, Value>,
    kind: AwsKind,
    wrapped: bool,
    notes: &mut Vec<String>,
) -> Result<bool, RequestError> {
    let mut found: Vec<(String, &'static str)> = Vec::new();
    walk_object(label, object, root(kind, wrapped), "", &mut found)?;
    let dedicated = found.iter().find(|(_, n)| std::ptr::eq(*n, DEDICATED));
    let shared = found.iter().find(|(_, n)| std::ptr::eq(*n, SHARED));
    if let (Some((at, _)), Some((other, _))) = (dedicated, shared) {
        return Err(RequestError::new(
            label,
            at,
            format!(
                "Tenancy dedicated here but default at {other}: fleetopt plans one fleet at one \
                 tenancy"
            ),
        ));
    }
    let dedicated = dedicated.is_some();
    found.retain(|(_, n)| !std::ptr::eq(*n, SHARED));
    // One note per reason, naming every path it applies to (three launch specifications with
    // an ImageId give one note, not three), in the order the paths first appear.
    let mut grouped: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (path, note) in found {
        match grouped.iter_mut().find(|(n, _)| *n == note) {
            Some((_, paths)) => paths.push(path),
            None => grouped.push((note, vec![path])),
        }
    }
    for (note, paths) in grouped {
        notes.push(format!("{}: {note}", paths.join(", ")));
    }
    Ok(dedicated)
}

/// The note a `Tenancy dedicated` member gets (and how `check` finds it).
static DEDICATED: &str = "Tenancy dedicated: the whole fleet is planned as Dedicated Instances at \
     the catalogue's Dedicated prices (docs/aws-semantics.md §2.5)";
/// The marker of a `Tenancy default` member: no note, only the mixed-tenancy check.
static SHARED: &str = "Tenancy default";

fn walk(
    label: &str,
    value: &Value,
    shape: &'static Shape,
    path: &str,
    notes: &mut Vec<(String, &'static str)>,
) -> Result<(), RequestError> {
    match value {
        Value::Object(object) => walk_object(label, object, shape, path, notes),
        _ => Ok(()),
    }
}

fn walk_object(
    label: &str,
    object: &Map<String, Value>,
    shape: &'static Shape,
    path: &str,
    notes: &mut Vec<(String, &'static str)>,
) -> Result<(), RequestError> {
    for (key, child) in object {
        let member_path = super::join(path, key);
        let Some(member) = shape.members.iter().find(|m| m.name == key) else {
            return Err(RequestError::new(
                label,
                member_path,
                RequestErrorKind::UnknownMember(Box::new(UnknownMember::new(
                    key,
                    shape.name,
                    shape.members.iter().map(|m| m.name),
                ))),
            ));
        };
        if child.is_null() {
            continue;
        }
        // An empty list or structure (`"Tags": []`) asks for nothing, so it gets no note.
        let empty = match child {
            Value::Array(items) => items.is_empty(),
            Value::Object(members) => members.is_empty(),
            _ => false,
        };
        if let Use::Noted(note) = member.usage
            && !empty
        {
            notes.push((member_path.clone(), note));
        }
        // Tenancy changes every price: Dedicated Instances are planned at the catalogue's
        // Dedicated prices (`crate::tenancy`); a Dedicated Host is billed per host, which no
        // per-instance plan can price, so it is refused, never noted.
        if member.name == "Tenancy" {
            match child.as_str() {
                Some("host") => {
                    return Err(RequestError::new(
                        label,
                        &member_path,
                        "Tenancy host: a Dedicated Host is billed per host, not per instance, \
                         and fleetopt plans instances; use dedicated (Dedicated Instances) or \
                         default"
                            .to_owned(),
                    ));
                }
                Some("dedicated") => notes.push((member_path.clone(), DEDICATED)),
                Some("default") => notes.push((member_path.clone(), SHARED)),
                _ => {}
            }
        }
        match member.child {
            Child::Leaf => {}
            Child::Object(inner) => walk(label, child, inner, &member_path, notes)?,
            Child::List(inner) => {
                if let Value::Array(items) = child {
                    for (i, item) in items.iter().enumerate() {
                        walk(label, item, inner, &format!("{member_path}[{i}]"), notes)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// The members of the named shape, for tests and messages.
#[cfg(test)]
fn members_of(kind: AwsKind, wrapped: bool) -> Vec<&'static str> {
    root(kind, wrapped).members.iter().map(|m| m.name).collect()
}

/// The closest member of a shape to a name that is not one, as messages suggest it: case is
/// ignored first, at most 3 edits, and fewer edits than the name has characters.
pub(crate) fn closest_member<'a>(
    name: &str,
    members: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let max_distance = name.chars().count().checked_sub(1)?.min(3);
    suggest::closest(name, members, Case::IgnoredThenSensitive, max_distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shape reachable from the roots, once.
    fn all_shapes() -> Vec<&'static Shape> {
        let mut seen: Vec<&'static Shape> = Vec::new();
        let mut stack: Vec<&'static Shape> = [
            AwsKind::Ec2Fleet,
            AwsKind::SpotFleet,
            AwsKind::AutoScalingGroup,
        ]
        .into_iter()
        .map(|k| root(k, false))
        .chain([root(AwsKind::SpotFleet, true)])
        .collect();
        while let Some(shape) = stack.pop() {
            if seen.iter().any(|s| std::ptr::eq(*s, shape)) {
                continue;
            }
            seen.push(shape);
            for member in shape.members {
                if let Child::Object(inner) | Child::List(inner) = member.child {
                    stack.push(inner);
                }
            }
        }
        seen
    }

    /// Notes quote AWS's spread limit as `placement::rules` states it: a note is a
    /// `&'static str`, so the number is written out, and this holds it to the rule.
    #[test]
    fn placement_notes_quote_the_placement_rules() {
        let quoted = format!(
            "a spread group to {} instances per AZ",
            crate::placement::rules::SPREAD_LIMIT
        );
        let mut checked = 0;
        for shape in all_shapes() {
            for member in shape.members {
                if let Use::Noted(note) = &member.usage
                    && note.contains("spread group")
                {
                    assert!(
                        note.contains(&quoted),
                        "{}.{}: {note}",
                        shape.name,
                        member.name
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 0, "no note mentions a spread group");
    }

    #[test]
    fn member_names_are_unique_and_pascal_case() {
        for shape in all_shapes() {
            let mut names: Vec<&str> = shape.members.iter().map(|m| m.name).collect();
            for name in &names {
                assert!(
                    name.starts_with(|c: char| c.is_ascii_uppercase())
                        && name.chars().all(|c| c.is_ascii_alphanumeric()),
                    "{}.{name}",
                    shape.name
                );
            }
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "duplicate member in {}", shape.name);
        }
    }

    #[test]
    fn no_two_members_of_a_shape_are_one_edit_apart() {
        // Otherwise a one-letter slip could be "corrected" into the wrong member.
        for shape in all_shapes() {
            for a in shape.members {
                for b in shape.members {
                    if a.name != b.name {
                        let distance = suggest::edit_distance(
                            &a.name.to_ascii_lowercase(),
                            &b.name.to_ascii_lowercase(),
                        );
                        assert!(
                            distance > 1,
                            "{}: {} and {} are {distance} edit apart",
                            shape.name,
                            a.name,
                            b.name
                        );
                    }
                }
            }
        }
    }

    /// Every shape reachable from `root`, with the trail of (member, is a list) that reaches it.
    fn reachable(root: &'static Shape) -> Vec<(Vec<(&'static str, bool)>, &'static Shape)> {
        let mut out = vec![(Vec::new(), root)];
        let mut next = 0;
        while next < out.len() {
            let (trail, shape) = out[next].clone();
            next += 1;
            for member in shape.members {
                let (inner, list) = match member.child {
                    Child::Leaf => continue,
                    Child::Object(inner) => (inner, false),
                    Child::List(inner) => (inner, true),
                };
                let mut deeper = trail.clone();
                deeper.push((member.name, list));
                out.push((deeper, inner));
            }
        }
        out
    }

    /// `member` at the end of `trail`, wrapped in the objects and lists the trail names.
    fn document(trail: &[(&str, bool)], member: &str) -> (Map<String, Value>, String) {
        let mut value = serde_json::json!({ member: 1 });
        for (key, list) in trail.iter().rev() {
            if *list {
                value = Value::Array(vec![value]);
            }
            value = serde_json::json!({ *key: value });
        }
        let mut path = String::new();
        for (key, list) in trail {
            path = crate::request::aws::join(&path, key);
            if *list {
                path.push_str("[0]");
            }
        }
        let Value::Object(object) = value else {
            unreachable!("built as an object")
        };
        (object, crate::request::aws::join(&path, member))
    }

    #[test]
    fn dedicated_tenancy_is_read_hosts_and_mixed_tenancy_are_refused() {
        let spec = |tenancies: &[&str]| {
            let specs: Vec<Value> = tenancies
                .iter()
                .map(|t| serde_json::json!({"InstanceType": "m5.large", "Placement": {"Tenancy": t}}))
                .collect();
            let Value::Object(object) = serde_json::json!({ "LaunchSpecifications": specs }) else {
                unreachable!("built as an object")
            };
            object
        };
        let run = |tenancies: &[&str], notes: &mut Vec<String>| {
            check(
                "req.json",
                &spec(tenancies),
                AwsKind::SpotFleet,
                false,
                notes,
            )
        };
        let error = run(&["host"], &mut Vec::new()).unwrap_err().to_string();
        assert!(
            error.contains("LaunchSpecifications[0].Placement.Tenancy")
                && error.contains("Tenancy host: a Dedicated Host is billed per host"),
            "{error}"
        );
        let mut notes = Vec::new();
        assert!(run(&["dedicated", "dedicated"], &mut notes).unwrap());
        assert_eq!(
            notes,
            vec![format!(
                "LaunchSpecifications[0].Placement.Tenancy, LaunchSpecifications[1].Placement.Tenancy: {DEDICATED}"
            )]
        );
        let mut notes = Vec::new();
        assert!(!run(&["default"], &mut notes).unwrap());
        assert!(notes.is_empty(), "{notes:?}");
        let error = run(&["dedicated", "default"], &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(
                "Tenancy dedicated here but default at LaunchSpecifications[1].Placement.Tenancy"
            ),
            "{error}"
        );
    }

    /// The misspelt-member corpus, generated: every member of every shape of every form, with
    /// its middle letter dropped, is refused at its AWS path with that member suggested.
    #[test]
    fn every_misspelt_member_is_refused_at_its_path_with_the_member_suggested() {
        let mut count = 0;
        for (kind, wrapped) in [
            (AwsKind::Ec2Fleet, false),
            (AwsKind::SpotFleet, false),
            (AwsKind::SpotFleet, true),
            (AwsKind::AutoScalingGroup, false),
        ] {
            for (trail, shape) in reachable(root(kind, wrapped)) {
                for member in shape.members {
                    let mut misspelt: Vec<char> = member.name.chars().collect();
                    misspelt.remove(misspelt.len() / 2);
                    let misspelt: String = misspelt.into_iter().collect();
                    let (object, path) = document(&trail, &misspelt);
                    let error = check("req.json", &object, kind, wrapped, &mut Vec::new())
                        .expect_err(&path);
                    assert_eq!(error.field, path, "{}.{}", shape.name, member.name);
                    let RequestErrorKind::UnknownMember(unknown) = &error.kind else {
                        panic!("{path}: {error}");
                    };
                    assert_eq!(unknown.shape, shape.name, "{path}");
                    assert_eq!(unknown.suggestion, Some(member.name), "{path}: {error}");
                    count += 1;
                }
            }
        }
        assert!(count > 250, "only {count} misspellings");
    }

    #[test]
    fn every_member_as_spelt_is_accepted() {
        for (kind, wrapped) in [
            (AwsKind::Ec2Fleet, false),
            (AwsKind::SpotFleet, false),
            (AwsKind::SpotFleet, true),
            (AwsKind::AutoScalingGroup, false),
        ] {
            for (trail, shape) in reachable(root(kind, wrapped)) {
                for member in shape.members {
                    let (object, path) = document(&trail, member.name);
                    let mut notes = Vec::new();
                    check("req.json", &object, kind, wrapped, &mut notes)
                        .unwrap_or_else(|e| panic!("{path}: {e}"));
                    // A note for exactly the noted members on the way (the trail's own, and this
                    // one), each naming its path.
                    if let Use::Noted(note) = member.usage {
                        assert!(
                            notes.contains(&format!("{path}: {note}")),
                            "{path}: {notes:#?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_misspelling_far_from_every_member_lists_the_shape() {
        let object: Map<String, Value> =
            serde_json::from_str(r#"{"TargetCapacitySpecification": {"Total": 4}}"#).unwrap();
        let error = check("f.json", &object, AwsKind::Ec2Fleet, false, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "f.json: TargetCapacitySpecification.Total: unknown member `Total` of \
             TargetCapacitySpecificationRequest; the AWS CLI refuses members its API shape does \
             not have; expected one of TotalTargetCapacity, OnDemandTargetCapacity, \
             SpotTargetCapacity, DefaultTargetCapacityType, TargetCapacityUnitType"
        );
    }

    #[test]
    fn null_and_empty_members_get_no_note() {
        let object: Map<String, Value> = serde_json::from_str(
            r#"{"Tags": [], "Context": null, "LifecycleHookSpecificationList": [],
                "CapacityRebalance": true}"#,
        )
        .unwrap();
        let mut notes = Vec::new();
        check(
            "g.json",
            &object,
            AwsKind::AutoScalingGroup,
            false,
            &mut notes,
        )
        .unwrap();
        assert_eq!(notes, [format!("CapacityRebalance: {REBALANCE}")]);
    }

    #[test]
    fn the_roots_hold_the_members_the_readers_read() {
        let fleet = members_of(AwsKind::Ec2Fleet, false);
        for key in [
            "TargetCapacitySpecification",
            "LaunchTemplateConfigs",
            "SpotOptions",
            "OnDemandOptions",
            "Type",
            "Context",
            "TagSpecifications",
        ] {
            assert!(fleet.contains(&key), "{key}");
        }
        assert_eq!(
            members_of(AwsKind::SpotFleet, true),
            ["DryRun", "SpotFleetRequestConfig"]
        );
        let asg = members_of(AwsKind::AutoScalingGroup, false);
        for key in [
            "MixedInstancesPolicy",
            "DesiredCapacity",
            "CapacityRebalance",
            "InstanceMaintenancePolicy",
            "WarmPool",
            "LifecycleHookSpecificationList",
            "Context",
        ] {
            assert!(asg.contains(&key), "{key}");
        }
    }
}
