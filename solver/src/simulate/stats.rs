//! Streaming aggregation of trials: memory depends on the horizon (steps × grid buckets), never
//! on the number of trials, and every sum is an integer, so the result is the same whatever
//! order rayon merges workers in.
//!
//! - **Capacity quantiles** come from a per-step histogram over a fixed grid of
//!   [`GRID_PER_TARGET`] buckets per target (0.25 % of the target each) reaching at least
//!   1.5 × target (further when the plan overshoots more; the last bucket also takes anything
//!   above). The grid never has more than [`MAX_BUCKETS`] buckets: a plan of more than twice its
//!   target gets wider buckets (its range ÷ 1,000), so memory is steps × at most 1,001 counters
//!   whatever capacity ÷ target is. A quantile is reported as the lower edge of the bucket holding
//!   it: exact on the grid, never higher than the true value, at most one bucket (the report's
//!   `quantile_resolution`) below it.
//! - **Means** (capacity per step, cost) are sums of fixed-point integers — capacity in
//!   millionths of a unit, cost in billionths of a USD — rounded once per step or trial.
//! - **Minimum capacity** is a `min` over floats, which is order-independent.

use super::model::Model;
use super::trial::{self, PoolTally, Scratch};

/// Grid buckets per target: quantiles resolve to target ÷ 400 = 0.25 % of the target.
pub const GRID_PER_TARGET: f64 = 400.0;

/// The most buckets a grid has (1,000 intervals and the overflow bucket), whatever the plan.
pub const MAX_BUCKETS: usize = 1_001;

const CAPACITY_SCALE: f64 = 1e6;
const COST_SCALE: f64 = 1e9;

/// The histogram grid.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grid {
    target: f64,
    /// A bucket's width when the range is too wide for [`GRID_PER_TARGET`] buckets per target
    /// (range ÷ 1,000); `None` for the ordinary 0.25 % grid.
    wide: Option<f64>,
    buckets: usize,
}

impl Grid {
    /// The grid for a plan of `plan_capacity` against `target` (both finite and > 0, their
    /// ratio bounded, checked by the model): at most [`MAX_BUCKETS`] buckets.
    pub(crate) fn new(target: f64, plan_capacity: f64) -> Grid {
        let upper = (1.25 * plan_capacity / target).max(1.5);
        let intervals = MAX_BUCKETS - 1;
        let wanted = (upper * GRID_PER_TARGET).ceil();
        if wanted.is_finite() && wanted <= intervals as f64 {
            Grid {
                target,
                wide: None,
                buckets: wanted as usize + 1,
            }
        } else {
            Grid {
                target,
                wide: Some(upper * target / intervals as f64),
                buckets: MAX_BUCKETS,
            }
        }
    }

    fn bucket(&self, capacity: f64) -> usize {
        // capacity ÷ target is exactly 1 at the target; the noise tolerance keeps grid points
        // that float arithmetic lands a hair below in their own bucket.
        let index = match self.wide {
            None => capacity / self.target * GRID_PER_TARGET,
            Some(width) => capacity / width,
        } + crate::tolerance::NOISE;
        let index = index.floor();
        if index.is_nan() {
            return 0;
        }
        (index.max(0.0) as usize).min(self.buckets - 1)
    }

    /// The lower edge of a bucket, in capacity units.
    fn edge(&self, bucket: usize) -> f64 {
        match self.wide {
            None => bucket as f64 * self.target / GRID_PER_TARGET,
            Some(width) => bucket as f64 * width,
        }
    }

    /// One bucket's width, in capacity units.
    pub(crate) fn resolution(&self) -> f64 {
        self.wide.unwrap_or(self.target / GRID_PER_TARGET)
    }
}

/// Sums over the trials one worker (or a merge of workers) has seen.
#[derive(Debug)]
pub(crate) struct Accumulator {
    grid: Grid,
    steps: usize,
    /// `steps × buckets` counts, step-major.
    histogram: Vec<u32>,
    /// Per step, Σ capacity in millionths of a unit.
    capacity_sum: Vec<u128>,
    pub trials: u64,
    pub steps_at_target: u64,
    pub trials_below_target: u64,
    pub cost_sum: u128,
    pub az_events: u64,
    pub fallback_instances: u64,
    pub min_capacity: f64,
    pub pools: Vec<PoolTally>,
    scratch: Scratch,
}

impl Accumulator {
    pub(crate) fn new(model: &Model<'_>, grid: Grid) -> Accumulator {
        let steps = model.steps as usize;
        Accumulator {
            grid,
            steps,
            histogram: vec![0; steps * grid.buckets],
            capacity_sum: vec![0; steps],
            trials: 0,
            steps_at_target: 0,
            trials_below_target: 0,
            cost_sum: 0,
            az_events: 0,
            fallback_instances: 0,
            min_capacity: f64::INFINITY,
            pools: vec![PoolTally::default(); model.pools.len()],
            scratch: Scratch::default(),
        }
    }

