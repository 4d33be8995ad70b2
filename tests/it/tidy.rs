//! The architecture's rules as tests (rust-analyzer's `tidy` habit): each invariant that
//! ARCHITECTURE.md states about where code may live is checked by reading the sources, so a
//! change that breaks one fails here with the file and line, instead of living on in prose.
//!
//! Only library code counts: an item marked `#[cfg(test)]` (a `mod tests;` line, a
//! `mod tests { … }` block, a test-only function) is skipped up to its end and the scan goes
//! on after it, so library code after a `mod tests;` line is still checked; `tests.rs` files
//! are skipped for the rules about library code.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir` (relative to the repository root), sorted.
fn rust_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join(dir), &mut out);
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The library lines of a file (see [`library_lines_of`]); empty for `tests.rs` files.
fn library_lines(path: &Path) -> Vec<(usize, String)> {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return Vec::new();
    }
    library_lines_of(&fs::read_to_string(path).unwrap())
}

/// The library lines of a source text: (1-based line number, text), leaving out `//` comment
/// lines (doc comments included) and every item marked `#[cfg(test)]`: the attribute, the
/// attributes after it, and the item itself, which ends at a `;` before any brace (`mod
/// tests;`) or where its braces balance again (`mod tests { … }`, a test-only `fn`). Braces
/// inside strings, characters and comments do not count.
fn library_lines_of(text: &str) -> Vec<(usize, String)> {
    let mut lexer = Lexer::default();
    let mut skipping: Option<Skip> = None;
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(skip) = &mut skipping {
            let (opens, closes) = lexer.braces(line);
            if !skip.opened && opens == 0 && trimmed.starts_with("#[") {
                continue;
            }
            skip.depth += opens;
            skip.opened |= opens > 0;
            skip.depth = skip.depth.saturating_sub(closes);
            let ended = if skip.opened {
                skip.depth == 0
            } else {
                trimmed.ends_with(';')
            };
            if ended {
                skipping = None;
            }
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("#[cfg(test)]") {
            let mut skip = Skip::default();
            let (opens, closes) = lexer.braces(rest);
            skip.depth = opens.saturating_sub(closes);
            skip.opened = opens > 0;
            let ended = if skip.opened {
                skip.depth == 0
            } else {
                rest.trim().ends_with(';')
            };
            if !ended {
                skipping = Some(skip);
            }
            continue;
        }
        lexer.braces(line);
        if !trimmed.starts_with("//") {
            lines.push((i + 1, line.to_owned()));
        }
    }
    lines
}

/// Where the scan is inside a `#[cfg(test)]` item.
#[derive(Default)]
struct Skip {
    /// Open braces not yet closed.
    depth: usize,
    /// Whether the item has opened a brace (then it ends when they balance, not at a `;`).
    opened: bool,
}

/// Just enough of Rust's lexical structure to count braces: strings (plain, byte and raw, which
/// may span lines), character literals (told apart from lifetimes) and comments.
#[derive(Default)]
struct Lexer {
    /// Inside a string: `Some(hashes)` for a raw string `r#…"`, `None` for a plain one.
    string: Option<Option<usize>>,
    /// Nesting depth of `/* … */` comments.
    block_comment: usize,
}

impl Lexer {
    /// The `{` and `}` of one line that are code.
    fn braces(&mut self, line: &str) -> (usize, usize) {
        let chars: Vec<char> = line.chars().collect();
        let (mut opens, mut closes) = (0, 0);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if self.block_comment > 0 {
                if c == '*' && next == Some('/') {
                    self.block_comment -= 1;
                    i += 1;
                } else if c == '/' && next == Some('*') {
                    self.block_comment += 1;
                    i += 1;
                }
            } else if let Some(raw) = self.string {
                match raw {
                    None if c == '\\' => i += 1,
                    None if c == '"' => self.string = None,
                    Some(hashes)
                        if c == '"'
                            && chars[i + 1..]
                                .iter()
                                .take(hashes)
                                .filter(|&&h| h == '#')
                                .count()
                                == hashes =>
                    {
                        self.string = None;
                        i += hashes;
                    }
                    _ => {}
                }
            } else if c == '/' && next == Some('/') {
                break;
            } else if c == '/' && next == Some('*') {
                self.block_comment += 1;
                i += 1;
            } else if c == '"' {
                self.string = Some(None);
            } else if c == 'r' && starts_token(&chars, i) && matches!(next, Some('"' | '#')) {
                let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
                if chars.get(i + 1 + hashes) == Some(&'"') {
                    self.string = Some(Some(hashes));
                    i += 1 + hashes;
                }
            } else if c == '\'' {
                // A character literal ('{', '\'', '\u{7b}'), or a lifetime ('a), left alone.
                if next == Some('\\') {
                    let close = chars[i + 2..].iter().skip(1).position(|&q| q == '\'');
                    i += close.map_or(1, |at| at + 3);
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 2;
                }
            } else if c == '{' {
                opens += 1;
            } else if c == '}' {
                closes += 1;
            }
            i += 1;
        }
        (opens, closes)
    }
}

