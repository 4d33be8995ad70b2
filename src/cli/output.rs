//! Writing results: stdout that tolerates a closed pipe, and files through the library's one
//! atomic writer ([`fleetopt::batch::fs::write_atomic`]), so a failed or killed run never
//! leaves a partial output file behind.

use std::io::Write;
use std::path::Path;

use super::Failure;

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename, fsync of the folder).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    fleetopt::batch::fs::write_atomic(path, bytes).map_err(|e| {
        if e.is_usage() {
            Failure::input(e)
        } else {
            Failure::other(e)
        }
    })
}

/// Prints to stdout; a closed pipe (`fleetopt … | head`) is not an error.
pub fn print(text: &str) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match lock.write_all(text.as_bytes()).and_then(|()| lock.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::other(format!("cannot write to stdout: {e}"))),
    }
}

/// `value` as pretty JSON with a final newline: the one JSON rendering of every command.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::other(format!("cannot render JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}
