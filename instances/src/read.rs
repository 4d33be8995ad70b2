//! The one bounded reader of input files: every loader, request, plan and sweep reader of
//! fleetopt reads through [`read_bytes`] / [`read_text`].
//!
//! A path is opened once (so a FIFO or `/dev/stdin` works, and is never opened twice) and at
//! most the input size limit is read from it — regular files, devices and FIFOs alike
//! (`/dev/zero` stops at the limit instead of filling memory). The limit is
//! [`DEFAULT_MAX_INPUT_SIZE`] (64 MiB: the largest real input, `describe-instance-types` of a
//! whole region, is about 6 MB) unless the program raises it ([`set_max_input_size`]; the CLI's
//! `--max-input-size`). A file beyond it is refused with the limit and the flag in the message.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The default input size limit, bytes (64 MiB).
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

static MAX_INPUT_SIZE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT_SIZE);

/// Sets the process-wide input size limit, bytes (the CLI's `--max-input-size`).
pub fn set_max_input_size(bytes: u64) {
    MAX_INPUT_SIZE.store(bytes, Ordering::Relaxed);
}

/// The input size limit in force, bytes.
pub fn max_input_size() -> u64 {
    MAX_INPUT_SIZE.load(Ordering::Relaxed)
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The operating system's failure.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// The file is larger than the limit.
    #[error(
        "the file is larger than the input size limit of {limit} bytes ({}); raise it with --max-input-size BYTES",
        human(*limit)
    )]
    TooLarge {
        /// The limit in force.
        limit: u64,
    },
    /// The bytes are not UTF-8.
    #[error("not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The first invalid byte.
        offset: usize,
        /// The bytes read (for telling what the file is instead).
        bytes: Vec<u8>,
    },
}

fn human(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} B")
    }
}

/// Reads `path` whole, opened once, at most [`max_input_size`] bytes.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_bytes_limited(path, max_input_size())
}

/// Reads `path` whole, opened once, at most `limit` bytes.
pub fn read_bytes_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path)?;
    // A regular file says its size: refuse before reading a byte.
    if let Ok(meta) = file.metadata() {
        if meta.is_dir() {
            return Err(ReadError::Io(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a folder",
            )));
        }
        if meta.is_file() && meta.len() > limit {
            return Err(ReadError::TooLarge { limit });
        }
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Reads `path` as UTF-8 text (see [`read_bytes`]).
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
        bytes: e.into_bytes(),
    })
}

/// Reads `path` as UTF-8 text (see [`read_bytes`]) for callers whose errors carry an
/// [`std::io::Error`]: a file over the limit is an `InvalidData` error saying the limit and the
/// flag, text that is not UTF-8 the error `std::fs::read_to_string` gives.
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    read_text(path).map_err(std::io::Error::from)
}

impl From<ReadError> for std::io::Error {
    fn from(error: ReadError) -> std::io::Error {
        match error {
            ReadError::Io(e) => e,
            ReadError::TooLarge { .. } => {
                std::io::Error::new(std::io::ErrorKind::InvalidData, error.to_string())
            }
            ReadError::NotUtf8 { .. } => std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            ),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_beyond() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_bytes_limited(&path, 10).unwrap(), b"0123456789");
        let error = read_bytes_limited(&path, 9).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the file is larger than the input size limit of 9 bytes (9 B); raise it with --max-input-size BYTES"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_device_stops_at_the_limit() {
        let error = read_bytes_limited(Path::new("/dev/zero"), 1024 * 1024).unwrap_err();
        assert!(matches!(error, ReadError::TooLarge { limit } if limit == 1024 * 1024));
        assert!(error.to_string().contains("(1 MiB)"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::write(fifo, b"\xff\xfe not utf-8").unwrap())
        };
        // Not UTF-8: the bytes come back with the error, nothing is read a second time.
        let error = read_text(&fifo).unwrap_err();
        writer.join().unwrap();
        assert!(
            matches!(&error, ReadError::NotUtf8 { offset: 0, bytes } if bytes.starts_with(b"\xff\xfe"))
        );
    }
}
