//! Sharding: one deterministic slice of a batch, so a batch too big for one machine runs as an
//! AWS Batch array job or a Kubernetes Indexed Job.
//!
//! Shard `K/N` is **0-based** (`0/4` … `3/4`), like both schedulers' indices, and takes the
//! **contiguous** range `[⌊T·K/N⌋, ⌊T·(K+1)/N⌋)` of the `T` scenarios in input order. Contiguous
//! ranges keep merging trivial (concatenate in `K` order) and balance to within one scenario.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// AWS Batch sets this in each child of an array job: its 0-based index
/// (AWS Batch User Guide, "AWS Batch job environment variables").
pub const AWS_BATCH_INDEX: &str = "AWS_BATCH_JOB_ARRAY_INDEX";
/// AWS Batch sets this to the size of the parent array job (same source).
pub const AWS_BATCH_SIZE: &str = "AWS_BATCH_JOB_ARRAY_SIZE";
/// Kubernetes sets this in each pod of an Indexed Job (`completionMode: Indexed`): its 0-based
/// completion index (Kubernetes documentation, "Jobs", completion mode).
pub const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";
/// Kubernetes does not expose the number of completions to the pod; this variable (or
/// `--shards N`) says it.
pub const SHARDS_ENV: &str = "FLEETOPT_SHARDS";

/// One slice of a batch: shard `index` of `count`, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based shard number, below `count`.
    pub index: u64,
    /// Number of shards (≥ 1).
    pub count: u64,
}

/// Why a shard spec or the environment names no shard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// `N` is 0.
    #[error("the number of shards must be at least 1")]
    NoShards,
    /// `K` is not below `N`.
    #[error(
        "shard {index} of {count} does not exist: shards are numbered from 0 to {} (0-based)",
        count - 1
    )]
    OutOfRange {
        /// The shard number given.
        index: u64,
        /// The number of shards.
        count: u64,
    },
    /// The text is not `K/N`.
    #[error("expected K/N with 0 ≤ K < N (0-based, e.g. 0/4), found {text:?}")]
    NotKOverN {
        /// The text given.
        text: String,
    },
    /// An environment variable that must hold a number does not.
    #[error("{name}={text:?} is not a non-negative integer")]
    NotANumber {
        /// The variable.
        name: &'static str,
        /// Its value.
        text: String,
    },
    /// AWS Batch's index is set without the array size.
    #[error("{AWS_BATCH_INDEX} is set but {AWS_BATCH_SIZE} is not; pass --shards N")]
    NoArraySize,
    /// Kubernetes' index is set without the number of shards.
    #[error(
        "{K8S_INDEX} is set but the number of shards is not: pass --shards N (the Job's completions) or set {SHARDS_ENV}"
    )]
    NoCompletions,
    /// Neither scheduler's index is set.
    #[error(
        "--shard-from-env: neither {AWS_BATCH_INDEX} (AWS Batch array job) nor {K8S_INDEX} (Kubernetes Indexed Job) is set"
    )]
    NoEnvironment,
}

