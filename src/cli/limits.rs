//! The CLI's own bounds on what a command may ask for, checked before any work starts: each
//! refusal names the limit and how to change what was asked (exit 2).

use super::Failure;

/// Worker threads allowed per available core (`-j` at most this × the cores).
pub const THREADS_PER_CORE: usize = 4;

/// `-j N` checked against [`THREADS_PER_CORE`] × the available cores; 0 is left to the
/// command (each says it needs at least one thread).
pub fn jobs(requested: usize) -> Result<usize, Failure> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    check_jobs(requested, cores)
}

fn check_jobs(requested: usize, cores: usize) -> Result<usize, Failure> {
    let limit = THREADS_PER_CORE.saturating_mul(cores);
    if requested > limit {
        return Err(Failure::input(format!(
            "-j/--jobs: {requested} threads is more than the limit of {limit} ({THREADS_PER_CORE} per available core, {cores} core{}); give at most -j {limit}",
            if cores == 1 { "" } else { "s" }
        )));
    }
    Ok(requested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_are_bounded_by_four_per_core() {
        assert_eq!(check_jobs(8, 2).unwrap(), 8);
        let failure = check_jobs(9, 2).unwrap_err();
        assert_eq!(failure.kind.exit_code(), 2);
        assert_eq!(
            failure.message,
            "-j/--jobs: 9 threads is more than the limit of 8 (4 per available core, 2 cores); give at most -j 8"
        );
    }
}
