//! Writing files so that a failed or killed run never leaves a partial one behind: the one
//! atomic writer of fleetopt, used by the batch engine (outputs, summaries, merges) and by every
//! CLI command that writes a file.
//!
//! It is a room of its own because durability has one recipe and it must not drift between
//! copies: write a temporary file in the target's folder (so the rename stays on one file
//! system), give it ordinary permissions (the replaced file's, else 0644; temporary files are
//! created 0600), fsync it, rename it over the target, then fsync the folder so the rename
//! itself survives a crash. Every failure is a [`FileError`] naming the file and the step.
//!
//! What the target is decides the recipe, before a byte is written: a regular file or a new
//! path is replaced as above (through a symlink: the link's target is written, the link kept);
//! a device, FIFO or socket (`/dev/null`, `/dev/stdout`, a named pipe) cannot be replaced and is
//! written straight through; a folder or a dangling symlink is refused ([`FileError::is_usage`]).
//! Temporary files are named `.fleetopt-tmp-<pid>-<random>` ([`TEMP_PREFIX`]); they are deleted
//! on every error path, and the ones a killed process left are removed by the next write there.

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
    /// Whether the failure is the caller's: an output path that cannot be written to (a
    /// folder, a dangling symlink) is a usage error, every other failure is the system's.
    pub fn is_usage(&self) -> bool {
        self.action == FileAction::Refuse
    }

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
    /// Deciding what the output path is (resolving a symlink).
    Resolve,
    /// Writing to a folder or a dangling symlink: refused, a usage error.
    Refuse,
    /// Opening a device or FIFO to write through to it.
    Open,
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
    /// Reading an input to fingerprint it.
    ReadInput,
    /// Creating a batch journal.
    CreateJournal,
    /// Writing a journal's header.
    WriteJournal,
    /// Opening a journal to resume it.
    OpenJournal,
    /// Reading a journal.
    ReadJournal,
    /// Taking a journal's lock.
    LockJournal,
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
            FileAction::Resolve => "resolve the output path",
            FileAction::Refuse => "write the output there",
            FileAction::Open => "open for writing",
            FileAction::CreateTemporary => "create a temporary file",
            FileAction::Write => "write",
            FileAction::SetPermissions => "set permissions on",
            FileAction::Sync => "sync",
            FileAction::Replace => "replace the file",
            FileAction::SyncFolder => "sync the folder of",
            FileAction::ReadInput => "read",
            FileAction::CreateJournal => "create the journal",
            FileAction::WriteJournal => "write the journal",
            FileAction::OpenJournal => "open the journal",
            FileAction::ReadJournal => "read the journal",
            FileAction::LockJournal => "lock the journal",
            FileAction::CutJournal => "cut the torn end of the journal",
            FileAction::AppendJournal => "append to the journal",
            FileAction::RemoveJournal => "remove the journal",
        })
    }
}

/// The prefix of every temporary file fleetopt creates beside a target, followed by the
/// writing process's id and a random part (`.fleetopt-tmp-<pid>-<random>`), so a temporary
/// left behind by a killed run is recognisable and removed by the next write to that folder.
pub const TEMP_PREFIX: &str = ".fleetopt-tmp-";

/// Writes `bytes` to `path` atomically (see the module docs).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .map_err(|e| FileError::new(path, FileAction::Write, e))?;
    file.commit()
}

/// What a path given as an output is, decided before anything is written.
#[derive(Debug)]
enum Destination {
    /// A regular file or a new path (the final path, symlinks resolved): replaced atomically.
    Replace(PathBuf),
    /// A device, FIFO or socket: written straight through, never replaced.
    Through,
}

/// Decides how `path` is written: regular files and new paths atomically (a symlink is
/// followed and its target written, never the link replaced), devices and FIFOs straight
/// through, folders and dangling symlinks refused.
fn destination(path: &Path) -> Result<Destination, FileError> {
    let refuse = |message: &str| {
        FileError::new(
            path,
            FileAction::Refuse,
            io::Error::new(io::ErrorKind::InvalidInput, message.to_owned()),
        )
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(refuse(
            "it is a folder; give a file name (a new path, a regular file, a device or a FIFO)",
        )),
        Ok(meta) if meta.is_file() => {
            let resolved = std::fs::canonicalize(path)
                .map_err(|e| FileError::new(path, FileAction::Resolve, e))?;
            Ok(Destination::Replace(resolved))
        }
        Ok(_) => Ok(Destination::Through),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                Err(refuse(
                    "it is a symbolic link to nothing; fleetopt follows links and never replaces them",
                ))
            } else {
                Ok(Destination::Replace(path.to_path_buf()))
            }
        }
        Err(e) => Err(FileError::new(path, FileAction::Resolve, e)),
    }
}

/// A file being written atomically: bytes go to a temporary file beside the target, which
/// [`AtomicFile::commit`] puts in place. Dropped without a commit, the temporary file is deleted
/// and the target is untouched. For output streamed in pieces; wrap it in a `BufWriter`.
///
/// A device or FIFO (`-o /dev/null`, `-o /dev/stdout`, a named pipe) is written straight
/// through instead: it cannot be replaced, and replacing it would turn it into a regular file.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    Temporary {
        target: PathBuf,
        temp: tempfile::NamedTempFile,
    },
    Through(File),
}

