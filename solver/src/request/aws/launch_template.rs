//! Launch templates given beside an AWS form (`--launch-template FILE`, `aws ec2
//! describe-launch-template-versions` output): a `LaunchTemplateSpecification` is matched by
//! `LaunchTemplateId` or `LaunchTemplateName` and by `Version` (`$Latest` the highest version
//! number, `$Default` the default version, or a number; absent means `$Default`, the default
//! the Auto Scaling and Spot Fleet API references state), and the matched version says:
//!
//! - its `InstanceType`, or else its `InstanceRequirements`: the one override of a config that
//!   has none (EC2 Fleet Examples 1–3), as `--launch-template-type` gives a type;
//! - its `Placement.AvailabilityZone(Id)`: the zone of the config's overrides that name no zone
//!   or subnet of their own (an override's own members take precedence, as overrides do);
//! - its `Placement.GroupName`: a note, as placement groups of AWS forms are;
//! - its `Placement.Tenancy`: `dedicated` and `host` are refused, because fleetopt prices
//!   shared tenancy only (its catalogue holds no Dedicated Instance or Dedicated Host prices),
//!   so a plan would price the fleet wrongly.

use fleetopt_instances::load::launch_templates::LaunchTemplateVersion;
use fleetopt_instances::suggest::{self, Case};
use serde_json::{Map, Value};

use super::overrides::RawOverride;
use super::{Reader, join};
use crate::request::checks::{check_type_name, parse_zone_id, parse_zone_name};
use crate::request::{RequestError, ZoneRef};

/// describe-launch-template-versions output given beside a request (`--launch-template`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LaunchTemplates {
    /// Where the versions came from (the file name), for notes and errors.
    pub source: String,
    /// Every version in the file, in file order.
    pub versions: Vec<LaunchTemplateVersion>,
}

/// What a matched template version gives a launch template config.
pub(super) struct TemplateFacts {
    /// The override the template stands for when the config has none.
    pub(super) standing: Option<RawOverride>,
    /// The zone the template's `Placement` pins, with where it came from.
    pub(super) zone: Option<(ZoneRef, String)>,
}

