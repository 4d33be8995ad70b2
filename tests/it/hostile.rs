//! Hostile input and faults (issue 13): outputs that are devices, FIFOs, symlinks or folders;
//! journals whose records lie; inputs beyond the size limit, endless devices and FIFOs; bounds
//! on sweeps, threads and simulation work; plans whose numbers do not add up; requests whose
//! counts cannot be represented; duplicate JSON keys and terminal escapes in messages.

use std::io::Write;
use std::path::Path;

use fleetopt::batch::Input;
use fleetopt::batch::journal::{self, Header, JOURNAL_SCHEMA, Journal};

use crate::support::{Run, fixture, fleetopt, root};

const REQUEST: &str = "fixtures/requests/native/asg-style.toml";
const CATALOG: &str = "fixtures/catalogs/small.json";
const SWEEP: &str = "fixtures/batch/sweep.toml";

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn solve_to(out: &str) -> Run {
    fleetopt([
        "solve",
        REQUEST,
        "--catalog",
        CATALOG,
        "--format",
        "json",
        "-o",
        out,
    ])
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn output_to_a_device_writes_through_and_leaves_the_device() {
    use std::os::unix::fs::FileTypeExt;
    let run = solve_to("/dev/null");
    assert_eq!(run.code, 0, "{}", run.render());
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device(), "{meta:?}");
    let run = solve_to("/dev/full");
    assert_eq!(run.code, 1, "{}", run.render());
    assert!(
        run.stderr.contains("/dev/full: cannot write"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("plan.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let run = solve_to(path(&fifo));
    assert_eq!(run.code, 0, "{}", run.render());
    let text = reader.join().unwrap();
    assert!(
        text.starts_with("{\n  \"schema\": \"fleetopt.plan/v1\""),
        "{text}"
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary left"
    );
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let run = solve_to(path(&link));
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("fleetopt.plan/v1")
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn output_to_a_folder_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = solve_to(path(dir.path()));
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("it is a folder"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn temporaries_left_by_a_killed_run_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".fleetopt-tmp-4999999-XYZ");
    std::fs::write(&stale, "half a plan").unwrap();
    let out = dir.path().join("plan.json");
    let run = solve_to(path(&out));
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(!stale.exists());
    assert!(out.exists());
}

/// A journal of `SWEEP` whose records claim indices they were not computed for.
#[test]
fn a_journal_record_whose_index_lies_is_recomputed() {
    let dir = tempfile::tempdir().unwrap();
    let reference_path = dir.path().join("reference.jsonl");
    let run = fleetopt(["batch", SWEEP, "-o", path(&reference_path)]);
    assert_eq!(run.code, 0, "{}", run.render());
    let reference = std::fs::read(&reference_path).unwrap();
    let lines: Vec<&str> = std::str::from_utf8(&reference).unwrap().lines().collect();

    let out = dir.path().join("out.jsonl");
    let input = Input::open(&root().join(SWEEP)).unwrap();
    let header = Header {
        journal: JOURNAL_SCHEMA.to_owned(),
        fleetopt: env!("CARGO_PKG_VERSION").to_owned(),
        input: input.fingerprint().to_owned(),
        total: input.len(),
        shard: None,
        catalog: None,
        catalog_digest: None,
        named_files: None,
    };
    let journal_path = journal::path_for(&out);
    let mut journal = Journal::create(&journal_path, &header, 0..12).unwrap();
    journal.append(&[(0, false, lines[0].to_owned())]).unwrap();
    drop(journal);
    // Scenario 1's record carries scenario 3's line under scenario 1's checksum (the index and
    // the line disagree), and scenario 2's has its kind flipped to an error.
    let forged_line = format!(
        "1\tp\t{}\t{}\n2\te\t{}\t{}\n",
        journal::record_checksum(1, false, lines[1]),
        lines[3],
        journal::record_checksum(2, false, lines[2]),
        lines[2]
    );
    std::fs::OpenOptions::new()
        .append(true)
        .open(&journal_path)
        .unwrap()
        .write_all(forged_line.as_bytes())
        .unwrap();
    let run = fleetopt(["batch", SWEEP, "-o", path(&out), "--resume"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr.contains("1 taken from the journal"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::read(&out).unwrap() == reference,
        "the resumed output differs from an uninterrupted run"
    );
}

#[test]
fn inputs_beyond_the_size_limit_are_refused_with_the_flag() {
    let run = fleetopt(["--max-input-size", "100", "solve", REQUEST]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        run.stderr,
        format!(
            "error: {REQUEST}: cannot read the request: the file is larger than the input size limit of 100 bytes (100 B); raise it with --max-input-size BYTES\n"
        )
    );
    let run = fleetopt([
        "catalog",
        "info",
        "--catalog",
        CATALOG,
        "--max-input-size",
        "1000",
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr
            .contains("larger than the input size limit of 1000 bytes"),
        "{}",
        run.stderr
    );
    // An endless device stops at the limit instead of filling memory.
    let run = fleetopt(["--max-input-size", "1048576", "solve", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("(1 MiB)"), "{}", run.stderr);
    let run = fleetopt(["--max-input-size", "1048576", "batch", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.render());
    // A shard output without end (once read until the memory limit) is refused at the limit.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.jsonl");
    let run = fleetopt([
        "--max-input-size",
        "1048576",
        "merge",
        "/dev/zero",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("(1 MiB)"), "{}", run.stderr);
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn a_fifo_input_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("request.toml");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        let text = std::fs::read(root().join(REQUEST)).unwrap();
        std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
    };
    let run = fleetopt(["solve", path(&fifo), "--catalog", CATALOG]);
    writer.join().unwrap();
    assert_eq!(run.code, 0, "{}", run.render());
    // A catalogue through a FIFO too (the loaders used to open the path twice on bad bytes).
    let fifo = dir.path().join("catalog.json");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, b"\xff\xfe{}").unwrap())
    };
    let run = fleetopt(["catalog", "info", "--catalog", path(&fifo)]);
    writer.join().unwrap();
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("found UTF-16"), "{}", run.stderr);
}

#[test]
fn a_sweep_beyond_the_scenario_limit_is_refused_before_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let run = fleetopt(["batch", SWEEP, "--max-scenarios", "5", "-o", path(&out)]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        run.stderr,
        format!(
            "error: {SWEEP}: 12 scenarios, more than the limit of 5 per run; split it with --shard K/N, or raise --max-scenarios\n"
        )
    );
    assert!(
        !journal::path_for(&out).exists(),
        "no journal is left behind"
    );
    // A sweep of 10^12 scenarios (a 6 kB file) is refused by the default limit.
    let huge = dir.path().join("huge.toml");
    let values: Vec<String> = (1..=1000).map(|v| v.to_string()).collect();
    let values = values.join(", ");
    let text = format!(
        "[request]\nregion = \"us-east-1\"\ntarget = {{ capacity = 10 }}\ncandidates = {{ instance_types = [\"m5.large\"] }}\n\n[grid]\ntargets = [{values}]\nset = {{ \"spot.pools\" = [{values}], \"target.on_demand_base\" = [{values}], \"on_demand.max_total_price\" = [{values}] }}\n"
    );
    std::fs::write(&huge, text).unwrap();
    let run = fleetopt(["batch", path(&huge), "-o", path(&out)]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("more than the limit of 1000000"),
        "{}",
        run.stderr
    );
}

#[test]
fn threads_beyond_four_per_core_are_refused() {
    let run = fleetopt(["batch", SWEEP, "-j", "100000"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr
            .contains("-j/--jobs: 100000 threads is more than the limit of"),
        "{}",
        run.stderr
    );
    let run = fleetopt([
        "simulate",
        "fixtures/plans/simulate/asg-style.json",
        "--catalog",
        CATALOG,
        "-j",
        "100000",
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
}

#[test]
fn simulation_work_is_bounded_before_the_first_trial() {
    let run = fleetopt([
        "simulate",
        "fixtures/plans/simulate/asg-style.json",
        "--catalog",
        CATALOG,
        "--trials",
        "4294967295",
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("4294967295 trials × 288 steps ×")
            && run.stderr.contains("raise --max-work"),
        "{}",
        run.stderr
    );
}

/// A valid plan of target 1 and one instance of weight 10,000 (capacity ÷ target = 10^4) used to
/// abort allocating 5.7 GB for its histogram.
#[test]
fn a_plan_far_above_its_target_simulates_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let request = dir.path().join("r.toml");
    std::fs::write(
        &request,
        "region = \"us-east-1\"\nmode = \"aws\"\n[target]\ncapacity = 1\n[candidates]\ninstance_types = [\"m5.large\"]\nweights = { \"m5.large\" = 10000 }\n",
    )
    .unwrap();
    let plan = dir.path().join("plan.json");
    let run = fleetopt([
        "solve",
        path(&request),
        "--catalog",
        CATALOG,
        "--format",
        "json",
        "-o",
        path(&plan),
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let run = fleetopt([
        "simulate",
        path(&plan),
        "--catalog",
        CATALOG,
        "--trials",
        "50",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["inputs"]["plan_capacity"], 10000.0);
    assert_eq!(report["inputs"]["quantile_resolution"], 12.5);
}

#[test]
fn simulate_checks_the_plans_arithmetic() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("plans/simulate/asg-style.json")).unwrap();
    let edited = dir.path().join("edited.json");
    // The first allocation claims 2 instances of weight 1.8e19.
    std::fs::write(
        &edited,
        text.replacen("\"weight\": 1.0,", "\"weight\": 1.8e19,", 1),
    )
    .unwrap();
    let run = fleetopt(["simulate", path(&edited), "--catalog", CATALOG]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("at allocations[0].capacity: capacity 2 is not count × weight = 2 × 18000000000000000000"),
        "{}",
        run.stderr
    );
}

#[test]
fn counts_that_cannot_be_represented_are_bad_input() {
    let run = fleetopt([
        "solve",
        "fixtures/bad/requests/weights-too-small.toml",
        "--catalog",
        CATALOG,
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("more than a plan can count"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
}

#[test]
fn terminal_escapes_from_input_are_escaped_in_messages() {
    let run = fleetopt([
        "solve",
        "fixtures/bad/requests/terminal-escapes.toml",
        "--catalog",
        CATALOG,
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
        "{:?}",
        run.stderr
    );
    assert!(run.stderr.contains("\\u{1b}[2J"), "{}", run.stderr);
}
