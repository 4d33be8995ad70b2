//! (being written) fleetopt's native request format.
use super::{FleetRequest, RequestError};

/// The syntax of a native request file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// TOML.
    Toml,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// Reads a native request.
pub fn read(label: &str, _text: &str, _syntax: Syntax) -> Result<FleetRequest, RequestError> {
    Err(RequestError::new(label, "", "(being written)"))
}