    /// Runs one trial and adds it.
    pub(crate) fn add_trial(mut self, model: &Model<'_>, seed: u64, trial_index: u64) -> Self {
        let grid = self.grid;
        let buckets = grid.buckets;
        let histogram = &mut self.histogram;
        let capacity_sum = &mut self.capacity_sum;
        let totals = trial::run(
            model,
            seed,
            trial_index,
            &mut self.scratch,
            |step, capacity| {
                let step = step as usize;
                histogram[step * buckets + grid.bucket(capacity)] += 1;
                capacity_sum[step] += (capacity.max(0.0) * CAPACITY_SCALE).round() as u128;
            },
        );
        self.trials += 1;
        self.steps_at_target += totals.steps_at_target;
        if totals.steps_at_target < u64::from(model.steps) {
            self.trials_below_target += 1;
        }
        self.cost_sum += (totals.cost.max(0.0) * COST_SCALE).round() as u128;
        self.az_events += totals.az_events;
        self.fallback_instances += totals.fallback_instances;
        self.min_capacity = self.min_capacity.min(totals.min_capacity);
        let pools = &mut self.pools;
        self.scratch.drain_tally(|i, t| {
            let sum = &mut pools[i];
            sum.events += t.events;
            sum.interrupted += t.interrupted;
            sum.launched += t.launched;
        });
        self
    }

    /// Adds another worker's sums (integer additions and a `min`: order-independent).
    pub(crate) fn merge(mut self, other: Accumulator) -> Accumulator {
        for (a, b) in self.histogram.iter_mut().zip(&other.histogram) {
            *a += b;
        }
        for (a, b) in self.capacity_sum.iter_mut().zip(&other.capacity_sum) {
            *a += b;
        }
        self.trials += other.trials;
        self.steps_at_target += other.steps_at_target;
        self.trials_below_target += other.trials_below_target;
        self.cost_sum += other.cost_sum;
        self.az_events += other.az_events;
        self.fallback_instances += other.fallback_instances;
        self.min_capacity = self.min_capacity.min(other.min_capacity);
        for (a, b) in self.pools.iter_mut().zip(&other.pools) {
            a.events += b.events;
            a.interrupted += b.interrupted;
            a.launched += b.launched;
        }
        self
    }

    /// The `p` quantile (0 < p ≤ 1) of end-of-step capacity at `step`, on the grid.
    pub(crate) fn quantile(&self, step: usize, p: f64) -> f64 {
        let row = &self.histogram[step * self.grid.buckets..(step + 1) * self.grid.buckets];
        // The k-th smallest of the trials (1-based), k = ⌈p × trials⌉.
        let k = ((p * self.trials as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (bucket, &count) in row.iter().enumerate() {
            seen += u64::from(count);
            if seen >= k {
                return self.grid.edge(bucket);
            }
        }
        0.0
    }

    /// Mean end-of-step capacity at `step`.
    pub(crate) fn mean_capacity(&self, step: usize) -> f64 {
        self.capacity_sum[step] as f64 / CAPACITY_SCALE / self.trials.max(1) as f64
    }

    /// Mean capacity over every step and trial.
    pub(crate) fn overall_mean_capacity(&self) -> f64 {
        let total: u128 = self.capacity_sum.iter().sum();
        total as f64 / CAPACITY_SCALE / (self.trials.max(1) as f64 * self.steps.max(1) as f64)
    }

    /// Mean cost per trial, USD.
    pub(crate) fn mean_cost(&self) -> f64 {
        self.cost_sum as f64 / COST_SCALE / self.trials.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_bounded_whatever_capacity_over_target_is() {
        // An ordinary plan keeps the 0.25 % grid up to 1.5 × target.
        let grid = Grid::new(10.0, 11.0);
        assert_eq!(grid.buckets, 601);
        assert_eq!(grid.resolution(), 10.0 / 400.0);
        // A plan of 10,000 × its target (target 1, one weight of 10,000) used to need 5 million
        // buckets per step; now 1,001, each 12.5 units wide.
        let grid = Grid::new(1.0, 10_000.0);
        assert_eq!(grid.buckets, MAX_BUCKETS);
        assert_eq!(grid.resolution(), 12.5);
        assert_eq!(grid.bucket(1e30), MAX_BUCKETS - 1);
        assert_eq!(grid.bucket(0.0), 0);
        // Extreme values stay in range.
        for (target, capacity) in [(1e-6, 1.0), (1.0, 1e12), (1e300, 1e300), (1e-300, 1e-290)] {
            let grid = Grid::new(target, capacity);
            assert!(grid.buckets >= 2 && grid.buckets <= MAX_BUCKETS, "{grid:?}");
            assert!(grid.bucket(capacity) < grid.buckets);
            assert!(grid.bucket(f64::NAN) < grid.buckets);
        }
    }
}
