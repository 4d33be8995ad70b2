//! The journal: finished results, appended as they complete, so a killed run loses nothing.
//!
//! `OUT.jsonl.journal` is text. Its first line is a [`Header`] (compact JSON) naming the input's
//! fingerprint, the scenario range and the options that shape the output; a resume refuses a
//! journal whose header differs. Every other line is one record:
//!
//! ```text
//! <index>\t<p|e>\t<checksum>\t<result line>\n
//! ```
//!
//! (`p` plan, `e` error). The checksum ([`record_checksum`]) is the first 128 bits of the
//! SHA-256 of everything the record asserts: `<index>\t<p|e>\t<result line>`, so a record whose
//! index, kind, line or checksum was changed does not verify. The header binds the journal to the
//! exact input (its SHA-256 fingerprint), the SHA-256 of the batch-wide catalogue file's bytes,
//! a SHA-256 over every file the scenarios name (`request_file`, a line's `catalog`, a sweep's
//! catalogue: [`crate::input::Input::named_files_digest`]) and the options that shape the output
//! (shard, catalogue), so a request edited between a run and its resume is noticed; a journal of `fleetopt.journal/v1`
//! (whose checksums covered only the line) is refused as of another run.
//!
//! An open journal holds an exclusive advisory lock ([`File::try_lock`]) for as long as the run
//! lasts, so a second run (`--resume` twice at once) is refused instead of interleaving records;
//! the lock goes with the process, so a killed run never leaves a journal locked. Records are appended as scenarios complete, in completion order, and
//! the file is fsync'd after each small group of them, so a kill or a crash loses only the
//! scenarios in flight and the last unsynced group. On resume, a last line without its newline
//! (a write torn by `kill -9`) is cut off and its scenario recomputed; a record that does not verify (checksum, index
//! in range, kind) is ignored the same way and its scenario recomputed; a repeated index keeps its first record. The final output is assembled from the journal in index order (one offset
//! per scenario is kept in memory, never the results), then the journal is deleted.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::BatchError;
use crate::fs::{FileAction, FileError, sync_folder_of};
use crate::shard::Shard;

/// The first line of a journal: what the records belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Always `fleetopt.journal/v2`.
    pub journal: String,
    /// The fleetopt version that wrote it (results of another version may differ).
    pub fleetopt: String,
    /// The input's fingerprint ([`crate::input::Input::fingerprint`]).
    pub input: String,
    /// Number of scenarios in the whole input.
    pub total: u64,
    /// The shard, when the run is one.
    pub shard: Option<Shard>,
    /// The batch-wide default catalogue (`--catalog`), as given.
    pub catalog: Option<String>,
    /// The SHA-256 of that catalogue file's bytes (`sha256:<hex>`), so a catalogue edited
    /// between a run and its resume is noticed.
    pub catalog_digest: Option<String>,
    /// The SHA-256 over every file the scenarios name (`request_file`, per-line `catalog`, a
    /// sweep's catalogue): each path with its bytes' SHA-256, or with why it could not be read.
    /// `None` when the scenarios name no file.
    pub named_files: Option<String>,
}

/// The schema tag of journals.
pub const JOURNAL_SCHEMA: &str = "fleetopt.journal/v2";

/// Where a finished scenario's record sits in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// The record's first byte.
    pub offset: u64,
    /// The record's length, newline included.
    pub len: u32,
    /// Whether the record is an error (`e`) rather than a plan (`p`).
    pub failed: bool,
}

/// An open journal and the scenarios it already holds.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    end: u64,
    range: Range<u64>,
    slots: Vec<Option<Slot>>,
}