impl Shard {
    /// A checked shard.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError::NoShards);
        }
        if index >= count {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Shard { index, count })
    }

    /// Parses `K/N` (0-based `K`, `K < N`).
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let expected = || ShardError::NotKOverN {
            text: text.to_owned(),
        };
        let (k, n) = text.split_once('/').ok_or_else(expected)?;
        let k: u64 = k.trim().parse().map_err(|_| expected())?;
        let n: u64 = n.trim().parse().map_err(|_| expected())?;
        Shard::new(k, n)
    }

    /// The shard the environment names: `AWS_BATCH_JOB_ARRAY_INDEX` with
    /// `AWS_BATCH_JOB_ARRAY_SIZE`, else `JOB_COMPLETION_INDEX` with `shards` (the CLI's
    /// `--shards`) or `FLEETOPT_SHARDS`. `var` reads one variable (`std::env::var` in the CLI).
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        shards: Option<u64>,
    ) -> Result<Shard, ShardError> {
        let number = |name: &'static str, text: String| -> Result<u64, ShardError> {
            text.trim()
                .parse()
                .map_err(|_| ShardError::NotANumber { name, text })
        };
        if let Some(index) = var(AWS_BATCH_INDEX) {
            let index = number(AWS_BATCH_INDEX, index)?;
            let count = match (shards, var(AWS_BATCH_SIZE)) {
                (Some(count), _) => count,
                (None, Some(size)) => number(AWS_BATCH_SIZE, size)?,
                (None, None) => return Err(ShardError::NoArraySize),
            };
            return Shard::new(index, count);
        }
        if let Some(index) = var(K8S_INDEX) {
            let index = number(K8S_INDEX, index)?;
            let count = match (shards, var(SHARDS_ENV)) {
                (Some(count), _) => count,
                (None, Some(count)) => number(SHARDS_ENV, count)?,
                (None, None) => return Err(ShardError::NoCompletions),
            };
            return Shard::new(index, count);
        }
        Err(ShardError::NoEnvironment)
    }

    /// The scenario indices of this shard among `total`.
    pub fn range(&self, total: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(total) * u128::from(k) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_zero_based_and_rejects_out_of_range() {
        assert_eq!(Shard::parse("0/4").unwrap(), Shard { index: 0, count: 4 });
        assert_eq!(Shard::parse("3/4").unwrap(), Shard { index: 3, count: 4 });
        assert!(
            Shard::parse("4/4")
                .unwrap_err()
                .to_string()
                .contains("0 to 3")
        );
        assert!(
            Shard::parse("0/0")
                .unwrap_err()
                .to_string()
                .contains("at least 1")
        );
        assert!(
            Shard::parse("1-4")
                .unwrap_err()
                .to_string()
                .contains("expected K/N")
        );
        assert!(Shard::parse("a/4").is_err());
    }

    #[test]
    fn ranges_are_contiguous_balanced_and_cover_everything() {
        for total in [0u64, 1, 5, 10, 1001] {
            for count in [1u64, 2, 3, 7, 12] {
                let mut next = 0;
                for index in 0..count {
                    let range = Shard { index, count }.range(total);
                    assert_eq!(range.start, next);
                    assert!(range.end - range.start <= total / count + 1);
                    next = range.end;
                }
                assert_eq!(next, total);
            }
        }
        assert_eq!(Shard { index: 1, count: 4 }.range(10), 2..5);
    }

    #[test]
    fn reads_aws_batch_and_kubernetes_environments() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let aws = env(&[(AWS_BATCH_INDEX, "2"), (AWS_BATCH_SIZE, "5")]);
        assert_eq!(
            Shard::from_env(aws, None).unwrap(),
            Shard { index: 2, count: 5 }
        );
        let k8s = env(&[(K8S_INDEX, "1")]);
        assert_eq!(
            Shard::from_env(k8s, Some(3)).unwrap(),
            Shard { index: 1, count: 3 }
        );
        let k8s = env(&[(K8S_INDEX, "1"), (SHARDS_ENV, "2")]);
        assert_eq!(
            Shard::from_env(k8s, None).unwrap(),
            Shard { index: 1, count: 2 }
        );
        let k8s = env(&[(K8S_INDEX, "1")]);
        assert!(
            Shard::from_env(k8s, None)
                .unwrap_err()
                .to_string()
                .contains("--shards")
        );
        assert!(
            Shard::from_env(env(&[]), None)
                .unwrap_err()
                .to_string()
                .contains("neither")
        );
        let bad = env(&[(AWS_BATCH_INDEX, "x"), (AWS_BATCH_SIZE, "5")]);
        assert!(
            Shard::from_env(bad, None)
                .unwrap_err()
                .to_string()
                .contains("not a non-negative")
        );
    }
}
