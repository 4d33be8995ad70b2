//! The batch input: a JSON Lines file (one scenario a line) or a sweep file, read as a stream.
//!
//! The kind is decided by the file name: `.jsonl` / `.ndjson` are JSON Lines; `.toml`,
//! `.json`, `.yaml`, `.yml` are sweep files ([`crate::sweep`]). Blank lines in JSON Lines are
//! skipped and do not count as scenarios; every other line is scenario number `i` (0-based, in
//! file order), whatever it holds, so a malformed line still gets its place in the output.
//!
//! Opening the input makes one streaming pass to count the scenarios (sharding needs the total)
//! and to compute its SHA-256 fingerprint (journals and shard outputs record it so a resume or
//! a merge never mixes results of different inputs). Nothing is held but the current line.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{BatchError, InputFile};
use crate::fs::{FileAction, FileError};
use crate::sweep::{Sweep, SweepScenario};

/// What the input file is.
#[derive(Debug, Clone)]
pub enum InputKind {
    /// JSON Lines, one scenario a line.
    Lines,
    /// A sweep file, expanded on the fly.
    Sweep(Box<Sweep>),
}

/// An opened batch input.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file, as given.
    pub path: PathBuf,
    /// Its display label for messages.
    pub label: String,
    /// The folder relative paths inside it resolve against.
    pub dir: PathBuf,
    /// Lines or sweep.
    pub kind: InputKind,
    len: u64,
    fingerprint: String,
}

/// One scenario as it comes out of the input, before it is understood.
#[derive(Debug, Clone)]
pub enum RawScenario {
    /// A JSON Lines line.
    Line {
        /// 0-based scenario index.
        index: u64,
        /// 1-based line number in the file.
        line_no: u64,
        /// The line text, or why it is not text.
        text: Result<String, std::str::Utf8Error>,
    },
    /// An expanded sweep scenario.
    Sweep {
        /// 0-based scenario index.
        index: u64,
        /// The scenario.
        scenario: SweepScenario,
    },
}

impl RawScenario {
    /// The 0-based scenario index.
    pub fn index(&self) -> u64 {
        match self {
            RawScenario::Line { index, .. } | RawScenario::Sweep { index, .. } => *index,
        }
    }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

impl Input {
    /// Opens a batch file: decides its kind, counts its scenarios, fingerprints it.
    pub fn open(path: &Path) -> Result<Input, BatchError> {
        let label = path.display().to_string();
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if extension == "jsonl" || extension == "ndjson" {
            let (len, fingerprint) = count_lines(path)?;
            return Ok(Input {
                path: path.to_path_buf(),
                label,
                dir,
                kind: InputKind::Lines,
                len,
                fingerprint,
            });
        }
        if crate::sweep::syntax_of(path).is_none() {
            return Err(BatchError::UnknownInputKind {
                path: path.to_path_buf(),
            });
        }
        let sweep = Sweep::load(path)?;
        // The expansion is what matters (the base request's content included), not the bytes.
        let mut hash = Sha256::new();
        hash.update(b"fleetopt-sweep\0");
        hash.update(sweep.name.as_bytes());
        hash.update(b"\0");
        hash.update(sweep.base_value().to_string().as_bytes());
        for axis in sweep.axes() {
            hash.update(b"\0");
            hash.update(axis.key.as_bytes());
            hash.update(
                serde_json::Value::Array(axis.values.clone())
                    .to_string()
                    .as_bytes(),
            );
        }
        if let Some(catalog) = &sweep.catalog {
            hash.update(b"\0catalog\0");
            hash.update(catalog.display().to_string().as_bytes());
        }
        Ok(Input {
            path: path.to_path_buf(),
            label,
            dir,
            len: sweep.len(),
            fingerprint: hex(&hash.finalize()),
            kind: InputKind::Sweep(Box::new(sweep)),
        })
    }

    /// Number of scenarios.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when the input holds no scenario.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `sha256:<hex>` of the input (of the file's bytes for JSON Lines; of the expansion's
    /// definition for sweeps).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Every file the scenarios in `range` name, resolved as solving resolves them: a sweep's
    /// catalogue, and each JSON Lines scenario's `request_file`, `catalog` and commitment files
    /// (`capacity_reservations`, `reserved_instances`, `savings_plans`, `savings_plan_rates`). A line that does not
    /// parse names nothing (it fails as a scenario either way). The journal binds these files'
    /// bytes ([`crate::runner`]), so one edited between a run and its resume is noticed.
    pub fn named_files(&self, range: Range<u64>) -> Result<BTreeSet<PathBuf>, BatchError> {
        let mut files = BTreeSet::new();
        if let InputKind::Sweep(sweep) = &self.kind {
            files.extend(sweep.catalog.clone());
            return Ok(files);
        }
        for raw in self.scenarios(range)? {
            let RawScenario::Line { text: Ok(text), .. } = raw? else {
                continue;
            };
            let Ok(serde_json::Value::Object(line)) = serde_json::from_str(&text) else {
                continue;
            };
            for key in ["request_file", "catalog"] {
                if let Some(serde_json::Value::String(name)) = line.get(key) {
                    files.insert(self.dir.join(name));
                }
            }
            for key in crate::scenario::COMMITMENT_FIELDS {
                if let Some(serde_json::Value::Array(names)) = line.get(key) {
                    for name in names.iter().filter_map(serde_json::Value::as_str) {
                        files.insert(self.dir.join(name));
                    }
                }
            }
        }
        Ok(files)
    }