/// A record's checksum: the first 16 bytes of the SHA-256 of `<index>\t<p|e>\t<line>`, as 32
/// lowercase hex digits. It covers everything the record asserts, so a changed index, kind or
/// line is caught, not only a torn write.
pub fn record_checksum(index: u64, failed: bool, line: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(index.to_string().as_bytes());
    hasher.update(if failed { b"\te\t" } else { b"\tp\t" });
    hasher.update(line.as_bytes());
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The header as the journal's first line (compact JSON, without the newline).
pub fn header_line(header: &Header) -> Result<String, BatchError> {
    serde_json::to_string(header).map_err(|source| BatchError::Render {
        what: "the journal header",
        source,
    })
}

/// Takes the journal's exclusive lock, or says another run holds it.
fn lock(file: &File, path: &Path) -> Result<(), BatchError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(BatchError::JournalLocked {
            path: path.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(io(path, FileAction::LockJournal, e)),
    }
}

/// `OUT.jsonl` → `OUT.jsonl.journal`.
pub fn path_for(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

fn io(path: &Path, action: FileAction, e: std::io::Error) -> BatchError {
    BatchError::File(FileError::new(path, action, e))
}

impl Journal {
    /// Starts a new journal (replacing none: the caller checks that none exists).
    pub fn create(path: &Path, header: &Header, range: Range<u64>) -> Result<Journal, BatchError> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| io(path, FileAction::CreateJournal, e))?;
        lock(&file, path)?;
        let mut line = header_line(header)?;
        line.push('\n');
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| io(path, FileAction::WriteJournal, e))?;
        sync_folder_of(path)?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            end: line.len() as u64,
            slots: vec![None; range_len(&range)],
            range,
        })
    }

    /// Reopens a journal to continue it: checks its header, indexes its records, cuts off a
    /// torn last line.
    pub fn resume(path: &Path, header: &Header, range: Range<u64>) -> Result<Journal, BatchError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| io(path, FileAction::OpenJournal, e))?;
        lock(&file, path)?;
        let mut reader = BufReader::new(file);
        let Scan { end, slots } = scan(&mut reader, path, header, &range)?;
        let file = reader.into_inner();
        file.set_len(end)
            .and_then(|()| file.sync_all())
            .map_err(|e| io(path, FileAction::CutJournal, e))?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            end,
            range,
            slots,
        })
    }

    /// Whether scenario `index` is already done.
    pub fn is_done(&self, index: u64) -> bool {
        index
            .checked_sub(self.range.start)
            .and_then(|i| self.slots.get(i as usize))
            .is_some_and(Option::is_some)
    }

    /// How many scenarios are done.
    pub fn done(&self) -> u64 {
        self.slots.iter().filter(|s| s.is_some()).count() as u64
    }

    /// Appends finished scenarios `(index, failed, line)` and syncs the file.
    pub fn append(&mut self, records: &[(u64, bool, String)]) -> Result<(), BatchError> {
        let mut text = String::new();
        let mut slots = Vec::with_capacity(records.len());
        for (index, failed, line) in records {
            let start = text.len();
            text.push_str(&format!(
                "{index}\t{}\t{}\t{line}\n",
                if *failed { 'e' } else { 'p' },
                record_checksum(*index, *failed, line)
            ));
            slots.push((*index, self.end + start as u64, text.len() - start, *failed));
        }
        self.file
            .seek(SeekFrom::Start(self.end))
            .and_then(|_| self.file.write_all(text.as_bytes()))
            .and_then(|()| self.file.sync_data())
            .map_err(|e| io(&self.path, FileAction::AppendJournal, e))?;
        self.end += text.len() as u64;
        for (index, offset, len, failed) in slots {
            if let Some(entry) = index
                .checked_sub(self.range.start)
                .and_then(|i| self.slots.get_mut(i as usize))
            {
                *entry = Some(Slot {
                    offset,
                    len: len as u32,
                    failed,
                });
            }
        }
        Ok(())
    }

    /// Calls `emit(line, failed)` for every scenario in index order. Fails if one is missing.
    pub fn replay(
        &mut self,
        mut emit: impl FnMut(&str, bool) -> Result<(), BatchError>,
    ) -> Result<(), BatchError> {
        let mut record = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let Some(slot) = slot else {
                return Err(BatchError::JournalMissing {
                    path: self.path.clone(),
                    index: self.range.start + i as u64,
                });
            };
            record.resize(slot.len as usize, 0);
            self.file
                .seek(SeekFrom::Start(slot.offset))
                .and_then(|_| self.file.read_exact(&mut record))
                .map_err(|e| io(&self.path, FileAction::ReadJournal, e))?;
            let changed = || BatchError::JournalRecordChanged {
                path: self.path.clone(),
            };
            // The record is verified again: it was read at resume or written by this run, and
            // what is emitted must be what was checked.
            let index = self.range.start + i as u64;
            let text = std::str::from_utf8(&record).map_err(|_| changed())?;
            let (found, failed, line) = verify_record(text).ok_or_else(changed)?;
            if found != index || failed != slot.failed {
                return Err(changed());
            }
            emit(line, failed)?;
        }
        Ok(())
    }

    /// Deletes the journal (after the output is safely in place).
    pub fn remove(self) -> Result<(), BatchError> {
        drop(self.file);
        std::fs::remove_file(&self.path)
            .map_err(|e| io(&self.path, FileAction::RemoveJournal, e))?;
        sync_folder_of(&self.path)?;
        Ok(())
    }
}

