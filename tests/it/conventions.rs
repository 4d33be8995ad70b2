//! CLI conventions: shell completions and manual pages, generated from the clap definitions.

use crate::support::fleetopt;

#[test]
fn completions_cover_every_command_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = fleetopt(["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.render());
        for command in [
            "solve", "compare", "pareto", "simulate", "batch", "merge", "export",
        ] {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    // bash completes the flags of a nested command too.
    let bash = fleetopt(["completions", "bash"]);
    assert!(
        bash.stdout.contains("--price-list"),
        "catalog build's flags"
    );
    let run = fleetopt(["completions", "tcsh"]);
    assert_eq!(run.code, 2, "{}", run.render());
}

#[test]
fn man_pages_render_the_top_level_and_each_command() {
    let top = fleetopt(["man"]);
    assert_eq!(top.code, 0, "{}", top.render());
    assert!(top.stdout.contains(".TH fleetopt 1"), "{}", top.stdout);
    assert!(top.stdout.contains("simulate"));
    let build = fleetopt(["man", "catalog-build"]);
    assert_eq!(build.code, 0, "{}", build.render());
    let heading = format!(
        ".TH fleetopt-catalog-build 1  \"fleetopt {}\"",
        env!("CARGO_PKG_VERSION")
    );
    assert!(build.stdout.contains(&heading), "{}", build.stdout);
    assert!(
        build.stdout.contains("price\\-list"),
        "every option of the command"
    );
    let unknown = fleetopt(["man", "solv"]);
    assert_eq!(unknown.code, 2, "{}", unknown.render());
    assert!(
        unknown.stderr.contains("unknown command `solv`"),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown.stderr.contains("catalog-build"),
        "{}",
        unknown.stderr
    );
}
