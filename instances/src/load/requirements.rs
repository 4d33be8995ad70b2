//! Reads an AWS `InstanceRequirements` file: the JSON `aws ec2
//! get-instance-types-from-instance-requirements --instance-requirements file://F` takes, or
//! its `--cli-input-json` form with the requirements under `InstanceRequirements` (the
//! `ArchitectureTypes` and `VirtualizationTypes` beside it are read as AWS reads them: the
//! architectures narrow the match, every virtualization type the catalogue knows is HVM).
//!
//! Strict like the AWS CLI: unknown members are refused with the closest member's name, and
//! `VCpuCount` and `MemoryMiB` are required, each with a `Min` (aws-semantics §1.10).

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{LoadError, parse_json};
use crate::model::Architecture;
use crate::select::{Requirements, missing_aws_range};

/// Parses an `InstanceRequirements` file.
pub fn parse(label: &str, text: &str) -> Result<Requirements, LoadError> {
    const WHAT: &str = "an InstanceRequirements JSON object";
    super::check_json_text(label, text, WHAT, false)?;
    let value: Value = parse_json(label, text)?;
    let Some(object) = value.as_object() else {
        return Err(LoadError::whole_file(
            label,
            format!("expected {WHAT}, found {}", kind(&value)),
        ));
    };
    let wrapped = object.contains_key("InstanceRequirements");
    let (inner, prefix) = match object.get("InstanceRequirements") {
        Some(inner) => (inner, "InstanceRequirements."),
        None => (&value, ""),
    };
    if let Some((member, message)) = missing_aws_range(inner) {
        return Err(LoadError::at_path(
            label,
            format!("{prefix}{member}"),
            message,
        ));
    }
    let requirements = if wrapped {
        let input: CliInput = parse_json(label, text)?;
        let mut requirements = input.instance_requirements;
        for (index, name) in input.architecture_types.iter().enumerate() {
            let Some(arch) = Architecture::parse(name) else {
                return Err(LoadError::at_path(
                    label,
                    format!("ArchitectureTypes[{index}]"),
                    format!("unknown architecture `{name}`"),
                ));
            };
            requirements.architectures.push(arch);
        }
        requirements
    } else {
        parse_json(label, text)?
    };
    requirements.validate().map_err(|e| match prefix {
        "" => LoadError::whole_file(label, e.to_string()),
        _ => LoadError::at_path(label, "InstanceRequirements", e.to_string()),
    })?;
    Ok(requirements)
}

/// The `--cli-input-json` form of get-instance-types-from-instance-requirements.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct CliInput {
    instance_requirements: Requirements,
    #[serde(default)]
    architecture_types: Vec<String>,
    #[serde(default)]
    #[allow(dead_code, reason = "read for strictness; every catalogue type is HVM")]
    virtualization_types: Vec<String>,
    #[serde(default)]
    #[allow(dead_code, reason = "read for strictness; a preview never calls AWS")]
    dry_run: bool,
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        Value::Object(_) => "an object",
    }
}

/// Reads and parses an `InstanceRequirements` file.
pub fn load(path: &Path) -> Result<Requirements, LoadError> {
    super::load_with(path, parse)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::parse;
    use crate::model::Architecture;

    #[test]
    fn the_bare_and_the_cli_input_forms_read() {
        let bare = parse(
            "r.json",
            r#"{"VCpuCount": {"Min": 2, "Max": 4}, "MemoryMiB": {"Min": 0}}"#,
        )
        .unwrap();
        assert_eq!((bare.vcpus.min, bare.vcpus.max), (Some(2), Some(4)));
        let wrapped = parse(
            "r.json",
            r#"{"ArchitectureTypes": ["arm64"], "VirtualizationTypes": ["hvm"],
                "InstanceRequirements": {"VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 0}}}"#,
        )
        .unwrap();
        assert_eq!(wrapped.architectures, [Architecture::Arm64]);
    }

    #[test]
    fn errors_name_the_member() {
        let err = |text: &str| parse("r.json", text).unwrap_err().to_string();
        assert!(
            err(r#"{"InstanceRequirements": {"VCpuCount": {"Min": 2}}}"#)
                .contains("InstanceRequirements.MemoryMiB: missing"),
        );
        assert!(
            err(r#"{"InstanceRequirements": {"VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 0}}, "ArchitectureType": []}"#)
                .contains("ArchitectureType"),
        );
        assert!(err("[]").contains("expected an InstanceRequirements JSON object, found an array"));
    }
}