/// A header in words, for the message refusing a journal of another run.
pub(crate) fn describe(header: &Header) -> String {
    format!(
        "{}: input {} ({} scenarios), shard {}, catalog {} ({}), files named by scenarios {}, fleetopt {}",
        header.journal,
        header.input,
        header.total,
        header.shard.map_or("none".to_owned(), |s| s.to_string()),
        header.catalog.as_deref().unwrap_or("default"),
        header.catalog_digest.as_deref().unwrap_or("embedded"),
        header.named_files.as_deref().unwrap_or("none"),
        header.fleetopt
    )
}

/// What reading a journal found: where its last whole record ends and, per scenario of the
/// range, the first record that verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// The byte offset just past the last complete line (a torn tail starts here).
    pub end: u64,
    /// Per scenario of the range, in index order: its record, if one verified.
    pub slots: Vec<Option<Slot>>,
}

/// Reads a journal from `reader`: checks the header line against `header`, then indexes every
/// complete record line that verifies and falls in `range` (the first of a repeated index wins),
/// stopping at a torn last line. `path` only names the file in errors. [`Journal::resume`] is
/// this over the open file; the fuzz target calls it on bytes in memory.
pub fn scan(
    reader: &mut impl BufRead,
    path: &Path,
    header: &Header,
    range: &Range<u64>,
) -> Result<Scan, BatchError> {
    let mut line = Vec::new();
    reader
        .read_until(b'\n', &mut line)
        .map_err(|e| io(path, FileAction::ReadJournal, e))?;
    let found: Option<Header> = line
        .strip_suffix(b"\n")
        .and_then(|l| serde_json::from_slice(l).ok());
    let Some(found) = found else {
        return Err(BatchError::NotAJournal {
            path: path.to_path_buf(),
        });
    };
    if &found != header {
        return Err(BatchError::JournalOfAnotherRun {
            path: path.to_path_buf(),
            found: Box::new(found),
            expected: Box::new(header.clone()),
        });
    }
    let mut end = line.len() as u64;
    let mut slots = vec![None; range_len(range)];
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| io(path, FileAction::ReadJournal, e))?;
        if n == 0 || !line.ends_with(b"\n") {
            // End of file, or a torn last line: keep what precedes it.
            break;
        }
        if let Some((index, slot)) = parse_record(&line, end, range) {
            let entry = &mut slots[(index - range.start) as usize];
            if entry.is_none() {
                *entry = Some(slot);
            }
        }
        end += n as u64;
    }
    Ok(Scan { end, slots })
}

/// The number of scenarios in `range` (an empty or reversed range holds none).
fn range_len(range: &Range<u64>) -> usize {
    usize::try_from(range.end.saturating_sub(range.start)).unwrap_or(usize::MAX)
}

/// Splits one record (with its newline) into index, kind and result line, if its checksum
/// verifies; the index is written in canonical decimal (no sign, no leading zeros).
pub fn verify_record(text: &str) -> Option<(u64, bool, &str)> {
    let text = text.strip_suffix('\n')?;
    let mut parts = text.splitn(4, '\t');
    let index_text = parts.next()?;
    let index: u64 = index_text.parse().ok()?;
    if index.to_string() != index_text {
        return None;
    }
    let failed = match parts.next()? {
        "p" => false,
        "e" => true,
        _ => return None,
    };
    let checksum = parts.next()?;
    let result = parts.next()?;
    if record_checksum(index, failed, result) != checksum {
        return None;
    }
    Some((index, failed, result))
}

