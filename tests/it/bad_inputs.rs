//! The bad-input corpus: every file under `fixtures/bad/<kind>/` is fed to the command that
//! reads that kind of input. Each must fail with exit code 2, never panic, never leave an
//! output file, and give exactly the message pinned in its snapshot.

use crate::support::{fixture, fleetopt, rel};

/// The command line that feeds `file` (of input `kind`) to fleetopt, writing to `output`.
fn command_for(kind: &str, file: &str, output: &str) -> Vec<String> {
    let good_types = rel(&fixture("aws/describe-instance-types.json"));
    let good_offerings = rel(&fixture("aws/offerings-az-id.json"));
    let build = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["catalog", "build"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["-o", output]);
        args.into_iter().map(str::to_owned).collect()
    };
    match kind {
        "catalog" => ["catalog", "info", "--catalog", file]
            .map(str::to_owned)
            .to_vec(),
        "requests" => [
            "solve",
            file,
            "--mode",
            "aws",
            "--catalog",
            "fixtures/catalogs/small.json",
            "--region",
            "us-east-1",
            "-o",
            output,
        ]
        .map(str::to_owned)
        .to_vec(),
        "instance-types" => build(&["--instance-types", file, "--offerings", &good_offerings]),
        "offerings" => build(&["--instance-types", &good_types, "--offerings", file]),
        "spot-prices" | "advisor" | "placement-scores" | "on-demand-prices" | "zones" => {
            let flag = format!("--{kind}");
            build(&[
                "--instance-types",
                &good_types,
                "--offerings",
                &good_offerings,
                &flag,
                file,
            ])
        }
        other => panic!("fixtures/bad/{other}: unknown input kind; add it to command_for"),
    }
}

#[test]
fn every_bad_input_fails_clearly() {
    insta::glob!("../../fixtures", "bad/*/*", |path: &std::path::Path| {
        let kind = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("out.json");
        let args = command_for(kind, &rel(path), output.to_str().unwrap());
        let run = fleetopt(&args);
        assert_eq!(run.code, 2, "{}: {}", rel(path), run.render());
        assert!(
            !run.stderr.contains("panicked"),
            "{}: {}",
            rel(path),
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}: {}", rel(path), run.stdout);
        assert!(
            !output.exists(),
            "{}: a failed command left an output file",
            rel(path)
        );
        insta::assert_snapshot!(run.stderr);
    });
}
