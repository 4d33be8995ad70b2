//! `fleetopt batch | merge` over `fixtures/batch/`: byte-identical output for any thread count,
//! shards merged into the single-run bytes, kill -9 and resume, torn journals, bad scenarios
//! isolated, sweep expansion order.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fleetopt::batch::Input;
use fleetopt::batch::journal::{self, Header, JOURNAL_SCHEMA, Journal};
use insta::assert_snapshot;

use crate::support::{Run, fixture, fleetopt, root};

const MIXED: &str = "fixtures/batch/mixed.jsonl";
const SWEEP: &str = "fixtures/batch/sweep.toml";
const M300: &str = "fixtures/batch/m-300.toml";

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs `fleetopt batch FILE -o OUT EXTRA…` and returns the run and the output bytes.
fn batch_to(file: &str, out: &Path, extra: &[&str]) -> (Run, Vec<u8>) {
    let mut args = vec!["batch", file, "-o", path(out)];
    args.extend_from_slice(extra);
    let run = fleetopt(args);
    let bytes = std::fs::read(out).unwrap_or_default();
    (run, bytes)
}

/// Runs `fleetopt ARGS` with exactly the environment `env` (so the runner's own variables
/// cannot leak in).
fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_fleetopt"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .current_dir(root())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn output_is_byte_identical_for_any_thread_count_and_chunk_size() {
    let dir = tempfile::tempdir().unwrap();
    for file in [MIXED, SWEEP] {
        let (one, reference) = batch_to(file, &dir.path().join("j1.jsonl"), &["-j", "1"]);
        assert!(!reference.is_empty(), "{}", one.render());
        for (name, extra) in [
            ("j2", vec!["-j", "2"]),
            ("j8", vec!["-j", "8"]),
            ("c1", vec!["-j", "8", "--chunk-size", "1"]),
            ("c3", vec!["-j", "2", "--chunk-size", "3"]),
        ] {
            let (run, bytes) = batch_to(file, &dir.path().join(format!("{name}.jsonl")), &extra);
            assert_eq!(run.code, one.code, "{file} {extra:?}: {}", run.render());
            assert!(
                bytes == reference,
                "{file} {extra:?}: output differs from -j 1"
            );
        }
        // stdout gives the same bytes; nothing but the one-line report reaches stderr (no
        // progress bar when stderr is not a terminal).
        let stdout = fleetopt(["batch", file, "-j", "2"]);
        assert_eq!(stdout.stdout.as_bytes(), reference.as_slice());
        assert_eq!(
            stdout.stderr.lines().next().unwrap(),
            one.stderr.lines().next().unwrap()
        );
        assert!(!one.stderr.contains('\r') && !one.stderr.contains('\u{1b}'));
        // No journal is left behind after success.
        assert!(!journal::path_for(&dir.path().join("j1.jsonl")).exists());
    }
}

#[test]
fn bad_scenarios_become_error_lines_and_the_rest_are_solved() {
    let run = fleetopt(["batch", MIXED, "-j", "2"]);
    assert_eq!(run.code, 5, "{}", run.render());
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 9, "one line per non-blank input line");
    let mut digest = String::new();
    for line in &lines {
        let id = &line["id"];
        if let Some(plan) = line.get("plan") {
            assert_eq!(plan["schema"], "fleetopt.plan/v1");
            assert!(
                plan["metrics"]["capacity"].as_f64().unwrap()
                    >= plan["metrics"]["target"].as_f64().unwrap()
            );
            digest.push_str(&format!(
                "{id} plan cost {}\n",
                plan["metrics"]["cost_per_hour"]
            ));
        } else {
            let error = &line["error"];
            digest.push_str(&format!(
                "{id} error {} {}: {}\n",
                error["kind"], error["exit_code"], error["message"]
            ));
        }
    }
    digest.push_str(&format!("--- stderr\n{}", run.stderr));
    assert_snapshot!(digest);
}