/// Parses one complete record line (with its newline) starting at `offset`.
fn parse_record(line: &[u8], offset: u64, range: &Range<u64>) -> Option<(u64, Slot)> {
    let text = std::str::from_utf8(line).ok()?;
    let (index, failed, _) = verify_record(text)?;
    if !range.contains(&index) {
        return None;
    }
    Some((
        index,
        Slot {
            offset,
            len: u32::try_from(line.len()).ok()?,
            failed,
        },
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            journal: JOURNAL_SCHEMA.to_owned(),
            fleetopt: "0".to_owned(),
            input: "sha256:00".to_owned(),
            total: 4,
            shard: None,
            catalog: None,
            catalog_digest: None,
            named_files: None,
        }
    }

    fn lines(journal: &mut Journal) -> Vec<String> {
        let mut out = Vec::new();
        journal
            .replay(|line, failed| {
                out.push(format!("{failed} {line}"));
                Ok(())
            })
            .unwrap();
        out
    }

    #[test]
    fn resume_skips_torn_and_corrupt_records_and_keeps_first_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl.journal");
        let mut journal = Journal::create(&path, &header(), 0..4).unwrap();
        journal
            .append(&[
                (1, false, "{\"b\":1}".into()),
                (0, true, "{\"a\":1}".into()),
            ])
            .unwrap();
        drop(journal);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        // A corrupt record (bad checksum), a duplicate, then a torn record.
        file.write_all(b"2\tp\t00000000000000000000000000000000\t{\"c\":1}\n")
            .unwrap();
        let dup = format!(
            "1\tp\t{}\t{{\"z\":1}}\n",
            record_checksum(1, false, "{\"z\":1}")
        );
        file.write_all(dup.as_bytes()).unwrap();
        file.write_all(b"3\tp\t12").unwrap();
        drop(file);

        let mut journal = Journal::resume(&path, &header(), 0..4).unwrap();
        assert_eq!(journal.done(), 2);
        assert!(journal.is_done(0) && journal.is_done(1));
        assert!(!journal.is_done(2) && !journal.is_done(3));
        journal
            .append(&[
                (3, false, "{\"d\":1}".into()),
                (2, false, "{\"c\":1}".into()),
            ])
            .unwrap();
        assert_eq!(
            lines(&mut journal),
            [
                "true {\"a\":1}",
                "false {\"b\":1}",
                "false {\"c\":1}",
                "false {\"d\":1}"
            ]
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("3\tp\t12\n"), "the torn line is cut off");
        journal.remove().unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn scan_in_memory_indexes_what_resume_indexes() {
        let head = header_line(&header()).unwrap();
        let one = format!(
            "1\tp\t{}\t{{\"b\":1}}\n",
            record_checksum(1, false, "{\"b\":1}")
        );
        let zero = format!(
            "0\te\t{}\t{{\"a\":1}}\n",
            record_checksum(0, true, "{\"a\":1}")
        );
        // A record of scenario 9 (outside 0..4), a bad checksum, then a torn tail.
        let far = format!("9\tp\t{}\t{{}}\n", record_checksum(9, false, "{}"));
        let text = format!("{head}\n{one}{zero}{far}2\tp\t00\t{{}}\n3\tp\t12");
        let scan = scan(
            &mut std::io::Cursor::new(text.as_bytes()),
            Path::new("j"),
            &header(),
            &(0..4),
        )
        .unwrap();
        let first = (head.len() + 1) as u64;
        assert_eq!(
            scan.slots,
            [
                Some(Slot {
                    offset: first + one.len() as u64,
                    len: zero.len() as u32,
                    failed: true
                }),
                Some(Slot {
                    offset: first,
                    len: one.len() as u32,
                    failed: false
                }),
                None,
                None
            ]
        );
        assert_eq!(scan.end as usize, text.len() - "3\tp\t12".len());
    }

    #[test]
    fn resume_refuses_a_journal_of_another_input() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        Journal::create(&path, &header(), 0..4).unwrap();
        let other = Header {
            input: "sha256:ff".to_owned(),
            ..header()
        };
        let error = Journal::resume(&path, &other, 0..4)
            .unwrap_err()
            .to_string();
        assert!(error.contains("belongs to another run"), "{error}");
        assert!(
            error.contains("sha256:00") && error.contains("sha256:ff"),
            "{error}"
        );
        std::fs::write(&path, "hello\n").unwrap();
        let error = Journal::resume(&path, &header(), 0..4)
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a fleetopt journal"), "{error}");
    }

    #[test]
    fn replay_reports_a_missing_scenario() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::create(&dir.path().join("j"), &header(), 0..2).unwrap();
        journal.append(&[(0, false, "x".into())]).unwrap();
        let error = journal.replay(|_, _| Ok(())).unwrap_err().to_string();
        assert!(error.contains("scenario 1 has no result"), "{error}");
    }

    /// A journal holding scenarios 0 (plan) and 1 (error), then `extra` appended raw.
    fn journal_with(extra: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let mut journal = Journal::create(&path, &header(), 0..4).unwrap();
        journal
            .append(&[
                (0, false, "{\"a\":0}".into()),
                (1, true, "{\"b\":1}".into()),
            ])
            .unwrap();
        drop(journal);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(extra.as_bytes()).unwrap();
        (dir, path)
    }

    #[test]
    fn every_field_of_a_record_is_covered_by_its_checksum() {
        let good = |index: u64, failed: bool, line: &str| {
            format!(
                "{index}\t{}\t{}\t{line}\n",
                if failed { 'e' } else { 'p' },
                record_checksum(index, failed, line)
            )
        };
        // The record of scenario 2, honest, then with each field changed in turn.
        let honest = good(2, false, "{\"c\":2}");
        assert!(verify_record(&honest).is_some());
        let checksum = record_checksum(2, false, "{\"c\":2}");
        let forged = [
            // The index lies (the record is scenario 2's, it claims 3).
            format!("3\tp\t{checksum}\t{{\"c\":2}}\n"),
            // The same index spelt differently.
            format!("02\tp\t{checksum}\t{{\"c\":2}}\n"),
            // The kind flag is flipped.
            format!("2\te\t{checksum}\t{{\"c\":2}}\n"),
            // The line is changed.
            format!("2\tp\t{checksum}\t{{\"c\":3}}\n"),
            // The checksum is changed (one digit).
            honest.replacen(
                &checksum[..1],
                if &checksum[..1] == "0" { "1" } else { "0" },
                1,
            ),
            // An unknown flag.
            format!("2\tx\t{checksum}\t{{\"c\":2}}\n"),
        ];
        for record in &forged {
            assert_eq!(verify_record(record), None, "{record:?} verified");
            let (_dir, path) = journal_with(record);
            let journal = Journal::resume(&path, &header(), 0..4).unwrap();
            assert_eq!(journal.done(), 2, "{record:?} was trusted");
            assert!(!journal.is_done(2) && !journal.is_done(3), "{record:?}");
        }
        // A record that verifies but lies about an index outside the run is dropped too.
        let (_dir, path) = journal_with(&good(9, false, "{\"c\":9}"));
        assert_eq!(Journal::resume(&path, &header(), 0..4).unwrap().done(), 2);
        // The honest record is kept, and replays with its own kind.
        let (_dir, path) = journal_with(&honest);
        let mut journal = Journal::resume(&path, &header(), 0..4).unwrap();
        assert_eq!(journal.done(), 3);
        journal.append(&[(3, false, "{\"d\":3}".into())]).unwrap();
        assert_eq!(
            lines(&mut journal),
            [
                "false {\"a\":0}",
                "true {\"b\":1}",
                "false {\"c\":2}",
                "false {\"d\":3}"
            ]
        );
    }

    #[test]
    fn every_field_of_the_header_binds_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        drop(Journal::create(&path, &header(), 0..4).unwrap());
        let others = [
            Header {
                journal: "fleetopt.journal/v1".into(),
                ..header()
            },
            Header {
                fleetopt: "9".into(),
                ..header()
            },
            Header {
                input: "sha256:ff".into(),
                ..header()
            },
            Header {
                total: 5,
                ..header()
            },
            Header {
                shard: Some(crate::shard::Shard::parse("1/2").unwrap()),
                ..header()
            },
            Header {
                catalog: Some("c.json".into()),
                ..header()
            },
            Header {
                catalog_digest: Some("sha256:01".into()),
                ..header()
            },
            Header {
                named_files: Some("sha256:02".into()),
                ..header()
            },
        ];
        for other in others {
            let error = Journal::resume(&path, &other, 0..4).unwrap_err();
            assert!(
                matches!(error, BatchError::JournalOfAnotherRun { .. }),
                "{other:?}: {error}"
            );
        }
        // A header edited in the file is refused the same way.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("sha256:00", "sha256:01")).unwrap();
        let error = Journal::resume(&path, &header(), 0..4).unwrap_err();
        assert!(
            matches!(error, BatchError::JournalOfAnotherRun { .. }),
            "{error}"
        );
    }

    #[test]
    fn a_second_writer_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let first = Journal::create(&path, &header(), 0..4).unwrap();
        let error = Journal::resume(&path, &header(), 0..4).unwrap_err();
        assert!(matches!(error, BatchError::JournalLocked { .. }), "{error}");
        assert_eq!(error.class(), fleetopt_solver::ErrorClass::Input);
        assert!(
            error.to_string().contains("another fleetopt run"),
            "{error}"
        );
        drop(first);
        assert!(Journal::resume(&path, &header(), 0..4).is_ok());
    }
}
