//! Which region an AZ ID belongs to, for inputs that name zones but not regions.
//!
//! AZ IDs start with a region prefix (`use1-az4` is in `us-east-1`). The table below lists the
//! prefixes of the 30 commercial regions in moto's describe-instance-type-offerings snapshot
//! (getmoto/moto, commit c6bd43ff, 2026-08-01; see `../shared/data/README.md`) plus the
//! GovCloud and China regions. A describe-availability-zones file, when given, is authoritative
//! and extends this table.

/// (AZ-ID prefix, region code) for the regions fleetopt knows without a zones file.
pub(crate) const KNOWN_REGIONS: &[(&str, &str)] = &[
    ("afs1", "af-south-1"),
    ("ape1", "ap-east-1"),
    ("apne1", "ap-northeast-1"),
    ("apne2", "ap-northeast-2"),
    ("apne3", "ap-northeast-3"),
    ("aps1", "ap-south-1"),
    ("aps2", "ap-south-2"),
    ("apse1", "ap-southeast-1"),
    ("apse2", "ap-southeast-2"),
    ("apse3", "ap-southeast-3"),
    ("apse4", "ap-southeast-4"),
    ("apse5", "ap-southeast-5"),
    ("cac1", "ca-central-1"),
    ("caw1", "ca-west-1"),
    ("cnn1", "cn-north-1"),
    ("cnnw1", "cn-northwest-1"),
    ("euc1", "eu-central-1"),
    ("euc2", "eu-central-2"),
    ("eun1", "eu-north-1"),
    ("eus1", "eu-south-1"),
    ("eus2", "eu-south-2"),
    ("euw1", "eu-west-1"),
    ("euw2", "eu-west-2"),
    ("euw3", "eu-west-3"),
    ("ilc1", "il-central-1"),
    ("mec1", "me-central-1"),
    ("mes1", "me-south-1"),
    ("sae1", "sa-east-1"),
    ("use1", "us-east-1"),
    ("use2", "us-east-2"),
    ("usge1", "us-gov-east-1"),
    ("usgw1", "us-gov-west-1"),
    ("usw1", "us-west-1"),
    ("usw2", "us-west-2"),
];

/// The region of an AZ ID such as `use1-az4`, from its prefix; `None` when the ID is
/// malformed or the prefix unknown.
pub fn region_of_zone_id(zone_id: &str) -> Option<&'static str> {
    let (prefix, number) = zone_id.rsplit_once("-az")?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    KNOWN_REGIONS
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, region)| *region)
}

/// Whether `region` is a region code fleetopt knows.
pub(crate) fn is_known_region(region: &str) -> bool {
    KNOWN_REGIONS.iter().any(|(_, r)| *r == region)
}

/// Whether `text` looks like an AZ ID (`use1-az4`) rather than an AZ name (`us-east-1a`).
pub fn looks_like_zone_id(text: &str) -> bool {
    text.rsplit_once("-az")
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The region an AZ **name** belongs to (`us-east-1a` → `us-east-1`): the name minus its
/// trailing letters. Local Zone names (`us-east-1-bos-1a`) are not regions and give `None`.
pub fn region_of_zone_name(zone_name: &str) -> Option<&'static str> {
    let trimmed = zone_name.trim_end_matches(|c: char| c.is_ascii_lowercase());
    if trimmed.len() == zone_name.len() {
        return None;
    }
    KNOWN_REGIONS
        .iter()
        .find(|(_, r)| *r == trimmed)
        .map(|(_, region)| *region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_ids_map_to_regions() {
        assert_eq!(region_of_zone_id("use1-az4"), Some("us-east-1"));
        assert_eq!(region_of_zone_id("apne2-az1"), Some("ap-northeast-2"));
        assert_eq!(region_of_zone_id("usw2-az10"), Some("us-west-2"));
        assert_eq!(region_of_zone_id("xyz1-az1"), None);
        assert_eq!(region_of_zone_id("us-east-1a"), None);
    }

    #[test]
    fn zone_names_map_to_regions() {
        assert_eq!(region_of_zone_name("us-east-1a"), Some("us-east-1"));
        assert_eq!(region_of_zone_name("eu-west-1c"), Some("eu-west-1"));
        assert_eq!(region_of_zone_name("us-east-1"), None);
        assert_eq!(region_of_zone_name("us-east-1-bos-1a"), None);
    }

    #[test]
    fn zone_id_shape_is_recognised() {
        assert!(looks_like_zone_id("use1-az4"));
        assert!(!looks_like_zone_id("us-east-1a"));
    }
}
