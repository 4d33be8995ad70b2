//! Name suggestions: the edit distance between two names and the "did you mean …?" choice of
//! the closest known name. Every message in fleetopt that suggests a spelling (instance types,
//! allocation strategies, request fields, sweep constraints) chooses through this room, so a
//! misspelling gets the same answer wherever it is made.
//!
//! The choice is deterministic: the smallest distance wins, and equally close candidates are
//! ordered by name, never by the order the candidates were listed in.

/// How letter case counts when a name is compared with the candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Every letter as written: `M5.large` is one edit from `m5.large`. Equally close
    /// candidates are ordered by name.
    Sensitive,
    /// ASCII case ignored: `Prioritised` is one edit from `prioritized`. Equally close
    /// candidates are ordered by name.
    Ignored,
    /// ASCII case ignored first; among equally close candidates the one closer with case wins,
    /// then the name (`capacity_Optimized` is one edit from both `capacityOptimized` and
    /// `capacity-optimized` without case, but only the first needs no case change).
    IgnoredThenSensitive,
}

/// Levenshtein distance in characters (insertions, deletions and substitutions each count 1).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// The candidate closest to `name` under `case`, if it is at most `max_distance` edits away
/// (the distance counted as `case` says: without case for [`Case::Ignored`] and
/// [`Case::IgnoredThenSensitive`]). Ties go as [`Case`] documents.
pub fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    case: Case,
    max_distance: usize,
) -> Option<&'a str> {
    let folded = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let (distance, tie_break) = match case {
                Case::Sensitive => (edit_distance(name, candidate), 0),
                Case::Ignored => (edit_distance(&folded, &candidate.to_ascii_lowercase()), 0),
                Case::IgnoredThenSensitive => (
                    edit_distance(&folded, &candidate.to_ascii_lowercase()),
                    edit_distance(name, candidate),
                ),
            };
            (distance, tie_break, candidate)
        })
        .filter(|(distance, _, _)| *distance <= max_distance)
        .min()
        .map(|(_, _, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("m5.large", "m5.large"), 0);
        assert_eq!(edit_distance("m5.lrage", "m5.large"), 2);
        assert_eq!(edit_distance("m5.larg", "m5.large"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        // Characters, not bytes.
        assert_eq!(edit_distance("é", "e"), 1);
    }

    #[test]
    fn closest_respects_the_limit() {
        let names = ["m5.large", "c5.large", "m5.xlarge"];
        assert_eq!(
            closest("m5.lrage", names, Case::Sensitive, 3),
            Some("m5.large")
        );
        assert_eq!(closest("r7iz.metal", names, Case::Sensitive, 3), None);
        assert_eq!(closest("m5.large", [], Case::Sensitive, 3), None);
    }

    #[test]
    fn ties_go_to_the_first_name_in_order_not_in_the_list() {
        // `m5.larg` is one edit from both; `m5.large` sorts first whatever the listing order.
        for names in [["m5.large", "m5.largf"], ["m5.largf", "m5.large"]] {
            assert_eq!(
                closest("m5.larg", names, Case::Sensitive, 3),
                Some("m5.large")
            );
        }
    }

    #[test]
    fn case_can_be_ignored() {
        assert_eq!(closest("M5.LARGE", ["m5.large"], Case::Sensitive, 3), None);
        assert_eq!(
            closest("M5.LARGE", ["m5.large"], Case::Ignored, 0),
            Some("m5.large")
        );
        // `capacity_Optimized` is one edit from both spellings without case. Ignoring case
        // alone, the name order decides (`-` sorts before `O`); with the case tie-break, the
        // spelling that needs no case change wins.
        let spellings = ["capacityOptimized", "capacity-optimized"];
        assert_eq!(
            closest("capacity_Optimized", spellings, Case::Ignored, 6),
            Some("capacity-optimized")
        );
        assert_eq!(
            closest(
                "capacity_Optimized",
                spellings,
                Case::IgnoredThenSensitive,
                6
            ),
            Some("capacityOptimized")
        );
    }
}
