//! The embedded default catalogue, compiled into every binary so fleetopt works with no files.
//!
//! `instances/data/default-catalog.json` is produced by fleetopt's own `catalog build` from the
//! real AWS data described in `instances/data/README.md` (regenerate with
//! `instances/data/build-default-catalog.sh`). It is parsed on each call; callers that need it
//! repeatedly keep the returned [`Catalog`].

use crate::catalog::Catalog;
use crate::error::LoadError;

/// The catalogue file's text as compiled in.
pub const DEFAULT_CATALOG_JSON: &str = include_str!("../data/default-catalog.json");

/// The label the embedded catalogue goes by in messages.
pub const DEFAULT_CATALOG_LABEL: &str = "<embedded default catalogue>";

/// Parses the embedded default catalogue.
pub fn catalog() -> Result<Catalog, LoadError> {
    crate::load::catalog::parse(DEFAULT_CATALOG_LABEL, DEFAULT_CATALOG_JSON)
}
