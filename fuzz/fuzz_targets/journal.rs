#![no_main]
//! Fuzz target: the journal reader. Every line goes through record verification; the whole input,
//! behind the header a run would write, goes through `journal::scan` in memory (the indexing
//! `Journal::resume` does), and one input in 64 also through `Journal::resume` + `replay` on a
//! real file. Any input must give a value or a typed error, never a panic.
//!
//! The file round is sampled because each one creates, locks, cuts and fsyncs a file: run on
//! every input it held the target to about 175 executions per second (`README.md`), while the
//! logic it exercises beyond `scan` is only the file handling.

use std::io::Cursor;
use std::path::Path;

use libfuzzer_sys::fuzz_target;

use fleetopt_batch::journal::{self, Header, JOURNAL_SCHEMA, Journal};

const SCENARIOS: u64 = 8;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for line in text.split_inclusive('\n') {
            if let Some((index, failed, result)) = journal::verify_record(line) {
                // What verifies must be exactly what was written.
                let again = format!(
                    "{index}\t{}\t{}\t{result}\n",
                    if failed { 'e' } else { 'p' },
                    journal::record_checksum(index, failed, result)
                );
                assert_eq!(again, line);
            }
        }
    }
    let header = Header {
        journal: JOURNAL_SCHEMA.to_owned(),
        fleetopt: "0".to_owned(),
        input: "sha256:00".to_owned(),
        total: SCENARIOS,
        shard: None,
        catalog: None,
        catalog_digest: None,
        named_files: None,
    };
    // The header line the run would write, then the fuzzed records.
    let mut bytes = Vec::new();
    if let Ok(mut line) = journal::header_line(&header) {
        line.push('\n');
        bytes.extend_from_slice(line.as_bytes());
    }
    bytes.extend_from_slice(data);
    let range = 0..SCENARIOS;
    let scanned = journal::scan(&mut Cursor::new(&bytes), Path::new("fuzz"), &header, &range);
    let Ok(scan) = scanned else {
        return;
    };
    assert!(scan.end <= bytes.len() as u64);
    assert_eq!(scan.slots.len() as u64, SCENARIOS);
    for (index, slot) in scan.slots.iter().enumerate() {
        let Some(slot) = slot else { continue };
        // Every indexed record lies before the cut and verifies as the scenario it is filed under.
        let start = slot.offset as usize;
        let record = &bytes[start..start + slot.len as usize];
        assert!((start + record.len()) as u64 <= scan.end);
        let text = std::str::from_utf8(record).expect("an indexed record is UTF-8");
        let (found, failed, _) = journal::verify_record(text).expect("an indexed record verifies");
        assert_eq!((found, failed), (index as u64, slot.failed));
    }
    if data.len() % 64 == 0 {
        resume_from_a_file(&bytes, &header, &scan);
    }
});

/// The same bytes as a journal file: `resume` must index exactly what `scan` did, and `replay`
/// emit no more than that.
fn resume_from_a_file(bytes: &[u8], header: &Header, scan: &journal::Scan) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("out.jsonl.journal");
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let Ok(mut journal) = Journal::resume(&path, header, 0..SCENARIOS) else {
        return;
    };
    let indexed = scan.slots.iter().filter(|s| s.is_some()).count() as u64;
    assert_eq!(journal.done(), indexed);
    let mut seen = 0;
    let _ = journal.replay(|_, _| {
        seen += 1;
        Ok(())
    });
    assert!(seen <= indexed);
}
