//! Writing results: stdout that tolerates a closed pipe, and files through the library's one
//! atomic writer ([`fleetopt::batch::fs::write_atomic`]), so a failed or killed run never
//! leaves a partial output file behind.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// A command's document: to `output` atomically when given (`-o FILE`), else to stdout.
pub fn emit(output: Option<&Path>, text: &str) -> Result<(), Failure> {
    match output {
        Some(path) => write_atomically(path, text.as_bytes()),
        None => print(text),
    }
}

/// `value` as pretty JSON with a final newline: the one JSON rendering of every command.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::other(format!("cannot render JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// `--quiet`: no progress bars, notes or summaries on stderr (errors and warnings still).
static QUIET: AtomicBool = AtomicBool::new(false);

/// Sets `--quiet` for the process (once, from the parsed arguments).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A note or summary line on stderr, unless `--quiet`.
pub fn status(line: &str) {
    if !quiet() {
        eprintln!("{line}");
    }
}

/// Whether to draw progress: stderr is a terminal and `--quiet` was not given (never into
/// redirected output).
pub fn show_progress() -> bool {
    use std::io::IsTerminal;
    !quiet() && std::io::stderr().is_terminal()
}

/// A spinner on stderr naming the work in progress (compare, pareto, a solve), on a terminal
/// only and not with `--quiet`; it clears itself when dropped, so the answer is never drawn
/// over.
pub struct Working(Option<indicatif::ProgressBar>);

impl Working {
    /// Starts the spinner with `message`, when progress is shown at all.
    pub fn start(message: &str) -> Working {
        Working(show_progress().then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            {
                bar.set_style(style);
            }
            bar.set_message(message.to_owned());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        }))
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