fn is_identifier(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `chars[i]` begins a token (or follows the `b` of a byte-string prefix).
fn starts_token(chars: &[char], i: usize) -> bool {
    let before = |k: usize| i.checked_sub(k).map(|j| chars[j]);
    match before(1) {
        None => true,
        Some('b') => before(2).is_none_or(|c| !is_identifier(c)),
        Some(c) => !is_identifier(c),
    }
}

/// Every library line under `dirs` containing one of `needles`, outside the `allowed` files.
fn offenders(dirs: &[&str], needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for dir in dirs {
        for path in rust_files(dir) {
            let name = relative(&path);
            if allowed.iter().any(|a| name == *a || name.starts_with(a)) {
                continue;
            }
            for (number, line) in library_lines(&path) {
                if needles.iter().any(|n| line.contains(n)) {
                    found.push(format!("{name}:{number}: {}", line.trim()));
                }
            }
        }
    }
    found
}

const LIBRARY_DIRS: [&str; 4] = ["instances/src", "solver/src", "batch/src", "src"];

#[test]
fn good_lp_and_highs_live_only_in_the_ilp_model() {
    let found = offenders(
        &LIBRARY_DIRS,
        &["good_lp::", "use good_lp", "highs::", "use highs"],
        &["solver/src/optimal/model.rs", "solver/src/optimal/rows.rs"],
    );
    assert!(
        found.is_empty(),
        "good_lp/highs outside optimal/model.rs and rows.rs:\n{}",
        found.join("\n")
    );
}

#[test]
fn petgraph_lives_only_in_the_failure_domain_graph() {
    let found = offenders(
        &LIBRARY_DIRS,
        &["petgraph"],
        &["solver/src/placement/domains.rs"],
    );
    assert!(
        found.is_empty(),
        "petgraph outside placement/domains.rs:\n{}",
        found.join("\n")
    );
}

#[test]
fn clap_lives_only_in_the_binary() {
    let found = offenders(
        &["instances/src", "solver/src", "batch/src"],
        &["clap"],
        &[],
    );
    assert!(
        found.is_empty(),
        "clap in a library crate:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_verifier_imports_no_planner() {
    let found = offenders(
        &["solver/src/verify"],
        &[
            "crate::aws_mode",
            "crate::optimal",
            "crate::candidates",
            "crate::metrics",
            "crate::compare",
            "placement::slots",
            "placement::domains",
        ],
        &[],
    );
    assert!(
        found.is_empty(),
        "the verifier imports a planner:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_planning_crate_does_no_file_io_and_knows_no_exit_codes() {
    let found = offenders(
        &["solver/src"],
        &[
            "std::fs",
            "fs::read",
            "fs::write",
            "File::open",
            "File::create",
            "OpenOptions",
            "tempfile",
            "exit_code",
            "ExitCode",
        ],
        &[],
    );
    assert!(
        found.is_empty(),
        "file IO or exit codes in solver:\n{}",
        found.join("\n")
    );
}

/// Where a bare float tolerance may be written: the tolerance modules, and nowhere else
/// (optimal mode's integer-program margins included). Never grow this list.
const TOLERANCE_LITERALS_ALLOWED: [&str; 2] =
    ["solver/src/tolerance.rs", "instances/src/tolerance.rs"];

/// The float literals with a negative exponent (`1e-9`, `5e-10`, `1.0e-12`) in one line of
/// code, outside a trailing `//` comment.
fn tolerance_literals(line: &str) -> Vec<String> {
    let code = line.split_once("//").map_or(line, |(code, _)| code);
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            && (i == 0 || !is_identifier(chars[i - 1]) && chars[i - 1] != '.');
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && (chars[j].is_ascii_digit() || matches!(chars[j], '.' | '_')) {
            j += 1;
        }
        let exponent = j + 1 < chars.len()
            && matches!(chars[j], 'e' | 'E')
            && chars[j + 1] == '-'
            && chars.get(j + 2).is_some_and(char::is_ascii_digit);
        if exponent {
            let mut k = j + 2;
            while k < chars.len() && chars[k].is_ascii_digit() {
                k += 1;
            }
            found.push(chars[i..k].iter().collect());
            j = k;
        }
        i = j.max(i + 1);
    }
    found
}

#[test]
fn tolerance_literals_are_found_in_code_but_not_in_comments_or_names() {
    assert_eq!(tolerance_literals("let x = a - 1e-9;"), ["1e-9"]);
    assert_eq!(
        tolerance_literals("(1.0e-12).max(5E-10_f64)"),
        ["1.0e-12", "5E-10"]
    );
    assert!(tolerance_literals("let x = a - NOISE; // 1e-9 absorbs noise").is_empty());
    assert!(tolerance_literals("let big = 1e15 + x1e-3 + 2.5;").is_empty());
}

/// Float tolerances are named, with the reason for their value, in a tolerance module
/// (`solver/src/tolerance.rs`, `instances/src/tolerance.rs`): a bare `1e-9` elsewhere in
/// library code is a second, unexplained definition of "equal".
#[test]
fn float_tolerances_are_named_in_the_tolerance_modules() {
    let mut found = Vec::new();
    for dir in LIBRARY_DIRS {
        for path in rust_files(dir) {
            let name = relative(&path);
            if TOLERANCE_LITERALS_ALLOWED
                .iter()
                .any(|a| name == *a || name.starts_with(a))
            {
                continue;
            }
            for (number, line) in library_lines(&path) {
                for literal in tolerance_literals(&line) {
                    found.push(format!("{name}:{number}: {literal}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "bare float tolerances outside the tolerance modules (name them there):\n{}",
        found.join("\n")
    );
    // The rule is not vacuous: the scan finds the literals where they belong.
    let named = library_lines(&root().join("solver/src/tolerance.rs"));
    assert!(
        named
            .iter()
            .any(|(_, line)| !tolerance_literals(line).is_empty())
    );
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let mut missing = Vec::new();
    for dir in LIBRARY_DIRS.iter().chain(&["tests/it", "benches"]) {
        for path in rust_files(dir) {
            let text = fs::read_to_string(&path).unwrap();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            if !first.starts_with("//!") {
                missing.push(relative(&path));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "source files without a //! module doc:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_committed_file_is_over_one_mebibyte_but_the_embedded_catalogue() {
    let Ok(output) = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root())
        .output()
    else {
        eprintln!("skipped: git is not available");
        return;
    };
    if !output.status.success() {
        eprintln!("skipped: not a git checkout");
        return;
    }
    let listing = String::from_utf8_lossy(&output.stdout).into_owned();
    let large: Vec<String> = listing
        .split('\0')
        .filter(|name| !name.is_empty() && *name != "instances/data/default-catalog.json")
        .filter_map(|name| {
            let size = fs::metadata(root().join(name)).ok()?.len();
            (size > 1024 * 1024).then(|| format!("{name}: {size} bytes"))
        })
        .collect();
    assert!(
        large.is_empty(),
        "committed files over 1 MiB:\n{}",
        large.join("\n")
    );
    let wheels: Vec<&str> = listing
        .split('\0')
        .filter(|name| name.ends_with(".whl") || name.ends_with(".so"))
        .collect();
    assert!(wheels.is_empty(), "committed binaries: {wheels:?}");
}

#[test]
fn the_rules_see_the_code_they_guard() {
    // Each rule is vacuous if the walk finds nothing: the model and the graph must be found.
    assert!(!offenders(&["solver/src/optimal"], &["good_lp::"], &[]).is_empty());
    assert!(!offenders(&["solver/src/placement"], &["petgraph"], &[]).is_empty());
    assert!(rust_files("solver/src").len() > 40);
}

/// The scanner itself, on a small source: it drops comment lines and each `#[cfg(test)]` item
/// to its end (a `mod tests;` line, a function, a module block, braces in strings, characters
/// and comments notwithstanding) and keeps the library code after each.
#[test]
fn the_scanner_skips_test_items_and_reads_on_after_them() {
    let source = r##"//! A module.
use a;
#[cfg(test)]
mod tests;
fn after_mod_tests() {}
#[cfg(test)]
#[allow(clippy::unwrap_used)]
fn test_only(x: &str)
    -> char
{
    let _ = "}";
    let _ = r#"{"#;
    let _ = b'}';
    '{'
}
// a comment
fn after_test_fn<'a>(s: &'a str) -> &'a str { s }
#[cfg(test)] use b::{c, d};
#[cfg(test)]
mod more_tests {
    fn f() { let _ = '}'; let _ = '\''; /* { */ }
    const S: &str = "a \" {";
}
fn last() {}
"##;
    let kept = library_lines_of(source);
    let kept: Vec<(usize, &str)> = kept.iter().map(|(n, l)| (*n, l.as_str())).collect();
    assert_eq!(
        kept,
        [
            (2, "use a;"),
            (5, "fn after_mod_tests() {}"),
            (17, "fn after_test_fn<'a>(s: &'a str) -> &'a str { s }"),
            (24, "fn last() {}"),
        ]
    );
}
