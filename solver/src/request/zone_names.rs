//! AZ names mapped with the planner's own account mapping (`--zones`, aws-semantics §3.1).
//!
//! AZ names are account-specific: `us-east-1a` is one AZ ID in one account and another in the
//! next. A request that names AZs (`AvailabilityZone`, `AvailabilityZones`, native `zones`)
//! is therefore resolved either through the planner's `aws ec2 describe-availability-zones`
//! output, given beside the request ([`ZoneNames`], the CLI's `--zones FILE`), or, without it,
//! through the catalogue's zone names at solve time. [`apply`] does the first: every named zone
//! becomes its AZ ID, a name the file does not list is an input error naming the request's
//! field, the file and the closest name, and the request carries a note with the mapping used.
//! The second is `candidates::zone_names_note`, which says whose mapping it was.

use std::collections::BTreeMap;

use fleetopt_instances::ZoneId;
use fleetopt_instances::suggest::{self, Case};

use super::{FleetRequest, RequestError, ZoneRef};

/// An account's AZ name → AZ ID mapping, from `aws ec2 describe-availability-zones` output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZoneNames {
    /// Where the mapping came from (the file name), for notes and errors.
    pub source: String,
    /// AZ name → AZ ID.
    pub ids: BTreeMap<String, ZoneId>,
}

/// Maps every AZ name in `request` to its AZ ID through `names`, and notes the mapping used.
/// `label` names the request file in errors.
pub(crate) fn apply(
    label: &str,
    request: &mut FleetRequest,
    names: &ZoneNames,
) -> Result<(), RequestError> {
    let mut used: BTreeMap<String, ZoneId> = BTreeMap::new();
    let mut map = |zone: &ZoneRef, field: String| -> Result<ZoneRef, RequestError> {
        match zone {
            ZoneRef::Name(name) => match names.ids.get(name) {
                Some(id) => {
                    used.insert(name.clone(), id.clone());
                    Ok(ZoneRef::Id(id.clone()))
                }
                None => Err(RequestError::new(label, field, unknown(name, names))),
            },
            other => Ok(other.clone()),
        }
    };
    // Allowed zones: a name that maps onto a zone already listed is the same zone once.
    let candidates = &mut request.candidates;
    let mut zones: Vec<ZoneRef> = Vec::with_capacity(candidates.zones.len());
    let mut sources: Vec<String> = Vec::with_capacity(candidates.sources.zones.len());
    for (index, zone) in candidates.zones.iter().enumerate() {
        let mapped = map(zone, candidates.zone_field(index))?;
        if !zones.contains(&mapped) {
            zones.push(mapped);
            if let Some(source) = candidates.sources.zones.get(index) {
                sources.push(source.clone());
            }
        }
    }
    candidates.zones = zones;
    candidates.sources.zones = sources;
    for index in 0..candidates.overrides.len() {
        let field = candidates.override_zone_field(index);
        if let Some(zone) = &candidates.overrides[index].zone {
            let mapped = map(zone, field)?;
            candidates.overrides[index].zone = Some(mapped);
        }
    }
    if !used.is_empty() {
        let pairs: Vec<String> = used
            .iter()
            .map(|(name, id)| format!("{name} → {id}"))
            .collect();
        request.notes.push(format!(
            "AZ names mapped to AZ IDs with {} (--zones, the planner's account): {} \
             (AZ names differ between accounts; aws-semantics §3.1)",
            names.source,
            pairs.join(", ")
        ));
    }
    Ok(())
}

/// The message for an AZ name the mapping does not list.
fn unknown(name: &str, names: &ZoneNames) -> String {
    let listed: Vec<&str> = names.ids.keys().map(String::as_str).collect();
    // Two edits reach a wrong letter or digit (`us-east-1g`, `us-eats-1a`).
    let advice = match suggest::closest(name, listed.iter().copied(), Case::Ignored, 2) {
        Some(closest) => format!("; did you mean `{closest}`?"),
        None => String::new(),
    };
    format!(
        "AZ name `{name}` is not in {} (--zones, describe-availability-zones output){advice} \
         (it lists {})",
        names.source,
        listed.join(", ")
    )
}