    /// The SHA-256 over [`Input::named_files`]: each path, then its bytes' SHA-256 or why it could
    /// not be read (a scenario naming a missing file fails, and the file appearing before a
    /// resume must not pass for the run that failed on it). `None` when no file is named. This
    /// reads every named file once more than solving does: the price of a resume that cannot mix
    /// results of two versions of a request.
    pub fn named_files_digest(&self, range: Range<u64>) -> Result<Option<String>, BatchError> {
        let files = self.named_files(range)?;
        if files.is_empty() {
            return Ok(None);
        }
        let mut hash = Sha256::new();
        for path in &files {
            hash.update(path.as_os_str().as_encoded_bytes());
            hash.update(b"\0");
            match file_digest(path) {
                Ok(digest) => hash.update(digest.as_bytes()),
                Err(e) => hash.update(format!("unreadable: {e}").as_bytes()),
            }
            hash.update(b"\0");
        }
        Ok(Some(hex(&hash.finalize())))
    }

    /// The scenarios whose index is in `range`, in order, streamed.
    pub fn scenarios(&self, range: Range<u64>) -> Result<Scenarios<'_>, BatchError> {
        let reader = match &self.kind {
            InputKind::Lines => Some(BufReader::new(
                File::open(&self.path).map_err(|e| cannot_read(&self.path, e))?,
            )),
            InputKind::Sweep(_) => None,
        };
        Ok(Scenarios {
            input: self,
            reader,
            range: range.start..range.end.min(self.len),
            next_index: 0,
            line_no: 0,
            buffer: Vec::new(),
        })
    }
}

/// `sha256:<hex>` of a regular file's bytes, streamed and within the input size limit. A FIFO or
/// device is not read (its bytes could be read only once, or never end): its digest is
/// `stream:<path>`, so it binds by name alone.
pub(crate) fn file_digest(path: &Path) -> Result<String, BatchError> {
    let fail = |e| BatchError::File(FileError::new(path, FileAction::ReadInput, e));
    if !std::fs::metadata(path).map_err(fail)?.is_file() {
        return Ok(format!("stream:{}", path.display()));
    }
    let limit = fleetopt_instances::read::max_input_size();
    let file = std::fs::File::open(path).map_err(fail)?;
    let mut hasher = Sha256::new();
    let read = std::io::copy(&mut file.take(limit.saturating_add(1)), &mut hasher).map_err(fail)?;
    if read > limit {
        return Err(fail(
            fleetopt_instances::read::ReadError::TooLarge { limit }.into(),
        ));
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::from("sha256:");
    for b in bytes {
        text.push_str(&format!("{b:02x}"));
    }
    text
}

fn cannot_read(path: &Path, source: std::io::Error) -> BatchError {
    BatchError::ReadInput {
        path: path.to_path_buf(),
        file: InputFile::Batch,
        source,
    }
}

fn count_lines(path: &Path) -> Result<(u64, String), BatchError> {
    let cannot = |e| cannot_read(path, e);
    // Streamed, but within the input size limit like every other input (a device or FIFO
    // without newlines would otherwise grow one line without bound).
    let limit = fleetopt_instances::read::max_input_size();
    let mut reader = BufReader::new(
        File::open(path)
            .map_err(cannot)?
            .take(limit.saturating_add(1)),
    );
    let mut hash = Sha256::new();
    let mut buffer = Vec::new();
    let mut count = 0;
    let mut total: u64 = 0;
    loop {
        buffer.clear();
        if reader.read_until(b'\n', &mut buffer).map_err(cannot)? == 0 {
            break;
        }
        total += buffer.len() as u64;
        if total > limit {
            return Err(cannot(
                fleetopt_instances::read::ReadError::TooLarge { limit }.into(),
            ));
        }
        hash.update(&buffer);
        if !is_blank(&buffer) {
            count += 1;
        }
    }
    Ok((count, hex(&hash.finalize())))
}

/// The streaming iterator of [`Input::scenarios`].
#[derive(Debug)]
pub struct Scenarios<'a> {
    input: &'a Input,
    reader: Option<BufReader<File>>,
    range: Range<u64>,
    next_index: u64,
    line_no: u64,
    buffer: Vec<u8>,
}

impl Iterator for Scenarios<'_> {
    type Item = Result<RawScenario, BatchError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &self.input.kind {
            InputKind::Sweep(sweep) => {
                let index = self.range.next()?;
                Some(Ok(RawScenario::Sweep {
                    index,
                    scenario: sweep.scenario(index),
                }))
            }
            InputKind::Lines => {
                let reader = self.reader.as_mut()?;
                loop {
                    if self.next_index >= self.range.end {
                        return None;
                    }
                    self.buffer.clear();
                    match reader.read_until(b'\n', &mut self.buffer) {
                        Ok(0) => return None,
                        Ok(_) => {}
                        Err(e) => {
                            self.reader = None;
                            return Some(Err(cannot_read(&self.input.path, e)));
                        }
                    }
                    self.line_no += 1;
                    if is_blank(&self.buffer) {
                        continue;
                    }
                    let index = self.next_index;
                    self.next_index += 1;
                    if index < self.range.start {
                        continue;
                    }
                    // A byte-order mark some editors write is not part of the first scenario.
                    let text = std::str::from_utf8(&self.buffer).map(|t| {
                        t.trim_start_matches('\u{feff}')
                            .trim_end_matches(['\n', '\r'])
                            .to_owned()
                    });
                    return Some(Ok(RawScenario::Line {
                        index,
                        line_no: self.line_no,
                        text,
                    }));
                }
            }
        }
    }
}
