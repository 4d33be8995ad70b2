//! Joining shard outputs (`fleetopt merge`) into exactly the bytes a single run gives.
//!
//! A shard run's output starts with one metadata line, `{"fleetopt_shard":{…}}` ([`ShardHeader`]),
//! then its result lines, which are byte for byte the lines a single run writes for those
//! scenarios. Because shards are contiguous ranges ([`super::shard`]), the merge checks that
//! every file belongs to the same input and shard count, that each shard appears exactly once
//! and holds as many lines as its range, and then concatenates the bodies in shard order,
//! streaming (nothing is held but a buffer), into a file written atomically.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::BatchError;
use super::shard::Shard;

/// The metadata line that opens a shard output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardHeader {
    /// The input's fingerprint.
    pub input: String,
    /// Scenarios in the whole input.
    pub total: u64,
    /// 0-based shard number.
    pub shard: u64,
    /// Number of shards.
    pub shards: u64,
    /// First scenario index of the shard.
    pub start: u64,
    /// One past its last scenario index.
    pub end: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShardLine {
    fleetopt_shard: ShardHeader,
}

impl ShardHeader {
    /// The header of `shard` of an input with `total` scenarios.
    pub fn new(input: &str, total: u64, shard: Shard) -> ShardHeader {
        let range = shard.range(total);
        ShardHeader {
            input: input.to_owned(),
            total,
            shard: shard.index,
            shards: shard.count,
            start: range.start,
            end: range.end,
        }
    }

    /// The metadata line (compact JSON, no newline).
    pub fn line(&self) -> Result<String, BatchError> {
        serde_json::to_string(&ShardLine {
            fleetopt_shard: self.clone(),
        })
        .map_err(|e| BatchError::Io(format!("cannot render the shard header: {e}")))
    }
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeReport {
    /// Shards joined.
    pub shards: u64,
    /// Result lines written.
    pub scenarios: u64,
    /// Result lines that are errors (as `batch`, `merge` exits 5 when there are any).
    pub failed: u64,
}

/// Just enough of a result line to tell an error line from a plan line.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
}

fn read_header(path: &Path) -> Result<(ShardHeader, BufReader<File>), BatchError> {
    let label = path.display();
    let file = File::open(path)
        .map_err(|e| BatchError::Input(format!("{label}: cannot read the shard output: {e}")))?;
    let mut reader = BufReader::new(file);
    let mut first = String::new();
    reader
        .read_line(&mut first)
        .map_err(|e| BatchError::Input(format!("{label}: cannot read the shard output: {e}")))?;
    let line: ShardLine = serde_json::from_str(first.trim_end()).map_err(|_| {
        BatchError::Input(format!(
            "{label}: not a shard output: its first line must be the {{\"fleetopt_shard\": …}} record that `fleetopt batch --shard K/N -o F` writes"
        ))
    })?;
    let header = line.fleetopt_shard;
    let expected = Shard::new(header.shard, header.shards)
        .map(|s| s.range(header.total))
        .map_err(|e| BatchError::Input(format!("{label}: fleetopt_shard: {e}")))?;
    if expected != (header.start..header.end) {
        return Err(BatchError::Input(format!(
            "{label}: fleetopt_shard: range {}..{} is not shard {}/{} of {} scenarios",
            header.start, header.end, header.shard, header.shards, header.total
        )));
    }
    Ok((header, reader))
}

/// Joins shard outputs into `output` (atomically). The inputs may come in any order.
pub fn merge(inputs: &[PathBuf], output: &Path) -> Result<MergeReport, BatchError> {
    let Some(first_path) = inputs.first() else {
        return Err(BatchError::Input(
            "merge: no shard outputs given".to_owned(),
        ));
    };
    let mut shards: Vec<(ShardHeader, &PathBuf)> = Vec::new();
    for path in inputs {
        let (header, _) = read_header(path)?;
        shards.push((header, path));
    }
    let (reference, _) = &shards[0];
    let reference = reference.clone();
    for (header, path) in &shards {
        if header.input != reference.input || header.total != reference.total {
            return Err(BatchError::Input(format!(
                "{}: belongs to another input ({}, {} scenarios) than {} ({}, {} scenarios)",
                path.display(),
                header.input,
                header.total,
                first_path.display(),
                reference.input,
                reference.total
            )));
        }
        if header.shards != reference.shards {
            return Err(BatchError::Input(format!(
                "{}: is shard {}/{} but {} is shard {}/{}: every shard must come from the same split",
                path.display(),
                header.shard,
                header.shards,
                first_path.display(),
                reference.shard,
                reference.shards
            )));
        }
    }
    shards.sort_by_key(|(header, _)| header.shard);
    for pair in shards.windows(2) {
        if pair[0].0.shard == pair[1].0.shard {
            return Err(BatchError::Input(format!(
                "{} and {} are both shard {}/{}",
                pair[0].1.display(),
                pair[1].1.display(),
                pair[0].0.shard,
                reference.shards
            )));
        }
    }
    let missing: Vec<String> = (0..reference.shards)
        .filter(|k| !shards.iter().any(|(h, _)| h.shard == *k))
        .map(|k| format!("{k}/{}", reference.shards))
        .collect();
    if !missing.is_empty() {
        return Err(BatchError::Input(format!(
            "missing shard output(s): {} (of {} shards)",
            missing.join(", "),
            reference.shards
        )));
    }

    let out_label = output.display();
    let dir = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| BatchError::Io(format!("{out_label}: cannot create a temporary file: {e}")))?;
    let mut writer = BufWriter::new(temp);
    let write_error = |e: std::io::Error| BatchError::Io(format!("{out_label}: cannot write: {e}"));
    let mut line = Vec::new();
    let mut failed = 0u64;
    for (header, path) in &shards {
        let (_, mut reader) = read_header(path)?;
        let mut count = 0u64;
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| BatchError::Input(format!("{}: cannot read: {e}", path.display())))?;
            if n == 0 {
                break;
            }
            if !line.ends_with(b"\n") {
                return Err(BatchError::Input(format!(
                    "{}: the last line is cut short (an unfinished copy?)",
                    path.display()
                )));
            }
            let probe: Probe = serde_json::from_slice(&line).map_err(|e| {
                BatchError::Input(format!(
                    "{}: line {} is not a batch result line: {e}",
                    path.display(),
                    count + 2
                ))
            })?;
            failed += u64::from(probe.error.is_some());
            count += 1;
            writer.write_all(&line).map_err(write_error)?;
        }
        let expected = header.end - header.start;
        if count != expected {
            return Err(BatchError::Input(format!(
                "{}: holds {count} result lines but shard {}/{} has {expected} scenarios",
                path.display(),
                header.shard,
                header.shards
            )));
        }
    }
    let temp = writer
        .into_inner()
        .map_err(|e| write_error(e.into_error()))?;
    super::runner::persist(temp, output)?;
    Ok(MergeReport {
        shards: reference.shards,
        scenarios: reference.total,
        failed,
    })
}
