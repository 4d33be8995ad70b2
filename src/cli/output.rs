//! Writing results: stdout, or a file replaced atomically so a failed or killed run never
//! leaves a partial output file behind.

use std::io::Write;
use std::path::Path;

use super::Failure;

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed and
/// synced, then renamed over the target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let describe = |what: &str, e: std::io::Error| {
        Failure::other(format!("{}: cannot {what}: {e}", path.display()))
    };
    let mut file =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| describe("create a temporary file", e))?;
    file.write_all(bytes).map_err(|e| describe("write", e))?;
    // Temporary files are created private (0600); the result is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| describe("set permissions on", e))?;
    }
    file.as_file().sync_all().map_err(|e| describe("sync", e))?;
    file.persist(path)
        .map_err(|e| describe("replace the file", e.error))?;
    Ok(())
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
