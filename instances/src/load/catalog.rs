//! fleetopt's own catalogue file (`fleetopt.catalog/v1`, written by `fleetopt catalog build`).
//! The format and its checks live in [`crate::catalog`]; this is the file entry point.

use std::path::Path;

use crate::catalog::Catalog;
use crate::error::LoadError;

/// Parses catalogue JSON; `label` names the input in errors.
pub fn parse(label: &str, text: &str) -> Result<Catalog, LoadError> {
    Catalog::from_json(label, text)
}

/// Reads and parses a catalogue file.
pub fn load(path: &Path) -> Result<Catalog, LoadError> {
    super::load_with(path, parse)
}
