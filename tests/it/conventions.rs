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

/// `-o FILE` on every command that prints a document writes exactly what stdout would get.
#[test]
fn every_document_command_writes_to_a_file_with_o() {
    let dir = tempfile::tempdir().unwrap();
    let small = "fixtures/catalogs/small.json";
    let commands: Vec<Vec<&str>> = vec![
        vec!["catalog", "list", "--catalog", small],
        vec!["catalog", "show", "m5.large", "--catalog", small],
        vec!["catalog", "info", "--catalog", small],
        vec![
            "compare",
            "fixtures/requests/native/asg-style.toml",
            "--catalog",
            small,
        ],
        vec![
            "pareto",
            "fixtures/requests/native/asg-style.toml",
            "--catalog",
            small,
        ],
        vec![
            "simulate",
            "fixtures/plans/simulate/asg-style.json",
            "--catalog",
            small,
            "--trials",
            "50",
        ],
        vec!["completions", "bash"],
        vec!["man", "solve"],
    ];
    for (i, args) in commands.iter().enumerate() {
        let printed = fleetopt(args);
        assert_eq!(printed.code, 0, "{args:?}: {}", printed.render());
        let file = dir.path().join(format!("out-{i}"));
        let mut with_o = args.clone();
        with_o.extend(["-o", file.to_str().unwrap()]);
        let written = fleetopt(&with_o);
        assert_eq!(written.code, 0, "{with_o:?}: {}", written.render());
        assert!(written.stdout.is_empty(), "{with_o:?} printed too");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            printed.stdout,
            "{args:?}"
        );
    }
}

/// `--version` names the commit; `--quiet` drops summaries and notes but not errors; nothing
/// fleetopt prints carries a terminal colour code (so `NO_COLOR` holds trivially).
#[test]
fn version_quiet_and_no_colour() {
    let version = fleetopt(["--version"]);
    assert_eq!(version.code, 0);
    assert!(
        version
            .stdout
            .starts_with(&format!("fleetopt {} (", env!("CARGO_PKG_VERSION")))
            && (version.stdout.contains("commit ")),
        "{}",
        version.stdout
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("catalog.json");
    let build = |quiet: bool| {
        let mut args = vec![
            "catalog",
            "build",
            "--instance-types",
            "fixtures/aws/describe-instance-types.json",
            "--offerings",
            "fixtures/aws/offerings-az-id.json",
            "--on-demand-prices",
            "fixtures/aws/on-demand-prices.csv",
            "-o",
            out.to_str().unwrap(),
        ];
        if quiet {
            args.insert(0, "--quiet");
        }
        fleetopt(args)
    };
    let loud = build(false);
    assert_eq!(loud.code, 0, "{}", loud.render());
    assert!(loud.stderr.contains("wrote "), "{}", loud.render());
    let quiet = build(true);
    assert_eq!(quiet.code, 0, "{}", quiet.render());
    assert!(!quiet.stderr.contains("wrote "), "{}", quiet.render());
    let failed = fleetopt(["--quiet", "solve", "no-such-request.toml"]);
    assert_eq!(failed.code, 2);
    assert!(failed.stderr.starts_with("error: "), "{}", failed.render());
    for run in [&version, &loud, &failed] {
        assert!(!run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'));
    }
}
