//! Joining shard outputs (`fleetopt merge`) into exactly the bytes a single run gives.
//!
//! A shard run's output starts with one metadata line, `{"fleetopt_shard":{…}}` ([`ShardHeader`]),
//! then its result lines, which are byte for byte the lines a single run writes for those
//! scenarios. Because shards are contiguous ranges ([`crate::shard`]), the merge checks that
//! every file belongs to the same input and shard count, that each shard appears exactly once
//! and holds as many lines as its range, and then concatenates the bodies in shard order,
//! streaming (nothing is held but a buffer), into a file written atomically.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{BatchError, InputFile};
use crate::fs::{AtomicFile, FileAction, FileError};
use crate::shard::Shard;

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
        .map_err(|source| BatchError::Render {
            what: "the shard header",
            source,
        })
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

/// A shard output being read: at most the input size limit plus one byte, so a device or a
/// file without end is refused instead of read forever ([`within_limit`]).
type ShardReader = BufReader<std::io::Take<File>>;

/// Refuses a shard output once `read` bytes of it pass the input size limit.
fn within_limit(read: u64) -> Result<(), std::io::Error> {
    let limit = fleetopt_instances::read::max_input_size();
    if read > limit {
        return Err(fleetopt_instances::read::ReadError::TooLarge { limit }.into());
    }
    Ok(())
}

fn read_header(path: &Path) -> Result<(ShardHeader, ShardReader, u64), BatchError> {
    let cannot_read = |source| BatchError::ReadInput {
        path: path.to_path_buf(),
        file: InputFile::ShardOutput,
        source,
    };
    let file = File::open(path).map_err(cannot_read)?;
    let limit = fleetopt_instances::read::max_input_size();
    let mut reader = BufReader::new(file.take(limit.saturating_add(1)));
    let mut first = String::new();
    reader.read_line(&mut first).map_err(cannot_read)?;
    within_limit(first.len() as u64).map_err(cannot_read)?;
    let line: ShardLine =
        serde_json::from_str(first.trim_end()).map_err(|_| BatchError::NotAShardOutput {
            path: path.to_path_buf(),
        })?;
    let header = line.fleetopt_shard;
    let expected = Shard::new(header.shard, header.shards)
        .map(|s| s.range(header.total))
        .map_err(|source| BatchError::BadShardHeader {
            path: path.to_path_buf(),
            source,
        })?;
    if expected != (header.start..header.end) {
        return Err(BatchError::ShardRangeMismatch {
            path: path.to_path_buf(),
            header: Box::new(header),
        });
    }
    Ok((header, reader, first.len() as u64))
}

impl ShardHeader {
    /// The shard this header names (checked by [`read_header`] before any use).
    fn shard_of(&self) -> Shard {
        Shard {
            index: self.shard,
            count: self.shards,
        }
    }
}

/// Joins shard outputs into `output` (atomically). The inputs may come in any order.
pub fn merge(inputs: &[PathBuf], output: &Path) -> Result<MergeReport, BatchError> {
    let Some(first_path) = inputs.first() else {
        return Err(BatchError::NoShardOutputs);
    };
    let mut shards: Vec<(ShardHeader, &PathBuf)> = Vec::new();
    for path in inputs {
        let (header, _, _) = read_header(path)?;
        shards.push((header, path));
    }
    let (reference, _) = &shards[0];
    let reference = reference.clone();
    for (header, path) in &shards {
        if header.input != reference.input || header.total != reference.total {
            return Err(BatchError::ShardOfAnotherInput {
                path: path.to_path_buf(),
                header: Box::new(header.clone()),
                first: first_path.clone(),
                reference: Box::new(reference),
            });
        }
        if header.shards != reference.shards {
            return Err(BatchError::ShardOfAnotherSplit {
                path: path.to_path_buf(),
                header: Box::new(header.clone()),
                first: first_path.clone(),
                reference: Box::new(reference),
            });
        }
    }
    shards.sort_by_key(|(header, _)| header.shard);
    for pair in shards.windows(2) {
        if pair[0].0.shard == pair[1].0.shard {
            return Err(BatchError::DuplicateShard {
                first: pair[0].1.clone(),
                second: pair[1].1.clone(),
                shard: pair[0].0.shard_of(),
            });
        }
    }
    let missing: Vec<Shard> = (0..reference.shards)
        .filter(|k| !shards.iter().any(|(h, _)| h.shard == *k))
        .map(|index| Shard {
            index,
            count: reference.shards,
        })
        .collect();
    if !missing.is_empty() {
        return Err(BatchError::MissingShards {
            missing,
            count: reference.shards,
        });
    }

    let mut writer = BufWriter::new(AtomicFile::create(output)?);
    let write_error = |e| BatchError::File(FileError::new(output, FileAction::Write, e));
    let mut line = Vec::new();
    let mut failed = 0u64;
    for (header, path) in &shards {
        let (_, mut reader, mut read) = read_header(path)?;
        let mut count = 0u64;
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .and_then(|n| {
                    read += n as u64;
                    within_limit(read).map(|()| n)
                })
                .map_err(|source| BatchError::ReadShardLine {
                    path: path.to_path_buf(),
                    source,
                })?;
            if n == 0 {
                break;
            }
            if !line.ends_with(b"\n") {
                return Err(BatchError::ShardOutputCutShort {
                    path: path.to_path_buf(),
                });
            }
            let probe: Probe =
                serde_json::from_slice(&line).map_err(|source| BatchError::NotAResultLine {
                    path: path.to_path_buf(),
                    line: count + 2,
                    source,
                })?;
            failed += u64::from(probe.error.is_some());
            count += 1;
            writer.write_all(&line).map_err(write_error)?;
        }
        let expected = header.end - header.start;
        if count != expected {
            return Err(BatchError::ShardLineCount {
                path: path.to_path_buf(),
                count,
                shard: header.shard_of(),
                expected,
            });
        }
    }
    writer
        .into_inner()
        .map_err(|e| write_error(e.into_error()))?
        .commit()?;
    Ok(MergeReport {
        shards: reference.shards,
        scenarios: reference.total,
        failed,
    })
}
