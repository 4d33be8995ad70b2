//! Records the commit the binary is built from, for `fleetopt --version`: `git rev-parse
//! --short=12 HEAD` when the source is a git checkout (with `-dirty` when it has uncommitted
//! changes), else `unknown commit` (a source archive, or no git on the machine).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn main() {
    let commit = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(hash) if !hash.is_empty() => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|status| !status.is_empty());
            if dirty {
                format!("commit {hash}-dirty")
            } else {
                format!("commit {hash}")
            }
        }
        _ => "unknown commit".to_owned(),
    };
    println!("cargo:rustc-env=FLEETOPT_COMMIT={commit}");
    // A new commit or checkout moves HEAD or the ref it names; the index changes with staging.
    for path in [".git/HEAD", ".git/index", ".git/refs/heads"] {
        println!("cargo:rerun-if-changed={path}");
    }
}
