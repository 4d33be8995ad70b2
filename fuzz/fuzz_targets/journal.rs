#![no_main]
//! Fuzz target: the journal reader: record verification and `Journal::resume` on a file of the input's bytes. Any input must give a value or a typed error, never a panic.

use libfuzzer_sys::fuzz_target;

use fleetopt_batch::journal::{self, Header, JOURNAL_SCHEMA, Journal};

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
        total: 8,
        shard: None,
        catalog: None,
        catalog_digest: None,
    };
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("out.jsonl.journal");
    // The header line the run would write, then the fuzzed records.
    let mut bytes = Vec::new();
    if let Ok(mut line) = serde_json_line(&header) {
        line.push('\n');
        bytes.extend_from_slice(line.as_bytes());
    }
    bytes.extend_from_slice(data);
    if std::fs::write(&path, &bytes).is_err() {
        return;
    }
    if let Ok(mut journal) = Journal::resume(&path, &header, 0..8) {
        let done = journal.done();
        assert!(done <= 8);
        let mut seen = 0;
        let _ = journal.replay(|_, _| {
            seen += 1;
            Ok(())
        });
        assert!(seen <= done);
    }
});

fn serde_json_line(header: &Header) -> Result<String, ()> {
    fleetopt_batch::journal::header_line(header).map_err(|_| ())
}