impl AtomicFile {
    /// Starts writing `path`: for a regular file or a new path, removes stale temporaries of
    /// killed runs and creates the temporary file in its folder; for a device or FIFO, opens it
    /// for writing; a folder is refused ([`FileAction::Refuse`]).
    pub fn create(path: &Path) -> Result<AtomicFile, FileError> {
        let sink = match destination(path)? {
            Destination::Through => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| FileError::new(path, FileAction::Open, e))?;
                Sink::Through(file)
            }
            Destination::Replace(target) => {
                let folder = folder_of(&target);
                remove_stale_temporaries(folder);
                let temp = tempfile::Builder::new()
                    .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
                    .tempfile_in(folder)
                    .map_err(|e| FileError::new(path, FileAction::CreateTemporary, e))?;
                Sink::Temporary { target, temp }
            }
        };
        Ok(AtomicFile {
            path: path.to_path_buf(),
            sink,
        })
    }

    /// Puts the written bytes in place: permissions, fsync, rename, fsync of the folder (for a
    /// device or FIFO: a flush and, where the device supports it, an fsync).
    pub fn commit(self) -> Result<(), FileError> {
        let path = self.path;
        let fail = |action, e| FileError::new(&path, action, e);
        let (target, temp) = match self.sink {
            Sink::Through(mut file) => {
                file.flush().map_err(|e| fail(FileAction::Write, e))?;
                return sync_where_supported(&file).map_err(|e| fail(FileAction::Sync, e));
            }
            Sink::Temporary { target, temp } => (target, temp),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                std::fs::metadata(&target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
            temp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(|e| fail(FileAction::SetPermissions, e))?;
        }
        temp.as_file()
            .sync_all()
            .map_err(|e| fail(FileAction::Sync, e))?;
        // On failure the returned temporary file is dropped, which deletes it.
        temp.persist(&target)
            .map_err(|e| fail(FileAction::Replace, e.error))?;
        sync_folder_of(&target)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Temporary { temp, .. } => temp.write(buf),
            Sink::Through(file) => file.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Temporary { temp, .. } => temp.write_all(buf),
            Sink::Through(file) => file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Temporary { temp, .. } => temp.flush(),
            Sink::Through(file) => file.flush(),
        }
    }
}

/// Removes the temporaries (`.fleetopt-tmp-<pid>-…`) in `folder` whose writing process is gone:
/// what `kill -9` left behind. A temporary of a live process (a concurrent run) is kept; on
/// platforms without `/proc` only temporaries older than a day are removed. Failures are
/// ignored: this is tidying, not part of the write.
fn remove_stale_temporaries(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let proc_root = Path::new("/proc/self");
        let gone = if proc_root.exists() {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 24 * 60 * 60)
        };
        if gone {
            let _ = std::fs::remove_file(entry.path());
        }
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
    sync_where_supported(&folder).map_err(|e| FileError::new(path, FileAction::SyncFolder, e))
}

/// `file.sync_all()`, where the file supports it: a device, a pipe or a folder on some file
/// systems refuses the sync as invalid or unsupported, and then there is nothing more durable
/// to ask for. Any other failure is returned.
fn sync_where_supported(file: &File) -> io::Result<()> {
    match file.sync_all() {
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        other => other,
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

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_through_and_stays_a_device() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), b"discarded").unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device(), "{meta:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_device_reports_the_write_failure() {
        let error = write_atomic(Path::new("/dev/full"), b"x").unwrap_err();
        assert_eq!(error.action, FileAction::Write);
        assert!(!error.is_usage());
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::metadata("/dev/full")
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_through_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_atomic(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        let meta = std::fs::symlink_metadata(&fifo).unwrap();
        assert!(meta.file_type().is_fifo(), "{meta:?}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);

        let dangling = dir.path().join("dangling.json");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        let error = write_atomic(&dangling, b"x").unwrap_err();
        assert!(error.is_usage(), "{error}");
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn a_folder_is_refused_as_usage() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_atomic(dir.path(), b"x").unwrap_err();
        assert_eq!(error.action, FileAction::Refuse);
        assert!(error.is_usage());
        assert!(error.to_string().contains("it is a folder"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn temporaries_of_dead_processes_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A pid above the kernel's maximum (4,194,304) belongs to no process.
        let stale = dir.path().join(format!("{TEMP_PREFIX}4999999-abc"));
        std::fs::write(&stale, b"left by kill -9").unwrap();
        let live = dir.path().join(format!("{TEMP_PREFIX}1-abc"));
        std::fs::write(&live, b"pid 1 is alive").unwrap();
        let other = dir.path().join(".tmpXYZ");
        std::fs::write(&other, b"not ours").unwrap();
        write_atomic(&dir.path().join("out.json"), b"x").unwrap();
        assert!(!stale.exists());
        assert!(live.exists());
        assert!(other.exists());
    }

    #[test]
    fn the_temporary_is_recognisable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        let file = AtomicFile::create(&path).unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 1);
        assert!(
            names[0].starts_with(&format!("{TEMP_PREFIX}{}-", std::process::id())),
            "{names:?}"
        );
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
