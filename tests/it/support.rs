//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    root().join("fixtures").join(relative)
}

/// `../shared/data`, when present (CI provides it; a bare checkout may not).
pub fn shared_data() -> Option<PathBuf> {
    let path = root().join("../shared/data");
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipped: ../shared/data not found (CI provides it beside the checkout)");
        None
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// A stable text rendering for snapshots: exit code, stdout, stderr.
    pub fn render(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `fleetopt` with `args` from the repository root.
pub fn fleetopt<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output = Command::new(env!("CARGO_BIN_EXE_fleetopt"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the fleetopt binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A path relative to the repository root, as tests pass it to the binary (so messages do not
/// depend on where the checkout lives).
pub fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}
