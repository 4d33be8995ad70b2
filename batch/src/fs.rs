//! Writing files so that a failed or killed run never leaves a partial one behind: the one
//! atomic writer of fleetopt, used by the batch engine (outputs, summaries, merges) and by every
//! CLI command that writes a file.
//!
//! It is a room of its own because durability has one recipe and it must not drift between
//! copies: write a temporary file in the target's folder (so the rename stays on one file
//! system), give it ordinary permissions (the replaced file's, else 0644; temporary files are
//! created 0600), fsync it, rename it over the target, then fsync the folder so the rename
//! itself survives a crash. Every failure is a [`FileError`] naming the file and the step.

use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file operation that failed, with the file it was about and the operating system's cause.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot {action}: {source}", path.display())]
pub struct FileError {
    /// The file (for folder syncs: the file whose entry was being made durable).
    pub path: PathBuf,
    /// What was being done.
    pub action: FileAction,
    /// The cause.
    pub source: io::Error,
}

impl FileError {
    /// A failure of `action` on `path`.
    pub fn new(path: &Path, action: FileAction, source: io::Error) -> FileError {
        FileError {
            path: path.to_path_buf(),
            action,
            source,
        }
    }
}

/// The step of a file operation; its `Display` completes "cannot …".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    /// Creating the temporary file beside the target.
    CreateTemporary,
    /// Writing bytes.
    Write,
    /// Giving the temporary file its final permissions.
    SetPermissions,
    /// Flushing the file's data to the disk.
    Sync,
    /// Renaming the temporary file over the target.
    Replace,
    /// Flushing the folder entry of a created, renamed or removed file.
    SyncFolder,
    /// Creating a batch journal.
    CreateJournal,
    /// Writing a journal's header.
    WriteJournal,
    /// Opening a journal to resume it.
    OpenJournal,
    /// Reading a journal.
    ReadJournal,
    /// Cutting the torn end off a journal.
    CutJournal,
    /// Appending records to a journal.
    AppendJournal,
    /// Deleting a finished journal.
    RemoveJournal,
}

impl fmt::Display for FileAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileAction::CreateTemporary => "create a temporary file",
            FileAction::Write => "write",
            FileAction::SetPermissions => "set permissions on",
            FileAction::Sync => "sync",
            FileAction::Replace => "replace the file",
            FileAction::SyncFolder => "sync the folder of",
            FileAction::CreateJournal => "create the journal",
            FileAction::WriteJournal => "write the journal",
            FileAction::OpenJournal => "open the journal",
            FileAction::ReadJournal => "read the journal",
            FileAction::CutJournal => "cut the torn end of the journal",
            FileAction::AppendJournal => "append to the journal",
            FileAction::RemoveJournal => "remove the journal",
        })
    }
}

/// Writes `bytes` to `path` atomically (see the module docs).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .map_err(|e| FileError::new(path, FileAction::Write, e))?;
    file.commit()
}

/// A file being written atomically: bytes go to a temporary file beside the target, which
/// [`AtomicFile::commit`] puts in place. Dropped without a commit, the temporary file is deleted
/// and the target is untouched. For output streamed in pieces; wrap it in a `BufWriter`.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    temp: tempfile::NamedTempFile,
}

impl AtomicFile {
    /// Starts writing `path`: creates the temporary file in its folder.
    pub fn create(path: &Path) -> Result<AtomicFile, FileError> {
        let temp = tempfile::NamedTempFile::new_in(folder_of(path))
            .map_err(|e| FileError::new(path, FileAction::CreateTemporary, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp,
        })
    }

    /// Puts the written bytes in place: permissions, fsync, rename, fsync of the folder.
    pub fn commit(self) -> Result<(), FileError> {
        let path = self.path;
        let fail = |action, e| FileError::new(&path, action, e);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
            self.temp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(|e| fail(FileAction::SetPermissions, e))?;
        }
        self.temp
            .as_file()
            .sync_all()
            .map_err(|e| fail(FileAction::Sync, e))?;
        self.temp
            .persist(&path)
            .map_err(|e| fail(FileAction::Replace, e.error))?;
        sync_folder_of(&path)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.temp.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// The folder `path` lives in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Fsyncs the folder holding `path`, so that creating, renaming or removing `path` survives a
/// crash. Platforms and file systems that cannot open or fsync a folder (it fails to open, or
/// the sync is refused as invalid or unsupported) are skipped: there the file's own fsync is
/// all the durability on offer. Any other failure of the sync is reported.
pub fn sync_folder_of(path: &Path) -> Result<(), FileError> {
    let Ok(folder) = File::open(folder_of(path)) else {
        return Ok(());
    };
    match folder.sync_all() {
        Ok(()) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(FileError::new(path, FileAction::SyncFolder, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_whole_and_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_atomic(&path, b"first").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode(&path),
                0o644,
                "an ordinary file, not the temporary 0600"
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
            write_atomic(&path, b"second").unwrap();
            assert_eq!(
                mode(&path),
                0o640,
                "the replaced file's permissions are kept"
            );
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left"
        );
    }

    #[test]
    fn an_uncommitted_file_leaves_the_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, b"old").unwrap();
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"half of the new").unwrap();
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn errors_name_the_file_and_the_step() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder").join("out.json");
        let error = write_atomic(&path, b"x").unwrap_err();
        assert_eq!(error.action, FileAction::CreateTemporary);
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "{}: cannot create a temporary file: ",
                path.display()
            )),
            "{message}"
        );
    }
}
