//! The architecture's rules as tests (rust-analyzer's `tidy` habit): each invariant that
//! ARCHITECTURE.md states about where code may live is checked by reading the sources, so a
//! change that breaks one fails here with the file and line, instead of living on in prose.
//!
//! Only library code counts: everything from a file's first `#[cfg(test)]` on is test code
//! (the project keeps unit tests at the end of a file or in `tests.rs`), and `tests.rs` files
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

/// The library lines of a file: (line number, text) before the first `#[cfg(test)]`, with
/// `//` comments (doc comments included) left out. Empty for `tests.rs` files.
fn library_lines(path: &Path) -> Vec<(usize, String)> {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return Vec::new();
    }
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(i, line)| (i + 1, line.to_owned()))
        .collect()
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
