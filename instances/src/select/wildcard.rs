//! AWS instance-type wildcards, as `AllowedInstanceTypes` / `ExcludedInstanceTypes` use them:
//! a glob over the full type name in which `*` matches any run of characters (the `.`
//! included) and every other character matches itself.

/// Whether `name` matches the AWS wildcard `pattern`.
///
/// `*` matches any run of characters, including none and including `.`; that is what makes
/// AWS's own example work, where `c5*` covers `c5.large`, `c5a.large` and `c5n.xlarge`. There
/// are no other metacharacters (`?`, `[` and `\` match themselves), and the match is over the
/// whole name, so `m5` does not match `m5.large`.
///
/// The match is iterative with single-star backtracking: O(pattern × name) in the worst case,
/// with no recursion, so hostile patterns such as `*a*a*a*a*b` cannot blow the stack.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    // Bytes, not chars: `*` is ASCII, so byte-wise matching gives the same answer as char-wise
    // matching for any UTF-8 input and cannot split a character in a way that matters.
    let pattern = pattern.as_bytes();
    let name = name.as_bytes();
    let (mut p, mut n) = (0usize, 0usize);
    // Position of the last `*` seen and the name position it is currently assumed to end at.
    // Only the last star needs remembering: a later star can absorb anything an earlier
    // star would have had to take.
    let mut backtrack: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                backtrack = Some((p, n));
                p += 1;
            }
            Some(&c) if c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match backtrack {
                // Let the last star swallow one more character and retry after it.
                Some((star, start)) => {
                    p = star + 1;
                    n = start + 1;
                    backtrack = Some((star, start + 1));
                }
                None => return false,
            },
        }
    }
    // The name is used up; only trailing stars may remain in the pattern.
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn exact_name_m5_8xlarge_matches_only_itself() {
        assert!(wildcard_match("m5.8xlarge", "m5.8xlarge"));
        assert!(!wildcard_match("m5.8xlarge", "m5.xlarge"));
        assert!(!wildcard_match("m5.8xlarge", "m5.8xlarge2"));
        assert!(!wildcard_match("m5.8xlarge", "m5d.8xlarge"));
    }

    #[test]
    fn c5_star_dot_star_matches_c5_and_its_variants() {
        for name in ["c5.large", "c5a.large", "c5n.18xlarge", "c5d.metal"] {
            assert!(wildcard_match("c5*.*", name), "{name}");
        }
        for name in ["c6i.large", "m5.large", "c4.large"] {
            assert!(!wildcard_match("c5*.*", name), "{name}");
        }
    }

    #[test]
    fn c5_star_excludes_c5a_and_c5n() {
        // AWS: "if you specify c5*, Amazon EC2 will exclude the entire C5 instance family,
        // which includes all C5a and C5n instance types".
        for name in [
            "c5.large",
            "c5.xlarge",
            "c5a.large",
            "c5n.xlarge",
            "c5ad.2xlarge",
        ] {
            assert!(wildcard_match("c5*", name), "{name}");
        }
        for name in ["c6a.large", "c4.large", "m5.large"] {
            assert!(!wildcard_match("c5*", name), "{name}");
        }
    }

    #[test]
    fn m5a_dot_star_does_not_match_m5n() {
        assert!(wildcard_match("m5a.*", "m5a.large"));
        assert!(wildcard_match("m5a.*", "m5a.24xlarge"));
        assert!(!wildcard_match("m5a.*", "m5n.large"));
        assert!(!wildcard_match("m5a.*", "m5ad.large"));
        assert!(!wildcard_match("m5a.*", "m5.large"));
    }

    #[test]
    fn r_star_matches_every_r_family() {
        for name in ["r5.large", "r6g.medium", "r7iz.metal-16xl"] {
            assert!(wildcard_match("r*", name), "{name}");
        }
        assert!(!wildcard_match("r*", "m5.large"));
        assert!(!wildcard_match("r*", "x2iedn.xlarge"));
    }

    #[test]
    fn star_3_star_matches_a_3_anywhere() {
        for name in ["t3.micro", "m3.medium", "c5.3xlarge", "i3en.large"] {
            assert!(wildcard_match("*3*", name), "{name}");
        }
        for name in ["m5.large", "c6i.24xlarge"] {
            assert!(!wildcard_match("*3*", name), "{name}");
        }
    }

    #[test]
    fn star_matches_the_dot() {
        assert!(wildcard_match("m5*large", "m5.large"));
        assert!(wildcard_match("*", "m5.large"));
        assert!(wildcard_match("**", ""));
        assert!(wildcard_match("*.large", "m7g.large"));
        assert!(!wildcard_match("*.large", "m7g.xlarge"));
    }

    #[test]
    fn other_glob_characters_are_literal() {
        assert!(!wildcard_match("m5.?arge", "m5.large"));
        assert!(!wildcard_match("m[5].large", "m5.large"));
        assert!(wildcard_match("m5.?arge", "m5.?arge"));
    }

    #[test]
    fn match_is_over_the_whole_name() {
        assert!(!wildcard_match("m5", "m5.large"));
        assert!(!wildcard_match("5.large", "m5.large"));
        assert!(!wildcard_match("", "m5.large"));
        assert!(wildcard_match("", ""));
    }

    #[test]
    fn pathological_patterns_finish_quickly() {
        let name = "a".repeat(5_000);
        let pattern = format!("{}b", "*a".repeat(200));
        assert!(!wildcard_match(&pattern, &name));
        let pattern = format!("{}a", "*a".repeat(200));
        assert!(wildcard_match(&pattern, &name));
    }
}
