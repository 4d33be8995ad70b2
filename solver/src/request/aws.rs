//! (being written) AWS request forms.
use super::{FleetRequest, RequestError};

/// Which AWS request form a JSON document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsKind {
    /// `aws ec2 create-fleet --cli-input-json`.
    Ec2Fleet,
    /// `aws ec2 request-spot-fleet --spot-fleet-request-config` (bare or wrapped).
    SpotFleet,
    /// `aws autoscaling create-auto-scaling-group --cli-input-json` with a MixedInstancesPolicy.
    AutoScalingGroup,
}

/// Recognises an AWS request form by its keys; `None` for anything else (a native request).
pub fn detect(_label: &str, _text: &str) -> Result<Option<AwsKind>, RequestError> {
    Ok(None)
}

/// Reads an AWS request form.
pub fn read(label: &str, _text: &str, _kind: AwsKind) -> Result<FleetRequest, RequestError> {
    Err(RequestError::new(label, "", "(being written)"))
}