/// Maps the AZ names of the account's commitments to AZ IDs through the planner's `--zones`
/// file, as the request's own names are (a name the file lacks stays a name, resolved later
/// through the catalogue or reported as not in the region).
pub(crate) fn apply_to_commitments(owned: &mut crate::commitments::Owned, names: &ZoneNames) {
    for c in &mut owned.commitments {
        if let Some(fleetopt_instances::load::ZoneRef::Name(name)) = &c.zone
            && let Some(id) = names.ids.get(name)
        {
            c.zone = Some(fleetopt_instances::load::ZoneRef::Id(id.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{ReadOptions, read_with};

    fn names() -> ZoneNames {
        ZoneNames {
            source: "zones.json".to_owned(),
            ids: [
                ("us-east-1a", "use1-az4"),
                ("us-east-1b", "use1-az6"),
                ("us-east-1c", "use1-az1"),
            ]
            .into_iter()
            .map(|(n, i)| (n.to_owned(), ZoneId::new(i)))
            .collect(),
        }
    }

    fn read(label: &str, text: &str) -> Result<FleetRequest, RequestError> {
        let options = ReadOptions {
            zones: Some(names()),
            ..ReadOptions::default()
        };
        read_with(label, text, &options)
    }

    #[test]
    fn aws_pins_and_zone_lists_map_through_the_file() {
        let request = read(
            "fleet.json",
            r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 2},
                "LaunchTemplateConfigs": [{"Overrides": [
                    {"InstanceType": "m5.large", "Placement": {"AvailabilityZone": "us-east-1a"}},
                    {"InstanceType": "c5.large", "AvailabilityZoneId": "use1-az2"}]}]}"#,
        )
        .unwrap();
        let zones: Vec<Option<ZoneRef>> = request
            .candidates
            .overrides
            .iter()
            .map(|o| o.zone.clone())
            .collect();
        assert_eq!(
            zones,
            [
                Some(ZoneRef::Id(ZoneId::new("use1-az4"))),
                Some(ZoneRef::Id(ZoneId::new("use1-az2")))
            ]
        );
        assert!(
            request.notes.iter().any(|n| n
                == "AZ names mapped to AZ IDs with zones.json (--zones, the planner's account): \
                    us-east-1a → use1-az4 (AZ names differ between accounts; aws-semantics §3.1)"),
            "{:#?}",
            request.notes
        );
    }

    #[test]
    fn native_zones_map_and_merge_with_ids_already_listed() {
        let request = read(
            "req.toml",
            "region = \"us-east-1\"\n[target]\ncapacity = 2\n[candidates]\n\
             instance_types = [\"m5.large\"]\nzones = [\"us-east-1b\", \"use1-az6\", \"us-east-1c\"]\n",
        )
        .unwrap();
        assert_eq!(
            request.candidates.zones,
            [
                ZoneRef::Id(ZoneId::new("use1-az6")),
                ZoneRef::Id(ZoneId::new("use1-az1"))
            ]
        );
    }

    #[test]
    fn an_unknown_name_names_the_field_the_file_and_the_closest_name() {
        let error = read(
            "asg.json",
            r#"{"AutoScalingGroupName": "g", "MinSize": 0, "MaxSize": 4, "DesiredCapacity": 2,
                "AvailabilityZones": ["us-east-1a", "us-east-1d"],
                "MixedInstancesPolicy": {"LaunchTemplate": {
                    "LaunchTemplateSpecification": {"LaunchTemplateName": "lt"},
                    "Overrides": [{"InstanceType": "m5.large"}]}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "asg.json: AvailabilityZones[1]: AZ name `us-east-1d` is not in zones.json (--zones, \
             describe-availability-zones output); did you mean `us-east-1a`? (it lists \
             us-east-1a, us-east-1b, us-east-1c)"
        );
        let far = read(
            "req.toml",
            "region = \"us-east-1\"\n[target]\ncapacity = 2\n[candidates]\n\
             instance_types = [\"m5.large\"]\nzones = [\"eu-west-1a\"]\n",
        )
        .unwrap_err();
        assert_eq!(
            far.to_string(),
            "req.toml: candidates.zones[0]: AZ name `eu-west-1a` is not in zones.json (--zones, \
             describe-availability-zones output) (it lists us-east-1a, us-east-1b, us-east-1c)"
        );
    }
}