#[test]
fn summary_csv_has_one_row_per_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("summary.csv");
    let (run, _) = batch_to(
        MIXED,
        &dir.path().join("out.jsonl"),
        &["--summary", path(&csv)],
    );
    assert_eq!(run.code, 5, "{}", run.render());
    let mixed = std::fs::read_to_string(&csv).unwrap();
    let (run, _) = batch_to(
        SWEEP,
        &dir.path().join("sweep.jsonl"),
        &["--summary", path(&csv)],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    let sweep = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(sweep.lines().count(), 13);
    assert_snapshot!(format!("{mixed}---\n{sweep}"));
}

#[test]
fn sweep_expansion_order_is_stable() {
    let mut text = String::new();
    for file in ["batch/sweep.toml", "batch/sweep-inline.toml"] {
        let input = Input::open(&fixture(file)).unwrap();
        let fleetopt::batch::input::InputKind::Sweep(sweep) = &input.kind else {
            panic!("{file} is a sweep");
        };
        text.push_str(&format!("{file}: {} scenarios\n", sweep.len()));
        for axis in sweep.axes() {
            text.push_str(&format!(
                "  axis {} -> {} = {}\n",
                axis.key,
                axis.path.join("."),
                serde_json::Value::Array(axis.values.clone())
            ));
        }
        for i in 0..sweep.len() {
            text.push_str(&format!("  {i}: {}\n", sweep.scenario(i).id));
        }
    }
    // The request of one scenario, with the axis values written in.
    let input = Input::open(&fixture("batch/sweep-inline.toml")).unwrap();
    let fleetopt::batch::input::InputKind::Sweep(sweep) = &input.kind else {
        unreachable!()
    };
    text.push_str(&serde_json::to_string_pretty(&sweep.scenario(13).request).unwrap());
    assert_snapshot!(text);
}