impl<'a> Reader<'a> {
    /// The version of `--launch-template` that the `LaunchTemplateSpecification` at
    /// `spec_path` names, or `None` when no file was given or the config names no template.
    pub(super) fn template_version(
        &self,
        holder: &Map<String, Value>,
        spec_path: &str,
    ) -> Result<Option<&'a LaunchTemplateVersion>, RequestError> {
        let options: &'a crate::request::ReadOptions = self.options;
        let Some(templates) = &options.launch_templates else {
            return Ok(None);
        };
        let Some(spec) = self.get(holder, "LaunchTemplateSpecification") else {
            return Ok(None);
        };
        let spec = self.object(spec, spec_path)?;
        let source = &templates.source;
        let (key, wanted, of_template): (&str, &str, Vec<&LaunchTemplateVersion>) = match (
            self.get(spec, "LaunchTemplateId"),
            self.get(spec, "LaunchTemplateName"),
        ) {
            (Some(id), _) => {
                let id = self.string(id, &join(spec_path, "LaunchTemplateId"))?;
                let found = templates.versions.iter().filter(|v| v.id == id).collect();
                ("LaunchTemplateId", id, found)
            }
            (None, Some(name)) => {
                let name = self.string(name, &join(spec_path, "LaunchTemplateName"))?;
                let found = templates
                    .versions
                    .iter()
                    .filter(|v| v.name == name)
                    .collect();
                ("LaunchTemplateName", name, found)
            }
            (None, None) => {
                return Err(self.err(
                    spec_path,
                    "expected LaunchTemplateId or LaunchTemplateName to match against \
                         --launch-template",
                ));
            }
        };
        if of_template.is_empty() {
            let known: Vec<&str> = templates
                .versions
                .iter()
                .map(|v| {
                    if key == "LaunchTemplateId" {
                        v.id.as_str()
                    } else {
                        v.name.as_str()
                    }
                })
                .collect();
            let mut listed = known.clone();
            listed.dedup();
            // Three edits reach a mistyped character or two in an ID or name.
            let advice = suggest::closest(wanted, known.iter().copied(), Case::Ignored, 3)
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            return Err(self.err(
                &join(spec_path, key),
                format!(
                    "launch template `{wanted}` is not in {source} (--launch-template){advice} \
                     (it has {})",
                    listed.join(", ")
                ),
            ));
        }
        let version_path = join(spec_path, "Version");
        let version = match self.get(spec, "Version") {
            Some(v) => self.string(v, &version_path)?.to_owned(),
            None => "$Default".to_owned(),
        };
        let chosen = match version.as_str() {
            "$Latest" => of_template.iter().copied().max_by_key(|v| v.version),
            "$Default" => of_template.iter().copied().find(|v| v.default),
            number => match number.parse::<u64>() {
                Ok(n) => of_template.iter().copied().find(|v| v.version == n),
                Err(_) => {
                    return Err(self.err(
                        &version_path,
                        format!("expected a version number, $Latest or $Default, found `{number}`"),
                    ));
                }
            },
        };
        let Some(chosen) = chosen else {
            let mut numbers: Vec<String> = of_template
                .iter()
                .map(|v| {
                    if v.default {
                        format!("{} ($Default)", v.version)
                    } else {
                        v.version.to_string()
                    }
                })
                .collect();
            numbers.sort();
            return Err(self.err(
                &version_path,
                format!(
                    "version {version} of `{wanted}` is not in {source} (--launch-template); it \
                     has version(s) {}",
                    numbers.join(", ")
                ),
            ));
        };
        Ok(Some(chosen))
    }

    /// What the matched version gives a config whose specification is at `spec_path`: the
    /// refusal of dedicated tenancy, the standing override, the placement zone and notes.
    pub(super) fn template_facts(
        &mut self,
        version: &LaunchTemplateVersion,
        spec_path: &str,
        price_key: &'static str,
    ) -> Result<TemplateFacts, RequestError> {
        let source = self
            .options
            .launch_templates
            .as_ref()
            .map(|t| t.source.clone())
            .unwrap_or_default();
        let at = format!("{source} {}.LaunchTemplateData", version.path);
        let what = format!("launch template {} version {}", version.id, version.version);
        match version.tenancy.as_deref() {
            Some("host") => {
                return Err(self.err(
                    spec_path,
                    format!(
                        "{what} has Placement.Tenancy host ({at}.Placement.Tenancy): a Dedicated \
                         Host is billed per host, not per instance, and fleetopt plans instances"
                    ),
                ));
            }
            Some("dedicated") if self.dedicated_template.is_none() => {
                self.notes.push(format!(
                    "{what} has Placement.Tenancy dedicated ({at}.Placement.Tenancy): the whole fleet is planned as Dedicated Instances at the catalogue's Dedicated prices (docs/aws-semantics.md §2.5)"
                ));
                self.dedicated_template = Some(format!("{at}.Placement.Tenancy"));
            }
            _ => {}
        }
        let zone = match (&version.availability_zone_id, &version.availability_zone) {
            (Some(id), _) => Some(parse_zone_id(
                self.label,
                &format!("{at}.Placement.AvailabilityZoneId"),
                id,
            )?),
            (None, Some(name)) => Some(parse_zone_name(
                self.label,
                &format!("{at}.Placement.AvailabilityZone"),
                name,
            )?),
            (None, None) => None,
        };
        if let Some(group) = &version.group {
            self.notes.push(format!(
                "{spec_path}: {what} places instances in placement group `{group}` \
                 ({at}.Placement.GroupName), which is not modelled from AWS requests; plan \
                 placement with a native request's [placement] table"
            ));
        }
        let standing = match (&version.instance_type, &version.requirements) {
            (Some(name), _) => {
                check_type_name(self.label, spec_path, name, false)?;
                Some(RawOverride::of_template(
                    spec_path.to_owned(),
                    name.clone(),
                    price_key,
                ))
            }
            (None, Some(requirements)) => Some(RawOverride {
                instance_type: None,
                requirements: Some(requirements.clone()),
                ..RawOverride::of_template(spec_path.to_owned(), String::new(), price_key)
            }),
            (None, None) => None,
        };
        let standing = standing.map(|raw| RawOverride {
            zone: zone.clone(),
            zone_path: zone.as_ref().map(|_| spec_path.to_owned()),
            ..raw
        });
        Ok(TemplateFacts {
            standing,
            zone: zone.map(|z| (z, spec_path.to_owned())),
        })
    }

    /// The note for a config without overrides that the template stands in for.
    pub(super) fn template_note(&mut self, config_path: &str, version: &LaunchTemplateVersion) {
        let what = match (&version.instance_type, &version.requirements) {
            (Some(name), _) => format!("instance type {name}"),
            (None, Some(_)) => "InstanceRequirements".to_owned(),
            (None, None) => "nothing to plan with".to_owned(),
        };
        self.notes.push(format!(
            "{config_path} has no Overrides: launch template {} version {} (--launch-template) \
             gives its {what}",
            version.id, version.version
        ));
    }
}
