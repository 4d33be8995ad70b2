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
    crate::load::catalog::parse_embedded(DEFAULT_CATALOG_LABEL, DEFAULT_CATALOG_JSON)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What lets [`catalog`] skip the duplicate-key pass every other JSON reader makes.
    #[test]
    fn the_embedded_catalogue_repeats_no_key() {
        assert_eq!(crate::json::find_duplicate_key(DEFAULT_CATALOG_JSON), None);
        assert!(catalog().is_ok());
    }
}