#[test]
fn shards_merge_into_the_single_run_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for (file, shards) in [(SWEEP, 3u64), (MIXED, 4), (MIXED, 12)] {
        let (_, single) = batch_to(file, &dir.path().join("single.jsonl"), &[]);
        let mut outputs = Vec::new();
        // In reverse order, to show that merge orders them itself.
        for k in (0..shards).rev() {
            let out = dir.path().join(format!("shard-{k}.jsonl"));
            let spec = format!("{k}/{shards}");
            let (run, bytes) = batch_to(file, &out, &["--shard", &spec]);
            assert!(run.code == 0 || run.code == 5, "{}", run.render());
            assert!(
                String::from_utf8(bytes)
                    .unwrap()
                    .starts_with("{\"fleetopt_shard\":")
            );
            outputs.push(out);
        }
        let merged = dir.path().join("merged.jsonl");
        let mut args = vec!["merge".to_owned()];
        args.extend(outputs.iter().map(|p| path(p).to_owned()));
        args.extend(["-o".to_owned(), path(&merged).to_owned()]);
        let run = fleetopt(&args);
        // Like batch, merge exits 5 when some merged scenarios are errors.
        let code = if file == MIXED { 5 } else { 0 };
        assert_eq!(run.code, code, "{}", run.render());
        assert!(
            std::fs::read(&merged).unwrap() == single,
            "{file} in {shards} shards"
        );

        // A missing shard and a repeated one are refused, naming them.
        let run = fleetopt(["merge", path(&outputs[0]), "-o", path(&merged)]);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains("missing shard output(s): 0/"),
            "{}",
            run.stderr
        );
        let mut twice = args.clone();
        twice.insert(1, path(&outputs[0]).to_owned());
        let run = fleetopt(&twice);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr
                .contains(&format!("are both shard {}/{shards}", shards - 1)),
            "{}",
            run.stderr
        );
    }
    // Shards of different inputs do not mix; a plain output is not a shard output.
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    batch_to(SWEEP, &a, &["--shard", "0/2"]);
    batch_to(MIXED, &b, &["--shard", "1/2"]);
    let run = fleetopt([
        "merge",
        path(&a),
        path(&b),
        "-o",
        path(&dir.path().join("m.jsonl")),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("belongs to another input"),
        "{}",
        run.stderr
    );
    let run = fleetopt([
        "merge",
        path(&dir.path().join("single.jsonl")),
        "-o",
        path(&a),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a shard output"), "{}", run.stderr);
}

#[test]
fn shard_comes_from_aws_batch_or_kubernetes_environment() {
    let dir = tempfile::tempdir().unwrap();
    let (_, expected) = batch_to(SWEEP, &dir.path().join("flag.jsonl"), &["--shard", "1/3"]);
    let out = dir.path().join("env.jsonl");
    let args = ["batch", SWEEP, "--shard-from-env", "-o", path(&out)];
    let run = run_with_env(
        &args,
        &[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "3"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(std::fs::read(&out).unwrap() == expected);
    let run = run_with_env(
        &args,
        &[("JOB_COMPLETION_INDEX", "1"), ("FLEETOPT_SHARDS", "3")],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(std::fs::read(&out).unwrap() == expected);
    let mut with_flag = args.to_vec();
    with_flag.extend(["--shards", "3"]);
    let run = run_with_env(&with_flag, &[("JOB_COMPLETION_INDEX", "1")]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(std::fs::read(&out).unwrap() == expected);
    let run = run_with_env(&args, &[("JOB_COMPLETION_INDEX", "1")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--shards N"), "{}", run.stderr);
    let run = run_with_env(&args, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("neither AWS_BATCH_JOB_ARRAY_INDEX"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_usage_is_refused_with_exit_2() {
    let run = fleetopt(["batch", SWEEP, "--shard", "3/3"]);
    assert_eq!(run.code, 2);
    assert_snapshot!("shard_out_of_range", run.render());
    let run = fleetopt(["batch", "fixtures/batch/small-request.txt"]);
    assert_eq!(run.code, 2);
    assert_snapshot!("unknown_batch_file", run.render());
    // JSON Lines under a .json name reads as a (broken) sweep file, and the message says so.
    let dir = tempfile::tempdir().unwrap();
    let misnamed = dir.path().join("scenarios.json");
    std::fs::copy(fixture("batch/mixed.jsonl"), &misnamed).unwrap();
    let run = fleetopt(["batch", path(&misnamed)]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("name JSON Lines scenarios *.jsonl"),
        "{}",
        run.stderr
    );
    let run = fleetopt(["batch", SWEEP, "-j", "0"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("at least one thread"), "{}", run.stderr);
}

/// The header the binary writes for `file` run as a whole with the default catalogue.
fn journal_header(file: &str) -> Header {
    journal_header_of(&Input::open(&root().join(file)).unwrap())
}

#[test]
fn resume_ignores_a_torn_last_journal_line() {
    let dir = tempfile::tempdir().unwrap();
    let (run, reference) = batch_to(SWEEP, &dir.path().join("reference.jsonl"), &[]);
    assert_eq!(run.code, 0, "{}", run.render());
    let lines: Vec<&str> = std::str::from_utf8(&reference).unwrap().lines().collect();

    // A journal holding scenarios 0, 5 and 2 whole, then half of scenario 7's record.
    let out = dir.path().join("out.jsonl");
    let journal_path = journal::path_for(&out);
    let header = journal_header(SWEEP);
    let mut journal = Journal::create(&journal_path, &header, 0..12).unwrap();
    journal
        .append(&[0usize, 5, 2].map(|i| (i as u64, false, lines[i].to_owned())))
        .unwrap();
    drop(journal);
    let torn = format!(
        "7\tp\t{}\t{}",
        journal::record_checksum(7, false, lines[7]),
        lines[7]
    );
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal_path)
        .unwrap();
    file.write_all(&torn.as_bytes()[..torn.len() / 2]).unwrap();
    drop(file);

    // Without --resume the journal is protected.
    let (run, _) = batch_to(SWEEP, &out, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("pass --resume to continue it"),
        "{}",
        run.stderr
    );
    let csv = dir.path().join("summary.csv");
    let (run, bytes) = batch_to(
        SWEEP,
        &out,
        &["--resume", "-j", "2", "--summary", path(&csv)],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr.contains("3 taken from the journal"),
        "{}",
        run.stderr
    );
    assert!(
        bytes == reference,
        "resumed output differs from an uninterrupted run"
    );
    assert!(!journal_path.exists());
    // The summary covers the resumed scenarios too, in input order.
    let summary = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(summary.lines().count(), 13);
    assert!(
        summary
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("s-strat=lowestPrice-cap=60-max_pool_share=0.25,ok,")
    );

    // A resumed shard: its journal names the shard, and the output keeps the shard header.
    let shard_out = dir.path().join("shard.jsonl");
    let (run, expected) = batch_to(SWEEP, &shard_out, &["--shard", "1/2"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let shard_lines: Vec<&str> = std::str::from_utf8(&expected).unwrap().lines().collect();
    let mut shard_header = header.clone();
    shard_header.shard = Some(fleetopt::batch::Shard::new(1, 2).unwrap());
    let mut journal =
        Journal::create(&journal::path_for(&shard_out), &shard_header, 6..12).unwrap();
    journal
        .append(&[(8, false, shard_lines[3].to_owned())])
        .unwrap();
    drop(journal);
    let (run, bytes) = batch_to(SWEEP, &shard_out, &["--shard", "1/2", "--resume"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr.contains("1 taken from the journal"),
        "{}",
        run.stderr
    );
    assert!(bytes == expected);

    // A journal of another input is refused.
    let mut other = header.clone();
    other.input = "sha256:0000".to_owned();
    Journal::create(&journal_path, &other, 0..12).unwrap();
    let (run, _) = batch_to(SWEEP, &out, &["--resume"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("belongs to another run"),
        "{}",
        run.stderr
    );
}

fn record_count(journal: &Path) -> usize {
    std::fs::read(journal)
        .map(|b| b.iter().filter(|c| **c == b'\n').count().saturating_sub(1))
        .unwrap_or(0)
}

#[test]
fn kill_9_then_resume_gives_the_uninterrupted_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out: PathBuf = dir.path().join("out.jsonl");
    let journal_path = journal::path_for(&out);
    let mut child = Command::new(env!("CARGO_BIN_EXE_fleetopt"))
        .args([
            "batch",
            M300,
            "-o",
            path(&out),
            "-j",
            "1",
            "--chunk-size",
            "4",
        ])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while record_count(&journal_path) < 12 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the journal never grew"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch finished before it was killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let journaled = record_count(&journal_path);
    assert!(!out.exists(), "no output file before the run completes");
    assert!(journaled < 300, "killed mid-run ({journaled} records)");
    // As if the kill had torn the last record in half.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal_path)
        .unwrap();
    file.write_all(b"299\tp\t0123").unwrap();
    drop(file);

    let (run, resumed) = batch_to(M300, &out, &["--resume", "-j", "2"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr
            .contains(&format!("{journaled} taken from the journal")),
        "{}",
        run.stderr
    );
    assert!(!journal_path.exists());
    let (run, reference) = batch_to(M300, &dir.path().join("reference.jsonl"), &["-j", "2"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        resumed == reference,
        "resumed output differs from an uninterrupted run"
    );
    let text = String::from_utf8(resumed).unwrap();
    let ids: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 300);
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 300, "no duplicates");
}

#[test]
fn resume_refuses_a_journal_once_a_file_the_scenarios_name_changed() {
    let dir = tempfile::tempdir().unwrap();
    let request = dir.path().join("req.toml");
    std::fs::copy(root().join("fixtures/batch/small-request.toml"), &request).unwrap();
    let catalog = root().join("fixtures/catalogs/small.json");
    let lines = dir.path().join("s.jsonl");
    std::fs::write(
        &lines,
        format!(
            "{{\"id\": \"a\", \"request_file\": \"req.toml\", \"catalog\": {catalog:?}}}\n\
             {{\"id\": \"b\", \"request_file\": \"req.toml\", \"catalog\": {catalog:?}}}\n"
        ),
    )
    .unwrap();
    let (run, reference) = batch_to(path(&lines), &dir.path().join("reference.jsonl"), &[]);
    assert_eq!(run.code, 0, "{}", run.render());
    let first = std::str::from_utf8(&reference)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();

    // A run that stopped after scenario 0, as the binary journals it.
    let input = Input::open(&lines).unwrap();
    let named = input.named_files_digest(0..2).unwrap();
    assert!(named.is_some(), "the scenarios name two files");
    let header = Header {
        named_files: named,
        ..journal_header_of(&input)
    };
    let out = dir.path().join("out.jsonl");
    let journal_path = journal::path_for(&out);
    let write_journal = || {
        let mut journal = Journal::create(&journal_path, &header, 0..2).unwrap();
        journal.append(&[(0, false, first.clone())]).unwrap();
    };
    write_journal();
    let (run, resumed) = batch_to(path(&lines), &out, &["--resume"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr.contains("1 taken from the journal"),
        "{}",
        run.stderr
    );
    assert!(resumed == reference);

    // The same journal after the request file was edited: its result may no longer hold.
    write_journal();
    let edited = std::fs::read_to_string(&request)
        .unwrap()
        .replace("capacity = 12", "capacity = 16");
    std::fs::write(&request, edited).unwrap();
    let (run, _) = batch_to(path(&lines), &out, &["--resume"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("belongs to another run"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("files named by scenarios sha256:"),
        "{}",
        run.stderr
    );
}

/// The header the binary writes for `input` run as a whole with the default catalogue and no
/// named files.
fn journal_header_of(input: &Input) -> Header {
    Header {
        journal: JOURNAL_SCHEMA.to_owned(),
        fleetopt: env!("CARGO_PKG_VERSION").to_owned(),
        input: input.fingerprint().to_owned(),
        total: input.len(),
        shard: None,
        catalog: None,
        catalog_digest: None,
        named_files: None,
    }
}

/// A JSON line names the account's commitment files (paths relative to the batch file): the
/// plan reports them as `fleetopt solve` with the same flags does, a bad one is that
/// scenario's error line naming the field, and the journal binds the files' bytes.
#[test]
fn scenarios_name_commitment_files_like_the_solve_flags() {
    let dir = tempfile::tempdir().unwrap();
    let docs = root().join("fixtures");
    let request = docs.join("aws-docs/instant-fleet-example-10-reservations-first.json");
    let reservations = docs.join("aws/commitments/describe-capacity-reservations.json");
    let line = |id: &str, reservations: &Path| {
        serde_json::json!({
            "id": id,
            "request_file": request,
            "capacity_reservations": [reservations],
        })
        .to_string()
    };
    let bad = dir.path().join("bad-reservations.json");
    std::fs::write(
        &bad,
        r#"{"CapacityReservations": [{"CapacityReservationId": "x"}]}"#,
    )
    .unwrap();
    let input = dir.path().join("owned.jsonl");
    std::fs::write(
        &input,
        format!("{}\n{}\n", line("good", &reservations), line("bad", &bad)),
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    let (run, bytes) = batch_to(path(&input), &out, &[]);
    assert_eq!(run.code, 5, "{}", run.render());
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let used: Vec<u64> = lines[0]["plan"]["commitments"]["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["used"].as_u64().unwrap())
        .collect();
    assert_eq!(used, vec![3, 3, 0, 0], "{}", lines[0]);
    let message = lines[1]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("(bad): capacity_reservations: ")
            && message.contains("bad-reservations.json"),
        "{message}"
    );
    let files = Input::open(&input).unwrap().named_files(0..2).unwrap();
    assert!(
        files.contains(&reservations) && files.contains(&bad),
        "{files:?}"
    );
}
